"""Hostile files through the pages that take them: a report upload, the outline import, the unit
import each answer 400 with the Vietnamese refusal and store nothing; the preview of a file with
hundreds of unplaced paragraphs shows them a page at a time (a bounded number of choices), and
its confirm places the paragraphs of the other pages with one choice.

The bombs' memory and time are held by tests/core/test_hostile_files.py (a child process under
a 1 GB limit) and measured by bench/bench_hostile.py; here they are the small, quick ones.
"""

from __future__ import annotations

import re

import docx
import hostile_files
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from office_files import to_bytes

from baocao.apps.campaigns.models import SectionText, Upload, UploadStatus
from baocao.apps.orgs.models import Unit
from baocao.apps.outlines.models import OutlineDocument

from .campaign_scenario import as_user, url
from .test_ingest_pages import confirm, form_fields, preview, uploaded

pytestmark = pytest.mark.django_db


def built(tmp_path, name: str) -> tuple[bytes, hostile_files.Case]:
    case = hostile_files.CASES[name]
    path = tmp_path / case.name
    case.build(path)
    return path.read_bytes(), case


def test_the_issues_word_bomb_is_refused_as_a_report(client, school, people, tmp_path):
    """111 KB that unpack to 20 MB of tiny paragraphs: refused in a second, not previewed."""
    data, case = built(tmp_path, "docx: 20 MB of tiny paragraphs")
    as_user(client, people["school_writer"])
    response = client.post(
        url("report_upload", school), {"file": SimpleUploadedFile(case.name, data)}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "quá lớn hoặc có cấu trúc bất thường" in html and "50.000 đoạn văn" in html
    assert Upload.objects.count() == 0


@pytest.mark.parametrize(
    "name",
    [
        "outline docx: 20 MB of tiny paragraphs",
        "yaml: nested aliases (billion laughs)",
        "yaml: recursive alias",
        "yaml: 200,000 nested brackets",
        "txt: 50,000 headings",
    ],
)
def test_an_outline_bomb_is_refused_and_nothing_is_stored(client, people, tmp_path, name):
    data, case = built(tmp_path, name)
    client.force_login(people["admin"])
    response = client.post(
        reverse("outlines:import"), {"file": SimpleUploadedFile(case.name, data)}
    )
    assert response.status_code == 400
    assert case.words in response.content.decode()
    assert not OutlineDocument.objects.exclude(builtin=True).exists()


def test_an_empty_outline_file_is_refused_saying_what_to_do(client, people):
    client.force_login(people["admin"])
    empty = SimpleUploadedFile("de_cuong.docx", b"")
    response = client.post(reverse("outlines:import"), {"file": empty})
    assert response.status_code == 400
    assert "Tệp đã chọn rỗng (0 byte), không có nội dung. Hãy kiểm tra lại tệp" in (
        response.content.decode()
    )


def test_a_unit_sheet_bomb_is_refused_and_the_tree_is_unchanged(client, tree, people, tmp_path):
    data, case = built(tmp_path, "units xlsx: junk between the rows")
    client.force_login(people["admin"])
    before = Unit.objects.count()
    response = client.post(reverse("orgs:import"), {"file": SimpleUploadedFile(case.name, data)})
    assert response.status_code == 400
    assert case.words in response.content.decode()
    assert Unit.objects.count() == before


# --- the preview of many unplaced paragraphs ---------------------------------------------------

LOOSE = 120


def loose_report() -> bytes:
    """A report of 120 paragraphs under no heading of the outline: all unplaced."""
    document = docx.Document()
    for number in range(1, LOOSE + 1):
        document.add_paragraph(f"Đoạn thứ {number}: công đoàn tổ chức {number + 2} buổi sinh hoạt.")
    return to_bytes(document)


@pytest.fixture
def loose_upload(client, dakha, people) -> Upload:
    as_user(client, people["dakha_writer"])
    item = uploaded(client, dakha, loose_report(), "nhieu_doan.docx")
    assert len(item.result["unassigned"]) == LOOSE
    return item


@pytest.fixture
def dakha(campaign, tree):
    from .campaign_scenario import report_of

    return report_of(campaign, tree.dakha)


def test_the_preview_shows_unplaced_paragraphs_a_page_at_a_time(client, dakha, loose_upload):
    html = preview(client, dakha, loose_upload)
    sections = len(dakha.campaign.section_ids)
    assert "Đoạn thứ 1:" in html and "Đoạn thứ 50:" in html and "Đoạn thứ 51:" not in html
    assert len(re.findall(r'name="place:\d+"', html)) == 50
    assert 'name="place_rest"' in html
    assert "70 đoạn chưa xếp ở các trang khác" in html
    assert "Đang hiện đoạn 1–50 trong 120 đoạn chưa xếp." in html
    assert "Trang 1/3" in html
    # one choice of section for each paragraph shown and one for the rest, never one for each
    assert html.count("<option") <= 51 * (sections + 2)

    second = client.get(url("upload_preview", dakha, loose_upload.pk) + "?doan=2").content.decode()
    assert "Đoạn thứ 51:" in second and "Đoạn thứ 100:" in second and "Đoạn thứ 50:" not in second
    assert "Xếp đoạn 51 vào" in second and 'start="51"' in second
    last = client.get(url("upload_preview", dakha, loose_upload.pk) + "?doan=99").content.decode()
    assert "Đoạn thứ 120:" in last and "Trang 3/3" in last  # past the end: the last page


def test_a_confirm_places_this_pages_paragraphs_and_the_rest_with_one_choice(
    client, dakha, loose_upload
):
    html = client.get(url("upload_preview", dakha, loose_upload.pk) + "?doan=2").content.decode()
    fields = form_fields(html)
    assert fields["doan"] == ["2"]
    refused = confirm(client, dakha, loose_upload, fields)
    assert refused.status_code == 400
    text = refused.content.decode()
    # the numbers listed stop after 20; the page shown again is the one posted from
    assert "Còn 120 đoạn chưa xếp vào mục nào (đoạn số 1, 2, 3," in text and "20, …)" in text
    assert "Đoạn thứ 51:" in text and 'aria-invalid="true"' in text

    for index in range(50, 100):
        fields[f"place:{index}"] = ["P2/3"]
    fields["place_rest"] = ["-"]
    fields["section"] = []
    assert confirm(client, dakha, loose_upload, fields).status_code == 302
    loose_upload.refresh_from_db()
    places = loose_upload.outcome["places"]
    assert len(places) == LOOSE and loose_upload.status == UploadStatus.CONFIRMED
    assert {places[str(i)] for i in range(50, 100)} == {"P2/3"}
    assert {places[str(i)] for i in [*range(50), *range(100, LOOSE)]} == {"-"}
    text = SectionText.objects.get(report=dakha, section_id="P2/3").text
    assert "Đoạn thứ 51:" in text and "Đoạn thứ 100:" in text and "Đoạn thứ 101:" not in text


def test_a_few_unplaced_paragraphs_are_all_on_one_page_without_a_common_choice(
    client, dakha, people
):
    as_user(client, people["dakha_writer"])
    document = docx.Document()
    document.add_paragraph("Đoạn thứ nhất: công đoàn tổ chức 3 buổi sinh hoạt.")
    item = uploaded(client, dakha, to_bytes(document), "mot_doan.docx")
    html = preview(client, dakha, item)
    assert 'name="place:0"' in html
    assert 'name="place_rest"' not in html and "Trang 1/" not in html
