"""A filled Word report keeps its formatting (issue 15, item 3): bold, italic, underline, Word's
bulleted and numbered lists with their levels, narrative tables with their merged cells, as the
section's stored HTML (`baocao.richtext`); a table of figures still goes to the figures."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from office_files import to_bytes

from baocao.docx_out import Header, ReportDocument, render_docx
from baocao.ingest import ingest_docx
from baocao.outline.builtin import load_builtin
from baocao.richtext import clean_section_text

OUTLINE = load_builtin()
HEADER = Header("LĐLĐ tỉnh Kon Tum", "LĐLĐ huyện Đắk Hà", "27/BC-LĐLĐ", "Đắk Hà",
                datetime.date(2017, 12, 15))  # fmt: skip


def test_a_report_written_by_docx_out_reads_back_to_the_same_html():
    texts = {
        "P1/I/1": clean_section_text(
            "<p>Ban Thường vụ đã <strong>chủ động</strong> tham mưu, <em>kịp thời</em> và "
            "<u>đúng hạn</u>.</p>"
            "<ol><li>Tổ chức hội nghị quán triệt:<ul><li>cấp huyện;</li>"
            "<li>cấp <em>cơ sở</em>.</li></ul></li><li>Ban hành 8 văn bản.</li></ol>"
            "<ul><li>Một;<ol><li>một a;</li><li>một b.</li></ol></li><li>Hai.</li></ul>"
            '<table><thead><tr><th>Nội dung</th><th colspan="2">Kết quả</th></tr></thead>'
            '<tbody><tr><td rowspan="2">Hội nghị</td><td>12</td><td>cuộc</td></tr>'
            "<tr><td>800</td><td><strong>người</strong> dự</td></tr></tbody></table>"
            "<p>Kết thúc.</p>"
        ),
        "P1/II/1": "<p>Đến năm 2017 có 3.990 đoàn viên.</p>",
        "P2/3": "<ol><li>Tăng biên chế cán bộ.</li><li>Hỗ trợ kinh phí.</li></ol>",
    }
    values = {"members": {2008: Decimal(2870), 2017: Decimal(3990)}}
    data = render_docx(
        ReportDocument(OUTLINE, HEADER, section_texts=texts, indicator_values=values, charts=False)
    )
    result = ingest_docx(data, OUTLINE, name="dak_ha.docx")
    assert result.sections == texts
    assert result.indicators == values  # the figures table still gives figures


def _multilevel_list(document) -> int:
    """A Word list of its own: 1. / bullet / a) at levels 0, 1, 2; its numId."""
    numbering = document.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
        for level, fmt, text in (
            (0, "decimal", "%1."),
            (1, "bullet", "•"),
            (2, "lowerLetter", "%3)"),
        )
    )
    numbering.insert(
        0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{levels}</w:abstractNum>')
    )
    num = numbering.add_num(90)
    return num.numId


def _item(document, text: str, num_id: int, level: int):
    paragraph = document.add_paragraph(text)
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id
    return paragraph


def test_word_lists_keep_their_kind_and_levels_and_runs_their_emphasis():
    document = docx.Document()
    document.add_paragraph().add_run("4.1. Công tác tuyên truyền giáo dục").bold = True
    intro = document.add_paragraph("Kết quả ")
    intro.add_run("nổi bật").italic = True
    intro.add_run(", ")
    intro.add_run("cần nhân rộng").underline = True
    intro.add_run(":")
    num_id = _multilevel_list(document)
    _item(document, "Mở 31 lớp bồi dưỡng;", num_id, 0)
    _item(document, "cho cán bộ công đoàn;", num_id, 1)
    _item(document, "trong đó nữ", num_id, 2).add_run(" 40%").bold = True
    _item(document, "cho đoàn viên.", num_id, 1)
    _item(document, "Tổ chức 12 hội thi.", num_id, 0)
    document.add_paragraph("Sau đó một đoạn văn.")
    # The template's own styles: "List Bullet", "List Bullet 2" (a nested bullet).
    document.add_paragraph("Một;", style="List Bullet")
    document.add_paragraph("một a.", style="List Bullet 2")
    result = ingest_docx(to_bytes(document), OUTLINE)
    assert result.sections["P1/II/4/4.1"] == (
        "<p>Kết quả <em>nổi bật</em>, <u>cần nhân rộng</u>:</p>"
        "<ol><li>Mở 31 lớp bồi dưỡng;<ul><li>cho cán bộ công đoàn;"
        '<ol type="a"><li>trong đó nữ <strong>40%</strong></li></ol></li>'
        "<li>cho đoàn viên.</li></ul></li><li>Tổ chức 12 hội thi.</li></ol>"
        "<p>Sau đó một đoạn văn.</p>"
        "<ul><li>Một;<ul><li>một a.</li></ul></li></ul>"
    )
    # What is placed and read for figures keeps Word's number.
    texts = [p.text for p in result.placements]
    assert "1. Mở 31 lớp bồi dưỡng;" in texts and "2. Tổ chức 12 hội thi." in texts
    assert "a) trong đó nữ 40%" in texts


def test_a_narrative_table_keeps_its_merged_cells():
    document = docx.Document()
    document.add_paragraph().add_run("4.1. Công tác tuyên truyền giáo dục").bold = True
    table = document.add_table(rows=3, cols=3)
    for r, texts in enumerate(
        (("Hình thức", "Kết quả", ""), ("Hội nghị", "12", "cuộc"), ("", "800", "lượt người"))
    ):
        for c, text in enumerate(texts):
            table.cell(r, c).text = text
    table.cell(0, 1).merge(table.cell(0, 2))  # across: gridSpan
    table.cell(1, 0).merge(table.cell(2, 0))  # down: vMerge
    result = ingest_docx(to_bytes(document), OUTLINE)
    html = result.sections["P1/II/4/4.1"]
    assert html.startswith('<table><tbody><tr><td>Hình thức</td><td colspan="2">Kết quả</td>')
    assert '<td rowspan="2">Hội nghị</td><td>12</td><td>cuộc</td></tr>' in html
    assert "<tr><td>800</td><td>lượt người</td></tr>" in html
    assert not result.indicators and not result.unassigned
    # Placed row by row, as it reads.
    texts = [p.text for p in result.placements]
    assert "Hội nghị | 12 | cuộc" in texts


def test_a_figures_table_still_gives_figures_not_a_table():
    document = docx.Document()
    document.add_paragraph().add_run(
        "1. Tình hình đoàn viên, CNVCLĐ, tổ chức công đoàn"
    ).bold = True
    table = document.add_table(rows=0, cols=3)
    for texts in (("Chỉ tiêu", "Năm 2008", "Năm 2017"), ("Số đoàn viên", "2.870", "3.990")):
        for cell, text in zip(table.add_row().cells, texts, strict=True):
            cell.text = text
    result = ingest_docx(to_bytes(document), OUTLINE)
    assert result.indicators["members"] == {2008: Decimal(2870), 2017: Decimal(3990)}
    assert "<table>" not in "".join(result.sections.values())


# --- list items with manual line breaks, kinds of numbers (issue 15: Word round trip gaps) -------

SECTION = "P1/II/4/4.1"


def _with_heading() -> docx.Document:
    document = docx.Document()
    document.add_paragraph().add_run("4.1. Công tác tuyên truyền giáo dục").bold = True
    return document


def _list_of(document, levels: tuple[tuple[str, str], ...]) -> int:
    """A Word list of its own whose levels 0, 1, ... are (numFmt, lvlText); its numId."""
    numbering = document.part.numbering_part.element
    abstract_id = 91 + len(numbering.findall(qn("w:abstractNum")))
    defined = "".join(
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
        for level, (fmt, text) in enumerate(levels)
    )
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">{defined}'
            "</w:abstractNum>"
        ),
    )
    return numbering.add_num(abstract_id).numId


def _broken(paragraph, *lines: str):
    """`paragraph` going on with `lines`, each after a manual line break (Shift+Enter)."""
    for line in lines:
        paragraph.add_run().add_break()
        paragraph.add_run(line)
    return paragraph


def _render(html: str) -> bytes:
    return render_docx(ReportDocument(OUTLINE, HEADER, section_texts={SECTION: html}, charts=False))


def _list_paragraphs(data: bytes, *texts: str) -> list:
    """The paragraphs of the rendered document that start with one of `texts`."""
    document = docx.Document(io.BytesIO(data))
    return [p for p in document.paragraphs if p.text.startswith(texts)]


def _levels(data: bytes, paragraph) -> tuple[str, str]:
    """(numFmt, lvlText) of a rendered list paragraph's own level."""
    numbering = docx.Document(io.BytesIO(data)).part.numbering_part.element
    num_pr = paragraph._p.pPr.numPr
    num = next(n for n in numbering.findall(qn("w:num")) if n.numId == num_pr.numId.val)
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(
        a for a in numbering.findall(qn("w:abstractNum"))
        if a.get(qn("w:abstractNumId")) == abstract_id
    )  # fmt: skip
    lvl = next(
        lvl
        for lvl in abstract.findall(qn("w:lvl"))
        if int(lvl.get(qn("w:ilvl"))) == num_pr.ilvl.val
    )
    return lvl.find(qn("w:numFmt")).get(qn("w:val")), lvl.find(qn("w:lvlText")).get(qn("w:val"))


def test_a_list_item_with_manual_line_breaks_stays_one_item():
    document = _with_heading()
    num_id = _list_of(document, (("decimal", "%1."), ("bullet", "-")))
    _broken(_item(document, "Mở 31 lớp bồi dưỡng;", num_id, 0), "trong đó 12 lớp cho nữ;")
    _broken(_item(document, "cấp huyện", num_id, 1), "cấp cơ sở")
    _item(document, "Tổ chức 12 hội thi.", num_id, 0)
    _broken(document.add_paragraph("Một;", style="List Bullet"), "dòng hai", "dòng ba")
    _broken(document.add_paragraph("Đoạn văn"), "dòng sau")
    result = ingest_docx(to_bytes(document), OUTLINE)
    stored = result.sections[SECTION]
    assert stored == (
        "<ol><li>Mở 31 lớp bồi dưỡng;<br>trong đó 12 lớp cho nữ;"
        "<ul><li>cấp huyện<br>cấp cơ sở</li></ul></li><li>Tổ chức 12 hội thi.</li></ol>"
        "<ul><li>Một;<br>dòng hai<br>dòng ba</li></ul>"
        "<p>Đoạn văn</p><p>dòng sau</p>"
    )
    # Each line is still placed and read for figures on its own.
    texts = [p.text for p in result.placements]
    assert "1. Mở 31 lớp bồi dưỡng;" in texts and "trong đó 12 lớp cho nữ;" in texts
    # Written back: one Word list paragraph with a line break, read back the same.
    data = _render(stored)
    first, nested, bullet = _list_paragraphs(data, "Mở 31", "cấp huyện", "Một;")
    assert first.text == "Mở 31 lớp bồi dưỡng;\ntrong đó 12 lớp cho nữ;"
    assert nested.text == "cấp huyện\ncấp cơ sở" and bullet.text == "Một;\ndòng hai\ndòng ba"
    for paragraph in (first, nested, bullet):
        assert paragraph._p.pPr.numPr is not None
    assert not _list_paragraphs(data, "trong đó", "cấp cơ sở", "dòng hai")
    assert ingest_docx(data, OUTLINE).sections[SECTION] == stored


@pytest.mark.parametrize(
    ("fmt", "text", "kind", "written"),
    [
        ("lowerLetter", "%1)", "a", ("lowerLetter", "%1)")),
        ("lowerLetter", "%1.", "a", ("lowerLetter", "%1)")),  # "a." written "a)"
        ("upperLetter", "%1.", "A", ("upperLetter", "%1.")),
        ("lowerRoman", "%1.", "i", ("lowerRoman", "%1.")),
        ("upperRoman", "%1.", "I", ("upperRoman", "%1.")),
        ("upperRoman", "(%1)", "I", ("upperRoman", "%1.")),
        ("decimal", "%1.", "", ("decimal", "%1.")),
        ("decimal", "%1)", "", ("decimal", "%1.")),
    ],
)
def test_each_kind_of_number_round_trips(fmt, text, kind, written):
    document = _with_heading()
    num_id = _list_of(document, ((fmt, text), ("upperRoman", "%2.")))
    _item(document, "Mở 31 lớp bồi dưỡng cho cán bộ;", num_id, 0)
    _item(document, "trong đó 12 lớp cho nữ;", num_id, 1)
    _broken(_item(document, "Tổ chức 12 hội thi;", num_id, 0), "thu hút 800 lượt người.")
    opened = f'<ol type="{kind}">' if kind else "<ol>"
    expected = (
        f"{opened}<li>Mở 31 lớp bồi dưỡng cho cán bộ;"
        '<ol type="I"><li>trong đó 12 lớp cho nữ;</li></ol></li>'
        "<li>Tổ chức 12 hội thi;<br>thu hút 800 lượt người.</li></ol>"
    )
    stored = ingest_docx(to_bytes(document), OUTLINE).sections[SECTION]
    assert stored == expected
    data = _render(stored)
    first, nested = _list_paragraphs(data, "Mở 31", "trong đó")
    assert _levels(data, first) == written
    assert _levels(data, nested) == ("upperRoman", "%2.")
    assert ingest_docx(data, OUTLINE).sections[SECTION] == expected


LINES = (
    "Tổ chức 12 hội nghị quán triệt;",
    "ban hành 8 văn bản <strong>hướng dẫn</strong>;",
    "trong đó nữ chiếm <em>40%</em>;",
    "kết nạp thêm 350 đoàn viên mới.",
)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "a", "A", "i", "I", "-"]),
            st.lists(st.sampled_from(LINES), min_size=1, max_size=3),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_lists_of_any_kind_with_line_breaks_round_trip(lists):
    """Lists of every kind, items of one to three lines: HTML -> DOCX -> HTML is the same."""
    parts = []
    for kind, lines in lists:
        item = "<br>".join(lines)
        if kind == "-":
            parts.append(f"<ul><li>{item}</li><li>{item}</li></ul>")
        else:
            opened = f'<ol type="{kind}">' if kind else "<ol>"
            parts.append(f"{opened}<li>{item}</li><li>{item}</li></ol>")
        parts.append("<p>Sau danh sách là một đoạn văn.</p>")  # two lists in a row: one list
    stored = clean_section_text("".join(parts))
    assert ingest_docx(_render(stored), OUTLINE).sections[SECTION] == stored
