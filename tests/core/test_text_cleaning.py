"""Text that breaks output, cleaned in one place (`baocao.text`) at every entry and again by
every writer: control characters, zero-width and bidi characters, line breaks in one-line
fields; and the history's line comparison (`richtext.changed_lines`), bounded."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, replace

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from baocao.docx_out import Header, ReportDocument, render_docx
from baocao.docx_out.template import report_template_docx
from baocao.outline.builtin import load_builtin
from baocao.outline.serialize import dump_yaml, load_yaml
from baocao.richtext import MAX_COMPARED_LINES, changed_lines, clean_section_text
from baocao.spreadsheet import neutralise
from baocao.text import clean_line, clean_strings, clean_text, needs_cleaning
from baocao.unitfile import read_units, write_csv, write_xlsx
from baocao.xlsx_out import FigureRow, indicators_template_xlsx, indicators_workbook

# What a unit list, a paste from Word or a hostile writer brings: C0 and C1 controls, DEL, a
# vertical tab (Word's manual line break), zero-width and bidi characters, the BOM, a tag
# character, a lone surrogate (JSON carries them) and U+FFFF.
HOSTILE = (
    "A\x01B\x0bC\x1fD\x7fE\x85F\x9fG\u200bH\u200dI\u202eJ\u2066K\u2069L\ufeffM"
    "\U000e0041N\ud800O\uffffP"
)
INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def test_clean_text_removes_what_breaks_output_and_keeps_lines_and_tabs():
    assert clean_text(HOSTILE) == "AB\nCDE\nFGHIJKLMNOP"
    assert clean_text("một\r\nhai\rba\u2028bốn\tnăm") == "một\nhai\nba\nbốn\tnăm"
    assert clean_text("Đoa\u0300n") == "Đoàn"  # NFC as before
    assert clean_text(None) == ""


def test_one_line_fields_stay_one_line():
    assert clean_line("Nhắc\nBcc: x@evil.example") == "Nhắc Bcc: x@evil.example"
    assert clean_line(" LĐLĐ\x0bhuyện\tĐăk  Hà\r\n ") == "LĐLĐ huyện Đăk Hà"
    assert clean_line("hoso\u202excod.docx") == "hosoxcod.docx"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, blacklist_categories=())))
def test_cleaned_text_has_nothing_xml_or_a_mail_header_refuses(text):
    cleaned, line = clean_text(text), clean_line(text)
    assert not INVISIBLE.search(cleaned) and not re.search("[\ud800-\udfff\ufffe\uffff]", cleaned)
    assert "\n" not in line and "\r" not in line and "\t" not in line
    assert clean_text(cleaned) == cleaned and clean_line(line) == line
    assert not needs_cleaning_match(cleaned, one_line=False)
    assert not needs_cleaning_match(line, one_line=True)


def needs_cleaning_match(text: str, *, one_line: bool) -> bool:
    return bool(re.search(needs_cleaning(one_line=one_line), text))


@pytest.mark.parametrize("character", sorted(set(HOSTILE) - set("ABCDEFGHIJKLMNOP\ud800")))
def test_the_migration_pattern_finds_every_character_cleaning_changes(character):
    assert needs_cleaning_match(f"x{character}y", one_line=False)
    assert needs_cleaning_match("một\ndòng", one_line=True)
    assert not needs_cleaning_match("một\ndòng\tvà tab", one_line=False)


def test_clean_strings_copies_only_what_changed():
    @dataclass(frozen=True)
    class Row:
        name: str
        parts: tuple[str, ...]

    clean = {"a": [Row("x", ("y",))], "b": 1}
    assert clean_strings(clean) is clean
    dirty = {"a\x01": [Row("x\u202e", ("y", "z\x0b"))], "b": 1}
    assert clean_strings(dirty) == {"a": [Row("x", ("y", "z\n"))], "b": 1}
    assert dirty == {"a\x01": [Row("x\u202e", ("y", "z\x0b"))], "b": 1}  # untouched


# --- entry points of the core: section text, outlines, unit lists ------------------------------


def test_section_text_is_cleaned_typed_pasted_or_as_a_character_reference():
    assert clean_section_text("Dòng\x01 một\u202e\nDòng\x0bhai") == (
        "<p>Dòng một</p><p>Dòng</p><p>hai</p>"
    )
    assert clean_section_text("<p>a&#1;b&#x202e;c\x7f</p>") == "<p>abc</p>"


def test_an_outline_file_is_cleaned_to_its_last_text():
    outline = load_builtin()
    outline.title = "Đề cương\x01 \u202ethử"
    outline.sections[0].title = "Phần\x0bmột"
    outline.indicators[0] = replace(outline.indicators[0], name="Số\x1f đoàn viên")
    loaded = load_yaml(dump_yaml(outline))
    assert loaded.title == "Đề cương thử"
    assert loaded.sections[0].title == "Phần\nmột"
    assert loaded.indicators[0].name == "Số đoàn viên"


def test_a_unit_list_is_cleaned_cell_by_cell():
    data = (
        "code,name,kind,parent_code,email\n"
        'KT,"LĐLĐ\x01 tỉnh\x0bKon Tum\u202e",province,,ldld@kontum.example.vn\u200b\n'
    ).encode()
    [row] = read_units(data, "don-vi.csv")
    assert (row.name, row.email) == ("LĐLĐ tỉnh Kon Tum", "ldld@kontum.example.vn")


def test_the_email_rule_is_the_callers():
    data = b"code,name,kind,parent_code,email\nKT,LDLD tinh,province,,a@b..c\n"
    assert read_units(data, "don-vi.csv")[0].email == "a@b..c"  # it has the shape
    with pytest.raises(Exception, match="email “a@b..c” không hợp lệ"):
        read_units(data, "don-vi.csv", email_valid=lambda address: ".." not in address)


# --- writers, given what older rows hold -----------------------------------------------------


def header(unit: str) -> Header:
    return Header("Tổng LĐLĐ\x01", unit, "05/BC\x1f", "Kon\u202eTum", datetime.date(2018, 1, 5))


def test_the_docx_writer_takes_a_report_with_control_characters_anywhere():
    outline = load_builtin()
    outline.sections[0] = replace(outline.sections[0], title="Phần\x01 một")
    report = ReportDocument(
        outline=outline,
        header=header("LĐLĐ\x0b huyện\x01 Đăk Hà"),
        title="Báo cáo\x02",
        section_texts={"P1/I/1": "<p>Đoạn\x01 viết\x0b\u202e</p>", "P1/I/2": "Dòng\x01 gõ"},
        recipients=["Như trên\x01", "Lưu\x7f: VT"],
    )
    data = render_docx(report)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "Đoạn viết" in text and "Dòng gõ" in text and "PHẦN MỘT" in text.upper()
    assert not INVISIBLE.search(_all_xml(data))


def test_the_docx_template_takes_control_characters_in_the_unit_and_campaign():
    data = report_template_docx(
        load_builtin(),
        header("LĐLĐ huyện\x01"),
        unit_code="KT-DH",
        unit_name="LĐLĐ huyện\x0b Đăk Hà\x01",
        campaign="Đợt\n\x01 báo cáo",
    )
    xml = _all_xml(data)
    assert "LĐLĐ huyện\n Đăk Hà" in xml and "Đợt\n báo cáo" in xml
    assert not INVISIBLE.search(xml)


def test_the_workbooks_take_control_characters_in_names():
    outline = load_builtin()
    rows = [FigureRow("KT\x01", "LĐLĐ\x0b tỉnh\x01", "/KT/", True, {})]
    books = [
        indicators_workbook(rows, outline.indicators, (2008, 2017)),
        indicators_template_xlsx(outline, unit_code="KT", unit_name="LĐLĐ\x01", campaign="Đợt\x1f"),
    ]
    for book in books:
        for sheet in load_workbook(io.BytesIO(book)).worksheets:
            for row in sheet.iter_rows(values_only=True):
                assert not any(isinstance(v, str) and INVISIBLE.search(v) for v in row)
    assert neutralise("=1\x01+1") == "'=1+1"


def test_the_unit_list_export_takes_control_characters_in_names():
    from baocao.unitfile import UnitRow

    rows = [UnitRow("KT", "LĐLĐ\x01 tỉnh\x0b", "province", None, "a@b.vn\x7f")]
    load_workbook(io.BytesIO(write_xlsx(rows)))  # openpyxl refused "\x01": IllegalCharacterError
    assert "LĐLĐ tỉnh\n" in write_csv(rows).decode("utf-8-sig")


def _all_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith(".xml")
        )


# --- the history's comparison ------------------------------------------------------------------


def test_changed_lines_lists_removed_and_added_lines_in_order():
    before = "<p>Một</p><p>Hai</p><p>Ba</p>"
    after = "<p>Một</p><p>Hai sửa</p><p>Ba</p><ul><li>Bốn</li></ul>"
    assert changed_lines(before, after) == [
        ("removed", "Hai"),
        ("added", "Hai sửa"),
        ("added", "- Bốn"),
    ]
    assert changed_lines("", "<p>Một</p>") == [("added", "Một")]
    assert changed_lines(after, after) == []


def test_changed_lines_gives_up_past_the_cap():
    long = "".join(f"<p>Dòng {i}</p>" for i in range(MAX_COMPARED_LINES + 1))
    assert changed_lines("<p>Một</p>", long) is None
    assert changed_lines(long, "<p>Một</p>") is None
    exactly = "".join(f"<p>Dòng {i}</p>" for i in range(MAX_COMPARED_LINES))
    assert changed_lines("", exactly) == [("added", f"Dòng {i}") for i in range(MAX_COMPARED_LINES)]
