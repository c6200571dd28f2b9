"""An outline's indicator catalogue as an Excel workbook and back (issue 12): the round trip
keeps everything, a sheet edited in Excel is read, a bad sheet says what to fix."""

from __future__ import annotations

import io

import pytest
from office_files import to_bytes
from openpyxl import Workbook, load_workbook

from baocao.errors import InputError
from baocao.indicators.catalogue import Indicator
from baocao.outline.builtin import load_builtin
from baocao.outline.indicator_sheet import SHEET, apply_sheet, indicators_xlsx
from baocao.outline.parse_text import parse_text
from baocao.outline.serialize import dump_yaml


def workbook_bytes(workbook) -> bytes:
    return to_bytes(workbook)


def edited(data: bytes, edit) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    edit(workbook)
    return workbook_bytes(workbook)


def test_the_builtin_catalogue_round_trips_whole():
    outline = load_builtin()
    data = indicators_xlsx(outline)
    same, said = apply_sheet(outline, data, "chi-tieu.xlsx")
    assert dump_yaml(same) == dump_yaml(outline)
    assert said == ["Đã nhập 38 chỉ tiêu và 16 quy tắc từ tệp chi-tieu.xlsx."]
    # into the same outline stripped of its catalogue: the catalogue comes back as it was
    bare = load_builtin()
    bare.indicators, bare.rules, bare.years = [], [], {}
    for section, _ in bare.walk():
        section.indicators = []
    restored, _said = apply_sheet(bare, data, "chi-tieu.xlsx")
    assert dump_yaml(restored) == dump_yaml(outline)


def test_text_that_looks_like_a_formula_stays_text():
    outline = parse_text("ĐỀ CƯƠNG\nI. Kết quả\n")
    outline.indicators = [Indicator("ghi_chu", "=SUM(A1:A9) ghi chú", "+/-", "text", "none")]
    outline.sections[0].indicators = ["ghi_chu"]
    data = indicators_xlsx(outline)
    assert load_workbook(io.BytesIO(data))[SHEET]["B2"].data_type == "s"
    again, _said = apply_sheet(outline, data, "x.xlsx")
    assert dump_yaml(again) == dump_yaml(outline)


def row_of(sheet, code: str) -> int:
    return next(row[0].row for row in sheet.iter_rows(min_row=2) if row[0].value == code)


def test_a_workbook_edited_in_excel_is_read():
    outline = load_builtin()

    def edit(workbook):
        sheet = workbook[SHEET]
        row = row_of(sheet, "members")
        sheet[f"C{row}"] = "đoàn viên"
        sheet[f"E{row}"] = "Không cộng dồn (nhập ở từng cấp)"
        sheet[f"I{row}"] = "P1/II/2"
        sheet.append(["members_youth", "Số đoàn viên dưới 30 tuổi", "người", "count", "sum", "", "",
                      "members", "P1/II/1"])  # fmt: skip
        workbook["Năm"]["B2"] = 2010

    changed, said = apply_sheet(outline, edited(indicators_xlsx(outline), edit), "sua.xlsx")
    members = changed.indicator("members")
    assert (members.unit, members.rollup) == ("đoàn viên", "none")
    assert "members" in changed.section("P1/II/2").indicators
    assert "members" not in changed.section("P1/II/1").indicators
    assert changed.indicator("members_youth").part_of == "members"
    assert changed.section("P1/II/1").indicators[-1] == "members_youth"
    assert changed.years == {"baseline": 2010, "current": 2017}
    assert said[0].startswith("Đã nhập 39 chỉ tiêu")


def test_a_bad_workbook_lists_every_problem_and_changes_nothing():
    outline = load_builtin()
    before = dump_yaml(outline)

    def edit(workbook):
        sheet = workbook[SHEET]
        sheet["D2"] = "Số liệu"
        sheet["I3"] = "P9/khong-co"
        sheet["B4"] = None
        workbook["Năm"]["B3"] = "năm nay"

    with pytest.raises(InputError) as refused:
        apply_sheet(outline, edited(indicators_xlsx(outline), edit), "hong.xlsx")
    message = refused.value.message
    assert (
        "Trang “Chỉ tiêu”, dòng 2: loại “Số liệu” không hiểu; hãy ghi một trong: Số lượng, Tiền"
        in message
    )
    assert "gắn vào mục “P9/khong-co” không có trong đề cương" in message
    assert "Trang “Chỉ tiêu”, dòng 4: cần cả mã và tên chỉ tiêu" in message
    assert "Trang “Năm”, dòng 3: năm “năm nay” phải có 4 chữ số" in message
    assert message.startswith("Danh mục chỉ tiêu có 4 lỗi")
    assert dump_yaml(outline) == before


def test_a_ratio_left_without_its_parts_is_refused():
    outline = load_builtin()

    def edit(workbook):
        for row in workbook[SHEET].iter_rows(min_row=2):
            if row[0].value == "members":
                row[0].value = "members_total"

    with pytest.raises(InputError, match='numerator "members" không có trong danh mục'):
        apply_sheet(outline, edited(indicators_xlsx(outline), edit), "x.xlsx")


def test_a_guidance_table_typed_into_excel_is_read_as_an_appendix():
    outline = parse_text("ĐỀ CƯƠNG\nI. Kết quả\n1. Đoàn viên\n2. Thỏa ước\n")
    workbook = Workbook()
    sheet = workbook.active
    for row in (
        ("TT", "Chỉ tiêu", "Đơn vị tính", "Năm 2019", "Năm 2024", "Ghi chú"),
        (1, "Số đoàn viên", "người", None, None, "Mục I.1"),
        (2, "Số thỏa ước lao động tập thể", None, None, None, "Mục I.2"),
    ):
        sheet.append(row)
    read, said = apply_sheet(outline, workbook_bytes(workbook), "bieu.xlsx")
    assert said == ["Đã đọc 2 chỉ tiêu từ tệp Excel."]
    assert [(i.code, i.unit) for i in read.indicators] == [
        ("doan_vien", "người"),
        ("thoa_uoc_lao_dong_tap_the", ""),
    ]
    assert read.section("I/2").indicators == ["thoa_uoc_lao_dong_tap_the"]
    assert read.years == {"baseline": 2019, "current": 2024}
    assert any("không ghi đơn vị tính" in w for w in read.warnings)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"khong phai excel", "không phải"),
        (workbook_bytes(Workbook()), "không có dữ liệu"),
    ],
)
def test_what_is_no_indicator_workbook_says_what_to_do(data, words):
    with pytest.raises(InputError, match=words):
        apply_sheet(parse_text("ĐỀ CƯƠNG\nI. Kết quả\n"), data, "tep.xlsx")


def test_a_sheet_without_an_indicator_table_is_explained():
    workbook = Workbook()
    workbook.active.append(("Họ tên", "Chức vụ"))
    workbook.active.append(("Nguyễn Văn A", "Chủ tịch"))
    with pytest.raises(InputError, match="Không nhận ra bảng chỉ tiêu trong tệp Excel"):
        apply_sheet(parse_text("ĐỀ CƯƠNG\nI. Kết quả\n"), workbook_bytes(workbook), "x.xlsx")
