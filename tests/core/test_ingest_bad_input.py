"""Bad files sent back: each refused with a Vietnamese message saying what to do, never a
crash; the readers fuzzed with random and mutated files raise nothing but InputError."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from office_files import replace_member, to_bytes, zip_bomb, zip_bytes
from openpyxl import Workbook

from baocao.errors import InputError
from baocao.ingest import IngestResult, ingest_docx, ingest_xlsx
from baocao.ingest.files import ingest_file
from baocao.outline.builtin import load_builtin

OUTLINE = load_builtin()
REPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "reports"


def encrypted_zip(data: bytes) -> bytes:
    """The same package with the "encrypted" flag on its members, as a password tool leaves it."""
    raw = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = raw.find(signature)
        while start >= 0:
            flags = struct.unpack_from("<H", raw, start + offset)[0]
            struct.pack_into("<H", raw, start + offset, flags | 0x1)
            start = raw.find(signature, start + 4)
    return bytes(raw)


def png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")  # fmt: skip


def report_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph().add_run("I. TÌNH HÌNH TRIỂN KHAI THỰC HIỆN NGHỊ QUYẾT").bold = True
    document.add_paragraph("Đã quán triệt Nghị quyết đến 100% CĐCS.")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Chỉ tiêu", "Năm 2008", "Năm 2017"), strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ("Số đoàn viên", "2.870", "3.990"), strict=True):
        cell.text = text
    return to_bytes(document)


def figures_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Chỉ tiêu", "Năm 2008", "Năm 2017"])
    sheet.append(["Số đoàn viên", 2870, "3.990"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def empty_xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def images_only() -> bytes:
    document = docx.Document()
    document.add_picture(io.BytesIO(png()))
    return to_bytes(document)


def macro(data: bytes, main: str) -> bytes:
    return replace_member(
        data, "[Content_Types].xml", lambda xml: xml.replace(main.encode(), b"macroEnabled.main")
    )


DOCX = report_docx()
XLSX = figures_xlsx()
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)

BAD_REPORTS = {
    "text renamed": (lambda: "I. Tình hình\nĐã quán triệt.".encode(), "văn bản"),
    "binary": (lambda: bytes(range(256)) * 4, "không phải tài liệu Word"),
    "zero bytes": (lambda: b"", "không phải tài liệu Word"),
    "zip bomb": (lambda: zip_bomb("word/document.xml"), "giải nén"),
    "password (OLE)": (lambda: OLE, "mật khẩu"),
    "password (zip flag)": (lambda: encrypted_zip(DOCX), "mật khẩu"),
    "docm": (lambda: macro(DOCX, "wordprocessingml.document.main"), "macro"),
    "odt": (
        lambda: zip_bytes(
            {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}
        ),
        ".odt",
    ),  # fmt: skip
    "excel instead": (lambda: XLSX, "Excel"),
    "empty": (lambda: to_bytes(docx.Document()), "không có nội dung chữ"),
    "images only": (images_only, "hình ảnh"),
    "corrupt xml": (
        lambda: replace_member(DOCX, "word/document.xml", lambda x: x[:300]),
        "bị hỏng",
    ),
}


@pytest.mark.parametrize("case", BAD_REPORTS.values(), ids=BAD_REPORTS.keys())
def test_bad_report_files_are_refused_with_a_message_saying_what_to_do(case):
    make, key = case
    with pytest.raises(InputError) as raised:
        ingest_docx(make(), OUTLINE, name="bao_cao.docx")
    message = raised.value.message
    assert key in message and "bao_cao.docx" in message
    assert "Hãy" in message or "hãy" in message


BAD_WORKBOOKS = {
    "text renamed": (lambda: b"Chi tieu;2008;2017\nDoan vien;1;2\n", "văn bản"),
    "zip bomb": (lambda: zip_bomb("xl/workbook.xml"), "giải nén"),
    "old xls or password": (lambda: OLE, ".xls"),
    "xlsm": (lambda: macro(XLSX, "spreadsheetml.sheet.main"), "macro"),
    "ods": (
        lambda: zip_bytes(
            {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}
        ),
        ".ods",
    ),  # fmt: skip
    "word instead": (lambda: DOCX, "Word"),
    "empty": (empty_xlsx, "không có số liệu"),
    "corrupt": (
        lambda: replace_member(XLSX, "xl/worksheets/sheet1.xml", lambda x: x[:100]),
        "bị hỏng",
    ),
}


@pytest.mark.parametrize("case", BAD_WORKBOOKS.values(), ids=BAD_WORKBOOKS.keys())
def test_bad_workbooks_are_refused_with_a_message_saying_what_to_do(case):
    make, key = case
    with pytest.raises(InputError) as raised:
        ingest_xlsx(make(), OUTLINE, name="chi_tieu.xlsx")
    message = raised.value.message
    assert key in message and "chi_tieu.xlsx" in message
    assert "Hãy" in message or "hãy" in message


def test_a_file_over_20_mb_is_refused_before_it_is_opened():
    big = bytes(21 * 1024 * 1024)
    for read in (ingest_docx, ingest_xlsx):
        with pytest.raises(InputError, match="quá lớn"):
            read(big, OUTLINE, name="lon.docx")
    with pytest.raises(InputError, match="quá lớn"):
        ingest_file(big, "lon.docx", OUTLINE)


def test_files_go_to_their_reader_by_content_not_name():
    assert isinstance(ingest_file(XLSX, "nham_ten.docx", OUTLINE), IngestResult)
    assert ingest_file(XLSX, "nham_ten.docx", OUTLINE).indicators["members"]
    assert ingest_file(DOCX, "bao_cao.xlsx", OUTLINE).sections


def test_an_old_doc_without_libreoffice_asks_for_docx(monkeypatch):
    monkeypatch.setattr("baocao.libreoffice.executable", lambda: None)
    with pytest.raises(InputError, match="LibreOffice") as raised:
        ingest_file(OLE, "cu.doc", OUTLINE)
    assert ".docx" in raised.value.message


# --- fuzzing -------------------------------------------------------------------------------------

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEED_REPORT = (REPORTS / "13_thuy_dien.docx").read_bytes()


def only_input_errors(read, data: bytes) -> None:
    try:
        result = read(data, OUTLINE, name="fuzz")
    except InputError as error:
        assert error.message
    else:
        assert isinstance(result, IngestResult)


def mutate(data: bytes, mutations) -> bytes:
    raw = bytearray(data)
    for where, value in mutations:
        index = int(where * len(raw))
        raw[index : index + len(value)] = value
    return bytes(raw)


MUTATIONS = st.lists(
    st.tuples(st.floats(0, 1, exclude_max=True), st.binary(max_size=3)), max_size=8
)


@FUZZ
@given(st.binary(max_size=2048))
def test_random_bytes_raise_only_input_error(data):
    only_input_errors(ingest_docx, data)
    only_input_errors(ingest_xlsx, data)


@FUZZ
@given(MUTATIONS)
def test_mutated_report_raises_only_input_error(mutations):
    only_input_errors(ingest_docx, mutate(SEED_REPORT, mutations))


@FUZZ
@given(
    st.sampled_from(["word/document.xml", "word/styles.xml", "word/numbering.xml", "_rels/.rels"]),
    MUTATIONS,
)
def test_mutated_xml_inside_a_sound_report_raises_only_input_error(member, mutations):
    only_input_errors(
        ingest_docx, replace_member(SEED_REPORT, member, lambda x: mutate(x, mutations))
    )


@FUZZ
@given(MUTATIONS)
def test_mutated_workbook_raises_only_input_error(mutations):
    only_input_errors(ingest_xlsx, mutate(XLSX, mutations))


@FUZZ
@given(
    st.sampled_from(
        ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml"]
    ),
    MUTATIONS,
)
def test_mutated_xml_inside_a_sound_workbook_raises_only_input_error(member, mutations):
    only_input_errors(ingest_xlsx, replace_member(XLSX, member, lambda x: mutate(x, mutations)))


def test_a_merged_range_over_the_whole_sheet_does_not_build_millions_of_cells():
    def huge_merge(xml: bytes) -> bytes:
        return xml.replace(
            b"</sheetData>",
            b'</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>',
        )

    data = replace_member(XLSX, "xl/worksheets/sheet1.xml", huge_merge)
    assert ingest_xlsx(data, OUTLINE).indicators["members"]


LINES = st.lists(
    st.tuples(
        st.one_of(
            st.sampled_from(
                [
                    "I. TÌNH HÌNH TRIỂN KHAI",
                    "1. Ưu điểm",
                    "4.1 và 4.2. Tuyên truyền",
                    "PHẦN THỨ HAI",
                    "Phụ lục",
                    "BÁO CÁO",
                    "Nơi nhận:",
                    "CHỦ TỊCH",
                    "- Kiến nghị",
                    "+ Ý kiến",
                    "Trên đây là báo cáo.",
                    "a) Về học tập:",
                    "Số: 12/BC-LĐLĐ",
                    "",
                ]
            ),  # fmt: skip
            st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyÁẠỂ0123456789 .,:;-()IVX%", max_size=60),
        ),
        st.booleans(),
        st.sampled_from([None, "Heading 1", "Heading 2", "List Bullet", "Title"]),
    ),
    max_size=25,
)


@FUZZ
@given(LINES)
def test_any_document_of_text_is_mapped_or_refused_cleanly(lines):
    document = docx.Document()
    for text, bold, style in lines:
        document.add_paragraph(style=style).add_run(text).bold = bold or None
    only_input_errors(ingest_docx, to_bytes(document))
