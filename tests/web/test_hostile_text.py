"""Text that broke output: control characters, zero-width and bidi characters, line breaks in
one-line fields. Every entry point (the report page, the campaign form, the CLI, the API, an
uploaded file, a unit list, an outline) stores them cleaned; every writer (dashboard and unit
workbooks, CSV, the unit's and the consolidated DOCX and XLSX, templates, PDF) copes with the
rows stored before, which the data migration then cleans.

Rows "stored before" are written past the actions with `QuerySet.update`, as they are in a
database that predates the cleaning.
"""

from __future__ import annotations

import csv
import datetime
import importlib
import io
import json
import re
import zipfile

import docx
import pytest
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from office_files import fill_template
from openpyxl import load_workbook
from typer.testing import CliRunner

from baocao import libreoffice
from baocao.apps.api.models import Token
from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import (
    Campaign,
    IndicatorValue,
    ReportEvent,
    SectionText,
    SectionVersion,
    Upload,
)
from baocao.apps.orgs.models import Unit, UnitKind
from baocao.apps.outlines.models import OutlineDocument
from baocao.cli import app
from baocao.outline.builtin import load_builtin
from baocao.outline.serialize import dump_yaml

from .campaign_scenario import as_user, report_of, url
from .outline_upload import import_outline

pytestmark = pytest.mark.django_db

SECTION = "P1/I/1"
# What older rows hold: invisible on a page, fatal to an XML writer or a mail header.
DIRTY_UNIT = "CĐCS\x01 UBND\x0b xã\u202e Đăk Mar"
DIRTY_TEXT = "<p>Đoạn\x01 viết\x0b của\u200b trường\ufeff.</p>"
DIRTY_CAMPAIGN = "Nhắc\nBcc: x@evil.example\x01"
# Anything left of them in what a writer produced.
LEFT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\ufeff]")


def no_control_characters(data: bytes) -> None:
    """An Office file's XML parts (or a CSV) hold none of the characters cleaning removes."""
    if data[:2] != b"PK":
        assert not LEFT.search(data.decode("utf-8-sig"))
        return
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                assert not LEFT.search(archive.read(name).decode("utf-8")), name


# --- entry points ----------------------------------------------------------------------------


def test_the_editor_stores_a_section_without_control_or_bidi_characters(client, school, people):
    as_user(client, people["school_writer"])
    response = client.post(
        url("section_save", school, SECTION),
        {"text": "Dòng\x01 một\u202e\nDòng\x0bhai\u200b", "base_version": "0"},
    )
    assert response.status_code == 302
    stored = SectionText.objects.get(report=school, section_id=SECTION)
    assert stored.text == "<p>Dòng một</p><p>Dòng</p><p>hai</p>"


def test_a_campaign_named_with_a_line_break_gets_one_line_from_the_form(client, campaign, tree):
    admin = campaign.created_by
    as_user(client, admin)
    response = client.post(
        reverse("campaigns:open"),
        {
            "name": "Nhắc\r\nBcc: x@evil.example\u202e",
            "outline": campaign.outline.pk,
            "root_unit": tree.dakha.pk,
            "kinds": [UnitKind.GRASSROOTS],
            "deadline": "2030-12-15",
        },
    )
    assert response.status_code == 302
    assert Campaign.objects.filter(name="Nhắc Bcc: x@evil.example").exists()


def test_a_campaign_named_with_a_line_break_gets_one_line_from_the_cli(campaign):
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    result = CliRunner().invoke(
        app,
        [
            "campaign",
            "open",
            "--outline",
            campaign.outline.slug,
            "--root",
            "KT-DT",
            "--kinds",
            "grassroots",
            "--deadline",
            f"{deadline:%Y-%m-%d}",
            "--name",
            "Nhắc\nBcc: x@evil.example",
            "--slug",
            "nhac",
        ],
    )
    assert result.exit_code == 0, result.output
    assert Campaign.objects.get(slug="nhac").name == "Nhắc Bcc: x@evil.example"


def test_the_api_stores_a_typed_figure_without_control_characters_or_lone_surrogates(
    client, campaign, tree, member
):
    key = Token.issue(member("dakha.api", tree.dakha, "writer"))[1]
    path = f"/api/campaigns/{campaign.slug}/reports/KT-DH/indicators/members/2017/"
    for typed in ("1.234\x01\u202e", "1.234\ud800"):  # JSON carries "\ud800" as it is
        response = client.put(
            path,
            data=json.dumps({"value": typed}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {key}",
        )
        assert response.status_code == 200, response.content
        assert response.json()["raw"] == "1.234"
    assert IndicatorValue.objects.get(code="members", year=2017).raw == "1.234"


def test_a_reviewers_reason_and_remarks_are_stored_clean(campaign, tree, people):
    school = report_of(campaign, tree.cdcs_dh1)
    actions.save_section(school, SECTION, "Đoạn viết", 0, people["school_writer"])
    actions.submit(school, people["school_writer"], school.version)
    actions.return_report(
        school,
        people["dakha_reviewer"],
        "Lý do\x01\u202e",
        {SECTION: "Nhận\x0bxét\x7f"},
        expected_version=school.version,
    )
    event = ReportEvent.objects.filter(report=school).latest("pk")
    assert (event.reason, event.section_comments) == ("Lý do", {SECTION: "Nhận\nxét"})


def test_an_uploaded_file_and_its_name_are_read_clean(client, school, people):
    as_user(client, people["school_writer"])
    template = client.get(url("report_template", school)).content
    filled = fill_template(
        template,
        school.campaign.outline_tree,
        {"P1/I/2": ["Công đoàn\u202e cơ sở\u200b đã tổ chức học tập Nghị quyết cho 45 đoàn viên."]},
        {},
    )
    response = client.post(
        url("report_upload", school),
        {"file": SimpleUploadedFile("ho-so\u202excod.docx", filled)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    upload = Upload.objects.get()
    assert upload.filename == "ho-soxcod.docx"
    found = json.dumps(upload.result, ensure_ascii=False)
    assert "Công đoàn cơ sở đã tổ chức" in found and not LEFT.search(found)


def test_a_unit_list_is_stored_clean(client, tree, people):
    as_user(client, people["admin"])
    data = (
        "code,name,kind,parent_code,email\n"
        'KT-X,"LĐLĐ\x01 huyện\x0bX\u202e",district,KT,ldld-x@example.vn\u200b\n'
    ).encode()
    response = client.post(reverse("orgs:import"), {"file": SimpleUploadedFile("dv.csv", data)})
    assert response.status_code in (200, 302)
    unit = Unit.objects.get(code="KT-X")
    assert (unit.name, unit.email) == ("LĐLĐ huyện X", "ldld-x@example.vn")


def test_an_outline_file_is_stored_clean(client, people):
    outline = load_builtin()
    outline.title = "Đề cương\x01 \u202ethử"
    outline.sections[0].title = "Phần\x1f một"
    as_user(client, people["admin"])
    response = import_outline(client, "de-cuong.yaml", dump_yaml(outline).encode())
    assert response.status_code in (200, 302)
    document = OutlineDocument.objects.get(title="Đề cương thử")
    assert document.outline().sections[0].title == "Phần một"
    assert "\\x01" not in document.yaml_text and "\\x1F" not in document.yaml_text


# --- writers, given rows stored before -------------------------------------------------------


@pytest.fixture
def stored_before(campaign, tree, people, member):
    """A school whose name, section text, version and figure hold control characters, a
    campaign named over two lines, and Đăk Hà's consolidator who put the school's passage
    (with the school's name as its source) into the district's report."""
    school = report_of(campaign, tree.cdcs_dh1)
    writer = people["school_writer"]
    actions.save_section(school, SECTION, "Đoạn viết của trường.", 0, writer)
    actions.save_indicator(school, "members", 2017, "45", writer)
    consolidator = member("dakha.tonghop", tree.dakha, "consolidator", "writer")
    district = report_of(campaign, tree.dakha)
    passage = SectionText.objects.get(report=school, section_id=SECTION)
    actions.insert_passage(district, SECTION, passage.pk, None, 0, consolidator)
    Unit.objects.filter(pk=tree.cdcs_dh1.pk).update(name=DIRTY_UNIT)
    SectionText.objects.filter(report__in=[school, district]).update(text=DIRTY_TEXT)
    SectionVersion.objects.filter(report__in=[school, district]).update(text=DIRTY_TEXT)
    IndicatorValue.objects.filter(report=school).update(raw="45\x01")
    Campaign.objects.filter(pk=campaign.pk).update(name=DIRTY_CAMPAIGN)
    campaign.refresh_from_db()
    return school, district


def test_every_download_copes_with_control_characters_stored_before(
    client, campaign, people, stored_before
):
    school, district = stored_before
    as_user(client, people["admin"])
    downloads = {
        "dashboard workbook": reverse("campaigns:export", args=[campaign.slug]),
        "unit list workbook": reverse("orgs:export_xlsx"),
        "unit list CSV": reverse("orgs:export_csv"),
        "the school's DOCX": url("report_download", school, "docx"),
        "the district's DOCX": url("report_download", district, "docx"),
        "the district's subtree workbook": url("report_download", district, "xlsx"),
        "the school's DOCX template": url("report_template", school),
        "the school's figures template": url("indicators_template", school),
    }
    for what, address in downloads.items():
        response = client.get(address)
        assert response.status_code == 200, (what, response.status_code)
        no_control_characters(response.content)
    names = [
        row[1]
        for row in csv.reader(io.StringIO(client.get(reverse("orgs:export_csv")).content.decode()))
    ]
    assert "CĐCS UBND\n xã Đăk Mar" in names
    document = docx.Document(io.BytesIO(client.get(url("report_download", school, "docx")).content))
    assert any("Đoạn viết" in p.text for p in document.paragraphs)
    sheet = load_workbook(io.BytesIO(client.get(downloads["dashboard workbook"]).content)).active
    assert "CĐCS UBND\n xã Đăk Mar" in [cell.value for cell in sheet["B"]]


def test_the_pages_that_show_them_answer(client, campaign, people, stored_before):
    school, district = stored_before
    as_user(client, people["admin"])
    for address in (
        reverse("campaigns:detail", args=[campaign.slug]),
        url("report", school),
        url("section_history", school, SECTION),
        url("consolidate", district),
    ):
        assert client.get(address).status_code == 200, address


def test_the_pdf_copes_with_control_characters_stored_before(
    client, people, stored_before, monkeypatch, tmp_path
):
    if not libreoffice.available():
        pytest.fail("LibreOffice is missing: `make system-deps` installs libreoffice-writer")
    # Slots of its own: other test runs on this machine may hold the shared ones (busy: 503).
    monkeypatch.setenv("BAOCAO_CONVERSION_LOCKS", str(tmp_path))
    school, _district = stored_before
    response = as_user(client, people["admin"]).get(
        url("report_download", school, "pdf"),
        follow=True,  # the background job's file
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


# --- the data migration ----------------------------------------------------------------------


def test_the_data_migration_cleans_what_was_stored_before(campaign, stored_before, people):
    school, _district = stored_before
    outline = load_builtin()
    outline.title = "Đề cương\x01 cũ"
    document = OutlineDocument.objects.create(slug="cu", title="Đề cương\x01\ncũ", yaml_text="x")
    OutlineDocument.objects.filter(pk=document.pk).update(yaml_text=dump_yaml(outline))
    builtin = OutlineDocument.objects.exclude(pk=document.pk).get()
    untouched = builtin.yaml_text

    migration = importlib.import_module("baocao.apps.campaigns.migrations.0004_clean_stored_text")
    migration.clean_stored_text(django_apps, None)

    assert Unit.objects.get(code="KT-DH-01").name == "CĐCS UBND xã Đăk Mar"
    assert set(SectionText.objects.values_list("text", flat=True)) == {
        "<p>Đoạn viết\n của trường.</p>"
    }
    assert set(SectionVersion.objects.values_list("text", flat=True)) == {
        "<p>Đoạn viết\n của trường.</p>"
    }
    assert IndicatorValue.objects.get(report=school).raw == "45"
    assert Campaign.objects.get(pk=campaign.pk).name == "Nhắc Bcc: x@evil.example"
    document.refresh_from_db()
    assert document.title == "Đề cương cũ" and document.outline().title == "Đề cương cũ"
    builtin.refresh_from_db()
    assert builtin.yaml_text == untouched  # nothing to clean: not rewritten
