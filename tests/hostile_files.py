"""Hostile files, built small and written to disk in chunks (never whole in memory): what issue
16 found (a 111 KB .docx whose document is 20 MB of tiny paragraphs, 190 MB of XML in a small
package, a huge sheet, a 452-byte YAML of nested aliases, a recursive alias) and their cousins
(cells, spans, line breaks, attributes, nesting, a DTD, shared strings, a text of a million
lines, a CSV line of millions of commas). Shared by tests/core/test_hostile_files.py,
tests/web/test_hostile_uploads.py and bench/bench_hostile.py.

`CASES` names each file with the entry point that reads it ("report": what a unit uploads,
`baocao.ingest.ingest_file`; "outline": `baocao.outline.files.read_outline`; "units":
`baocao.unitfile.read_units`) and words its refusal must contain. `run_case` is what a test
or benchmark child runs.
"""

from __future__ import annotations

import io
import json
import resource
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import docx
from openpyxl import Workbook

MB = 1024 * 1024
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
S = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHEET = "xl/worksheets/sheet1.xml"
_BLOCK = 4096  # repetitions written at a time


def _base(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _package(path: Path, base: bytes, parts: dict[str, Callable[[IO[bytes]], None]]) -> None:
    """`base` with `parts` written (replaced or added) by streaming functions."""
    with (
        zipfile.ZipFile(io.BytesIO(base)) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package,
    ):
        for info in source.infolist():
            if info.filename not in parts:
                package.writestr(info.filename, source.read(info))
        for name, write in parts.items():
            with package.open(name, "w", force_zip64=True) as member:
                write(member)


def _repeat(head: str, unit: Callable[[int], str], count: int, tail: str):
    """A writer of head, unit(0) ... unit(count - 1), tail."""

    def write(member: IO[bytes]) -> None:
        member.write(head.encode())
        for start in range(0, count, _BLOCK):
            member.write(
                "".join(unit(n) for n in range(start, min(count, start + _BLOCK))).encode()
            )
        member.write(tail.encode())

    return write


def _to_size(unit: Callable[[int], str], megabytes: float) -> int:
    """How many units make about `megabytes` of XML."""
    return int(megabytes * MB / len(unit(12345).encode()))


def _body(unit: Callable[[int], str], count: int):
    return _repeat(f"<w:document {W}><w:body>", unit, count, "</w:body></w:document>")


def _word(path: Path, parts: dict[str, Callable[[IO[bytes]], None]]) -> None:
    _package(path, _base(docx.Document()), parts)


def _paragraph(n: int) -> str:
    return f"<w:p><w:r><w:t>Đoạn {n % 17}</w:t></w:r></w:p>"


def tiny_paragraphs_docx(path: Path, megabytes: float = 20) -> None:
    """The issue's file: a .docx of about 130 KB (the issue's was 111 KB) whose document is
    20 MB of tiny paragraphs."""
    _word(path, {"word/document.xml": _body(_paragraph, _to_size(_paragraph, megabytes))})


def sentences_docx(path: Path, count: int) -> None:
    """Not hostile: `count` paragraphs of one sentence each, under no heading of an outline
    (what the caps still accept, at the edge: 45,000 of them)."""

    def sentence(n: int) -> str:
        return (
            f"<w:p><w:r><w:t>Đoạn thứ {n + 1}: công đoàn cơ sở đã tổ chức {n % 17 + 2} buổi "
            "sinh hoạt chuyên đề cho đoàn viên.</w:t></w:r></w:p>"
        )

    _word(path, {"word/document.xml": _body(sentence, count)})


def at_the_caps_docx(path: Path) -> None:
    """The most a report may hold: 49,900 paragraphs (the cap is 50,000), each with five
    attributes, so the document is just under a million nodes; 60 KB packed."""

    def paragraph(n: int) -> str:
        return (
            '<w:p w:a="1" w:b="2" w:c="3" w:d="4" w:e="5">'
            f"<w:r><w:t>Đoạn {n % 89}</w:t></w:r></w:p>"
        )

    _word(path, {"word/document.xml": _body(paragraph, 49_900)})


def xml_in_one_part_docx(path: Path, megabytes: float = 190) -> None:
    """190 MB of XML in one part (under the old 200 MB unzip cap)."""
    tiny_paragraphs_docx(path, megabytes)


def xml_across_parts_docx(path: Path) -> None:
    """190 MB of XML in six parts of 31.5 MB, each under the cap of one part: empty elements
    nobody counts on their own, so only the caps on nodes stop them."""

    def empty(n: int) -> str:
        return "<w:x/>"

    count = _to_size(empty, 31.5)
    parts = {"word/document.xml": _body(empty, count)}
    for name in ("styles", "numbering", "footnotes", "endnotes", "settings"):
        parts[f"word/{name}.xml"] = _repeat(f"<w:{name} {W}>", empty, count, f"</w:{name}>")
    _word(path, parts)


def nodes_across_parts_docx(path: Path) -> None:
    """Two parts of 800,000 empty elements each: each under the cap of one part, together
    over the cap of all."""

    def empty(n: int) -> str:
        return "<w:x/>"

    _word(
        path,
        {
            "word/document.xml": _body(empty, 800_000),
            "word/styles.xml": _repeat(f"<w:styles {W}>", empty, 800_000, "</w:styles>"),
        },
    )


def many_runs_docx(path: Path) -> None:
    """One paragraph of 210,000 empty runs."""
    _word(
        path,
        {
            "word/document.xml": _repeat(
                f"<w:document {W}><w:body><w:p>",
                lambda n: "<w:r/>",
                210_000,
                "</w:p></w:body></w:document>",
            )
        },
    )


def long_text_docx(path: Path) -> None:
    """Six paragraphs of a million letters each."""

    def paragraph(n: int) -> str:
        return "<w:p><w:r><w:t>" + "a" * 1_000_000 + "</w:t></w:r></w:p>"

    _word(path, {"word/document.xml": _body(paragraph, 6)})


def attributes_docx(path: Path) -> None:
    """Few elements, many attributes: 25 MB that an lxml tree would make about 2 GB of."""

    def element(n: int) -> str:
        return "<w:x " + " ".join(f'w:a{k}="{k}"' for k in range(20)) + "/>"

    _word(path, {"word/document.xml": _body(element, _to_size(element, 25))})


def table_cells_docx(path: Path) -> None:
    """60,000 table cells in one table."""

    def row(n: int) -> str:
        return "<w:tr>" + "<w:tc><w:p/></w:tc>" * 10 + "</w:tr>"

    _word(
        path,
        {
            "word/document.xml": _repeat(
                f"<w:document {W}><w:body><w:tbl>", row, 6_000, "</w:tbl></w:body></w:document>"
            )
        },
    )


def wide_spans_docx(path: Path) -> None:
    """10,000 cells each spanning 64 grid columns: 640,000 positions from 10,000 cells."""

    def row(n: int) -> str:
        return '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="64"/></w:tcPr><w:p/></w:tc></w:tr>'

    _word(
        path,
        {
            "word/document.xml": _repeat(
                f"<w:document {W}><w:body><w:tbl>", row, 10_000, "</w:tbl></w:body></w:document>"
            )
        },
    )


def line_breaks_docx(path: Path) -> None:
    """One paragraph whose text is 2 million line breaks (a million lines once split)."""
    _word(
        path,
        {
            "word/document.xml": _repeat(
                f"<w:document {W}><w:body><w:p><w:r><w:t>",
                lambda n: "a\n",
                1_000_000,
                "</w:t></w:r></w:p></w:body></w:document>",
            )
        },
    )


def deep_nesting_docx(path: Path) -> None:
    """Elements nested 100,000 deep."""
    depth = 100_000
    _word(
        path,
        {
            "word/document.xml": _repeat(
                f"<w:document {W}><w:body><w:p>",
                lambda n: "<w:r>",
                depth,
                "</w:r>" * depth + "</w:p></w:body></w:document>",
            )
        },
    )


def entity_bomb_docx(path: Path) -> None:
    """XML "billion laughs": entities of entities, declared in a DTD."""
    entities = ['<!ENTITY a0 "lol">'] + [
        f'<!ENTITY a{k} "{f"&a{k - 1};" * 10}">' for k in range(1, 10)
    ]
    xml = (
        f"<!DOCTYPE w:document [{''.join(entities)}]>"
        f"<w:document {W}><w:body><w:p><w:r><w:t>&a9;</w:t></w:r></w:p></w:body></w:document>"
    )
    _word(path, {"word/document.xml": lambda member: member.write(xml.encode())})


def _excel(path: Path, parts: dict[str, Callable[[IO[bytes]], None]]) -> None:
    workbook = Workbook()
    workbook.active.append(["Chỉ tiêu", "Năm 2008", "Năm 2017"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _package(path, buffer.getvalue(), parts)


def _sheet(unit: Callable[[int], str], count: int, head: str = "", tail: str = ""):
    return _repeat(
        f"<worksheet {S}><sheetData>{head}", unit, count, f"{tail}</sheetData></worksheet>"
    )


def _cell_row(n: int) -> str:
    return f'<row r="{n + 1}">' + "".join(f"<c><v>{k}</v></c>" for k in range(10)) + "</row>"


def huge_sheet_xlsx(path: Path) -> None:
    """A sheet of 2.5 million cells (100 MB of XML) in a file of a few hundred KB."""
    _excel(path, {SHEET: _sheet(_cell_row, 250_000)})


def oversized_sheet_xlsx(path: Path) -> None:
    """A sheet of 190 MB of XML, over the cap of one part."""
    _excel(path, {SHEET: _sheet(_cell_row, _to_size(_cell_row, 190))})


def wide_row_xlsx(path: Path) -> None:
    """One row of a million cells (Excel's widest row has 16,384)."""
    _excel(path, {SHEET: _sheet(lambda n: "<c><v>1</v></c>", 1_000_000, "<row>", "</row>")})


def junk_in_sheet_xlsx(path: Path) -> None:
    """Three million elements between the rows, which openpyxl would keep in memory."""
    _excel(path, {SHEET: _sheet(lambda n: "<x/>", 3_000_000)})


def shared_strings_xlsx(path: Path) -> None:
    """1.1 million shared strings, which openpyxl keeps as a list."""
    _excel(
        path,
        {
            "xl/sharedStrings.xml": _repeat(
                f"<sst {S}>", lambda n: f"<si><t>{n}</t></si>", 1_100_000, "</sst>"
            )
        },
    )


def styles_bomb_xlsx(path: Path) -> None:
    """A styles part openpyxl parses whole, with two million elements."""
    _excel(
        path,
        {
            "xl/styles.xml": _repeat(
                f"<styleSheet {S}>", lambda n: "<x/>", 2_000_000, "</styleSheet>"
            )
        },
    )


def disguised_sheet_xlsx(path: Path) -> None:
    """A big worksheet-shaped part that the content types call shared strings (openpyxl would
    keep every element of it): only a part declared a worksheet, and nothing else, streams."""

    def types(member: IO[bytes]) -> None:
        base = _excel_types()
        member.write(
            base.replace(
                b"</Types>",
                b'<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            )
        )

    _excel(
        path, {"[Content_Types].xml": types, "xl/worksheets/sheet2.xml": _sheet(_cell_row, 40_000)}
    )


def _excel_types() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return archive.read("[Content_Types].xml")


def too_many_rows_xlsx(path: Path) -> None:
    """1,100,000 empty rows (Excel's last row is 1,048,576)."""
    _excel(path, {SHEET: _sheet(lambda n: "<row/>", 1_100_000)})


def far_last_row_xlsx(path: Path) -> None:
    """A unit list of two rows that claims to be 16,384 columns wide, with one more cell in
    Excel's last row: openpyxl pads every row to the width and fills the gap row by row."""

    def sheet(member: IO[bytes]) -> None:
        member.write(
            f'<worksheet {S}><dimension ref="A1:XFD1048576"/><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c>'
            '<c r="B1" t="inlineStr"><is><t>name</t></is></c>'
            '<c r="C1" t="inlineStr"><is><t>kind</t></is></c>'
            '<c r="D1" t="inlineStr"><is><t>parent_code</t></is></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>KT</t></is></c>'
            '<c r="B2" t="inlineStr"><is><t>LĐLĐ tỉnh Kon Tum</t></is></c>'
            '<c r="C2" t="inlineStr"><is><t>province</t></is></c></row>'
            '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
            "</sheetData></worksheet>".encode()
        )

    _excel(path, {SHEET: sheet})


def alias_bomb_yaml(path: Path) -> None:
    """The issue's "billion laughs" outline: 9 sections, each of 9 of the one before, 9 deep
    (9^8 = 43 million sections) in 624 bytes (the issue's was 452)."""
    lines = ["title: x", "a: &a {id: a, title: b}"]
    for level, name in enumerate("bcdefghi"):
        previous = "abcdefghi"[level]
        lines.append(
            f"{name}: &{name} {{id: a, title: b, children: [{', '.join([f'*{previous}'] * 9)}]}}"
        )
    lines.append("sections: [*i]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def recursive_alias_yaml(path: Path) -> None:
    """A section that is its own child (a 500 before)."""
    path.write_text("title: x\nsections: &s [{id: a, title: b, children: *s}]\n", encoding="utf-8")


def deep_yaml(path: Path) -> None:
    """200,000 nested brackets in 200 KB (libyaml's composer recursed until it crashed)."""
    path.write_text("title: x\nsections: " + "[" * 200_000 + "\n", encoding="utf-8")


def many_values_yaml(path: Path) -> None:
    """200,000 sections written out in full (5 MB)."""
    with path.open("w", encoding="utf-8") as out:
        out.write("title: x\nsections:\n")
        for n in range(200_000):
            out.write(f"- {{id: s{n}}}\n")


def many_sections_yaml(path: Path) -> None:
    """2,001 sections (an outline has a few hundred)."""
    with path.open("w", encoding="utf-8") as out:
        out.write("title: x\nsections:\n")
        for n in range(2_001):
            out.write(f"- {{id: s{n}, title: Mục {n}}}\n")


def million_lines_txt(path: Path) -> None:
    """A 5 MB text outline of a million short headings."""
    path.write_bytes(b"1. a\n" * 1_000_000)


def many_headings_txt(path: Path) -> None:
    """50,000 headings at one level, each numbered "1." (the ids de-duplicated one by one)."""
    path.write_bytes("Đề cương\n".encode() + b"1. Muc\n" * 50_000)


def long_line_csv(path: Path) -> None:
    """A unit list whose second line is 29 million commas."""
    with path.open("wb") as out:
        out.write(b"code,name,kind,parent_code\n")
        for _ in range(29):
            out.write(b"," * MB)
        out.write(b"\n")


@dataclass(frozen=True)
class Case:
    build: Callable[[Path], None]
    name: str  # the file name it is uploaded as
    reader: str  # "report", "outline" or "units"
    words: str  # in the refusal


CASES: dict[str, Case] = {
    "docx: 20 MB of tiny paragraphs": Case(
        tiny_paragraphs_docx, "bao_cao.docx", "report", "đoạn văn"
    ),
    "docx: 190 MB of XML in one part": Case(
        xml_in_one_part_docx, "bao_cao.docx", "report", "giải nén ra"
    ),
    "docx: 190 MB of XML in six parts": Case(
        xml_across_parts_docx, "bao_cao.docx", "report", "thành phần XML"
    ),
    "docx: 1.6 million nodes in two parts": Case(
        nodes_across_parts_docx, "bao_cao.docx", "report", "có hơn 1.500.000 thành phần XML"
    ),
    "docx: 210,000 runs": Case(
        many_runs_docx, "bao_cao.docx", "report", "200.000 đoạn chữ có định dạng riêng"
    ),
    "docx: 6 million letters": Case(long_text_docx, "bao_cao.docx", "report", "5.000.000 ký tự"),
    "docx: attributes": Case(attributes_docx, "bao_cao.docx", "report", "thành phần XML"),
    "docx: 60,000 table cells": Case(table_cells_docx, "bao_cao.docx", "report", "ô bảng"),
    "docx: cells spanning 64 columns": Case(
        wide_spans_docx, "bao_cao.docx", "report", "các bảng có hơn"
    ),
    "docx: a million line breaks": Case(line_breaks_docx, "bao_cao.docx", "report", "dòng"),
    "docx: nested 100,000 deep": Case(deep_nesting_docx, "bao_cao.docx", "report", "bị hỏng"),
    "docx: entity bomb": Case(entity_bomb_docx, "bao_cao.docx", "report", "bị hỏng"),
    "outline docx: 20 MB of tiny paragraphs": Case(
        tiny_paragraphs_docx, "de_cuong.docx", "outline", "đoạn văn"
    ),
    "xlsx: 2.5 million cells": Case(huge_sheet_xlsx, "chi_tieu.xlsx", "report", "2.000.000 ô"),
    "xlsx: a 190 MB sheet": Case(oversized_sheet_xlsx, "chi_tieu.xlsx", "report", "giải nén ra"),
    "xlsx: 1.1 million rows": Case(
        too_many_rows_xlsx, "chi_tieu.xlsx", "report", "có hơn 1.048.576 dòng"
    ),
    "xlsx: a row of a million cells": Case(
        wide_row_xlsx, "chi_tieu.xlsx", "report", "một dòng của"
    ),
    "xlsx: junk between the rows": Case(
        junk_in_sheet_xlsx, "chi_tieu.xlsx", "report", "thành phần XML"
    ),
    "xlsx: 1.1 million shared strings": Case(
        shared_strings_xlsx, "chi_tieu.xlsx", "report", "chuỗi chữ"
    ),
    "xlsx: styles bomb": Case(styles_bomb_xlsx, "chi_tieu.xlsx", "report", "thành phần XML"),
    "xlsx: a sheet disguised as shared strings": Case(
        disguised_sheet_xlsx, "chi_tieu.xlsx", "report", "thành phần XML"
    ),
    "units xlsx: 2.5 million cells": Case(huge_sheet_xlsx, "don_vi.xlsx", "units", "2.000.000 ô"),
    "units xlsx: junk between the rows": Case(
        junk_in_sheet_xlsx, "don_vi.xlsx", "units", "thành phần XML"
    ),
    "units xlsx: 16,384 columns and a far last row": Case(
        far_last_row_xlsx, "don_vi.xlsx", "units", "Dòng 1048576: thiếu tên đơn vị"
    ),
    "units csv: a line of 29 million commas": Case(
        long_line_csv, "don_vi.csv", "units", "Dòng dài bất thường"
    ),
    "yaml: nested aliases (billion laughs)": Case(
        alias_bomb_yaml, "de_cuong.yaml", "outline", "neo và bí danh"
    ),
    "yaml: recursive alias": Case(
        recursive_alias_yaml, "de_cuong.yaml", "outline", "neo và bí danh"
    ),
    "yaml: 200,000 nested brackets": Case(
        deep_yaml, "de_cuong.yaml", "outline", "lồng nhau quá sâu"
    ),
    "yaml: 200,000 sections": Case(many_values_yaml, "de_cuong.yaml", "outline", "quá lớn"),
    "yaml: 2,001 sections": Case(many_sections_yaml, "de_cuong.yaml", "outline", "2.000 mục"),
    "txt: a million lines": Case(million_lines_txt, "de_cuong.txt", "outline", "dòng"),
    "txt: 50,000 headings": Case(many_headings_txt, "de_cuong.txt", "outline", "mục"),
}


def read_with(reader: str, data: bytes, name: str) -> None:
    """Read `data` as the web and the CLI do for `reader`."""
    if reader == "report":
        from baocao.ingest import ingest_file
        from baocao.outline.builtin import load_builtin

        ingest_file(data, name, load_builtin())
    elif reader == "outline":
        from baocao.outline.files import read_outline

        read_outline(data, name)
    else:
        from baocao.unitfile import read_units

        read_units(data, name)


def peak_mb() -> float:
    """This process's peak resident memory, in MB (Linux's VmHWM: ru_maxrss would carry the
    parent's peak across exec)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_case(reader: str, path: Path, name: str, address_space: int | None = None) -> dict:
    """Read the file at `path` (under an address-space limit, in bytes, when given) and say how
    it ended: the refusal's message, or "read", or the other exception; seconds and peak MB."""
    from baocao.errors import InputError

    if address_space is not None:
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    # Imports first, so that the time is the file's.
    read_with("outline", b"title: x\nsections: []\n", "x.yaml")
    data = path.read_bytes()
    start = time.perf_counter()
    outcome: dict = {}
    try:
        read_with(reader, data, name)
        outcome["read"] = True
    except InputError as error:
        outcome["refused"] = error.message
    except BaseException as error:  # noqa: BLE001 - what a test must see, MemoryError included
        outcome["error"] = f"{type(error).__name__}: {error}"[:500]
    outcome["seconds"] = round(time.perf_counter() - start, 3)
    outcome["peak_mb"] = round(peak_mb())
    outcome["file_kb"] = round(len(data) / 1024)
    return outcome


def main(argv: list[str]) -> None:
    """`python hostile_files.py BYTES READER PATH NAME [READER PATH NAME ...]`: each file read
    in turn under an address-space limit of BYTES (0: none), one line of JSON for each."""
    limit = int(argv[1]) or None
    for reader, path, name in zip(argv[2::3], argv[3::3], argv[4::3], strict=True):
        outcome = run_case(reader, Path(path), name, limit)
        print(json.dumps(outcome, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    import sys

    main(sys.argv)
