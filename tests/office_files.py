"""Office files built in memory for the tests: a python-docx/openpyxl document as bytes, a
package rebuilt from its members or with one member edited, a zip bomb, and a report template
filled in as a person fills it in Word."""

import copy
import io
import zipfile

import docx
from docx.oxml.ns import qn

from baocao.docx_out.render import heading_text
from baocao.docx_out.template import GUIDANCE_STYLE


def to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def replace_member(data: bytes, name: str, edit) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    members[name] = edit(members[name])
    return zip_bytes(members)


def zip_bomb(main: str = "word/document.xml", megabytes: int = 210) -> bytes:
    """A small package whose `main` member unpacks to `megabytes` MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(main, "w", force_zip64=True) as member:
            chunk = bytes(1024 * 1024)
            for _ in range(megabytes):
                member.write(chunk)
    return buffer.getvalue()


def fill_template(
    data: bytes,
    outline,
    texts: dict[str, list[str]],
    values: dict[tuple[str, int], str],
    *,
    keep_instructions: frozenset[str] = frozenset(),
) -> bytes:
    """Fill the template as a person does in Word: type over the first grey instruction of a
    section, delete the others (except in `keep_instructions`), add paragraphs; type figures
    in the white cells."""
    document = docx.Document(io.BytesIO(data))
    headings = {heading_text(s).split("\n")[0]: s.id for s, _ in outline.walk()}
    current, guidance = None, {}
    for paragraph in document.paragraphs:
        if paragraph.text in headings:
            current = headings[paragraph.text]
        elif paragraph.style.name == GUIDANCE_STYLE and current:
            guidance.setdefault(current, []).append(paragraph)
    for section_id, lines in texts.items():
        first, *others = guidance[section_id]
        first.text = lines[0]  # typed over: keeps the grey italic style
        anchor = first._p
        for line in lines[1:]:
            new = copy.deepcopy(anchor)
            for run in new.findall(qn("w:r"))[1:]:
                new.remove(run)
            anchor.addnext(new)
            new.find(qn("w:r")).find(qn("w:t")).text = line
            anchor = new
        if section_id not in keep_instructions:
            for paragraph in others:
                paragraph._p.getparent().remove(paragraph._p)
    names = {i.name: i.code for i in outline.indicators}
    for table in document.tables[1:]:
        for row in table.rows[1:]:
            code = names.get(row.cells[1].text)
            for column, year in ((3, 2008), (4, 2017)):
                if (code, year) in values:
                    row.cells[column].text = values[(code, year)]
    return to_bytes(document)


# A guidance document of the issue-12 tests: Chỉ thị 05's five-year review, with its appendix.
CT05_LINES = [
    "Hướng dẫn sơ kết 5 năm Chỉ thị 05",
    "I. Kết quả",
    "1. Phát triển đoàn viên",
    "2. Thương lượng tập thể",
    "II. Phương hướng",
    "Phụ lục: biểu số liệu",
]
CT05_HEADER = ("TT", "Chỉ tiêu", "Đơn vị tính", "Năm 2019", "Năm 2024", "Ghi chú")
CT05_TABLE = [
    CT05_HEADER,
    ("I", "VỀ ĐOÀN VIÊN", "", "", "", ""),
    ("1", "Số đoàn viên", "người", "", "", "Mục I.1"),
    ("2", "Số đoàn viên nữ", "", "", "", "Mục I.1"),
    ("3", "Tỷ lệ đoàn viên nữ trên tổng số đoàn viên", "%", "", "", "Mục I.1"),
    ("4", "Số thỏa ước lao động tập thể", "bản", "", "", ""),
]


def guidance_docx(lines: list[str], table: list[tuple[str, ...]]) -> bytes:
    """A guidance document as a federation sends it: its outline's lines, then the appendix
    table of indicators (each row a tuple of cell texts)."""
    return guidance_document(*lines, table)


def guidance_document(*parts: str | list[tuple[str, ...]], merges=()) -> bytes:
    """A guidance document of paragraphs (str) and tables (lists of row tuples) in that order.
    `merges`: (table index, (row, column), (row, column)) for each block of cells merged as Word
    merges them (a header spanning columns or rows), keeping the first cell's text."""
    document = docx.Document()
    tables = []
    for part in parts:
        if isinstance(part, str):
            document.add_paragraph(part)
            continue
        grid = document.add_table(rows=len(part), cols=len(part[0]))
        for row, texts in zip(grid.rows, part, strict=True):
            for cell, text in zip(row.cells, texts, strict=True):
                cell.text = text
        tables.append(grid)
    for index, first, last in merges:
        text = tables[index].cell(*first).text
        tables[index].cell(*first).merge(tables[index].cell(*last)).text = text
    return to_bytes(document)
