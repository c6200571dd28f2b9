"""Figures read from a report's sentences (issue 15): offered on the upload preview with the
sentence they came from, never ticked by the page, stored only when the writer accepts them."""

from __future__ import annotations

import re
from decimal import Decimal

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from office_files import to_bytes

from baocao.apps.campaigns.models import IndicatorValue, SectionText, Upload, UploadStatus

from .campaign_scenario import as_user, report_of, url

pytestmark = pytest.mark.django_db

SENTENCE = "Đến nay toàn huyện có 4.321 đoàn viên, tăng 250 người so với năm 2008."


@pytest.fixture
def dakha(campaign, tree):
    return report_of(campaign, tree.dakha)


def prose_report() -> bytes:
    """A report without any figures table: its one figure is in a sentence."""
    document = docx.Document()
    for text, bold in (
        ("II. KẾT QUẢ ĐẠT ĐƯỢC", True),
        ("1. Tình hình về đoàn viên, CNVCLĐ và tổ chức công đoàn", True),
        (SENTENCE, False),
        ("Công tác phát triển đoàn viên được quan tâm.", False),
    ):
        document.add_paragraph().add_run(text).bold = bold or None
    return to_bytes(document)


def upload(client, report) -> tuple[Upload, str]:
    response = client.post(
        url("report_upload", report),
        {"file": SimpleUploadedFile("bao_cao.docx", prose_report())},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = Upload.objects.latest("pk")
    page = client.get(url("upload_preview", report, item.pk))
    assert page.status_code == 200
    return item, page.content.decode()


def fields(html: str, *extra: tuple[str, str]) -> dict[str, list[str]]:
    """What a browser sends from the preview's form: hidden inputs and ticked boxes (this
    report has no unplaced paragraph, hence no select), and `extra` ticked by the person."""
    form = re.search(r'<form id="ip-form".*?</form>', html, re.S).group(0)
    sent: dict[str, list[str]] = {}
    pairs = []
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]*)"', tag)
        if name and (kind.group(1) == "hidden" or " checked" in tag):
            pairs.append((name.group(1), value.group(1) if value else ""))
    for name, value in [*pairs, *extra]:
        sent.setdefault(name, []).append(value)
    return sent


def proposal_box(html: str) -> str:
    rows = [r for r in re.findall(r"<tr id=\"ip-d\d+\".*?</tr>", html, re.S) if "4.321" in r]
    assert len(rows) == 1, rows
    return rows[0]


def members_2017(report):
    return IndicatorValue.objects.filter(report=report, code="members", year=2017).first()


def test_a_prose_figure_is_offered_with_its_sentence_and_not_ticked(client, dakha, people):
    as_user(client, people["dakha_writer"])
    _item, html = upload(client, dakha)
    assert "Số liệu đọc từ câu văn (đề xuất)" in html
    row = proposal_box(html)
    assert "Số đoàn viên công đoàn, năm 2017" in row
    assert SENTENCE in row  # the sentence it came from, beside the figure
    assert "Độ tin cậy:" in row
    assert re.search(r'name="proposal" value="\d+"', row)
    assert " checked" not in row  # offered, never ticked by the page
    # The change beside it ("tăng 250") is no figure: nothing else is offered.
    assert "ip-d1" not in html
    assert members_2017(dakha) is None


def test_an_unaccepted_prose_figure_is_not_stored(client, dakha, people):
    as_user(client, people["dakha_writer"])
    item, html = upload(client, dakha)
    response = client.post(url("upload_confirm", dakha, item.pk), fields(html))
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert item.status == UploadStatus.CONFIRMED
    # The section's text went in, the figure did not.
    assert SectionText.objects.filter(report=dakha, section_id="P1/II/1").exists()
    assert members_2017(dakha) is None
    assert not (item.outcome or {}).get("proposals")


def test_an_accepted_prose_figure_is_stored(client, dakha, people):
    as_user(client, people["dakha_writer"])
    item, html = upload(client, dakha)
    index = re.search(r'name="proposal" value="(\d+)"', proposal_box(html)).group(1)
    response = client.post(url("upload_confirm", dakha, item.pk), fields(html, ("proposal", index)))
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = members_2017(dakha)
    assert stored is not None and stored.value == Decimal(4321)
    item.refresh_from_db()
    assert item.status == UploadStatus.CONFIRMED
    assert item.outcome["proposals"] == {index: stored.raw}
    # Shown as imported when the preview is opened again.
    again = client.get(url("upload_preview", dakha, item.pk)).content.decode()
    assert "Đã nhập" in proposal_box(again)
