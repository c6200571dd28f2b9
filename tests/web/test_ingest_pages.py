"""Word and Excel round trip on the web: templates out, files in, preview, confirm, the kept file;
who may do what; bad files; a section saved meanwhile; content that could not be placed."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from office_files import fill_template, to_bytes, zip_bomb, zip_bytes
from openpyxl import load_workbook

from baocao import libreoffice
from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import (
    IndicatorValue,
    SectionText,
    SectionVersion,
    Upload,
    UploadStatus,
)
from baocao.ingest import ingest_docx
from baocao.web.downloads import attachment
from baocao.xlsx_out import TEMPLATE_HEADER_ROW

from .campaign_scenario import as_user, report_of, url

pytestmark = pytest.mark.django_db

REPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "reports"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# `people`, `campaign` (the built-in outline over Kon Tum, "nq20-2017") and `school`
# (KT-DH-01's report in it) are conftest's.


@pytest.fixture
def dakha(campaign, tree):
    return report_of(campaign, tree.dakha)


def upload(client, report, data: bytes, name: str):
    return client.post(url("report_upload", report), {"file": SimpleUploadedFile(name, data)})


def uploaded(client, report, data: bytes, name: str) -> Upload:
    response = upload(client, report, data, name)
    assert response.status_code == 302, response.content.decode()[:3000]
    item = Upload.objects.latest("pk")
    assert response["Location"] == url("upload_preview", report, item.pk)
    return item


class _Form(HTMLParser):
    """The fields a browser would send from one form: hidden inputs, ticked boxes, selects."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("hidden", "text") or (kind == "checkbox" and "checked" in a):
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self.select, self.options = a.get("name"), []
        elif tag == "option" and self.select:
            self.options.append((a.get("value", ""), "selected" in a))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            chosen = [v for v, s in self.options if s] or [self.options[0][0]]
            self.fields.append((self.select, chosen[0]))
            self.select = None


def form_fields(html: str, form_id: str = "ip-form") -> dict[str, list[str]]:
    parser = _Form(form_id)
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return data


def preview(client, report, item) -> str:
    response = client.get(url("upload_preview", report, item.pk))
    assert response.status_code == 200
    return response.content.decode()


def confirm(client, report, item, data):
    return client.post(url("upload_confirm", report, item.pk), data)


def section_of(html: str, label_start: str) -> str:
    """The preview's article for one section, found by the start of its label."""
    for article in re.findall(r'<article class="ip-sec.*?</article>', html, re.S):
        if re.search(r'class="ip-sec__title"[^>]*>\s*' + re.escape(label_start), article):
            return article
    raise AssertionError(f"no section {label_start!r} in the preview")


# --- Template filling, as a person does in Word ------------------------------------------------


# --- Who may do what -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status",
    [
        ("school_writer", 200),  # the unit's writer
        ("dakha_reviewer", 200),  # the parent's reviewer sees the report
        ("clinic_writer", 403),  # a sibling
        ("dakto_writer", 403),  # another district
    ],
)
def test_templates_are_for_those_who_see_the_report(client, school, people, who, status):
    as_user(client, people[who])
    assert client.get(url("report_template", school)).status_code == status
    assert client.get(url("indicators_template", school)).status_code == status


@pytest.mark.parametrize(
    "who, page_status, post_status",
    [
        ("school_writer", 200, 302),
        ("clinic_writer", 403, 403),  # a sibling
        ("dakha_reviewer", 403, 403),  # the parent's reviewer sees, never writes
        ("dakha_writer", 403, 403),  # a parent's writer writes only its own report
    ],
)
def test_only_the_units_writers_upload(client, school, people, who, page_status, post_status):
    as_user(client, people[who])
    assert client.get(url("report_upload", school)).status_code == page_status
    data = (REPORTS / "13_thuy_dien.docx").read_bytes()
    response = upload(client, school, data, "bao_cao.docx")
    assert response.status_code == post_status
    assert Upload.objects.count() == (1 if post_status == 302 else 0)


def test_the_attachment_is_seen_by_those_who_see_the_report(client, school, people):
    item = uploaded(as_user(client, people["school_writer"]), school, fixture("13"), "bc.docx")
    file_url = url("upload_file", school, item.pk)
    # Pending: still the writers' business.
    assert as_user(client, people["dakha_reviewer"]).get(file_url).status_code == 403
    assert client.get(url("upload_preview", school, item.pk)).status_code == 403
    assert confirm(client, school, item, {}).status_code == 403
    assert client.post(url("upload_discard", school, item.pk)).status_code == 403
    Upload.objects.filter(pk=item.pk).update(status=UploadStatus.CONFIRMED)
    for who, status in [
        ("dakha_reviewer", 200),
        ("province_reviewer", 200),
        ("school_writer", 200),
        ("clinic_writer", 403),
        ("dakto_writer", 403),
    ]:
        assert as_user(client, people[who]).get(file_url).status_code == status, who
        assert client.get(url("report_uploads", school)).status_code == status, who
    as_user(client, people["dakha_reviewer"])
    listing = client.get(url("report_uploads", school)).content.decode()
    assert "bc.docx" in listing and file_url in listing
    assert f'href="{url("report_upload", school)}"' not in listing  # no upload for a reviewer


def test_changes_are_post_only_and_unknown_uploads_are_404(client, school, dakha, people):
    as_user(client, people["school_writer"])
    item = uploaded(client, school, fixture("13"), "bc.docx")
    assert client.get(url("upload_confirm", school, item.pk)).status_code == 405
    assert client.get(url("upload_discard", school, item.pk)).status_code == 405
    assert client.get(url("upload_preview", school, 999999)).status_code == 404
    # An upload is reached only through its own report.
    as_user(client, people["admin"])
    assert client.get(url("upload_preview", dakha, item.pk)).status_code == 404
    assert client.get(url("upload_file", dakha, item.pk)).status_code == 404


def test_csrf_is_checked(school, people):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people["school_writer"])
    response = client.post(
        url("report_upload", school), {"file": SimpleUploadedFile("a.docx", fixture("13"))}
    )
    assert response.status_code == 403
    assert Upload.objects.count() == 0


def test_a_sent_report_takes_no_file(client, school, people):
    as_user(client, people["school_writer"])
    actions.submit(school, people["school_writer"], school.version)
    page = client.get(url("report_upload", school)).content.decode()
    assert "không nhận tệp" in page and 'type="file"' not in page
    response = upload(client, school, fixture("13"), "bc.docx")
    assert response.status_code == 400
    assert Upload.objects.count() == 0


# --- Templates out -------------------------------------------------------------------------------


def test_word_template_has_the_units_header_and_a_proper_filename(client, school, people):
    response = as_user(client, people["school_writer"]).get(url("report_template", school))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Mau-bao-cao-CDCS-UBND-xa-Dak-Mar.docx"')
    assert "filename*=UTF-8''" in disposition
    assert unquote(disposition.split("''", 1)[1]) == "Mẫu báo cáo - CĐCS UBND xã Đăk Mar.docx"
    document = docx.Document(io.BytesIO(response.content))
    header = "\n".join(cell.text for row in document.tables[0].rows for cell in row.cells)
    today = timezone.localdate()
    assert "LĐLĐ HUYỆN ĐĂK HÀ" in header  # the superior
    assert "CĐCS UBND XÃ ĐĂK MAR" in header
    assert "Số: …/BC-CĐCS" in header
    assert f"Đăk Hà, ngày {today.day:02d} tháng" in header and str(today.year) in header
    mark = ingest_docx(response.content, school.campaign.outline_tree).template
    assert (mark.unit_code, mark.unit_name, mark.campaign) == (
        "KT-DH-01",
        "CĐCS UBND xã Đăk Mar",
        "nq20-2017",
    )


def test_excel_template_names_the_unit(client, dakha, people):
    response = as_user(client, people["dakha_writer"]).get(url("indicators_template", dakha))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert 'filename="Mau-so-lieu-LDLD-huyen-Dak-Ha.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert "LĐLĐ huyện Đăk Hà" in workbook.worksheets[0]["B1"].value


def test_content_disposition_has_an_ascii_fallback_and_the_real_name():
    header = attachment('Báo cáo "quý"/4.docx')
    assert header.startswith("attachment; filename=\"Bao-cao-quy-4.docx\"; filename*=UTF-8''")
    assert unquote(header.split("''", 1)[1]) == "Báo cáo -quý-4.docx"


# --- A free-form report: upload, preview, confirm ------------------------------------------------


def fixture(number: str) -> bytes:
    return next(REPORTS.glob(f"{number}_*.docx")).read_bytes()


def test_a_filled_report_is_previewed_then_imported(client, dakha, people):
    writer = people["dakha_writer"]
    as_user(client, writer)
    actions.save_section(dakha, "P1/I/1", "<p>Bản nháp cũ của mục 1.</p>", 0, writer)
    actions.save_indicator(dakha, "members", 2017, "3.000", writer)
    data = (REPORTS / "01_dak_ha.docx").read_bytes()
    item = uploaded(client, dakha, data, "01_dak_ha.docx")
    assert item.status == UploadStatus.PENDING and item.size == len(data)
    assert item.content_type == DOCX_TYPE
    # Nothing is in the report yet.
    assert SectionText.objects.filter(report=dakha).count() == 1

    html = preview(client, dakha, item)
    assert "Tìm thấy nội dung của 17/23 mục và 10 số liệu." in html
    first = section_of(html, "Phần thứ nhất › I.1.")
    assert "Độ tin cậy: Cao" in first
    assert "“1. Đánh giá công tác chỉ đạo và tham mưu" in first
    assert "Bản nháp cũ của mục 1." in first  # the current text, beside the file's
    assert "phiên bản 1" in first
    assert re.search(r'name="section" value="P1/I/1" checked', first)
    # Figures beside the current ones.
    assert "Số đoàn viên công đoàn, năm 2017" in html
    assert "3.993" in html and "3.000" in html

    response = confirm(client, dakha, item, form_fields(html))
    assert response.status_code == 302
    assert response["Location"] == url("report", dakha)
    item.refresh_from_db()
    assert item.status == UploadStatus.CONFIRMED and item.decided_by == writer
    texts = dict(SectionText.objects.filter(report=dakha).values_list("section_id", "text"))
    assert len(texts) == 17
    assert texts["P1/II/1"].startswith("<p>Năm 2008, toàn huyện có 2.747 CNVCLĐ")
    assert "Bản nháp cũ" not in texts["P1/I/1"]
    versions = SectionVersion.objects.filter(report=dakha, section_id="P1/I/1")
    assert [(v.version, v.note) for v in versions] == [
        (2, "Nhập từ tệp 01_dak_ha.docx"),
        (1, ""),
    ]
    assert versions.get(version=1).text == "<p>Bản nháp cũ của mục 1.</p>"  # history kept
    values = {(v.code, v.year): v.value for v in IndicatorValue.objects.filter(report=dakha)}
    assert values[("members", 2017)] == Decimal("3993")
    assert values[("workers", 2008)] == Decimal("2747")
    assert len(values) == 10
    # The report page shows the imported text; the message says what was done.
    page = client.get(url("report", dakha)).content.decode()
    assert "Đã nhập từ tệp 01_dak_ha.docx: 17 mục, 10 số liệu." in page
    assert "toàn huyện có 2.747 CNVCLĐ" in page
    # The original is kept, byte for byte, and listed.
    kept = client.get(url("upload_file", dakha, item.pk))
    assert kept.status_code == 200 and kept.content == data
    assert kept["Content-Type"] == DOCX_TYPE
    assert 'filename="01_dak_ha.docx"' in kept["Content-Disposition"]
    listing = client.get(url("report_uploads", dakha)).content.decode()
    assert "01_dak_ha.docx" in listing and "Đã nhập" in listing and "dakha_viet" in listing


def test_a_second_confirm_changes_nothing(client, dakha, people):
    as_user(client, people["dakha_writer"])
    item = uploaded(client, dakha, fixture("01"), "01_dak_ha.docx")
    fields = form_fields(preview(client, dakha, item))
    assert confirm(client, dakha, item, fields).status_code == 302
    versions = SectionVersion.objects.count()
    changes = list(IndicatorValue.objects.values_list("pk", "raw", "updated_at"))
    response = confirm(client, dakha, item, fields)
    assert response.status_code == 302
    assert SectionVersion.objects.count() == versions
    assert list(IndicatorValue.objects.values_list("pk", "raw", "updated_at")) == changes
    page = client.get(response["Location"]).content.decode()
    assert "đã được nhập lúc" in page and "không nhập lại lần nữa" in page


def test_discard_keeps_the_report_as_it_was(client, dakha, people):
    as_user(client, people["dakha_writer"])
    item = uploaded(client, dakha, fixture("01"), "01_dak_ha.docx")
    fields = form_fields(preview(client, dakha, item))
    response = client.post(url("upload_discard", dakha, item.pk))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == UploadStatus.DISCARDED
    assert confirm(client, dakha, item, fields).status_code == 302
    assert not SectionText.objects.filter(report=dakha).exists()
    assert not IndicatorValue.objects.filter(report=dakha).exists()
    assert "đã bị bỏ" in client.get(url("report_upload", dakha)).content.decode()


def test_unticked_sections_and_figures_are_left_alone(client, dakha, people):
    as_user(client, people["dakha_writer"])
    item = uploaded(client, dakha, fixture("01"), "01_dak_ha.docx")
    fields = form_fields(preview(client, dakha, item))
    fields["section"] = ["P1/I/2"]
    fields["value"] = ["members:2017"]
    assert confirm(client, dakha, item, fields).status_code == 302
    assert list(SectionText.objects.filter(report=dakha).values_list("section_id", flat=True)) == [
        "P1/I/2"
    ]
    assert list(IndicatorValue.objects.filter(report=dakha).values_list("code", "year")) == [
        ("members", 2017)
    ]


def test_the_preview_is_bounded_in_queries(client, dakha, people, django_assert_max_num_queries):
    writer = people["dakha_writer"]
    as_user(client, writer)
    item = uploaded(client, dakha, fixture("01"), "01_dak_ha.docx")
    for section_id in dakha.campaign.section_ids:
        actions.save_section(dakha, section_id, f"<p>Nội dung {section_id}</p>", 0, writer)
    for code in ("members", "workers", "grassroots_unions"):
        actions.save_indicator(dakha, code, 2017, "100", writer)
    with django_assert_max_num_queries(10):
        response = client.get(url("upload_preview", dakha, item.pk))
    assert response.status_code == 200


def test_text_from_the_file_is_shown_safely(client, dakha, people):
    as_user(client, people["dakha_writer"])
    document = docx.Document()
    document.add_paragraph().add_run("I. TÌNH HÌNH TRIỂN KHAI THỰC HIỆN NGHỊ QUYẾT").bold = True
    document.add_paragraph('<script>alert("x")</script> Đã quán triệt <b>100%</b> CĐCS.')
    document.add_paragraph('Đoạn trước đề mục <img src=x onerror="alert(1)">')
    item = uploaded(client, dakha, to_bytes(document), "<b>bc</b>.docx")
    html = preview(client, dakha, item)
    assert "<script>alert" not in html and "<img" not in html and "<b>bc</b>" not in html
    assert "&lt;script&gt;" in html


# --- Round trips ---------------------------------------------------------------------------------


def test_word_template_round_trip_imports_exactly_what_was_filled(client, school, people):
    as_user(client, people["school_writer"])
    template = client.get(url("report_template", school)).content
    outline = school.campaign.outline_tree
    filled = fill_template(
        template,
        outline,
        {"P1/I/2": ["Công đoàn cơ sở đã tổ chức học tập Nghị quyết cho 45 đoàn viên."]},
        {("members", 2017): "47"},
    )
    item = uploaded(client, school, filled, "mau_da_dien.docx")
    html = preview(client, school, item)
    assert "Tệp này là mẫu của đơn vị" not in html
    assert "Tìm thấy nội dung của 1/23 mục và 1 số liệu." in html
    assert "Độ tin cậy: Cao" in section_of(html, "Phần thứ nhất › I.2.")
    assert confirm(client, school, item, form_fields(html)).status_code == 302
    assert list(SectionText.objects.filter(report=school).values_list("section_id", "text")) == [
        ("P1/I/2", "<p>Công đoàn cơ sở đã tổ chức học tập Nghị quyết cho 45 đoàn viên.</p>")
    ]
    assert list(
        IndicatorValue.objects.filter(report=school).values_list("code", "year", "raw")
    ) == [("members", 2017, "47")]
    assert SectionVersion.objects.get(report=school).note == "Nhập từ tệp mau_da_dien.docx"


def test_word_lists_emphasis_and_a_narrative_table_are_previewed_and_stored(client, dakha, people):
    """Issue 15, item 3: an uploaded Word report keeps its numbered list with a nested bullet
    list, italic, underline and a narrative table (merged cells), in the preview and stored."""
    as_user(client, people["dakha_writer"])
    document = docx.Document()
    document.add_paragraph().add_run("4.1. Công tác tuyên truyền giáo dục").bold = True
    intro = document.add_paragraph("Kết quả ")
    intro.add_run("nổi bật").italic = True
    intro.add_run(" và ")
    intro.add_run("cần nhân rộng").underline = True
    intro.add_run(":")
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            '<w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/>'
            '<w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl></w:abstractNum>'
        ),
    )
    num_id = numbering.add_num(90).numId
    for text, level in (
        ("Mở 31 lớp bồi dưỡng;", 0),
        ("cho cán bộ công đoàn;", 1),
        ("cho đoàn viên.", 1),
        ("Tổ chức 12 hội thi.", 0),
    ):
        num_pr = document.add_paragraph(text)._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = level
        num_pr.get_or_add_numId().val = num_id
    table = document.add_table(rows=3, cols=3)
    for r, texts in enumerate(
        (("Hình thức", "Kết quả", ""), ("Hội nghị", "12", "cuộc"), ("", "800", "lượt người"))
    ):
        for c, text in enumerate(texts):
            table.cell(r, c).text = text
    table.cell(0, 1).merge(table.cell(0, 2))
    table.cell(1, 0).merge(table.cell(2, 0))
    item = uploaded(client, dakha, to_bytes(document), "danh_sach.docx")
    html = preview(client, dakha, item)
    stored = (
        "<p>Kết quả <em>nổi bật</em> và <u>cần nhân rộng</u>:</p>"
        "<ol><li>Mở 31 lớp bồi dưỡng;<ul><li>cho cán bộ công đoàn;</li>"
        "<li>cho đoàn viên.</li></ul></li><li>Tổ chức 12 hội thi.</li></ol>"
        '<table><tbody><tr><td>Hình thức</td><td colspan="2">Kết quả</td></tr>'
        '<tr><td rowspan="2">Hội nghị</td><td>12</td><td>cuộc</td></tr>'
        "<tr><td>800</td><td>lượt người</td></tr></tbody></table>"
    )
    assert stored in html  # the preview shows it as it will be stored
    assert confirm(client, dakha, item, form_fields(html)).status_code == 302
    text = SectionText.objects.get(report=dakha, section_id="P1/II/4/4.1").text
    assert text == stored
    assert not IndicatorValue.objects.filter(report=dakha).exists()


def test_excel_template_round_trip(client, school, people):
    as_user(client, people["school_writer"])
    template = client.get(url("indicators_template", school)).content
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    rows = {
        sheet.cell(row=r, column=1).value: r
        for r in range(TEMPLATE_HEADER_ROW + 1, sheet.max_row + 1)
    }
    sheet.cell(row=rows["members"], column=5, value=41)
    sheet.cell(row=rows["members"], column=6, value=47)
    sheet.cell(row=rows["average_income"], column=6, value="5,2")
    item = uploaded(client, school, to_bytes(workbook), "so_lieu.xlsx")
    assert item.content_type == XLSX_TYPE
    html = preview(client, school, item)
    assert "Tệp Excel: tìm thấy 3 số liệu." in html
    assert "Nội dung theo mục" not in html
    assert confirm(client, school, item, form_fields(html)).status_code == 302
    values = {(v.code, v.year): v.value for v in IndicatorValue.objects.filter(report=school)}
    assert values == {
        ("members", 2008): Decimal(41),
        ("members", 2017): Decimal(47),
        ("average_income", 2017): Decimal("5.2"),
    }
    assert not SectionText.objects.filter(report=school).exists()


def test_another_units_template_asks_before_it_is_imported(client, school, tree, campaign, people):
    clinic = report_of(campaign, tree.cdcs_dh2)
    as_user(client, people["clinic_writer"])
    theirs = client.get(url("report_template", clinic)).content
    filled = fill_template(theirs, campaign.outline_tree, {"P2/3": ["Đề nghị hỗ trợ."]}, {})
    as_user(client, people["school_writer"])
    item = uploaded(client, school, filled, "mau_tram_y_te.docx")
    html = preview(client, school, item)
    assert (
        "Tệp này là mẫu của đơn vị CĐCS Trường Tiểu học Nguyễn Huệ (mã KT-DH-02), không phải "
        "của đơn vị bạn." in html
    )
    fields = form_fields(html)
    response = confirm(client, school, item, fields)
    assert response.status_code == 400
    assert "hãy đánh dấu ô xác nhận" in response.content.decode()
    assert not SectionText.objects.filter(report=school).exists()
    fields["other_unit"] = ["1"]
    assert confirm(client, school, item, fields).status_code == 302
    assert SectionText.objects.get(report=school).text == "<p>Đề nghị hỗ trợ.</p>"


# --- Bad files -----------------------------------------------------------------------------------


def docm() -> bytes:
    with zipfile.ZipFile(io.BytesIO(fixture("13"))) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"wordprocessingml.document.main", b"macroEnabled.main"
    )
    return zip_bytes(members)


BAD_FILES = {
    "text renamed": (lambda: "I. Tình hình\nĐã quán triệt.".encode(), "x.docx", 400, "văn bản"),
    "zip bomb": (zip_bomb, "bom.docx", 400, "giải nén"),
    "docm": (docm, "macro.docm", 400, "macro"),
    "empty": (lambda: b"", "rong.docx", 400, "rỗng"),
    "images only": (
        lambda: to_bytes(docx.Document()),
        "trang.docx",
        400,
        "không có nội dung chữ",
    ),
    "pdf": (lambda: b"%PDF-1.7\n" + bytes(100), "bao_cao.pdf", 400, "tệp PDF"),
    "photo": (lambda: b"\xff\xd8\xff\xe0" + bytes(100), "anh.jpg", 400, "không phải tệp Word hay"),
    "just over 20 MB": (lambda: b"PK" + bytes(20 * 1024 * 1024), "to.docx", 413, "quá lớn"),
}
# Far over 20 MB, the request is refused unread (tests/web/test_body_limits.py).


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_files_are_refused_with_a_vietnamese_message(client, school, people, case):
    make, name, status, words = BAD_FILES[case]
    response = upload(as_user(client, people["school_writer"]), school, make(), name)
    assert response.status_code == status
    html = response.content.decode()
    assert "Chưa nộp được:" in html and words in html, html[:3000]
    assert 'role="alert"' in html and 'type="file"' in html  # the form again, to try another
    assert Upload.objects.count() == 0


def test_a_request_over_the_limit_is_refused_before_its_body_is_read(school, people):
    """Through every middleware, CSRF on: the request claims 50 MB and carries a few bytes, so
    reading its body would fail; the answer is 413 from its length alone."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people["school_writer"])
    response = client.generic(
        "POST",
        url("report_upload", school),
        b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "Tệp quá lớn: tệp nộp tối đa 20 MB" in response.content.decode()
    assert Upload.objects.count() == 0


def test_an_old_doc_without_libreoffice_asks_for_docx(client, school, people, monkeypatch):
    monkeypatch.setattr(libreoffice, "executable", lambda: None)
    as_user(client, people["school_writer"])
    assert (
        "lưu lại dạng .docx hoặc .xlsx trước khi nộp"
        in client.get(url("report_upload", school)).content.decode()
    )
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    response = upload(client, school, ole, "cu.doc")
    assert response.status_code == 400
    html = response.content.decode()
    assert "chưa cài LibreOffice" in html and "Word (.docx)" in html
    assert Upload.objects.count() == 0


@pytest.mark.skipif(not libreoffice.available(), reason="LibreOffice is not installed")
def test_an_odt_report_is_converted_and_kept_as_sent(client, dakha, people):
    odt = libreoffice.convert(fixture("13"), "odt", suffix=".docx")
    as_user(client, people["dakha_writer"])
    assert "máy chủ tự chuyển đổi" in client.get(url("report_upload", dakha)).content.decode()
    item = uploaded(client, dakha, odt, "thuy_dien.odt")
    assert item.content_type == "application/vnd.oasis.opendocument.text"
    assert "Độ tin cậy: Cao" in preview(client, dakha, item)
    assert client.get(url("upload_file", dakha, item.pk)).content == odt


# --- Someone saved meanwhile; content that could not be placed -----------------------------------


def test_a_section_saved_meanwhile_is_not_overwritten(client, dakha, people):
    writer, colleague = people["dakha_writer"], people["dakha_colleague"]
    as_user(client, writer)
    actions.save_section(dakha, "P1/I/2", "<p>Bản đầu.</p>", 0, writer)
    item = uploaded(client, dakha, fixture("01"), "01_dak_ha.docx")
    fields = form_fields(preview(client, dakha, item))
    assert "P1/I/2" in fields["section"]
    # Between the preview and the confirm, a colleague saves the section.
    actions.save_section(dakha, "P1/I/2", "<p>Bản của đồng nghiệp.</p>", 1, colleague)

    response = confirm(client, dakha, item, fields)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Chưa ghi đè 1 mục" in html and "I.2. Tình hình triển khai" in html
    article = section_of(html, "Phần thứ nhất › I.2.")
    assert "dakha_viet2 vừa lưu mục này" in article
    assert "Bản của đồng nghiệp." in article  # theirs
    file_text = item.result["sections"]["P1/I/2"]
    assert file_text[:60] in article  # and the file's, both there to compare
    assert not re.search(r'value="P1/I/2" checked', article)  # not ticked again by itself
    ours = SectionText.objects.get(report=dakha, section_id="P1/I/2")
    assert (ours.text, ours.version) == ("<p>Bản của đồng nghiệp.</p>", 2)
    # The rest is saved, and said so; the upload waits for the writer's choice.
    assert SectionText.objects.filter(report=dakha).count() == 17
    assert "Đã nhập từ tệp 01_dak_ha.docx: 16 mục, 10 số liệu." in html
    item.refresh_from_db()
    assert item.status == UploadStatus.PENDING and len(item.outcome["sections"]) == 16
    assert html.count('class="ip-tag ip-tag--done"') >= 16

    # The writer decides to take the file's text after all.
    fields = form_fields(html)
    fields.setdefault("section", []).append("P1/I/2")
    assert confirm(client, dakha, item, fields).status_code == 302
    ours.refresh_from_db()
    assert ours.version == 3 and "Bản của đồng nghiệp" not in ours.text
    item.refresh_from_db()
    assert item.status == UploadStatus.CONFIRMED
    assert SectionVersion.objects.filter(report=dakha, section_id="P1/I/2").count() == 3


def test_a_figure_changed_meanwhile_is_not_overwritten(client, dakha, people):
    writer = people["dakha_writer"]
    as_user(client, writer)
    item = uploaded(client, dakha, fixture("01"), "01_dak_ha.docx")
    fields = form_fields(preview(client, dakha, item))
    actions.save_indicator(dakha, "members", 2017, "4.000", people["dakha_colleague"])
    response = confirm(client, dakha, item, fields)
    assert response.status_code == 409
    assert "vừa được sửa thành “4.000”" in response.content.decode()
    assert IndicatorValue.objects.get(report=dakha, code="members", year=2017).raw == "4.000"
    assert IndicatorValue.objects.filter(report=dakha).count() == 10


def test_unplaced_content_must_be_placed_or_left_out_explicitly(client, dakha, people):
    as_user(client, people["dakha_writer"])
    data = fixture("02")
    item = uploaded(client, dakha, data, "02_giao_duc.docx")
    loose = item.result["unassigned"]
    assert len(loose) == 2
    html = preview(client, dakha, item)
    assert "Nội dung chưa xếp được vào mục nào" in html
    for text in loose:
        assert text.replace('"', "&quot;")[:40] in html
    fields = form_fields(html)
    response = confirm(client, dakha, item, fields)
    assert response.status_code == 400
    assert "Còn 2 đoạn chưa xếp vào mục nào (đoạn số 1, 2)" in response.content.decode()
    assert not SectionText.objects.filter(report=dakha).exists()

    fields["place:0"] = ["P2/3"]
    fields["place:1"] = ["-"]
    fields["section"] = [s for s in fields["section"] if s != "P2/3"]
    assert confirm(client, dakha, item, fields).status_code == 302
    text = SectionText.objects.get(report=dakha, section_id="P2/3").text
    assert text.endswith(f"<p>{loose[0]}</p>") or loose[0][:30] in text
    everything = "".join(SectionText.objects.filter(report=dakha).values_list("text", flat=True))
    assert loose[1][:30] not in everything
    item.refresh_from_db()
    assert item.outcome["places"] == {"0": "P2/3", "1": "-"}


def test_an_untouched_template_says_there_is_nothing_to_import(client, school, people):
    as_user(client, people["school_writer"])
    template = client.get(url("report_template", school)).content
    item = uploaded(client, school, template, "mau.docx")
    html = preview(client, school, item)
    assert "tệp có vẻ là mẫu chưa điền" in html
    assert "Tìm thấy nội dung của 0/23 mục và 0 số liệu." in html
    assert confirm(client, school, item, form_fields(html)).status_code == 302
    assert not SectionText.objects.filter(report=school).exists()
    item.refresh_from_db()
    assert item.status == UploadStatus.CONFIRMED


def test_every_step_of_an_upload_is_in_the_audit_log(client, dakha, people):
    from baocao.apps.audit.models import AuditEntry

    writer = people["dakha_writer"]
    as_user(client, writer)
    item = uploaded(client, dakha, fixture("01"), "01_dak_ha.docx")
    received = AuditEntry.objects.get(action="upload.receive")
    assert received.actor == writer and received.object_id == str(dakha.pk)
    assert received.details["filename"] == "01_dak_ha.docx"
    assert received.details["sha256"] == item.sha256
    assert (
        confirm(client, dakha, item, form_fields(preview(client, dakha, item))).status_code == 302
    )
    confirmed = AuditEntry.objects.get(action="upload.confirm")
    assert confirmed.details["upload"] == item.pk and confirmed.details["complete"] is True
    assert "P1/II/1" in confirmed.details["sections"]
    assert len(confirmed.details["values"]) == 10

    second = uploaded(client, dakha, fixture("01"), "01_dak_ha.docx")
    assert client.post(url("upload_discard", dakha, second.pk)).status_code == 302
    assert client.post(url("upload_discard", dakha, second.pk)).status_code == 302
    discarded = AuditEntry.objects.get(action="upload.discard")  # once, not twice
    assert discarded.details == {"upload": second.pk, "filename": "01_dak_ha.docx"}
