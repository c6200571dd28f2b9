"""Templates out and back in: a unit's DOCX report template and XLSX indicators template
round-trip through the ingest (untouched: nothing; filled: exactly what was filled)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import docx
from docx.oxml.ns import qn
from office_files import fill_template
from openpyxl import load_workbook

from baocao.docx_out import Header
from baocao.docx_out.template import GUIDANCE_STYLE, LABEL_FILL, report_template_docx
from baocao.ingest import ingest_docx, ingest_xlsx
from baocao.outline.builtin import load_builtin
from baocao.templatemark import INDICATORS_TEMPLATE, REPORT_TEMPLATE, outline_key
from baocao.xlsx_out import MARK_SHEET, TEMPLATE_SHEET, indicators_template_xlsx

OUTLINE = load_builtin()
HEADER = Header("LĐLĐ tỉnh Kon Tum", "LĐLĐ huyện Đắk Hà", "     /BC-LĐLĐ", "Đắk Hà",
                datetime.date(2017, 12, 15))  # fmt: skip


def docx_template() -> bytes:
    return report_template_docx(OUTLINE, HEADER, unit_code="KT-DH")


# --- DOCX --------------------------------------------------------------------------------------


def test_untouched_report_template_gives_nothing_back():
    result = ingest_docx(docx_template(), OUTLINE, name="mau.docx")
    assert (result.sections, result.indicators, result.unassigned) == ({}, {}, [])
    assert result.warnings == [] and result.value_notes == []
    assert len(result.headings) == sum(1 for _ in OUTLINE.walk())
    mark = result.template
    assert (mark.kind, mark.unit_code, mark.unit_name) == (
        REPORT_TEMPLATE,
        "KT-DH",
        HEADER.issuing_unit,
    )
    assert mark.outline_key == outline_key(OUTLINE) and mark.fits(OUTLINE)


def test_report_template_layout_guidance_grey_italic_labels_shaded_header_filled():
    document = docx.Document(io.BytesIO(docx_template()))
    header = document.tables[0]
    assert (
        "LĐLĐ HUYỆN ĐẮK HÀ" in header.cell(0, 0).text
        and "Đắk Hà, ngày 15" in header.cell(1, 1).text
    )
    guidance = [p for p in document.paragraphs if p.style.name == GUIDANCE_STYLE]
    prompts = sum(len(s.prompts) + len(s.guidance) for s, _ in OUTLINE.walk())
    assert len(guidance) > prompts
    style = document.styles[GUIDANCE_STYLE]
    assert style.font.italic and str(style.font.color.rgb) == "808080"
    figures = document.tables[1]
    first = figures.rows[1].cells
    fills = [c._tc.tcPr.find(qn("w:shd")) for c in first]
    assert [f is not None and f.get(qn("w:fill")) == LABEL_FILL for f in fills] == [
        True, True, True, False, False,
    ]  # fmt: skip
    assert [c.text for c in figures.rows[0].cells][-2:] == ["Năm 2008", "Năm 2017"]
    assert first[1].text == OUTLINE.indicator("workers").name and first[3].text == ""


def test_filled_report_template_gives_exactly_what_was_filled():
    texts = {
        "P1/I/1": ["Ban Thường vụ đã tham mưu cho Huyện ủy ban hành Chương trình hành động.",
                   "- Tổ chức 12 hội nghị quán triệt;", "- Ban hành 8 văn bản chỉ đạo."],
        "P1/I/2": ["Các CĐCS tổ chức học tập Nghị quyết cho 3.200 lượt đoàn viên."],
        "P1/II/1": ["Đến năm 2017 toàn huyện có 3.990 đoàn viên, tăng 1.120 người."],
        "P2/3": ["Đề nghị Tổng LĐLĐ Việt Nam hỗ trợ kinh phí phát triển đoàn viên."],
    }  # fmt: skip
    values = {
        ("members", 2008): "2.870",
        ("members", 2017): "3.990",
        ("members_women", 2017): "1.850",
        ("average_income", 2017): "5,2",
        ("labour_disputes", 2008): "0",
        ("initiatives", 2017): "356",
    }
    result = ingest_docx(
        fill_template(
            # one unit leaves the grey instructions of I.2 in place
            docx_template(),
            OUTLINE,
            texts,
            values,
            keep_instructions=frozenset({"P1/I/2"}),
        ),
        OUTLINE,
        name="da_dien.docx",
    )
    assert result.sections == {
        "P1/I/1": "<p>Ban Thường vụ đã tham mưu cho Huyện ủy ban hành Chương trình hành động."
        "</p><ul><li>Tổ chức 12 hội nghị quán triệt;</li><li>Ban hành 8 văn bản chỉ đạo.</li>"
        "</ul>",
        "P1/I/2": "<p>Các CĐCS tổ chức học tập Nghị quyết cho 3.200 lượt đoàn viên.</p>",
        "P1/II/1": "<p>Đến năm 2017 toàn huyện có 3.990 đoàn viên, tăng 1.120 người.</p>",
        "P2/3": "<p>Đề nghị Tổng LĐLĐ Việt Nam hỗ trợ kinh phí phát triển đoàn viên.</p>",
    }
    assert result.indicators == {
        "members": {2008: Decimal(2870), 2017: Decimal(3990)},
        "members_women": {2017: Decimal(1850)},
        "average_income": {2017: Decimal("5.2")},
        "labour_disputes": {2008: Decimal(0)},
        "initiatives": {2017: Decimal(356)},
    }
    assert result.unassigned == [] and result.value_notes == []
    assert result.template.unit_code == "KT-DH"


def test_a_template_of_another_outline_is_flagged():
    other = load_builtin()
    other.sections[0].children[0].id = "P1/X"
    result = ingest_docx(report_template_docx(other, HEADER, unit_code="KT-DH"), OUTLINE)
    assert "đề cương khác" in result.warnings[0]


# --- XLSX --------------------------------------------------------------------------------------


def xlsx_template() -> bytes:
    return indicators_template_xlsx(OUTLINE, unit_code="KT-DH", unit_name="LĐLĐ huyện Đắk Hà")


def test_untouched_indicators_template_gives_nothing_back():
    result = ingest_xlsx(xlsx_template(), OUTLINE, name="chi_tieu.xlsx")
    assert (result.indicators, result.unassigned, result.warnings) == ({}, [], [])
    assert (result.template.kind, result.template.unit_code) == (INDICATORS_TEMPLATE, "KT-DH")


def test_indicators_template_protects_labels_validates_values_hides_the_codes():
    workbook = load_workbook(io.BytesIO(xlsx_template()))
    sheet = workbook[TEMPLATE_SHEET]
    assert sheet.protection.sheet and not sheet.protection.password
    assert sheet.column_dimensions["A"].hidden
    assert workbook[MARK_SHEET].sheet_state == "hidden"
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=6) if row[0].value}
    numeric = [i for i in OUTLINE.indicators if i.numeric and not i.derived]
    assert list(rows) == [i.code for i in numeric] or set(rows) == {i.code for i in numeric}
    members = rows["members"]
    assert members[2].value == "Số đoàn viên công đoàn" and members[2].protection.locked
    assert not members[4].protection.locked and not members[5].protection.locked
    validations = sheet.data_validations.dataValidation
    counts = [v for v in validations if (v.type, v.operator) == ("decimal", "greaterThanOrEqual")]
    assert [(v.formula1, v.allow_blank, v.showErrorMessage) for v in counts] == [("0", True, True)]
    covered = " ".join(str(v.sqref) for v in validations)
    assert members[4].coordinate in covered and members[2].coordinate not in covered


def test_filled_indicators_template_gives_exactly_what_was_filled():
    workbook = load_workbook(io.BytesIO(xlsx_template()))
    sheet = workbook[TEMPLATE_SHEET]
    typed = {"members": (2870, "3.990"), "average_income": (None, 5.2), "strikes": (0, None)}
    for row in sheet.iter_rows(min_row=6):
        if row[0].value in typed:
            row[4].value, row[5].value = typed[row[0].value]
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = ingest_xlsx(buffer.getvalue(), OUTLINE)
    assert result.indicators == {
        "members": {2008: Decimal(2870), 2017: Decimal(3990)},
        "average_income": {2017: Decimal("5.2")},
        "strikes": {2008: Decimal(0)},
    }
    assert result.value_notes == [] and result.warnings == []


def test_a_hand_made_sheet_with_names_and_years_is_read():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["BÁO CÁO SỐ LIỆU LĐLĐ HUYỆN ĐẮK TÔ"])
    sheet.append([])
    sheet.append(["STT", "Nội dung", "Năm 2008", "Năm 2017", "Ghi chú"])
    sheet.append([1, "Tổng số đoàn viên", 2100, 3120, ""])
    sheet.append([None, "Trong đó nữ", "950", "khoảng 1.400", "ước tính"])
    sheet.append([2, "Số CĐCS", 70, 92, None])
    sheet.append([3, "Số nhà văn hóa", 2, 3, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = ingest_xlsx(buffer.getvalue(), OUTLINE, name="so_lieu.xlsx")
    assert result.indicators == {
        "members": {2008: Decimal(2100), 2017: Decimal(3120)},
        "members_women": {2008: Decimal(950), 2017: Decimal(1400)},
        "grassroots_unions": {2008: Decimal(70), 2017: Decimal(92)},
    }
    assert [(n.code, n.year, n.severity) for n in result.value_notes] == [
        ("members_women", 2017, "warning")
    ]
    assert result.unassigned == ["3 | Số nhà văn hóa | 2 | 3"]
