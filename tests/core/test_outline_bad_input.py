"""Bad outline files give a clear Vietnamese message, never a traceback, and lose nothing."""

import pytest

from baocao.errors import InputError
from baocao.outline.files import open_outline
from baocao.outline.parse_text import MAX_BYTES, parse_text
from baocao.outline.serialize import load_yaml


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_empty_file_is_refused(tmp_path):
    with pytest.raises(InputError, match="trống"):
        open_outline(write(tmp_path, "de-cuong.txt", b"\n  \n\t\n"))


def test_binary_garbage_is_refused(tmp_path):
    with pytest.raises(InputError, match="không phải là tệp văn bản|UTF-8"):
        open_outline(write(tmp_path, "rac.txt", bytes(range(256)) * 20))


def test_old_word_doc_asks_for_docx(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    with pytest.raises(InputError, match=r"\.docx"):
        open_outline(write(tmp_path, "de-cuong.doc", ole))
    with pytest.raises(InputError, match=r"\.doc"):
        open_outline(write(tmp_path, "de-cuong.txt", ole))


def test_docx_that_is_not_a_zip_is_refused(tmp_path):
    with pytest.raises(InputError):
        open_outline(write(tmp_path, "de-cuong.docx", "I. Tình hình\n".encode()))


def test_fifty_megabyte_file_is_refused_before_reading_it_whole(tmp_path):
    path = tmp_path / "lon.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    assert path.stat().st_size > MAX_BYTES
    with pytest.raises(InputError, match="quá lớn"):
        open_outline(path)


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(InputError, match="Không tìm thấy"):
        open_outline(tmp_path / "khong-co.txt")


def test_text_without_numbering_becomes_one_section_with_a_warning():
    outline = parse_text("Báo cáo tổng kết\nNội dung thứ nhất.\n- Một gợi ý\nNội dung thứ hai.\n")
    assert len(outline.sections) == 1
    section = outline.sections[0]
    assert section.guidance == ["Nội dung thứ nhất.", "Nội dung thứ hai."]
    assert section.prompts == ["Một gợi ý"]
    assert "Không tìm thấy đề mục" in outline.warnings[0]


def test_footnote_without_marker_stays_on_the_root_flagged():
    text = "Tiêu đề\n\nI. Một\n\nNội dung.\n-----------\n\ufffd Văn bản A\n\ufffd Văn bản B\n"
    outline = parse_text(text)
    assert [n.text for n in outline.footnotes] == ["Văn bản A", "Văn bản B"]
    assert {n.anchor for n in outline.footnotes} == {"unanchored"}
    assert "chú thích không tìm thấy vị trí" in outline.warnings[0]


def test_separator_without_footnotes_keeps_the_lines_below_it():
    outline = parse_text("Tiêu đề\n\nI. Một\n----------\nnội dung sau đường kẻ.\n")
    assert outline.sections[0].guidance == ["nội dung sau đường kẻ."]
    assert outline.sections[0].prompts == []


def test_utf16_and_bom_are_read():
    text = "Tiêu đề\n\nI. Tình hình\n"
    assert parse_text(text).sections[0].title == "Tình hình"
    for encoding in ("utf-8-sig", "utf-16"):
        from baocao.outline.parse_text import decode_text

        assert decode_text(text.encode(encoding)) == text


@pytest.mark.parametrize(
    "yaml_text",
    ["title: [unclosed", "- just\n- a list\n", "sections:\n  - title: no id\n"],
)
def test_malformed_yaml_gives_input_error(yaml_text):
    with pytest.raises(InputError, match="Đề cương không hợp lệ|cú pháp"):
        load_yaml(yaml_text)
