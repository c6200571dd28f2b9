"""Headings of free-form reports recovered whatever their order, wording or layout (issue 15,
item 4): a number alone on its line joined to its title, sections written out of order,
numbered headings in the unit's own words placed by their number and parent, unnumbered
ones by what the text under them is about."""

from __future__ import annotations

import docx
import pytest
from office_files import to_bytes

from baocao.ingest import headings as h
from baocao.ingest import ingest_docx
from baocao.outline.builtin import load_builtin

OUTLINE = load_builtin()


def report(*blocks: tuple[str, str]) -> bytes:
    """("b", text) a bold paragraph, ("p", text) a plain one."""
    document = docx.Document()
    for kind, text in blocks:
        document.add_paragraph().add_run(text).bold = kind == "b" or None
    return to_bytes(document)


@pytest.mark.parametrize(
    "text, found",
    [
        ("II.", ("roman", "II")),
        ("IV -", ("roman", "IV")),
        ("1.", ("arabic", "1")),
        ("3)", ("arabic", "3")),
        ("4.3.", ("multi", "4.3")),
        ("2.4", ("multi", "2.4")),
        ("b)", ("letter", "b")),
        ("C.", ("upper", "C")),
        ("1", None),  # a page number, perhaps
        ("IIII.", None),
        ("1.234", None),
        ("II. Kết quả", None),  # numbered, with its title: not alone
    ],
)
def test_a_number_alone_on_its_line(text, found):
    assert h.bare_number(text) == found


def test_a_number_alone_is_joined_to_the_title_on_the_next_line():
    result = ingest_docx(
        report(
            ("b", "II."),
            ("b", "KẾT QUẢ ĐẠT ĐƯỢC SAU MƯỜI NĂM"),
            ("p", "Nhiều kết quả quan trọng."),
            ("b", "1."),
            ("p", "Tình hình đoàn viên và tổ chức công đoàn"),  # a plain title under "1."
            ("p", "Số đoàn viên tăng đều qua các năm."),
        ),
        OUTLINE,
    )
    assert result.headings["P1/II"] == "II. KẾT QUẢ ĐẠT ĐƯỢC SAU MƯỜI NĂM"
    assert result.headings["P1/II/1"] == "1. Tình hình đoàn viên và tổ chức công đoàn"
    assert result.sections == {
        "P1/II": "<p>Nhiều kết quả quan trọng.</p>",
        "P1/II/1": "<p>Số đoàn viên tăng đều qua các năm.</p>",
    }
    # The title line is placed with its heading, not left as text of the section before.
    placed = [(p.text, p.kind, p.section) for p in result.placements]
    assert ("KẾT QUẢ ĐẠT ĐƯỢC SAU MƯỜI NĂM", "heading", "P1/II") in placed


def test_a_section_written_before_the_one_the_outline_puts_first_is_still_that_section():
    result = ingest_docx(
        report(
            ("b", "4. Kết quả thực hiện các nhiệm vụ, giải pháp"),
            ("b", "4.4. Phong trào thi đua yêu nước"),
            ("p", "Phong trào Lao động giỏi, lao động sáng tạo được duy trì."),
            ("b", "4.3. Chăm lo đời sống, bảo vệ quyền lợi của đoàn viên"),
            ("p", "Công đoàn thăm hỏi đoàn viên ốm đau."),
        ),
        OUTLINE,
    )
    assert result.sections["P1/II/4/4.4"].startswith("<p>Phong trào Lao động giỏi")
    assert result.sections["P1/II/4/4.3"] == "<p>Công đoàn thăm hỏi đoàn viên ốm đau.</p>"
    assert not result.unassigned


def test_sections_renumbered_in_the_order_written_follow_their_titles():
    result = ingest_docx(
        report(
            ("b", "4.2. Phát triển đoàn viên"),
            ("p", "Kết nạp đoàn viên mới."),
            ("b", "4.3. Phong trào thi đua yêu nước"),  # the outline's 4.4
            ("p", "Thi đua lao động giỏi."),
            ("b", "4.4. Chăm lo đời sống, bảo vệ quyền lợi đoàn viên"),  # the outline's 4.3
            ("p", "Thăm hỏi đoàn viên."),
        ),
        OUTLINE,
    )
    assert result.sections["P1/II/4/4.4"] == "<p>Thi đua lao động giỏi.</p>"
    assert result.sections["P1/II/4/4.3"] == "<p>Thăm hỏi đoàn viên.</p>"


def test_a_reworded_numbered_heading_is_placed_by_its_number_under_its_parent():
    result = ingest_docx(
        report(
            ("b", "II. KẾT QUẢ ĐẠT ĐƯỢC"),
            ("b", "1. Đội ngũ y bác sĩ và nhân viên của bệnh viện"),
            ("p", "Đến nay bệnh viện có 412 đoàn viên, trình độ chuyên môn ngày càng nâng lên."),
            ("b", "2. Kết quả về giải quyết các vấn đề bức xúc, cấp bách"),
            ("p", "Không xảy ra tranh chấp lao động."),
        ),
        OUTLINE,
    )
    assert "P1/II/1" in result.sections and "P1/II/2" in result.sections
    # Its words barely name the section: the preview does not tick it by itself.
    assert result.confidence["P1/II/1"] < 0.85


def test_a_number_alone_is_no_reason_to_take_a_section_that_says_something_else():
    result = ingest_docx(
        report(
            ("b", "I. TÌNH HÌNH TRIỂN KHAI THỰC HIỆN NGHỊ QUYẾT"),
            ("p", "Đã quán triệt Nghị quyết."),
            ("b", "II. KẾT QUẢ ĐẠT ĐƯỢC"),
            ("p", "Nhiều kết quả."),
            ("b", "III. MỘT SỐ HOẠT ĐỘNG VĂN NGHỆ"),
            ("p", "Tổ chức hội diễn văn nghệ quần chúng."),
        ),
        OUTLINE,
    )
    assert "P1/III" not in result.sections
    assert "III. MỘT SỐ HOẠT ĐỘNG VĂN NGHỆ" in result.unassigned


def test_a_leftover_numbered_heading_takes_the_section_left_under_its_parent():
    result = ingest_docx(
        report(
            ("b", "PHẦN THỨ HAI: PHƯƠNG HƯỚNG THỜI GIAN TỚI"),
            ("b", "1. Dự báo tình hình"),
            ("p", "Số lượng người lao động tiếp tục tăng."),
            ("b", "2. Kiến nghị, đề xuất"),
            ("p", "Đề nghị cấp trên hỗ trợ kinh phí."),
            ("b", "3. Những việc phải làm"),  # written last, in its own words: P2/2
            ("p", "Xác định rõ mục tiêu, nhiệm vụ, giải pháp phù hợp để tiếp tục thực hiện."),
        ),
        OUTLINE,
    )
    assert result.sections["P2/3"] == "<p>Đề nghị cấp trên hỗ trợ kinh phí.</p>"
    assert result.sections["P2/2"].startswith("<p>Xác định rõ mục tiêu")
    assert result.confidence["P2/2"] < 0.6  # a guess: not ticked in the preview


def test_unnumbered_headings_in_the_units_words_are_placed_by_the_text_under_them():
    result = ingest_docx(
        report(
            ("b", "II. KẾT QUẢ ĐẠT ĐƯỢC"),
            ("b", "Về người lao động và đoàn viên"),  # fits II.1, 4.1 and 4.3 by its words
            ("p", "Công ty có 820 công nhân lao động, 790 đoàn viên; thu nhập bình quân tăng."),
            ("b", "Về tuyên truyền, giáo dục"),
            ("p", "Tuyên truyền, phổ biến chính sách, pháp luật cho người lao động."),
        ),
        OUTLINE,
    )
    assert result.sections["P1/II/1"].startswith("<p>Công ty có 820 công nhân")
    assert result.sections["P1/II/4/4.1"].startswith("<p>Tuyên truyền, phổ biến")


def test_profiles_know_what_each_section_is_about():
    profiles = h.Profiles(OUTLINE)
    ids = [section.id for section, _ in OUTLINE.walk()]

    def best(text: str) -> str:
        scores = profiles.scores(text)
        return ids[max(range(len(ids)), key=scores.__getitem__)]

    # The indicators a section asks for name it; abbreviations are spelled out.
    assert best("thu nhập bình quân của CNVCLĐ, số đoàn viên nữ") == "P1/II/1"
    assert best("đơn thư khiếu nại, tranh chấp lao động, đình công") == "P1/II/2"
    assert best("sáng kiến, cải tiến kỹ thuật, giá trị làm lợi") == "P1/II/4/4.4"
    # A section with sub-sections holds what they ask for.
    scores = profiles.scores("hỗ trợ xây nhà Mái ấm Công đoàn")
    assert scores[ids.index("P1/II/4")] > 0 and scores[ids.index("P1/II/4")] > scores[0]
    assert "cong_nhan" in h.content_words("CNVCLĐ")
