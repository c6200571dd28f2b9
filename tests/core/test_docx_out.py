"""The official report as DOCX (Nghị định 30/2020/NĐ-CP layout) and as PDF where LibreOffice is."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from baocao.docx_out import (
    Header,
    ReportDocument,
    Signature,
    docx_to_pdf,
    render_docx,
)
from baocao.docx_out.figures import comparison_rows
from baocao.docx_out.render import date_line, recipient_lines
from baocao.docx_out.sectiontext import section_blocks
from baocao.errors import InputError
from baocao.libreoffice import available as libreoffice_available
from baocao.outline.builtin import load_builtin

D = Decimal
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TNR = "Times New Roman"

# A province's figures, consistent with the outline's rules (members <= workers, parts <= wholes);
# the ratios are given, as the consolidation computes them.
VALUES = {
    "workers": {2008: D(21450), 2017: D(31234)},
    "workers_non_state": {2008: D(1234), 2017: D(6240)},
    "members": {2008: D(18200), 2017: D(27850)},
    "members_women": {2008: D(8100), 2017: D(13020)},
    "unionisation_rate": {2008: D("84.848"), 2017: D("89.166")},
    "grassroots_unions": {2008: D(812), 2017: D(960)},
    "grassroots_unions_non_state": {2008: D(41), 2017: D(98)},
    "labour_disputes": {2008: D(4), 2017: D(1)},
    "collective_agreements_signed": {2008: D(35), 2017: D(142)},
    "new_members": {2008: None, 2017: D(780)},
}
TEXTS = {
    "P1/I/1": (
        "<p>Ban Thường vụ đã <strong>chủ động tham mưu</strong> cho Tỉnh ủy.</p>"
        "<ul><li>Tổ chức 45 hội nghị quán triệt;</li><li>Xây dựng chương trình hành động.</li></ul>"
        "<p>Kiểm tra thường xuyên.<script>alert('x')</script> <span>Giữ lại chữ</span></p>"
    ),
    "P1/II/1": "Đến cuối năm 2017 có 27.850 đoàn viên.\n- Số CĐCS: 960;\n- Tỷ lệ đạt 89,2%.",
    "P2/3": "<ol><li>Kiến nghị với Đảng.</li><li>Kiến nghị với Nhà nước.</li></ol>",
}


def make_report(**changes) -> ReportDocument:
    fields = {
        "outline": load_builtin(),
        "header": Header(
            superior_unit="Tổng LĐLĐ Việt Nam",
            issuing_unit="LĐLĐ tỉnh Kon Tum",
            number="05/BC-LĐLĐ",
            place="Kon Tum",
            date=datetime.date(2018, 1, 5),
        ),
        "section_texts": TEXTS,
        "indicator_values": VALUES,
        "signature": Signature(name="Nguyễn Văn A"),
        "recipients": ["Như trên", "Tỉnh ủy Kon Tum (b/c)", "Lưu: VT, ToC"],
    }
    fields.update(changes)
    return ReportDocument(**fields)


@pytest.fixture(scope="module")
def report() -> ReportDocument:
    return make_report()


@pytest.fixture(scope="module")
def rendered(report) -> bytes:
    return render_docx(report)


@pytest.fixture(scope="module")
def document(rendered):
    return docx.Document(io.BytesIO(rendered))


def body(document) -> list[Paragraph | Table]:
    return list(document.iter_inner_content())


def after_heading(document, starts: str) -> list[Paragraph | Table]:
    """The blocks between the heading starting with `starts` and the next heading."""
    blocks = body(document)
    for index, block in enumerate(blocks):
        if isinstance(block, Paragraph) and _is_heading(block) and block.text.startswith(starts):
            following = []
            for item in blocks[index + 1 :]:
                if isinstance(item, Paragraph) and _is_heading(item):
                    break
                following.append(item)
            return following
    raise AssertionError(f"no heading {starts!r}")


def _is_heading(paragraph: Paragraph) -> bool:
    return paragraph.style.name.lower().startswith("heading")


def list_levels(document, num_id: int) -> dict[int, tuple[str, str]]:
    """{ilvl: (numFmt, lvlText)} of a list, from the document's numbering part."""
    numbering = document.part.numbering_part.element
    num = next(n for n in numbering.findall(qn("w:num")) if n.numId == num_id)
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(
        a for a in numbering.findall(qn("w:abstractNum"))
        if a.get(qn("w:abstractNumId")) == abstract_id
    )  # fmt: skip
    return {
        int(lvl.get(qn("w:ilvl"))): (
            lvl.find(qn("w:numFmt")).get(qn("w:val")),
            lvl.find(qn("w:lvlText")).get(qn("w:val")),
        )
        for lvl in abstract.findall(qn("w:lvl"))
    }


def list_item(paragraph: Paragraph) -> tuple[int, int] | None:
    """(numId, ilvl) of a Word list paragraph, None for any other."""
    ppr = paragraph._p.pPr
    if ppr is None or ppr.numPr is None:
        return None
    return ppr.numPr.numId.val, ppr.numPr.ilvl.val


def shown(document, blocks) -> list[str]:
    """The blocks' paragraphs as Word shows them: a list item with its mark ("- ", "2. "),
    numbers counted per list as Word counts them; empty paragraphs and tables left out."""
    counters: dict[int, list[int]] = {}
    lines = []
    for block in blocks:
        if not isinstance(block, Paragraph) or not block.text:
            continue
        item = list_item(block)
        if item is None:
            lines.append(block.text)
            continue
        num_id, level = item
        number_format, text = list_levels(document, num_id)[level]
        counts = counters.setdefault(num_id, [0] * 9)
        counts[level] += 1
        counts[level + 1 :] = [0] * (8 - level)
        if number_format != "bullet":
            text = re.sub(r"%(\d)", lambda match, n=counts: str(n[int(match[1]) - 1]), text)
        lines.append(f"{'    ' * level}{text} {block.text}")
    return lines


def texts(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def cm(length) -> float:
    return length / 360000


# --- page and fonts ----------------------------------------------------------------------------


def test_page_is_a4_with_the_decree_margins(document):
    section = document.sections[0]
    measured = [section.page_width, section.page_height, section.top_margin]
    measured += [section.bottom_margin, section.left_margin, section.right_margin]
    assert [cm(x) * 10 for x in measured] == pytest.approx([210, 297, 20, 20, 30, 15], abs=0.5)


def test_times_new_roman_fills_every_font_slot_of_the_normal_style(document):
    normal = document.styles["Normal"]
    assert normal.font.name == TNR
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    slots = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
    assert {fonts.get(qn(slot)) for slot in slots} == {TNR}
    assert fonts.get(qn("w:asciiTheme")) is None


def test_body_text_is_14pt_justified_with_indented_first_line(document):
    paragraph = next(p for p in document.paragraphs if p.text.startswith("Ban Thường vụ"))
    fmt = paragraph.style.paragraph_format
    assert paragraph.style.font.size.pt == 14
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert cm(fmt.first_line_indent) == pytest.approx(1.27, abs=0.01)
    assert fmt.space_after.pt >= 6
    assert 1 <= fmt.line_spacing <= 1.5


# --- header block and title --------------------------------------------------------------------


def test_header_block_is_a_borderless_table_with_units_number_and_national_heading(document):
    header = document.tables[0]
    assert len(header.columns) == 2
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}
    left, right = header.cell(0, 0), header.cell(0, 1)
    assert [p.text for p in left.paragraphs if p.text] == [
        "TỔNG LĐLĐ VIỆT NAM",
        "LĐLĐ TỈNH KON TUM",
    ]
    superior, issuing = left.paragraphs[0].runs[0], left.paragraphs[1].runs[0]
    assert not superior.bold and superior.font.size.pt == 13
    assert issuing.bold
    assert left.paragraphs[2]._p.pPr.find(qn("w:pBdr")) is not None  # the short rule
    assert [p.text for p in right.paragraphs if p.text] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert right.paragraphs[1].runs[0].font.size.pt == 14
    assert header.cell(1, 0).text == "Số: 05/BC-LĐLĐ"
    date = header.cell(1, 1).paragraphs[0]
    assert date.text == "Kon Tum, ngày 05 tháng 01 năm 2018"
    assert date.runs[0].italic


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2018, 1, 5), "Kon Tum, ngày 05 tháng 01 năm 2018"),
        (datetime.date(2018, 2, 28), "Kon Tum, ngày 28 tháng 02 năm 2018"),
        (datetime.date(2017, 3, 9), "Kon Tum, ngày 09 tháng 3 năm 2017"),
        (datetime.date(2017, 12, 25), "Kon Tum, ngày 25 tháng 12 năm 2017"),
    ],
)
def test_date_has_leading_zeros_for_days_below_ten_and_months_one_and_two(day, expected):
    assert date_line("Kon Tum", day) == expected


def test_report_kind_and_title_are_bold_and_centred(document, report):
    kind = next(p for p in document.paragraphs if p.text == "BÁO CÁO")
    title = next(p for p in document.paragraphs if p.text == report.outline.title)
    for paragraph in (kind, title):
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert all(run.bold for run in paragraph.runs)


# --- headings, text, tables ----------------------------------------------------------------------


def test_every_outline_heading_appears_in_order_with_its_number(document, report):
    expected = []
    for section, _ in report.outline.walk():
        if section.number.lower().startswith("phần"):
            expected.append(f"{section.number.upper()}\n{section.title.upper()}")
        elif section.number in ("I", "II", "III"):
            expected.append(f"{section.number}. {section.title.upper()}")
        else:
            expected.append(f"{section.number}. {section.title}")
    headings = [p.text.rstrip(",") for p in document.paragraphs if _is_heading(p)]
    assert headings[: len(expected)] == expected
    assert headings[len(expected) :] == ["PHỤ LỤC"]
    assert "4.1. Kết quả thực hiện công tác tuyên truyền" in "\n".join(headings)


def test_heading_levels_follow_the_decree(document):
    def style(starts):
        heading = next(p for p in document.paragraphs if p.text.startswith(starts))
        return heading.style

    part = style("PHẦN THỨ NHẤT")
    assert part.font.bold and part.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert style("I. TÌNH HÌNH").font.bold
    assert style("4.1. ").font.bold and style("4.1. ").font.italic


def test_section_text_keeps_paragraphs_bullets_and_bold(document):
    blocks = after_heading(document, "1. Đánh giá công tác chỉ đạo")
    assert shown(document, blocks) == [
        "Ban Thường vụ đã chủ động tham mưu cho Tỉnh ủy.",
        "- Tổ chức 45 hội nghị quán triệt;",
        "- Xây dựng chương trình hành động.",
        "Kiểm tra thường xuyên. Giữ lại chữ",
    ]
    assert [run.text for run in blocks[0].runs if run.bold] == ["chủ động tham mưu"]


def test_script_is_dropped_and_unknown_tags_keep_their_text(rendered, document):
    words = "\n".join(p.text for p in document.paragraphs)
    assert "alert" not in words and "<" not in words
    assert "Giữ lại chữ" in words
    assert b"script" not in rendered


def test_plain_text_lines_become_paragraphs_and_bullets(document):
    blocks = after_heading(document, "1. Tình hình về đoàn viên")
    assert shown(document, blocks) == [
        "Đến cuối năm 2017 có 27.850 đoàn viên.",
        "- Số CĐCS: 960;",
        "- Tỷ lệ đạt 89,2%.",
    ]


def test_ordered_list_items_are_numbered(document):
    blocks = after_heading(document, "3. Những kiến nghị, đề xuất")
    assert shown(document, blocks) == ["1. Kiến nghị với Đảng.", "2. Kiến nghị với Nhà nước."]


def test_indicator_table_follows_its_section_in_vietnamese_number_format(document):
    table = next(
        b for b in after_heading(document, "1. Tình hình về đoàn viên") if isinstance(b, Table)
    )
    rows = texts(table)
    assert rows[0] == ["TT", "Chỉ tiêu", "Đơn vị", "Năm 2008", "Năm 2017", "Tăng/giảm", "%"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)
    by_label = {row[1]: row for row in rows}
    assert rows[1][0] == "1" and rows[2][1:4] == [
        "Trong đó: doanh nghiệp ngoài nhà nước", "người", "1.234",
    ]  # fmt: skip
    assert by_label["Số đoàn viên công đoàn"] == [
        "2", "Số đoàn viên công đoàn", "người", "18.200", "27.850", "+9.650", "+53,0",
    ]  # fmt: skip
    women = by_label["Trong đó: nữ"]
    assert women[0] == "" and women[3:] == ["8.100", "13.020", "+4.920", "+60,7"]
    rate = by_label["Tỷ lệ đoàn viên trên tổng số CNVCLĐ"]
    assert rate[3:] == ["84,8%", "89,2%", "+4,3", "–"]  # points, no % of a %
    unknown = by_label["Tỷ lệ đoàn viên trên số CNVCLĐ trong doanh nghiệp ngoài nhà nước"]
    assert unknown[3:] == ["", "", "–", "–"]
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"single"}


def test_decrease_is_signed_minus_and_missing_baseline_is_not_computable():
    outline = load_builtin()
    indicators = [outline.indicator("labour_disputes"), outline.indicator("new_members")]
    disputes, recruits = comparison_rows(indicators, VALUES, (2008, 2017))
    assert (disputes.change, disputes.percent) == ("-3", "-75,0")
    assert (recruits.baseline, recruits.current, recruits.change) == ("", "780", "–")


def test_sections_without_figures_get_no_table(document):
    blocks = after_heading(document, "4.4. ")
    assert not any(isinstance(b, Table) for b in blocks)


# --- footnotes and page numbers ------------------------------------------------------------------


def test_outline_footnotes_are_real_word_footnotes_at_their_headings(document, report):
    part = document.part.part_related_by(RT.FOOTNOTES)
    root = parse_xml(part.blob)
    notes = root.findall(qn("w:footnote"))
    assert {n.get(qn("w:type")) for n in notes if int(n.get(qn("w:id"))) <= 0} == {
        "separator",
        "continuationSeparator",
    }
    written = [
        "".join(t.text for t in n.iter(qn("w:t"))).strip()
        for n in notes
        if int(n.get(qn("w:id"))) > 0
    ]
    expected = [note.text for section, _ in report.outline.walk() for note in section.footnotes]
    assert len(expected) == 5
    assert written == expected

    references = document.element.body.findall(".//" + qn("w:footnoteReference"))
    assert [r.get(qn("w:id")) for r in references] == ["1", "2", "3", "4", "5"]
    for reference in references:
        style = reference.getparent().find(qn("w:rPr")).find(qn("w:rStyle"))
        assert style.get(qn("w:val")) == "FootnoteReference"
    heading_41 = next(p for p in document.paragraphs if p.text.startswith("4.1. "))
    assert len(heading_41._p.findall(".//" + qn("w:footnoteReference"))) == 2  # title, prompt


def test_page_number_is_in_the_header_from_page_two(document):
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert section._sectPr.find(qn("w:titlePg")) is not None
    default = section.header._element.xml
    assert "PAGE" in default and "fldChar" in default
    assert "PAGE" not in section.first_page_header._element.xml
    assert section.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER


# --- signature and appendix ----------------------------------------------------------------------


def test_signature_block_names_recipients_and_signer(document):
    table = next(t for t in document.tables if t.cell(0, 0).text.startswith("Nơi nhận:"))
    left = [p.text for p in table.cell(0, 0).paragraphs]
    assert left == ["Nơi nhận:", "- Như trên;", "- Tỉnh ủy Kon Tum (b/c);", "- Lưu: VT, ToC."]
    heading = table.cell(0, 0).paragraphs[0].runs[0]
    assert heading.bold and heading.italic and heading.font.size.pt == 12
    assert table.cell(0, 0).paragraphs[1].runs[0].font.size.pt == 11
    right = [p.text for p in table.cell(0, 1).paragraphs if p.text]
    assert right == ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH", "Nguyễn Văn A"]
    assert all(p.runs[0].bold for p in table.cell(0, 1).paragraphs if p.text)


def test_recipients_end_with_a_full_stop_whatever_was_typed():
    assert recipient_lines(["- Như trên;", "Lưu: VT."]) == ["- Như trên;", "- Lưu: VT."]


def test_appendix_compares_every_indicator_and_charts_the_main_ones(document, report):
    paragraphs = [p.text for p in document.paragraphs]
    start = paragraphs.index("PHỤ LỤC")
    assert paragraphs[start + 1] == "SỐ LIỆU SO SÁNH NĂM 2008 - NĂM 2017"
    assert "Kèm theo Báo cáo số 05/BC-LĐLĐ ngày 05/01/2018" in paragraphs[start + 2]
    appendix = document.tables[-1]
    numbered = [row for row in texts(appendix)[1:] if row[0].isdigit()]
    parts = [row for row in texts(appendix)[1:] if row[0] == "" and row[1] != row[-1]]
    assert len(numbered) + len(parts) == len(report.outline.indicators)
    assert [row[0] for row in numbered] == [str(n) for n in range(1, len(numbered) + 1)]
    assert len(document.inline_shapes) >= 1
    assert cm(document.inline_shapes[0].width) == pytest.approx(15, abs=0.1)


def test_no_figures_means_no_tables_no_chart_and_no_appendix():
    document = docx.Document(io.BytesIO(render_docx(make_report(indicator_values={}))))
    assert len(document.tables) == 2  # header block and signature
    assert len(document.inline_shapes) == 0
    assert "PHỤ LỤC" not in [p.text for p in document.paragraphs]


def test_equal_reports_give_equal_bytes(rendered):
    assert render_docx(make_report()) == rendered


def test_importing_the_package_leaves_matplotlib_unloaded():
    code = "import sys, baocao.docx_out; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# --- section text parsing --------------------------------------------------------------------------


def test_nested_lists_breaks_and_entities_are_read():
    blocks = section_blocks(
        "<ul><li>Một<ul><li>Hai &amp; ba</li></ul></li></ul><p>Dòng 1<br>Dòng 2</p>"
    )
    assert [(b.marker, b.text) for b in blocks] == [
        ("-", "Một"),
        ("+", "Hai & ba"),
        ("", "Dòng 1\nDòng 2"),
    ]
    assert section_blocks("<p> <br> </p>") == []
    assert section_blocks("") == []


# --- rich section text: Word lists, tables, underline, sub-headings (issue 15) ---------------------

RICH = {
    "P1/I/1": (
        "<p>Chữ <strong>đậm</strong>, <em>nghiêng</em>, <u>gạch chân</u>.</p><h4>Tiểu mục</h4>"
        "<ul><li>Một<ul><li>con<ol><li>số một</li><li>số hai</li></ol></li></ul></li>"
        "<li>Hai</li></ul><ol><li>Đầu</li><li>Sau</li></ol>"
    ),
    "P1/II/1": (
        '<table><thead><tr><th rowspan="2">Chỉ tiêu</th><th colspan="2">Số liệu</th></tr>'
        "<tr><th>Năm 2008</th><th>Năm 2017</th></tr></thead><tbody><tr><td>Đoàn viên</td>"
        "<td>18.200</td><td>27.850</td></tr><tr><td>CĐCS</td><td>812</td><td>960</td></tr>"
        "</tbody></table><p>Sau bảng.</p>"
    ),
}


@pytest.fixture(scope="module")
def rich_rendered() -> bytes:
    return render_docx(make_report(section_texts=RICH, indicator_values={}, charts=False))


@pytest.fixture(scope="module")
def rich(rich_rendered):
    return docx.Document(io.BytesIO(rich_rendered))


def test_lists_are_word_lists_nested_by_level(rich):
    blocks = after_heading(rich, "1. Đánh giá công tác chỉ đạo")
    assert shown(rich, blocks) == [
        "Chữ đậm, nghiêng, gạch chân.",
        "Tiểu mục",
        "- Một",
        "    + con",
        "        1. số một",
        "        2. số hai",
        "- Hai",
        "1. Đầu",
        "2. Sau",
    ]
    items = [list_item(b) for b in blocks if isinstance(b, Paragraph) and b.text]
    assert [item[1] for item in items if item] == [0, 1, 2, 2, 0, 0, 0]
    bullets = {items[i][0] for i in (2, 3, 6)}
    nested_numbers, numbers = items[4][0], items[7][0]
    assert len(bullets) == 1 and len({*bullets, nested_numbers, numbers}) == 3
    levels = list_levels(rich, bullets.pop())
    assert levels[0] == ("bullet", "-") and levels[1] == ("bullet", "+")
    assert list_levels(rich, numbers)[0] == ("decimal", "%1.")
    # Every numbered list starts again at 1, in Word as in LibreOffice.
    for num_id in (nested_numbers, numbers):
        num = next(
            n for n in rich.part.numbering_part.element.findall(qn("w:num")) if n.numId == num_id
        )
        starts = num.findall(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
        assert starts and {start.get(qn("w:val")) for start in starts} == {"1"}
    # The marks are Word's: none typed into the text.
    assert not any(
        b.text.startswith(("- ", "+ ", "1. ")) for b in blocks if isinstance(b, Paragraph)
    )


def test_list_levels_indent_as_typed_bullets_did(rich):
    numbering = rich.part.numbering_part.element
    ours = [a for a in numbering.findall(qn("w:abstractNum")) if a.find(qn("w:nsid")) is not None
            and a.find(qn("w:nsid")).get(qn("w:val")).startswith("B40CA")]  # fmt: skip
    assert len(ours) == 2
    for abstract in ours:
        for lvl in abstract.findall(qn("w:lvl")):
            level = int(lvl.get(qn("w:ilvl")))
            indent = lvl.find(f"{qn('w:pPr')}/{qn('w:ind')}")
            assert indent.get(qn("w:firstLine")) == "720"  # 1.27 cm, the body's
            assert indent.get(qn("w:left")) == str(357 * level)
            assert lvl.find(qn("w:suff")).get(qn("w:val")) == "space"
            fonts = lvl.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
            assert fonts.get(qn("w:ascii")) == TNR


def test_bold_italic_underline_runs_and_the_sub_heading(rich):
    first, subheading = [
        b for b in after_heading(rich, "1. Đánh giá công tác chỉ đạo") if isinstance(b, Paragraph)
    ][:2]
    runs = {run.text: (run.bold, run.italic, run.underline) for run in first.runs}
    assert runs["đậm"] == (True, None, None)
    assert runs["nghiêng"] == (None, True, None)
    assert runs["gạch chân"] == (None, None, True)
    assert first.style.name == "Body Text"
    style = subheading.style
    assert style.name == "Tiêu đề nhỏ" and style.font.bold
    assert style.paragraph_format.keep_with_next and not style.name.startswith("Heading")
    assert subheading._p.pPr.find(qn("w:outlineLvl")) is None


def test_a_table_is_a_bordered_word_table_with_its_header_and_merges(rich):
    blocks = after_heading(rich, "1. Tình hình về đoàn viên")
    table = next(b for b in blocks if isinstance(b, Table))
    assert texts(table) == [
        ["Chỉ tiêu", "Số liệu", "Số liệu"],
        ["Chỉ tiêu", "Năm 2008", "Năm 2017"],
        ["Đoàn viên", "18.200", "27.850"],
        ["CĐCS", "812", "960"],
    ]
    assert [b.text for b in blocks if isinstance(b, Paragraph) and b.text] == ["Sau bảng."]
    tbl = table._tbl
    borders = tbl.tblPr.find(qn("w:tblBorders"))
    edges = {edge.tag.split("}")[1]: edge.get(qn("w:val")) for edge in borders}
    assert edges == dict.fromkeys(
        ("top", "left", "bottom", "right", "insideH", "insideV"), "single"
    )
    rows = tbl.tr_lst
    repeated = [
        row.trPr is not None and row.trPr.find(qn("w:tblHeader")) is not None for row in rows
    ]
    assert repeated == [True, True, False, False]
    first, second = rows[0].tc_lst, rows[1].tc_lst
    assert len(first) == 2 and first[1].tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "2"
    assert first[0].tcPr.find(qn("w:vMerge")).get(qn("w:val")) == "restart"
    assert second[0].tcPr.find(qn("w:vMerge")).get(qn("w:val")) in (None, "continue")
    header_runs = [run for cell in table.rows[0].cells for p in cell.paragraphs for run in p.runs]
    assert header_runs and all(run.bold for run in header_runs)
    body = table.rows[2].cells
    assert not any(run.bold for run in body[0].paragraphs[0].runs)
    assert {run.font.size.pt for run in body[1].paragraphs[0].runs} == {12}
    assert body[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert table.rows[0].cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_word_paste_comes_out_as_word_lists_and_a_merged_header():
    from baocao.richtext import clean_section_text

    pasted = (FIXTURES / "paste" / "word_clipboard.html").read_text(encoding="utf-8")
    report = make_report(
        section_texts={"P1/I/1": clean_section_text(pasted)}, indicator_values={}, charts=False
    )
    document = docx.Document(io.BytesIO(render_docx(report)))
    blocks = after_heading(document, "1. Đánh giá công tác chỉ đạo")
    assert shown(document, blocks)[1:6] == [
        "- Tổ chức 45 hội nghị quán triệt",
        "    + ở cấp huyện",
        "    + ở cơ sở",
        "- Ban hành 12 văn bản",
        "1. Kiến nghị với Đảng",
    ]
    table = next(b for b in blocks if isinstance(b, Table))
    assert texts(table)[0] == ["Số liệu so sánh"] * 3
    header = table._tbl.tr_lst[0]
    assert header.tc_lst[0].tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "3"
    assert header.trPr.find(qn("w:tblHeader")) is not None


@pytest.mark.skipif(
    not (libreoffice_available() and shutil.which("pdftotext")),
    reason="LibreOffice and pdftotext (poppler-utils) are needed: `make system-deps`",
)
def test_the_pdf_shows_the_list_marks_and_the_table(rich_rendered, tmp_path):
    (tmp_path / "rich.pdf").write_bytes(docx_to_pdf(rich_rendered))
    shown_text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "rich.pdf"), "-"],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout  # fmt: skip
    lines = [" ".join(line.split()) for line in shown_text.splitlines()]
    for expected in ("- Một", "+ con", "1. số một", "2. số hai", "1. Đầu", "2. Sau"):
        assert expected in lines
    assert any(line.startswith("Đoàn viên 18.200 27.850") for line in lines)


# --- PDF -------------------------------------------------------------------------------------------


def test_pdf_without_libreoffice_says_what_to_do(monkeypatch):
    monkeypatch.setattr("baocao.libreoffice.executable", lambda: None)
    assert not libreoffice_available()
    with pytest.raises(InputError) as raised:
        docx_to_pdf(b"PK")
    assert "chưa cài LibreOffice" in str(raised.value)
    assert "libreoffice-writer" in str(raised.value)


@pytest.mark.skipif(
    not libreoffice_available(),
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui",
)
def test_pdf_is_made_by_libreoffice(rendered):
    assert docx_to_pdf(rendered).startswith(b"%PDF")


@pytest.mark.skipif(
    not (libreoffice_available() and shutil.which("pdftoppm")),
    reason="LibreOffice and pdftoppm (poppler-utils) are needed: `make system-deps`",
)
def test_pdf_pages_render_as_a4_with_the_header_block_inked(rendered, tmp_path):
    """The PDF as a person would see it: A4 pages, page 1 with ink in the header block's two
    columns and under it, none of it blank (the picture itself is looked at by the team)."""
    from PIL import Image

    (tmp_path / "report.pdf").write_bytes(docx_to_pdf(rendered))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", str(tmp_path / "report.pdf"), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2
    first = Image.open(pages[0]).convert("L")
    width, height = first.size
    assert abs(width / height - 210 / 297) < 0.01

    def inked(box) -> int:
        return sum(
            1 for value in first.crop(box).point(lambda v: 255 * (v < 128)).tobytes() if value
        )

    top = int(height * 0.16)
    assert inked((0, 0, width // 2, top)) > 20  # the unit names, left
    assert inked((width // 2, 0, width, top)) > 20  # Quốc hiệu and the date, right
    assert inked((0, top, width, height)) > 200  # the body
