"""The stored section text (issue 15): its allow-list, what Word, LibreOffice and Google Docs
paste reduces to, hostile HTML, older texts unchanged, and every reader seeing table cells."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nh3
import pytest

from baocao.richtext import (
    ALLOWED_TAGS,
    MAX_TABLE_COLUMNS,
    Block,
    TableBlock,
    changed_lines,
    clean_section_text,
    editable_lines,
    from_plain_lines,
    list_mark,
    plain_lines,
    plain_text,
    section_blocks,
    text_lines,
    word_count,
)
from baocao.text import clean_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PASTE = FIXTURES / "paste"
TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)([^>]*)>")


def tags_and_attributes(stored: str) -> tuple[set[str], set[str]]:
    found = TAG.findall(stored)
    return {tag for _closing, tag, _attrs in found}, {a.strip() for *_, a in found if a.strip()}


# --- the allow-list ---------------------------------------------------------------------------


def test_the_allow_list_is_the_documented_one():
    documented = {
        "p", "h4", "ul", "ol", "li", "br", "strong", "em", "u",
        "table", "thead", "tbody", "tr", "th", "td",
    }  # fmt: skip
    assert documented == ALLOWED_TAGS


def test_underline_nested_lists_tables_and_subheadings_are_kept():
    stored = (
        "<h4>Kết quả</h4><p>Chữ <u>gạch chân</u>, <strong>đậm</strong>, <em>nghiêng</em>.</p>"
        "<ol><li>Một<ul><li>con</li></ul></li><li>Hai</li></ol>"
        '<table><thead><tr><th colspan="2">Số liệu</th></tr></thead>'
        '<tbody><tr><td rowspan="2">Đoàn viên</td><td>18.200</td></tr>'
        "<tr><td>27.850</td></tr></tbody></table>"
    )
    assert clean_section_text(stored) == stored


@pytest.mark.parametrize("heading", ["h1", "h2", "h3", "h5", "h6"])
def test_every_heading_becomes_the_one_sub_heading(heading):
    assert clean_section_text(f"<{heading}>Tiêu đề</{heading}><p>a</p>") == (
        "<h4>Tiêu đề</h4><p>a</p>"
    )


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("2", "2"), ("50", "50"), (" 3 ", "3"), ("05", "5"),
        ("1", None), ("0", None), ("51", None), ("-1", None), ("999", None), ("1e1", None),
        ("2.5", None), ("abc", None), ("", None), ("3 onmouseover=alert(1)", None),
    ],
)  # fmt: skip
def test_cell_spans_are_integers_from_2_to_50_and_nothing_else(value, kept):
    stored = clean_section_text(
        f'<table><tr><td colspan="{value}" rowspan="{value}" class="x">a</td><td>b</td></tr>'
        "<tr><td>c</td><td>d</td></tr></table>"
    )
    cell = re.search(r"<td[^>]*>a</td>", stored)[0]
    assert cell == (f'<td colspan="{kept}" rowspan="{kept}">a</td>' if kept else "<td>a</td>")


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("a", "a"), ("A", "A"), ("i", "i"), ("I", "I"), (" a ", "a"),
        ("1", None), ("x", None), ("b", None), ("aa", None), ("", None), ("disc", None),
        ("javascript:alert(1)", None), ("a onclick=alert(1)", None), ('a" x="', None),
    ],
)  # fmt: skip
def test_a_numbered_list_keeps_its_kind_of_number_and_nothing_else(value, kept):
    for written in (f"<ol type='{value}'><li>a</li></ol>", f"<OL TYPE='{value}'><li>a</li></OL>"):
        stored = clean_section_text(written)
        assert stored == (f'<ol type="{kept}"><li>a</li></ol>' if kept else "<ol><li>a</li></ol>")
        assert clean_section_text(stored) == stored
    # On a bullet list, no kind of number; in a table cell, the list's lines carry it.
    assert clean_section_text('<ul type="a"><li>a</li></ul>') == "<ul><li>a</li></ul>"
    assert (
        clean_section_text(
            '<table><tr><td><ol type="I"><li>a</li><li>b</li></ol></td></tr></table>'
        )
        == "<table><tbody><tr><td>I. a<br>II. b</td></tr></tbody></table>"
    )


def test_a_pasted_list_keeps_its_kind_of_number():
    def word(marker: str, text: str, level: int = 1) -> str:
        return (
            f"<p class=MsoListParagraph style='mso-list:l0 level{level} lfo1'><span "
            f"style='mso-list:Ignore'>{marker}<span>&nbsp;&nbsp;</span></span>{text}</p>"
        )

    pasted = (
        word("a)", "một") + word("b)", "hai") + word("I.", "ba", 2) + word("II.", "bốn", 2)
        + word("c)", "năm") + "<p>đoạn</p>" + word("i.", "sáu") + word("ii.", "bảy")
        + "<p>đoạn</p>" + word("A.", "tám") + "<p>đoạn</p>" + word("1.", "chín")
    )  # fmt: skip
    assert clean_section_text(pasted) == (
        '<ol type="a"><li>một</li><li>hai<ol type="I"><li>ba</li><li>bốn</li></ol></li>'
        '<li>năm</li></ol><p>đoạn</p><ol type="i"><li>sáu</li><li>bảy</li></ol><p>đoạn</p>'
        '<ol type="A"><li>tám</li></ol><p>đoạn</p><ol><li>chín</li></ol>'
    )
    # LibreOffice writes the type; Google Docs and browsers a list-style-type.
    assert clean_section_text(
        '<ol type="i"><li>a</li></ol><ol style="list-style-type: upper-alpha"><li>b</li></ol>'
        '<ol><li style="list-style-type:lower-roman">c</li></ol>'
        '<ol style="list-style-type:decimal"><li>d</li></ol>'
    ) == (
        '<ol type="i"><li>a</li></ol><ol type="A"><li>b</li></ol><ol type="i"><li>c</li></ol>'
        "<ol><li>d</li></ol>"
    )


# --- what paste brings ----------------------------------------------------------------------------

WORD_REDUCED = (
    "<p><strong>Ban Thường vụ</strong> đã <strong>chủ động</strong> tham mưu <em>kịp thời</em>,"
    " <u>đúng hướng</u> và <u>đạt</u> kết quả.</p>"
    "<ul><li>Tổ chức 45 hội nghị quán triệt<ul><li>ở cấp huyện</li><li>ở cơ sở</li></ul></li>"
    "<li>Ban hành 12 văn bản</li></ul>"
    '<ol><li>Kiến nghị với Đảng<ol type="a"><li>về chính sách</li></ol></li>'
    "<li>Kiến nghị với Nhà nước</li></ol>"
    '<table><thead><tr><th colspan="3">Số liệu so sánh</th></tr></thead><tbody>'
    "<tr><td>Đoàn viên</td><td>18.200</td><td>27.850</td></tr>"
    "<tr><td>CĐCS</td><td>812</td><td>960</td></tr></tbody></table>"
)


def test_word_clipboard_html_reduces_to_the_stored_format():
    """Word's own clipboard HTML: b/i/u and styled spans, mso-list paragraphs for a bullet list
    with a nested level and a numbered one, a 3×3 table whose bold first row is one merged
    cell, o:p, mso classes, <font>, a tracked insertion and deletion, a comment, hidden text."""
    stored = clean_section_text((PASTE / "word_clipboard.html").read_text(encoding="utf-8"))
    assert "".join(line.strip() for line in stored.split("\n")) == WORD_REDUCED
    tags, attributes = tags_and_attributes(stored)
    assert tags <= ALLOWED_TAGS and attributes == {'colspan="3"', 'type="a"'}
    for gone in ("NVA1", "Kiểm tra lại", "8 văn bản", "(ẩn)", "·", "mso", "o:p", "font"):
        assert gone not in stored
    assert clean_section_text(stored) == stored


def test_libreoffice_clipboard_html_reduces_to_the_stored_format():
    """LibreOffice writes real lists (a nested one inside the item), <font> for every run, a
    heading with class "western", a table with <col> and cell borders in styles."""
    stored = clean_section_text((PASTE / "libreoffice_clipboard.html").read_text(encoding="utf-8"))
    assert re.sub(r"\s*\n\s*", "", stored) == (
        "<p><strong>Kết quả</strong> thực hiện <em>Nghị quyết</em> <u>số 20</u></p>"
        "<h4>Phát triển đoàn viên</h4>"
        "<ol><li>Kết nạp đoàn viên mới<ul><li>khu vực ngoài nhà nước</li>"
        "<li>khu vực hành chính</li></ul></li><li>Thành lập CĐCS</li></ol>"
        '<table><thead><tr><th colspan="3">Chỉ tiêu</th></tr></thead><tbody>'
        "<tr><td>Đoàn viên</td><td>18.200</td><td>27.850</td></tr>"
        "<tr><td>CĐCS</td><td>812</td><td>960</td></tr></tbody></table>"
    )
    assert clean_section_text(stored) == stored


def test_google_docs_normal_weight_wrapper_is_not_bold():
    pasted = (
        '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1a2b">'
        '<p dir="ltr" style="line-height:1.38"><span style="font-weight:400">Thường </span>'
        '<span style="font-weight:700">đậm</span> <span style="font-style:italic;'
        'text-decoration:underline">nghiêng gạch</span></p><ul><li aria-level="1"><p>Một</p>'
        '</li><ul><li aria-level="2"><p>Con</p></li></ul></ul></b>'
    )
    assert clean_section_text(pasted) == (
        "<p>Thường <strong>đậm</strong> <em><u>nghiêng gạch</u></em></p>"
        "<ul><li>Một<ul><li>Con</li></ul></li></ul>"
    )


def test_browser_editor_html_reduces_too():
    pasted = (
        "<div>Dòng một</div><div><b>Dòng</b> hai<br></div><div><br></div>"
        "<li>mục lẻ</li><p><span style='text-decoration: none'><u>gạch</u></span></p>"
        "<table><tr><td><p>a</p><p>b</p></td><td><ul><li>x</li><li>y</li></ul></td></tr>"
        "<tr><td><table><tr><td>c</td><td>d</td></tr></table></td><td></td></tr></table>"
    )
    assert clean_section_text(pasted) == (
        "<p>Dòng một</p><p><strong>Dòng</strong> hai<br></p><ul><li>mục lẻ</li></ul>"
        "<p><u>gạch</u></p><table><tbody><tr><td>a<br>b</td><td>- x<br>- y</td></tr>"
        "<tr><td>c | d</td><td></td></tr></tbody></table>"
    )


def test_rich_editor_html_with_paragraphs_in_list_items_reduces_too():
    """Editors built on ProseMirror (TipTap) wrap every item's text in <p>."""
    assert (
        clean_section_text(
            "<ul><li><p>Một</p><ul><li><p>con</p><p>dòng hai</p></li></ul></li></ul>"
            "<ol><li><p>Đầu</p></li></ol>"
        )
        == "<ul><li>Một<ul><li>con<br>dòng hai</li></ul></li></ul><ol><li>Đầu</li></ol>"
    )


def test_a_first_row_only_partly_bold_is_not_a_header():
    stored = clean_section_text(
        "<table><tr><td><b>A</b></td><td>B</td></tr><tr><td>1</td><td>2</td></tr></table>"
    )
    assert stored.startswith("<table><tbody><tr><td><strong>A</strong></td><td>B</td>")


# --- hostile input --------------------------------------------------------------------------------

HOSTILE = [
    '<p onclick="alert(1)" style="background:url(javascript:alert(1))">a</p>',
    "<script>alert(1)</script><p>a</p>",
    '<img src=x onerror="alert(1)"><p>a</p>',
    '<a href="javascript:alert(1)">a</a>',
    '<table onmouseover="alert(1)" style="x"><tr><td style="expression(alert(1))" '
    'colspan="2" onclick="alert(1)">a</td></tr></table>',
    "<svg><script>alert(1)</script><text>alert</text></svg><p>a</p>",
    "<math><mi>a</mi></math><p>a</p>",
    '<iframe src="https://evil.example"></iframe><p>a</p>',
    "<!--[if gte mso 9]><script>alert(1)</script><![endif]--><p>a</p>",
    '<p><u onclick="alert(1)">a</u><strong style="x">b</strong></p>',
    "<style>p{background:url(javascript:alert(1))}</style><p>a</p>",
    '<form action="x"><input value="y"><button>z</button><textarea>t</textarea></form><p>a</p>',
    "<p>a<object data=x></object><embed src=x></p>",
    '<th scope="col" abbr="x" headers="y" id="z">a</th>',
    "<ul><li><table><tr><td><script>alert(1)</script>a</td></tr></table></li></ul>",
    "<noscript><p>alert(1)</p></noscript><template><p>alert(1)</p></template><p>a</p>",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_markup_leaves_only_the_allowed_tags_and_spans(hostile):
    stored = clean_section_text(hostile)
    tags, attributes = tags_and_attributes(stored)
    assert tags <= ALLOWED_TAGS
    assert all(re.fullmatch(r'(colspan|rowspan)="\d+"', a) for a in attributes)
    assert "alert" not in stored and "javascript" not in stored.lower()
    assert "a" in plain_text(stored)
    assert clean_section_text(stored) == stored


def test_deep_nesting_is_read_without_failing():
    for text in (
        "<div>" * 3000 + "chữ" + "</div>" * 3000,
        "<span style='font-weight:bold'>" * 3000 + "chữ",
        "<ul><li>a" * 300 + "chữ",
        "<table><tr><td>" * 20 + "chữ",
        "<table><tr><td>" * 500 + "chữ",  # past 25 tables deep the text may go: never a failure
    ):
        stored = clean_section_text(text)
        assert "chữ" in plain_text(stored) or text.count("<table>") > 25
        assert tags_and_attributes(stored)[0] <= ALLOWED_TAGS
        section_blocks(stored)
        editable_lines(stored)


# --- older texts ----------------------------------------------------------------------------------

_OLD_TAGS = {"p", "ul", "ol", "li", "br", "strong", "em"}
_OLD_RENAMES = (
    (re.compile(r"<(/?)\s*b(?=[\s/>])", re.I), r"<\1strong"),
    (re.compile(r"<(/?)\s*i(?=[\s/>])", re.I), r"<\1em"),
    (re.compile(r"<(/?)\s*(?:div|h[1-6])(?=[\s/>])", re.I), r"<\1p"),
)


def old_clean(text: str) -> str:
    """The sanitiser before issue 15 (p, ul, ol, li, br, strong, em), as it stored texts."""
    text = clean_text(text)
    if not re.search(r"<\s*/?\s*[a-zA-Z!]", text):
        text = from_plain_lines(text)
    for pattern, replacement in _OLD_RENAMES:
        text = pattern.sub(replacement, text)
    sanitised = nh3.clean(text, tags=_OLD_TAGS, attributes={}, link_rel=None, strip_comments=True)
    return clean_text(sanitised).strip()


def old_texts() -> list[str]:
    texts = [
        "<p>a</p>\n<p>b</p>",
        "<ul>\n<li>a</li>\n<li>b<ul><li>c</li></ul></li>\n</ul>",
        "<p>Đoàn viên <strong>tăng</strong></p><ol><li>Một</li><li>Hai</li></ol><p>a<br>b</p>",
        "<p><em><strong>x</strong></em> y</p>",
        "<p>Số a&lt;b &amp; c &gt; d</p><ul><li>1 &lt; 2</li></ul>",
        "<div>a</div><h2>b</h2><b>c</b>",
        "Dòng một\n- ý\n+ ý con\nDòng",
    ]

    def walk(value):
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in sorted((FIXTURES / "reports").glob("*.json")):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return [stored for stored in map(old_clean, texts) if stored]


def test_texts_stored_before_issue_15_stay_exactly_as_they_are():
    olds = old_texts()
    assert len(olds) > 500
    for old in olds:
        assert clean_section_text(old) == old


# --- reading: blocks, lines, words, changes -------------------------------------------------------

TABLE = (
    '<p>Số liệu:</p><table><thead><tr><th rowspan="2">Chỉ tiêu</th><th colspan="2">Năm</th>'
    "</tr><tr><th>2008</th><th>2017</th></tr></thead><tbody><tr><td>Đoàn viên</td>"
    "<td>18.200</td><td>27.850</td></tr><tr><td>CĐCS</td><td>812</td><td>960</td></tr>"
    "</tbody></table>"
)


def test_a_table_is_read_with_its_header_rows_and_merges():
    paragraph, table = section_blocks(TABLE)
    assert isinstance(paragraph, Block) and isinstance(table, TableBlock)
    assert table.header_rows == 2
    width, places = table.layout()
    assert width == 3
    assert [(p.row, p.column, p.rowspan, p.colspan, p.cell.text) for p in places[:4]] == [
        (0, 0, 2, 1, "Chỉ tiêu"),
        (0, 1, 1, 2, "Năm"),
        (1, 1, 1, 1, "2008"),  # row 1 starts after the merged cell above
        (1, 2, 1, 1, "2017"),
    ]


def test_overlapping_merges_are_shortened_and_too_wide_tables_are_lines():
    table = section_blocks(
        '<table><tr><td rowspan="3">a</td><td>b</td></tr>'
        '<tr><td colspan="2">c</td><td rowspan="9">d</td></tr></table>'
    )[0]
    width, places = table.layout()
    assert [(p.row, p.column, p.rowspan, p.colspan) for p in places] == [
        (0, 0, 2, 1), (0, 1, 1, 1), (1, 1, 1, 2), (1, 3, 1, 1),
    ]  # fmt: skip
    assert width == 4
    wide = "".join(f"<td colspan='50'>{n}</td>" for n in range(2))
    assert section_blocks(f"<table><tr>{wide}</tr></table>")[0].layout() is None
    assert MAX_TABLE_COLUMNS < 100


def test_plain_text_words_lines_and_changes_read_table_cells():
    assert (
        plain_text(TABLE) == "Số liệu: Chỉ tiêu Năm 2008 2017 Đoàn viên 18.200 27.850 CĐCS 812 960"
    )
    assert word_count(TABLE) == 14
    assert editable_lines(TABLE).split("\n") == [
        "Số liệu:", "Chỉ tiêu | Năm", "2008 | 2017", "Đoàn viên | 18.200 | 27.850",
        "CĐCS | 812 | 960",
    ]  # fmt: skip
    assert changed_lines(TABLE, TABLE.replace("960", "961")) == [
        ("removed", "CĐCS | 812 | 960"),
        ("added", "CĐCS | 812 | 961"),
    ]
    assert "Đoàn viên" in plain_lines(TABLE) and "27.850" in plain_lines(TABLE)
    assert text_lines(TABLE, cells=None)[-3:] == ["CĐCS", "812", "960"]


def test_lines_number_lists_by_their_kind_of_number():
    stored = (
        '<ol type="a"><li>Một<ol type="I"><li>con<br>dòng hai</li><li>con</li></ol></li>'
        '<li>Hai</li></ol><ol type="i"><li>x</li><li>y</li><li>z</li><li>t</li></ol>'
        '<ol type="A"><li>p</li></ol><ol><li>q</li></ol>'
    )
    assert clean_section_text(stored) == stored
    assert text_lines(stored) == [
        "a) Một", "I. con", "dòng hai", "II. con", "b) Hai", "i. x", "ii. y", "iii. z", "iv. t",
        "A. p", "1. q",
    ]  # fmt: skip
    assert editable_lines(stored).split("\n")[:3] == ["a) Một", "I. con", "dòng hai"]
    assert plain_lines(stored)[:3] == ["Một", "con", "dòng hai"]  # no marks: words only
    blocks = section_blocks(stored)
    assert [(b.list_type, b.marker) for b in blocks[:2]] == [("a", "a)"), ("I", "I.")]
    assert list_mark("a", 27) == "aa)" and list_mark("I", 14) == "XIV." and list_mark("", 3) == "3."


def test_lines_keep_list_marks_nesting_and_sub_headings():
    stored = "<h4>Kết quả</h4><ol><li>Một<ul><li>con<br>dòng hai</li></ul></li><li>Hai</li></ol>"
    assert text_lines(stored) == ["Kết quả", "1. Một", "+ con", "dòng hai", "2. Hai"]
    assert editable_lines(stored) == "Kết quả\n1. Một\n- con\ndòng hai\n2. Hai"
    assert text_lines(stored, markers=False) == ["Kết quả", "Một", "con", "dòng hai", "Hai"]
    heading, *_ = section_blocks(stored)
    assert heading.heading and heading.text == "Kết quả"
