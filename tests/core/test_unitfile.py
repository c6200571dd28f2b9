"""The unit spreadsheet without a database: reading CSV/XLSX, refusing bad files whole, writing."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from baocao.errors import InputError
from baocao.text import clean_line
from baocao.unitfile import (
    KnownUnit,
    UnitFileError,
    UnitRow,
    kind_code,
    neutralise,
    read_units,
    write_csv,
    write_xlsx,
)

HEADER = "code,name,kind,parent_code,email"
PROVINCE_CSV = "\n".join(
    [
        HEADER,
        "KT,LĐLĐ tỉnh Kon Tum,province,,ldld@kontum.example.vn",
        "KT-DH,LĐLĐ huyện Đăk Hà,district,KT,",
        "KT-DH-01,CĐCS UBND xã Đăk Mar,grassroots,KT-DH,",
    ]
)


def csv_bytes(*lines: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return "\n".join([header, *lines]).encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def problems_of(excinfo) -> dict[int | None, str]:
    return {problem.row: problem.message for problem in excinfo.value.problems}


# --- reading good files ----------------------------------------------------------------------


def test_csv_with_english_headers_reads_every_unit_in_file_order():
    rows = read_units(PROVINCE_CSV.encode(), "don-vi.csv")
    assert [row.code for row in rows] == ["KT", "KT-DH", "KT-DH-01"]
    assert rows[0] == UnitRow(
        "KT", "LĐLĐ tỉnh Kon Tum", "province", None, "ldld@kontum.example.vn", row=2
    )
    assert rows[2].parent_code == "KT-DH" and rows[2].kind == "grassroots"


def test_vietnamese_headers_labels_semicolons_and_a_bom_as_excel_writes_them():
    data = "\ufeff" + "\n".join(
        [
            "Mã;Tên;Loại;Mã cấp trên;Email",
            "KT;LĐLĐ tỉnh Kon Tum;LĐLĐ tỉnh, thành phố;;",
            "KT-GD;Công đoàn Giáo dục tỉnh;Công đoàn ngành địa phương;KT;gd@example.vn",
            "KT-GD-1;CĐCS Trường THPT Kon Tum;CĐCS;KT-GD;",
            "KT-KKT;Công đoàn Khu kinh tế tỉnh;cong doan khu kinh te;KT;",
        ]
    )
    rows = read_units(data.encode(), "danh-sach.csv")
    assert [row.kind for row in rows] == ["province", "sector", "grassroots", "zone"]
    assert rows[1].email == "gd@example.vn"


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("mã đơn vị", "code"),
        ("MA DON VI", "code"),
        ("Tên đơn vị", "name"),
        ("mã cấp trên", "parent_code"),
    ],
)
def test_header_aliases_ignore_case_and_accents(header, column):
    headers = {"code": "code", "name": "name", "kind": "kind", "parent_code": "parent_code"}
    headers[column] = header
    data = csv_bytes("KT,LĐLĐ tỉnh Kon Tum,province,", header=",".join(headers.values()))
    assert read_units(data, "a.csv")[0].code == "KT"


def test_a_title_line_above_the_header_and_blank_lines_are_skipped():
    data = "\n".join(
        [
            "DANH SÁCH ĐƠN VỊ TRỰC THUỘC LĐLĐ TỈNH KON TUM",
            "",
            "STT,Mã,Tên,Loại,Mã cấp trên,Ghi chú",
            "1,KT,LĐLĐ tỉnh Kon Tum,province,,",
            ",,,,,",
            "2,KT-DH,LĐLĐ huyện Đăk Hà,district,KT,đã đổi tên",
        ]
    )
    rows = read_units(data.encode(), "a.csv")
    assert [(row.code, row.row) for row in rows] == [("KT", 4), ("KT-DH", 6)]


def test_without_an_email_column_the_email_is_left_unknown():
    rows = read_units(
        csv_bytes("KT,LĐLĐ tỉnh Kon Tum,province,", header="code,name,kind,parent_code")
    )
    assert rows[0].email is None


def test_xlsx_reads_the_first_sheet_with_numeric_codes_as_typed():
    data = xlsx_bytes(
        [
            ["Mã đơn vị", "Tên đơn vị", "Loại", "Mã cấp trên", "Email"],
            [1000, "LĐLĐ tỉnh Kon Tum", "province", None, None],
            [1001, "LĐLĐ huyện Đăk Hà", "LĐLĐ huyện", 1000, "dh@example.vn"],
        ]
    )
    rows = read_units(data, "don-vi.xlsx")
    assert [(row.code, row.parent_code) for row in rows] == [("1000", None), ("1001", "1000")]


def test_parents_may_be_units_already_stored():
    rows = read_units(csv_bytes("KT-DH-09,CĐCS mới,grassroots,KT-DH,"), "a.csv", known={"KT-DH"})
    assert rows[0].parent_code == "KT-DH"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("grassroots", "grassroots"),
        ("Công đoàn cơ sở", "grassroots"),
        ("CĐCS", "grassroots"),
        ("LĐLĐ huyện, thành phố thuộc tỉnh", "district"),
        ("national_sector", "national_sector"),
        ("CĐ ngành TW", "national_sector"),
        ("Tổng LĐLĐ", "national"),
        ("bất kỳ", None),
    ],
)
def test_kind_accepts_codes_labels_and_common_spellings(typed, code):
    assert kind_code(typed) == code


# --- refusing bad files whole ----------------------------------------------------------------


def test_duplicate_code_names_both_rows():
    data = csv_bytes("KT,LĐLĐ tỉnh Kon Tum,province,,", "KT,LĐLĐ tỉnh khác,province,,")
    with pytest.raises(UnitFileError) as excinfo:
        read_units(data, "a.csv")
    assert "Dòng 3: mã “KT” trùng với dòng 2" in str(excinfo.value)


def test_unknown_parent_says_which_row_and_code():
    data = csv_bytes("KT,LĐLĐ tỉnh Kon Tum,province,,", "KT-DH,LĐLĐ huyện Đăk Hà,district,KT-X,")
    with pytest.raises(UnitFileError) as excinfo:
        read_units(data, "a.csv", known={"TLD"})
    assert "mã cấp trên “KT-X” không có trong tệp" in problems_of(excinfo)[3]


def test_unknown_parent_with_other_case_suggests_the_code():
    data = csv_bytes("KT,LĐLĐ tỉnh Kon Tum,province,,", "KT-DH,LĐLĐ huyện Đăk Hà,district,kt,")
    with pytest.raises(UnitFileError) as excinfo:
        read_units(data, "a.csv")
    assert "Có phải là “KT”?" in problems_of(excinfo)[3]


def test_a_loop_of_parents_is_refused_with_its_rows():
    data = csv_bytes(
        "A,Đơn vị A,district,C,",
        "B,Đơn vị B,district,A,",
        "C,Đơn vị C,district,B,",
    )
    with pytest.raises(UnitFileError) as excinfo:
        read_units(data, "a.csv")
    message = str(excinfo.value)
    assert "vòng lặp cấp trên" in message and "dòng 3, 4" in message


def test_a_loop_through_stored_units_is_refused():
    # Stored: KT over KT-DH. The file puts KT under KT-DH: its own child.
    known = {"KT": KnownUnit(None, "province"), "KT-DH": KnownUnit("KT", "district")}
    data = csv_bytes("KT,LĐLĐ tỉnh Kon Tum,district,KT-DH,")
    with pytest.raises(UnitFileError) as excinfo:
        read_units(data, "a.csv", known=known)
    assert "vòng lặp cấp trên: KT → KT-DH → KT" in str(excinfo.value)


def test_a_unit_cannot_be_its_own_parent():
    with pytest.raises(UnitFileError, match="cấp trên của chính nó"):
        read_units(csv_bytes("KT,LĐLĐ tỉnh Kon Tum,province,KT,"), "a.csv")


def test_missing_columns_are_named_in_vietnamese_and_english():
    data = "Mã,Tên\nKT,LĐLĐ tỉnh Kon Tum\n".encode()
    with pytest.raises(UnitFileError) as excinfo:
        read_units(data, "a.csv")
    message = problems_of(excinfo)[1]
    assert "thiếu cột “Loại” (kind), “Mã cấp trên” (parent_code)" in message


def test_a_column_given_twice_is_refused():
    data = "code,name,kind,parent_code,mã\nKT,LĐLĐ,province,,KT\n".encode()
    with pytest.raises(UnitFileError, match="có hai lần"):
        read_units(data, "a.csv")


@pytest.mark.parametrize(
    ("encoding", "name"), [("cp1258", "Công đoàn Đăk Hà"), ("cp1252", "Công ty Tâm Phát")]
)
def test_a_csv_saved_in_a_windows_code_page_is_refused_with_how_to_save_it(encoding, name):
    data = f"code,name,kind,parent_code\nKT,{name},district,\n".encode(encoding)
    with pytest.raises(UnitFileError) as excinfo:
        read_units(data, "a.csv")
    message = str(excinfo.value)
    assert "Dòng 2:" in message and "UTF-8" in message and "CSV UTF-8" in message


def test_text_spoiled_by_a_wrong_code_page_is_refused():
    spoiled = "LĐLĐ huyện Đăk Hà".encode().decode("cp1252", errors="replace")
    data = csv_bytes(f"KT-DH,{spoiled},district,")
    with pytest.raises(UnitFileError, match="lỗi phông"):
        read_units(data, "a.csv")


@pytest.mark.parametrize("data", [b"", b"   \n\r\n", "\ufeff".encode()])
def test_an_empty_file_is_refused(data):
    with pytest.raises(UnitFileError, match="Tệp trống"):
        read_units(data, "a.csv")


def test_a_header_without_units_is_refused():
    with pytest.raises(UnitFileError, match="chỉ có dòng tiêu đề"):
        read_units(HEADER.encode(), "a.csv")


def test_text_renamed_to_xlsx_is_not_an_xlsx():
    with pytest.raises(UnitFileError, match="không phải bảng tính Excel .xlsx"):
        read_units(PROVINCE_CSV.encode(), "don-vi.xlsx")


def test_a_word_document_is_not_an_xlsx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(UnitFileError, match="tài liệu Word"):
        read_units(out.getvalue(), "don-vi.xlsx")


def test_an_old_xls_is_refused_with_how_to_save_it():
    with pytest.raises(UnitFileError, match=r"\.xls"):
        read_units(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "don-vi.xls")


def test_a_binary_file_is_refused():
    with pytest.raises(UnitFileError, match="không phải bảng tính"):
        read_units(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "anh.png")


def test_every_problem_of_every_row_is_listed_at_once():
    data = csv_bytes(
        "KT,LĐLĐ tỉnh Kon Tum,province,,",
        ",Không có mã,grassroots,KT,",
        "KT 2,Mã có dấu cách,grassroots,KT,",
        "KT-3,,grassroots,KT,",
        "KT-4,Sai loại,phòng ban,KT,",
        "KT-5,Sai email,grassroots,KT,khong-phai-email",
        "KT-6,Huyện dưới CĐCS,district,KT-7,",
        "KT-7,CĐCS,grassroots,KT,",
    )
    with pytest.raises(UnitFileError) as excinfo:
        read_units(data, "a.csv")
    problems = problems_of(excinfo)
    assert sorted(problems) == [3, 4, 5, 6, 7, 8]
    assert "thiếu mã đơn vị" in problems[3]
    assert "không dấu cách" in problems[4]
    assert "thiếu tên đơn vị" in problems[5]
    assert "loại “phòng ban” không hợp lệ" in problems[6]
    assert "email “khong-phai-email” không hợp lệ" in problems[7]
    assert "không thể trực thuộc" in problems[8]
    assert str(excinfo.value).startswith("Tệp a.csv có 6 lỗi nên chưa nhập đơn vị nào.")
    assert isinstance(excinfo.value, InputError)


def test_a_child_of_a_flawed_row_is_not_told_its_parent_is_unknown():
    data = csv_bytes("KT,LĐLĐ tỉnh Kon Tum,sai loại,,", "KT-DH,LĐLĐ huyện Đăk Hà,district,KT,")
    with pytest.raises(UnitFileError) as excinfo:
        read_units(data, "a.csv")
    assert sorted(problems_of(excinfo)) == [2]


# --- writing ---------------------------------------------------------------------------------


ROWS = [
    UnitRow("KT", "LĐLĐ tỉnh Kon Tum", "province", None, "ldld@example.vn"),
    UnitRow("KT-DH", "LĐLĐ huyện Đăk Hà, tỉnh Kon Tum", "district", "KT", ""),
    UnitRow("KT-DH-01", '=HYPERLINK("http://x.example","bấm")', "grassroots", "KT-DH", ""),
    UnitRow("KT-DH-02", "+84 Công ty", "grassroots", "KT-DH", ""),
    UnitRow("KT-DH-03", "@SUM(A1)", "grassroots", "KT-DH", ""),
    UnitRow("KT-DH-04", "-1+2", "grassroots", "KT-DH", ""),
]


def _without_row_numbers(rows):
    return [UnitRow(r.code, r.name, r.kind, r.parent_code, r.email) for r in rows]


def test_csv_round_trip_keeps_every_unit():
    data = write_csv(ROWS)
    assert data.startswith(b"\xef\xbb\xbf")
    assert _without_row_numbers(read_units(data, "x.csv")) == ROWS


def test_xlsx_round_trip_keeps_every_unit():
    assert _without_row_numbers(read_units(write_xlsx(ROWS), "x.xlsx")) == ROWS


def test_csv_export_neutralises_formulas():
    text = write_csv(ROWS).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+84 Công ty" in text and "'@SUM(A1)" in text
    assert "'-1+2" in text
    assert not any(
        line.split(",")[1].startswith(("=", "+", "-", "@")) for line in text.splitlines()
    )


def test_xlsx_export_stores_formula_like_names_as_text():
    sheet = load_workbook(io.BytesIO(write_xlsx(ROWS))).worksheets[0]
    names = [cell for (cell,) in sheet.iter_rows(min_row=2, min_col=2, max_col=2)]
    assert all(cell.data_type == "s" for cell in names)
    assert names[2].value.startswith("'=HYPERLINK")
    assert [cell.value for cell in sheet[1]] == [
        "Mã đơn vị",
        "Tên đơn vị",
        "Loại",
        "Mã cấp trên",
        "Email",
    ]


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\t=1"])
def test_neutralise_prefixes_an_apostrophe(value):
    assert neutralise(value) == "'" + value


_NAME_TEXT = st.text(
    alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐĂÂÊÔƠƯ0123456789 ,;\"'=+-@()/.",
    min_size=1,
    max_size=40,
).filter(
    lambda text: clean_line(text) and not (text.strip()[:1] == "'" and text.strip()[1:2] in "=+-@")
)


@settings(max_examples=60, deadline=None)
@given(names=st.lists(_NAME_TEXT, min_size=1, max_size=8))
def test_any_names_survive_a_round_trip_through_both_formats(names):
    rows = [UnitRow("ROOT", "Gốc", "province", None, "")] + [
        UnitRow(f"U{index}", clean_line(name), "grassroots", "ROOT", "")
        for index, name in enumerate(names)
    ]
    assert _without_row_numbers(read_units(write_csv(rows), "x.csv")) == rows
    assert _without_row_numbers(read_units(write_xlsx(rows), "x.xlsx")) == rows
