"""Import an outline from a Word document: styles, automatic numbering, footnotes, bad files."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import docx
import pytest
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import OxmlElement
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from office_files import replace_member, to_bytes, zip_bomb, zip_bytes

from baocao.errors import InputError
from baocao.outline.files import open_outline
from baocao.outline.model import Outline
from baocao.outline.parse_docx import parse_docx
from baocao.outline.parse_text import parse_text
from baocao.outline.serialize import dump_yaml

_REPO = Path(__file__).resolve().parents[2]
_SEED_CANDIDATES = [
    _REPO.parent / "shared" / "seed" / "000_ba73b5958a68675d.txt",
    _REPO / "tests" / "fixtures" / "seed_nq20.txt",
]
SEED = next((p for p in _SEED_CANDIDATES if p.is_file()), _SEED_CANDIDATES[0])


def plain_docx(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    return to_bytes(document)


def ids(outline: Outline) -> list[str]:
    return [section.id for section, _ in outline.walk()]


# --- reading ---------------------------------------------------------------------------------


def test_heading_styles_give_the_tree(tmp_path):
    document = docx.Document()
    document.add_paragraph("ĐỀ CƯƠNG BÁO CÁO", style="Title")
    document.add_paragraph("Tổng kết 10 năm thực hiện Nghị quyết số 20-NQ/TW")
    document.add_heading("Phần thứ nhất: Đánh giá tình hình triển khai thực hiện Nghị quyết", 1)
    document.add_heading("I. Tình hình triển khai thực hiện Nghị quyết", 2)
    document.add_heading("1. Đánh giá công tác chỉ đạo", 3)
    document.add_paragraph("Nêu rõ cách làm của đơn vị.")
    document.add_paragraph("Tổ chức học tập, quán triệt Nghị quyết", style="List Bullet")
    document.add_paragraph("Công tác kiểm tra, đôn đốc", style="List Bullet")
    document.add_heading("2. Tình hình ở các cấp công đoàn", 3)
    document.add_heading("II. Kết quả đạt được", 2)
    document.add_heading("Phần thứ hai: Phương hướng, nhiệm vụ", 1)
    document.add_heading("Dự báo tình hình", 2)  # a heading style without a number
    path = tmp_path / "de_cuong.docx"
    document.save(path)

    outline = open_outline(path)

    assert outline.title == "Tổng kết 10 năm thực hiện Nghị quyết số 20-NQ/TW"
    assert outline.preamble == ["ĐỀ CƯƠNG BÁO CÁO"]
    assert ids(outline) == ["P1", "P1/I", "P1/I/1", "P1/I/2", "P1/II", "P2", "P2/2"]
    part = outline.section("P1")
    assert part.number == "Phần thứ nhất"
    assert part.title == "Đánh giá tình hình triển khai thực hiện Nghị quyết"
    first = outline.section("P1/I/1")
    assert (first.number, first.title) == ("1", "Đánh giá công tác chỉ đạo")
    assert first.guidance == ["Nêu rõ cách làm của đơn vị."]
    assert first.prompts == ["Tổ chức học tập, quán triệt Nghị quyết", "Công tác kiểm tra, đôn đốc"]
    assert outline.section("P2/2").title == "Dự báo tình hình"
    assert outline.warnings == []


def test_plain_paragraphs_read_as_the_text_importer_reads_them():
    lines = [
        "ĐỀ CƯƠNG BÁO CÁO",
        "Tổng kết 10 năm thực hiện Nghị quyết",
        "",
        "Phần thứ nhất",
        "Đánh giá tình hình triển khai",
        "I.Tình hình triển khai thực hiện Nghị quyết",
        "1.Đánh giá công tác chỉ đạo",
        "-Tổ chức học tập, quán triệt Nghị quyết",
        "-Xây dựng nội dung, chương trình",
        "2.Tình hình ở các cấp công đoàn. Nội dung: nêu rõ kết quả.",
        "4.1- Kết quả công tác tuyên truyền",
    ]
    outline = parse_docx(plain_docx(lines))
    assert dump_yaml(outline) == dump_yaml(parse_text("\n".join(lines)))
    assert ids(outline) == ["P1", "P1/I", "P1/I/1", "P1/I/2", "P1/I/2/4.1"]
    assert outline.section("P1/I/1").prompts[0] == "Tổ chức học tập, quán triệt Nghị quyết"


def test_seed_written_as_paragraphs_round_trips_to_the_text_import():
    assert SEED.is_file(), f"seed outline missing: looked in {_SEED_CANDIDATES}"
    text = SEED.read_text(encoding="utf-8")
    outline = parse_docx(plain_docx(text.splitlines()), "seed.docx")
    expected = parse_text(text)
    assert dump_yaml(outline) == dump_yaml(expected)
    assert sum(len(s.footnotes) for s, _ in outline.walk()) == 5


def test_line_breaks_inside_a_paragraph_split_lines():
    document = docx.Document()
    paragraph = document.add_paragraph("I.Tình hình chung")
    paragraph.add_run().add_break()
    paragraph.add_run("-Tổ chức học tập\n-Kiểm tra, đôn đốc")
    outline = parse_docx(to_bytes(document))
    assert outline.section("I").prompts == ["Tổ chức học tập", "Kiểm tra, đôn đốc"]


def test_tables_keep_their_text_in_row_order():
    document = docx.Document()
    document.add_paragraph("I. Tình hình đoàn viên")
    document.add_paragraph("Số liệu theo bảng sau.")
    table = document.add_table(rows=2, cols=2)
    rows = [("Chỉ tiêu", "Năm 2008"), ("Đoàn viên", "Năm nay")]
    for row, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    table.cell(1, 1).add_paragraph("-Ghi rõ nguồn số liệu")
    document.add_paragraph("II. Kết quả")
    outline = parse_docx(to_bytes(document))
    section = outline.section("I")
    assert section.guidance == [
        "Số liệu theo bảng sau.",
        "Chỉ tiêu",
        "Năm 2008",
        "Đoàn viên",
        "Năm nay",
    ]
    assert section.prompts == ["Ghi rõ nguồn số liệu"]
    assert ids(outline) == ["I", "II"]


def test_content_controls_and_text_boxes_are_read():
    document = docx.Document()
    document.add_paragraph("I. Tình hình chung")
    inside = document.add_paragraph("Nội dung trong ô nhập liệu.")
    sdt = parse_xml(f"<w:sdt {nsdecls('w')}><w:sdtPr/><w:sdtContent/></w:sdt>")
    inside._p.addprevious(sdt)
    sdt[1].append(inside._p)
    boxed = document.add_paragraph("Xem khung bên cạnh.")
    boxed._p.append(
        parse_xml(
            f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape>'
            "<v:textbox><w:txbxContent><w:p><w:r><w:t>-Ghi chú trong khung</w:t></w:r></w:p>"
            "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
        )
    )
    section = parse_docx(to_bytes(document)).section("I")
    assert section.guidance == ["Nội dung trong ô nhập liệu.", "Xem khung bên cạnh."]
    assert section.prompts == ["Ghi chú trong khung"]


# --- automatic numbering ---------------------------------------------------------------------

_LEVELS = [  # (ilvl, numFmt, lvlText, start)
    (0, "upperRoman", "%1.", 1),
    (1, "decimal", "%2.", 1),
    (2, "decimal", "%2.%3.", 1),
    (3, "lowerLetter", "%4)", 1),
    (4, "bullet", "\u2022", 1),
]


def add_list(document, num_id: int, overrides: dict[int, int] | None = None) -> None:
    """A multi-level list (I. / 1. / 1.1. / a) / bullet) in the numbering part, as Word writes."""
    numbering = document.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
        for ilvl, fmt, text, start in _LEVELS
    )
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{num_id}">{levels}</w:abstractNum>'
    )
    existing = numbering.findall(qn("w:abstractNum"))
    existing[-1].addnext(abstract)
    override = "".join(
        f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
        for ilvl, start in (overrides or {}).items()
    )
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{num_id}"/>'
            f"{override}</w:num>"
        )
    )


def numbered(document, text: str, num_id: int, ilvl: int, style: str | None = None):
    paragraph = document.add_paragraph(text, style=style)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
        )
    )
    return paragraph


def test_automatic_numbering_is_rendered_into_the_tree():
    document = docx.Document()
    add_list(document, 90)
    add_list(document, 91, overrides={0: 3})
    document.add_heading("Phần thứ nhất: Đánh giá", 1)
    numbered(document, "Tình hình triển khai", 90, 0, "Heading 2")
    numbered(document, "Đánh giá công tác chỉ đạo", 90, 1, "Heading 3")
    numbered(document, "Tổ chức học tập", 90, 4)
    numbered(document, "Chi tiết của việc học tập", 90, 5)  # no level 5 defined: plain text
    numbered(document, "Tình hình ở các cấp công đoàn", 90, 1, "Heading 3")
    numbered(document, "Kết quả đạt được", 90, 0, "Heading 2")
    numbered(document, "Tình hình đoàn viên", 90, 1, "Heading 3")
    numbered(document, "Giải quyết vấn đề bức xúc", 90, 1, "Heading 3")
    numbered(document, "Kết quả tuyên truyền", 90, 2)  # no heading style: "2.1." in the text
    numbered(document, "Kết quả phát triển đoàn viên", 90, 2)
    numbered(document, "Ở khu vực ngoài nhà nước", 90, 3)
    numbered(document, "Bài học kinh nghiệm", 91, 0, "Heading 2")  # startOverride 3
    outline = parse_docx(to_bytes(document))

    assert ids(outline) == [
        "P1",
        "P1/I",
        "P1/I/1",
        "P1/I/2",
        "P1/II",
        "P1/II/1",
        "P1/II/2",
        "P1/II/2/2.1",
        "P1/II/2/2.2",
        "P1/II/2/2.2/a",
        "P1/III",
    ]
    roman = outline.section("P1/II")
    assert (roman.number, roman.title, roman.label) == (
        "II",
        "Kết quả đạt được",
        "II. Kết quả đạt được",
    )
    assert outline.section("P1/II/2/2.1").number == "2.1"
    assert outline.section("P1/II/2/2.2/a").title == "Ở khu vực ngoài nhà nước"
    first = outline.section("P1/I/1")
    assert first.prompts == ["Tổ chức học tập"]
    assert first.guidance == ["Chi tiết của việc học tập"]


def test_list_styles_from_the_default_template():
    document = docx.Document()
    document.add_paragraph("I. Tình hình chung")
    document.add_paragraph("Tổ chức học tập", style="List Bullet")
    document.add_paragraph("Học tập ở cơ sở", style="List Bullet 2")
    document.add_paragraph("Đánh giá nhận thức", style="List Number")
    document.add_paragraph("Đánh giá hành động", style="List Number")
    outline = parse_docx(to_bytes(document))
    assert outline.section("I").prompts == ["Tổ chức học tập", "+ Học tập ở cơ sở"]
    assert ids(outline) == ["I", "I/1", "I/2"]
    assert outline.section("I/2").title == "Đánh giá hành động"


# --- footnotes ---------------------------------------------------------------------------------


def add_footnotes(document, texts: list[str]) -> None:
    """A footnotes part (ids 1..n after Word's two separators), related to the document."""
    notes = "".join(
        f'<w:footnote w:id="{i}"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve">'
        f" {text}</w:t></w:r></w:p></w:footnote>"
        for i, text in enumerate(texts, start=1)
    )
    xml = (
        f"<w:footnotes {nsdecls('w')}>"
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
        f"</w:r></w:p></w:footnote>{notes}</w:footnotes>"
    )
    part = Part(
        PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml.encode(), document.part.package
    )
    document.part.relate_to(part, RT.FOOTNOTES)


def reference(paragraph, note_id: int, after: str = "") -> None:
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), str(note_id))
    paragraph.add_run()._r.append(ref)
    if after:
        paragraph.add_run(after)


def test_word_footnotes_are_anchored_where_they_are_referenced():
    document = docx.Document()
    add_footnotes(
        document, ["Kế hoạch số 14/KH-LĐLĐ", "Chương trình phát triển đoàn viên", "Quy chế"]
    )
    document.add_paragraph("Phần thứ nhất")
    document.add_paragraph("Đánh giá tình hình")
    heading = document.add_paragraph("I.Tình hình triển khai thực hiện (")
    reference(heading, 1, ").")
    document.add_paragraph("-Tổ chức học tập")
    bullet = document.add_paragraph("-Phát triển đoàn viên")
    reference(bullet, 2)
    guidance = document.add_paragraph("Theo quy chế phối hợp")
    guidance.add_run().add_break()
    reference(guidance, 3)
    reference(guidance, 7)  # no such footnote
    outline = parse_docx(to_bytes(document))

    section = outline.section("P1/I")
    assert section.title == "Tình hình triển khai thực hiện."
    assert [(f.text, f.anchor) for f in section.footnotes] == [
        ("Kế hoạch số 14/KH-LĐLĐ", "title"),
        ("Chương trình phát triển đoàn viên", "prompt:1"),
        ("Quy chế", "guidance:0"),  # alone after a line break: belongs to the text before
    ]
    assert section.prompts == ["Tổ chức học tập", "Phát triển đoàn viên"]
    assert section.guidance == ["Theo quy chế phối hợp"]
    assert outline.footnotes == []
    assert len(outline.warnings) == 1 and "chú thích" in outline.warnings[0]


def test_typed_footnote_block_with_heading_styles_keeps_the_levels():
    document = docx.Document()
    document.add_heading("Phần thứ nhất: Đánh giá", 1)
    document.add_heading("I. Tình hình triển khai (", 2)
    document.add_paragraph(").")
    document.add_paragraph("Tổ chức học tập", style="List Bullet")
    document.add_paragraph("-" * 30)
    document.add_paragraph("\ufffd- Kế hoạch số 14/KH-LĐLĐ")
    outline = parse_docx(to_bytes(document))
    section = outline.section("P1/I")
    assert section.title == "Tình hình triển khai."
    assert section.prompts == ["Tổ chức học tập"]
    assert [(f.text, f.anchor) for f in section.footnotes] == [("Kế hoạch số 14/KH-LĐLĐ", "title")]
    assert outline.warnings == []


# --- bad input -----------------------------------------------------------------------------------


def tiny_png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def images_only() -> bytes:
    document = docx.Document()
    document.add_picture(io.BytesIO(tiny_png()))
    return to_bytes(document)


def docm() -> bytes:
    return replace_member(
        plain_docx(["I. Tình hình"]),
        "[Content_Types].xml",
        lambda xml: xml.replace(
            b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            b"application/vnd.ms-word.document.macroEnabled.main+xml",
        ),
    )


BAD_FILES = {
    "text renamed": ("de_cuong.docx", lambda: "I. Tình hình\n1. Đánh giá\n".encode(), "văn bản"),
    "old doc": (
        "de_cuong.doc",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
        "mật khẩu",
    ),
    "odt": (
        "de_cuong.odt",
        lambda: zip_bytes(
            {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}
        ),
        ".docx",
    ),
    "not word": ("de_cuong.docx", lambda: zip_bytes({"readme.txt": b"hello"}), "không phải"),
    "excel": ("de_cuong.docx", lambda: zip_bytes({"xl/workbook.xml": b"<x/>"}), "Excel"),
    "zip bomb": ("bom.docx", lambda: zip_bomb(megabytes=300), "giải nén"),
    "docm": ("de_cuong.docm", docm, "macro"),
    "empty": ("trong.docx", lambda: to_bytes(docx.Document()), "không có nội dung chữ"),
    "images only": ("scan.docx", images_only, "hình ảnh"),
    "corrupt xml": (
        "hong.docx",
        lambda: replace_member(plain_docx(["I. A"]), "word/document.xml", lambda x: x[:200]),
        "bị hỏng",
    ),
    "zero bytes": ("rong.docx", lambda: b"", "không phải tài liệu Word"),
}


@pytest.mark.parametrize("case", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_files_are_refused_with_a_message_saying_what_to_do(tmp_path, case):
    name, make, key = case
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(InputError) as raised:
        open_outline(path)
    message = raised.value.message
    assert key in message
    assert name in message
    assert any(word in message for word in ("Hãy", "hãy"))


def test_a_file_over_20_mb_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "lon.docx"
    with path.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)  # sparse: no 21 MB written
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read before size check"))
    with pytest.raises(InputError, match="quá lớn"):
        open_outline(path)
    with pytest.raises(InputError, match="quá lớn"):
        parse_docx(bytes(21 * 1024 * 1024))


# --- robustness --------------------------------------------------------------------------------

VALID = plain_docx(["Đề cương", "I.Tình hình", "1.Đánh giá", "-Tổ chức học tập", "a) Kết quả"])


def only_input_errors(data: bytes) -> None:
    try:
        outline = parse_docx(data)
    except InputError as error:
        assert error.message
    else:
        assert isinstance(outline, Outline)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_random_bytes_raise_only_input_error(data):
    only_input_errors(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), max_size=8))
def test_mutated_docx_raises_only_input_error(mutations):
    data = bytearray(VALID)
    for index, value in mutations:
        data[index] = value
    only_input_errors(bytes(data))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["word/document.xml", "word/styles.xml", "word/numbering.xml"]),
    st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.binary(max_size=3)), max_size=6),
)
def test_mutated_xml_inside_a_sound_zip_raises_only_input_error(member, mutations):
    def mutate(xml: bytes) -> bytes:
        data = bytearray(xml)
        for where, value in mutations:
            index = int(where * len(data))
            data[index : index + len(value)] = value
        return bytes(data)

    only_input_errors(replace_member(VALID, member, mutate))
