"""A guidance document's appendix table read into the outline's indicator catalogue (issue 12):
each shape either understood or explained, nothing dropped silently."""

from __future__ import annotations

import pytest

from baocao.outline.appendix import (
    TableInput,
    looks_like_indicator_table,
    read_appendix,
    with_appendix,
)
from baocao.outline.catalogue import catalogue_of
from baocao.outline.parse_text import parse_text

GUIDANCE = """HƯỚNG DẪN BÁO CÁO SƠ KẾT 5 NĂM CHỈ THỊ 05
Phần thứ nhất
KẾT QUẢ THỰC HIỆN
I. Công tác phổ biến, quán triệt
1. Việc tổ chức học tập
2. Việc ban hành văn bản
II. Kết quả cụ thể
1. Về phát triển đoàn viên
2. Về thương lượng tập thể
a) Ký kết thỏa ước
b) Đối thoại tại nơi làm việc
Phần thứ hai
PHƯƠNG HƯỚNG
1. Mục tiêu
2. Giải pháp
"""

HEADER = ["TT", "Chỉ tiêu", "Đơn vị tính", "Năm 2016", "Năm 2020", "Ghi chú"]


@pytest.fixture
def outline():
    return parse_text(GUIDANCE)


def ids(outline):
    return {section.label: section.id for section, _ in outline.walk()}


def test_a_six_column_table_gives_names_units_years_and_sections(outline):
    grid = [
        HEADER,
        ["1", "Số CNVCLĐ", "người", "", "", "Mục II.1"],
        ["2", "Số đoàn viên công đoàn", "người", "", "", "Phần thứ nhất mục II.1"],
        ["3", "Tỷ lệ đoàn viên trên tổng số CNVCLĐ", "%", "", "", "Mục II.1"],
        ["4", "Số thỏa ước lao động tập thể đã ký", "bản", "", "", "Mục II.2.a"],
        ["5", "Số cuộc đối thoại", "cuộc", "", "", ""],
    ]
    result = read_appendix([TableInput(grid)], outline)
    assert result.years == {"baseline": 2016, "current": 2020}
    names = [(r.indicator.name, r.indicator.unit, r.indicator.type) for r in result.rows]
    assert names[0] == ("Số CNVCLĐ", "người", "count")
    assert names[2][2] == "percent"
    labels = {label.split(". ", 1)[-1]: sid for label, sid in ids(outline).items()}
    attached = {r.indicator.name: r.section_id for r in result.rows}
    assert attached["Số CNVCLĐ"] == labels["Về phát triển đoàn viên"]
    assert attached["Số đoàn viên công đoàn"] == labels["Về phát triển đoàn viên"]
    assert attached["Số thỏa ước lao động tập thể đã ký"] == labels["Ký kết thỏa ước"]
    assert attached["Số cuộc đối thoại"] == ""  # no reference, no place: the outline's root
    ratio = result.rows[2]
    assert ratio.indicator.rollup == "ratio"
    assert (ratio.indicator.numerator, ratio.indicator.denominator) == (
        result.rows[1].indicator.code,
        result.rows[0].indicator.code,
    )
    assert any("hãy xác nhận" in note for note in ratio.notes)
    # The outline takes it, and its catalogue checks.
    catalogue = catalogue_of(with_appendix(outline, result))
    assert len(catalogue.indicators) == 5
    assert catalogue.years == {"baseline": "2016", "current": "2020"}


def test_two_tables_are_one_catalogue_with_unique_codes(outline):
    first = [HEADER, ["1", "Số đoàn viên", "người", "", "", ""]]
    second = [HEADER, ["1", "Số đoàn viên", "người", "", "", "Mục I.1"]]
    result = read_appendix([TableInput(first), TableInput(second)], outline)
    codes = [r.indicator.code for r in result.rows]
    assert len(codes) == 2 and len(set(codes)) == 2 and result.tables_read == 2


def test_merged_header_cells_give_the_years_of_the_second_header_row(outline):
    grid = [
        ["TT", "Chỉ tiêu", "ĐVT", "Số liệu", "Số liệu", "Ghi chú"],
        ["TT", "Chỉ tiêu", "ĐVT", "Năm 2019", "Năm 2024", "Ghi chú"],
        ["1", "Số đoàn viên", "người", "", "", "Mục II.1"],
    ]
    result = read_appendix([TableInput(grid)], outline)
    assert result.years == {"baseline": 2019, "current": 2024}
    assert [r.indicator.name for r in result.rows] == ["Số đoàn viên"]


def test_a_period_column_counts_at_its_end_and_a_third_year_is_explained(outline):
    grid = [
        ["TT", "Chỉ tiêu", "Đơn vị tính", "Năm 2019", "Năm 2021", "Giai đoạn 2019–2024"],
        ["1", "Số đoàn viên", "người", "", "", ""],
    ]
    result = read_appendix([TableInput(grid)], outline)
    assert result.years == {"baseline": 2019, "current": 2024}
    assert any("2021" in warning for warning in result.warnings)


def test_years_as_rows_are_read_across_and_said(outline):
    grid = [
        ["Năm", "Số đoàn viên (người)", "Số CĐCS (CĐCS)"],
        ["2016", "", ""],
        ["2020", "", ""],
    ]
    assert looks_like_indicator_table(grid)
    result = read_appendix([TableInput(grid)], outline)
    assert [(r.indicator.name, r.indicator.unit) for r in result.rows] == [
        ("Số đoàn viên", "người"),
        ("Số CĐCS", "CĐCS"),
    ]
    assert result.years == {"baseline": 2016, "current": 2020}
    assert any("theo chiều ngang" in warning for warning in result.warnings)


def test_a_row_without_a_unit_is_kept_and_flagged(outline):
    grid = [HEADER, ["1", "Số sáng kiến được công nhận", "", "", "", ""]]
    [row] = read_appendix([TableInput(grid)], outline).rows
    assert row.indicator.unit == "" and any("đơn vị tính" in note for note in row.notes)


def test_a_table_that_is_not_an_indicator_table_is_said_and_left_in_the_outline(outline):
    result = read_appendix(
        [TableInput([["Nơi nhận", "Ghi chú"], ["UBND tỉnh", "để b/c"]])], outline
    )
    assert not result.rows and result.tables_read == 0
    assert any("không phải bảng chỉ tiêu" in w for w in result.warnings)
    assert any("không có bảng chỉ tiêu nào" in w for w in result.warnings)


def test_a_table_placed_under_a_section_attaches_there(outline):
    section = ids(outline)["1. Về phát triển đoàn viên"]
    grid = [HEADER, ["1", "Số đoàn viên", "người", "", "", ""]]
    [row] = read_appendix([TableInput(grid, under=section)], outline).rows
    assert row.section_id == section


def test_averages_and_percentages_are_never_added_up(outline):
    grid = [
        HEADER,
        ["1", "Thu nhập bình quân", "triệu đồng/người/tháng", "", "", ""],
        ["2", "Tỷ lệ CĐCS vững mạnh", "%", "", "", ""],
        ["3", "Giá trị làm lợi", "triệu đồng", "", "", ""],
    ]
    rows = read_appendix([TableInput(grid)], outline).rows
    assert [(r.indicator.type, r.indicator.rollup) for r in rows] == [
        ("money", "none"),
        ("percent", "none"),
        ("money", "sum"),
    ]


def test_a_group_heading_row_is_said_not_taken_for_an_indicator(outline):
    grid = [
        HEADER,
        ["I", "VỀ ĐOÀN VIÊN", "", "", "", ""],
        ["1", "Số đoàn viên", "người", "", "", ""],
    ]
    result = read_appendix([TableInput(grid)], outline)
    assert [r.indicator.name for r in result.rows] == ["Số đoàn viên"]
    assert any("tiêu đề nhóm" in warning for warning in result.warnings)


def guidance_docx(table_rows) -> bytes:
    from office_files import guidance_docx as build

    lines = GUIDANCE.splitlines()
    return build([*lines, "PHỤ LỤC: BIỂU SỐ LIỆU"], table_rows)


def test_a_guidance_docx_gives_the_tree_and_the_catalogue():
    from baocao.outline.parse_docx import parse_docx
    from baocao.outline.serialize import dump_yaml, load_yaml

    data = guidance_docx(
        [
            HEADER,
            ["1", "Số đoàn viên công đoàn", "người", "", "", "Mục II.1"],
            ["2", "Số thỏa ước lao động tập thể đã ký", "bản", "", "", "Phần thứ nhất mục II.2.a"],
            ["3", "Số cuộc đối thoại", "", "", "", ""],
        ]
    )
    outline = parse_docx(data, "huong-dan.docx")
    assert [i.name for i in outline.indicators] == [
        "Số đoàn viên công đoàn",
        "Số thỏa ước lao động tập thể đã ký",
        "Số cuộc đối thoại",
    ]
    assert outline.years == {"baseline": 2016, "current": 2020}
    attached = {s.title: s.indicators for s, _ in outline.walk() if s.indicators}
    assert list(attached) == ["Về phát triển đoàn viên", "Ký kết thỏa ước"]
    texts = " ".join(line for s, _ in outline.walk() for line in s.guidance)
    assert "Đơn vị tính" not in texts and "Mục II.1" not in texts  # not read as guidance
    assert any("đơn vị tính" in w for w in outline.warnings)  # the row without a unit, said
    assert load_yaml(dump_yaml(outline)).indicators == outline.indicators  # it stores
