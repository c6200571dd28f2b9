"""The import preview (issue 12): every indicator read, beside what was guessed about it, and
the person's corrections applied before anything is stored."""

from __future__ import annotations

import pytest
from office_files import CT05_HEADER, CT05_LINES, CT05_TABLE, guidance_document, guidance_docx

from baocao.errors import InputError
from baocao.outline.parse_docx import parse_docx
from baocao.outline.preview import NO_INDICATORS, Fix, apply_fixes, preview_of

LINES = CT05_LINES
HEADER, TABLE = CT05_HEADER, CT05_TABLE


@pytest.fixture
def outline():
    return parse_docx(guidance_docx(LINES, TABLE), "huong-dan.docx")


def test_each_indicator_comes_with_what_was_guessed(outline):
    preview = preview_of(outline)
    rows = {row.indicator.name: row for row in preview.rows}
    assert list(rows) == [
        "Số đoàn viên",
        "Số đoàn viên nữ",
        "Tỷ lệ đoàn viên nữ trên tổng số đoàn viên",
        "Số thỏa ước lao động tập thể",
    ]
    assert rows["Số đoàn viên"].notes == [] and rows["Số đoàn viên"].section_id == "I/1"
    assert rows["Số đoàn viên nữ"].notes == ["Dòng này không ghi đơn vị tính; hãy bổ sung."]
    assert (
        "Đoán là tỷ lệ = doan_vien_nu / doan_vien"
        in rows["Tỷ lệ đoàn viên nữ trên tổng số đoàn viên"].notes[0]
    )
    assert rows["Số thỏa ước lao động tập thể"].notes == [
        "Chưa gắn vào mục nào: sẽ báo cáo trong bảng “Chỉ tiêu chung”. Hãy chọn mục hỏi chỉ tiêu này, nếu có."
    ]
    # about the file as a whole: the group heading, the count read; no note left unplaced
    assert any("“VỀ ĐOÀN VIÊN”) là tiêu đề nhóm" in w for w in preview.warnings)
    assert not any(w.startswith("Chỉ tiêu “") for w in preview.warnings)


def test_corrections_are_applied_and_the_settled_notes_go(outline):
    rows = preview_of(outline).rows
    fixes = [Fix.as_read(row) for row in rows]
    fixes[1] = Fix("Số đoàn viên nữ", "người", "count", "sum", section_id="I/1")
    fixes[3] = Fix("Số thỏa ước đã ký", "bản", "count", "sum", section_id="I/2")
    saved = apply_fixes(outline, fixes, title="Sơ kết Chỉ thị 05", years=(2020, 2025))
    by_code = {i.code: i for i in saved.indicators}
    assert by_code["doan_vien_nu"].unit == "người"
    assert by_code["thoa_uoc_lao_dong_tap_the"].name == "Số thỏa ước đã ký"
    assert saved.section("I/2").indicators == ["thoa_uoc_lao_dong_tap_the"]
    assert by_code["ty_le_doan_vien_nu_tren_tong_so_doan_vie"].numerator == "doan_vien_nu"
    assert (saved.title, saved.years) == ("Sơ kết Chỉ thị 05", {"baseline": 2020, "current": 2025})
    assert not any(w.startswith("Chỉ tiêu “") for w in saved.warnings)
    assert any("tiêu đề nhóm" in w for w in saved.warnings)  # still true of the file
    assert outline.indicators[1].unit == ""  # the outline given is left as it was


def test_a_dropped_row_goes_unless_a_ratio_reads_it(outline):
    rows = preview_of(outline).rows
    fixes = [Fix.as_read(row) for row in rows]
    fixes[3] = Fix(**{**fixes[3].__dict__, "drop": True})
    saved = apply_fixes(outline, fixes, title="", years=(2019, 2024))
    assert [i.code for i in saved.indicators] == [
        "doan_vien",
        "doan_vien_nu",
        "ty_le_doan_vien_nu_tren_tong_so_doan_vie",
    ]
    assert saved.title == outline.title
    fixes[0] = Fix(**{**fixes[0].__dict__, "drop": True})
    with pytest.raises(InputError, match="Không bỏ được chỉ tiêu mà chỉ tiêu khác hay quy tắc"):
        apply_fixes(outline, fixes, title="", years=(2019, 2024))


def test_a_wrong_correction_is_refused_with_what_to_do(outline):
    fixes = [Fix.as_read(row) for row in preview_of(outline).rows]
    fixes[0] = Fix("Số đoàn viên", "người", "count", "ratio")
    with pytest.raises(InputError, match="là tỷ lệ nhưng thiếu"):
        apply_fixes(outline, fixes, title="", years=(2019, 2024))
    with pytest.raises(InputError, match="phải trước năm hiện tại"):
        apply_fixes(
            outline,
            [Fix.as_read(r) for r in preview_of(outline).rows],
            title="",
            years=(2024, 2019),
        )
    with pytest.raises(InputError, match="không khớp với bản xem trước"):
        apply_fixes(outline, fixes[:2], title="", years=(None, None))
    as_read = apply_fixes(outline, None, title="", years=(2019, 2024))  # every row as read
    assert [i.unit for i in as_read.indicators] == [i.unit for i in outline.indicators]


def test_a_guidance_without_a_table_says_it_has_no_indicators():
    outline = parse_docx(guidance_document(*LINES), "khong-bang.docx")
    preview = preview_of(outline)
    assert preview.rows == [] and preview.warnings == [NO_INDICATORS]


def test_the_same_indicator_in_two_tables_is_pointed_out():
    first = [HEADER[:5], ("1", "Số đoàn viên", "người", "", "")]
    second = [
        HEADER[:5],
        ("1", "Số thỏa ước", "bản", "", ""),
        ("2", "Số đoàn viên", "người", "", ""),
    ]
    data = guidance_document(*LINES[:3], first, *LINES[3:], second)
    rows = preview_of(parse_docx(data, "hai-bang.docx")).rows
    assert [row.indicator.code for row in rows] == ["doan_vien", "thoa_uoc", "doan_vien_2"]
    assert rows[0].section_id == "I/1"  # the table stands under 1.
    assert "Trùng tên với chỉ tiêu doan_vien ở trên" in rows[2].notes[0]


def test_merged_header_cells_and_years_as_rows_are_understood():
    merged = [
        ("TT", "Chỉ tiêu", "Đơn vị tính", "Số liệu", ""),
        ("", "", "", "Năm 2019", "Năm 2024"),
        ("1", "Số đoàn viên", "người", "", ""),
    ]
    spans = [(0, (0, 3), (0, 4))] + [(0, (0, column), (1, column)) for column in range(3)]
    outline = parse_docx(guidance_document(*LINES, merged, merges=spans), "gop-o.docx")
    assert [(i.name, i.unit) for i in outline.indicators] == [("Số đoàn viên", "người")]
    assert outline.years == {"baseline": 2019, "current": 2024}

    across = [
        ("Năm", "Số đoàn viên (người)", "Số CĐCS"),
        ("Năm 2019", "", ""),
        ("Năm 2024", "", ""),
    ]
    preview = preview_of(parse_docx(guidance_docx(LINES, across), "nam-theo-dong.docx"))
    assert [(r.indicator.name, r.indicator.unit) for r in preview.rows] == [
        ("Số đoàn viên", "người"),
        ("Số CĐCS", ""),
    ]
    assert any("ghi năm theo dòng" in w for w in preview.warnings)
    assert "Không ghi đơn vị tính; hãy bổ sung." in preview.rows[1].notes
