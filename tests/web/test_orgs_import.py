"""Importing and exporting the unit tree against the database: all or nothing, moves, round trips,
and the `baocao units` commands."""

import io

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from baocao.apps.orgs.models import Unit
from baocao.apps.orgs.services import export_units_csv, export_units_xlsx, import_units
from baocao.cli import app
from baocao.errors import InputError
from baocao.unitfile import UnitFileError

pytestmark = pytest.mark.django_db

HEADER = "code,name,kind,parent_code,email"


def csv_file(*lines: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *lines]).encode()


def xlsx_file(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def snapshot() -> list[tuple]:
    return list(
        Unit.objects.order_by("code").values_list(
            "code", "name", "kind", "parent__code", "email", "path", "depth"
        )
    )


def paths() -> dict[str, str]:
    return dict(Unit.objects.values_list("code", "path"))


def delete_all_units() -> None:
    for depth in sorted(set(Unit.objects.values_list("depth", flat=True)), reverse=True):
        Unit.objects.filter(depth=depth).delete()


# --- happy paths -----------------------------------------------------------------------------


def test_csv_import_creates_the_tree_with_paths_and_depths():
    data = csv_file(
        "TLD,Tổng Liên đoàn Lao động Việt Nam,national,,",
        "KT,LĐLĐ tỉnh Kon Tum,LĐLĐ tỉnh,TLD,ldld@kontum.example.vn",
        "KT-DH-01,CĐCS UBND xã Đăk Mar,CĐCS,KT-DH,",  # the child before its parent: fine
        "KT-DH,LĐLĐ huyện Đăk Hà,district,KT,",
    )
    result = import_units(data, "don-vi.csv")
    assert [row.code for row in result.created] == ["TLD", "KT", "KT-DH-01", "KT-DH"]
    assert (result.updated, result.unchanged) == ([], 0)
    assert paths() == {
        "TLD": "TLD/",
        "KT": "TLD/KT/",
        "KT-DH": "TLD/KT/KT-DH/",
        "KT-DH-01": "TLD/KT/KT-DH/KT-DH-01/",
    }
    cdcs = Unit.objects.get(code="KT-DH-01")
    assert (cdcs.depth, cdcs.parent.code, cdcs.kind) == (3, "KT-DH", "grassroots")
    assert Unit.objects.get(code="KT").email == "ldld@kontum.example.vn"


def test_xlsx_import_adds_units_under_stored_ones(tree):
    data = xlsx_file(
        [
            ["Mã", "Tên", "Loại", "Mã cấp trên", "Email"],
            ["KT-DH-03", "CĐCS Trường THCS Lê Lợi", "Công đoàn cơ sở", "KT-DH", "thcs@example.vn"],
            ["KT-KKT", "Công đoàn Khu kinh tế tỉnh", "zone", "KT", None],
        ]
    )
    result = import_units(data, "them.xlsx")
    assert len(result.created) == 2
    assert paths()["KT-DH-03"] == "TLD/KT/KT-DH/KT-DH-03/"
    assert Unit.objects.subtree(tree.dakha).count() == 4


def test_reimporting_the_same_file_changes_nothing(tree):
    data = export_units_csv(tree.national)
    before = snapshot()
    result = import_units(data, "lai.csv")
    assert (len(result.created), len(result.updated), result.unchanged) == (0, 0, 10)
    assert snapshot() == before


def test_reimport_moves_a_subtree_and_its_paths_follow(tree):
    data = csv_file(
        "KT-DH,LĐLĐ huyện Đăk Hà (mới),district,GL,moi@example.vn",
        "KT-DT-01,CĐCS Trung tâm Y tế huyện Đăk Tô,grassroots,KT-DH,kt-dt-01@example.vn",
    )
    result = import_units(data, "chuyen.csv")
    updated = {row.code: what for row, what in result.updated}
    assert updated == {"KT-DH": ["tên", "email", "cấp trên"], "KT-DT-01": ["cấp trên"]}
    # KT-DH and its two CĐCS moved, and KT-DT-01 came along under it
    assert result.moved == 4
    got = paths()
    assert got["KT-DH"] == "TLD/GL/KT-DH/"
    assert got["KT-DH-01"] == "TLD/GL/KT-DH/KT-DH-01/"
    assert got["KT-DH-02"] == "TLD/GL/KT-DH/KT-DH-02/"
    assert got["KT-DT-01"] == "TLD/GL/KT-DH/KT-DT-01/"
    assert got["KT-DT"] == "TLD/KT/KT-DT/"
    assert Unit.objects.get(code="KT-DH-01").parent == tree.dakha
    assert {unit.code for unit in Unit.objects.subtree(tree.other_province)} == {
        "GL", "GL-PK", "GL-PK-01", "KT-DH", "KT-DH-01", "KT-DH-02", "KT-DT-01",
    }  # fmt: skip
    for unit in Unit.objects.all():  # every stored path is its parent's path plus its code
        expected = (unit.parent.path if unit.parent else "") + unit.code + "/"
        assert unit.path == expected and unit.depth == expected.count("/") - 1


def test_a_file_without_an_email_column_keeps_the_emails(tree):
    import_units(
        csv_file("KT,LĐLĐ tỉnh Kon Tum (đổi tên),province,TLD", header="mã,tên,loại,mã cấp trên"),
        "ten.csv",
    )
    province = Unit.objects.get(code="KT")
    assert province.name == "LĐLĐ tỉnh Kon Tum (đổi tên)"
    assert province.email == "kt@example.vn"


def test_dry_run_counts_without_storing(tree):
    before = snapshot()
    result = import_units(csv_file("KT-DH-09,CĐCS mới,grassroots,KT-DH,"), "thu.csv", dry_run=True)
    assert len(result.created) == 1 and result.dry_run
    assert snapshot() == before


# --- bad files are refused whole -------------------------------------------------------------

GOOD_LINES = (
    "KT-DH-09,CĐCS mới hợp lệ,grassroots,KT-DH,",  # would be created
    "KT,LĐLĐ tỉnh Kon Tum đổi tên,province,TLD,",  # would be updated
)
BAD_FILES = {
    "duplicate code": csv_file(*GOOD_LINES, "KT-DH-09,Trùng mã,grassroots,KT-DH,"),
    "unknown parent": csv_file(*GOOD_LINES, "KT-X-01,CĐCS,grassroots,KT-X,"),
    "cycle in the file": csv_file(
        *GOOD_LINES, "A1,Đơn vị A,district,A2,", "A2,Đơn vị B,district,A1,"
    ),
    "cycle through the database": csv_file(*GOOD_LINES, "KT-DH,LĐLĐ huyện,district,KT-DH-09,"),
    "missing column": "code,name,parent_code\nKT-DH-09,CĐCS mới,KT-DH\n".encode(),
    "cp1258 encoding": "\n".join(
        [
            HEADER,
            "KT-DH-09,CDCS moi,grassroots,KT-DH,",
            "KT-DH-10,Công đoàn Đăk Hà,grassroots,KT-DH,",
        ]
    ).encode("cp1258"),
    "empty file": b"",
    "not an xlsx": b"this is not a spreadsheet at all",
    "bad kind": csv_file(*GOOD_LINES, "KT-DH-10,CĐCS,tổ công đoàn,KT-DH,"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_whole_and_the_tree_is_unchanged(tree, case):
    before = snapshot()
    name = "don-vi.xlsx" if case == "not an xlsx" else "don-vi.csv"
    with pytest.raises(UnitFileError) as excinfo:
        import_units(BAD_FILES[case], name)
    assert snapshot() == before
    assert "chưa nhập đơn vị nào" in str(excinfo.value)
    assert excinfo.value.problems


def test_row_problems_name_their_rows(tree):
    with pytest.raises(UnitFileError) as excinfo:
        import_units(BAD_FILES["unknown parent"], "a.csv")
    assert [problem.row for problem in excinfo.value.problems] == [4]
    assert "Dòng 4: mã cấp trên “KT-X”" in str(excinfo.value)


def test_a_loop_through_stored_units_is_explained(tree):
    with pytest.raises(UnitFileError, match="vòng lặp cấp trên"):
        import_units(csv_file("KT,LĐLĐ tỉnh,province,KT-DH,"), "a.csv")


# --- a unit admin's import stays in its subtree ----------------------------------------------


def test_an_admins_file_may_add_and_rename_inside_its_subtree(tree):
    result = import_units(
        csv_file(
            "KT-DH,LĐLĐ huyện Đăk Hà (tên mới),district,KT,",
            "KT-DH-05,CĐCS Trường Mầm non Hoa Sen,grassroots,KT-DH,",
        ),
        "a.csv",
        within=tree.dakha,
    )
    assert len(result.created) == 1 and len(result.updated) == 1


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("KT-DT-05,CĐCS,grassroots,KT-DT,", "nằm ngoài phạm vi"),  # adds under a sibling
        ("KT-DT-01,CĐCS đổi tên,grassroots,KT-DT,", "nằm ngoài phạm vi"),  # edits a sibling's unit
        ("KT-DH,LĐLĐ huyện Đăk Hà,district,GL,", "không thể đổi cấp trên"),  # moves itself
        ("KT-DH-01,CĐCS,grassroots,KT-DT,", "nằm ngoài phạm vi"),  # moves a unit out
    ],
)
def test_an_admins_file_cannot_reach_outside_its_subtree(tree, line, says):
    before = snapshot()
    with pytest.raises(UnitFileError, match=says):
        import_units(csv_file(line), "a.csv", within=tree.dakha)
    assert snapshot() == before


# --- export ----------------------------------------------------------------------------------


def test_csv_export_round_trip_rebuilds_the_same_tree(tree):
    before = snapshot()
    data = export_units_csv(tree.national)
    delete_all_units()
    result = import_units(data, "xuat.csv")
    assert len(result.created) == 10
    assert snapshot() == before


def test_xlsx_export_round_trip_rebuilds_the_same_tree(tree):
    before = snapshot()
    data = export_units_xlsx(tree.national)
    delete_all_units()
    import_units(data, "xuat.xlsx")
    assert snapshot() == before


def test_export_of_a_subtree_lists_parents_before_children(tree):
    text = export_units_csv(tree.province).decode("utf-8-sig")
    codes = [line.split(",")[0] for line in text.splitlines()[1:]]
    assert codes == ["KT", "KT-DH", "KT-DH-01", "KT-DH-02", "KT-DT", "KT-DT-01"]
    assert "GL" not in text
    assert text.splitlines()[0] == "Mã đơn vị,Tên đơn vị,Loại,Mã cấp trên,Email"


def test_formula_like_names_are_neutralised_in_both_exports_and_come_back_intact(tree):
    evil = '=HYPERLINK("http://evil.example","Bấm vào đây")'
    Unit.objects.filter(code="KT-DH-01").update(name=evil)
    Unit.objects.filter(code="KT-DH-02").update(name="@SUM(1+1)")
    text = export_units_csv(tree.province).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(1+1)" in text
    sheet = load_workbook(io.BytesIO(export_units_xlsx(tree.province))).worksheets[0]
    cells = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    assert cells["KT-DH-01"].value == "'" + evil and cells["KT-DH-01"].data_type == "s"
    before = snapshot()
    result = import_units(text.encode("utf-8-sig"), "lai.csv")
    assert result.unchanged == 6 and snapshot() == before


# --- the command line ------------------------------------------------------------------------


def test_cli_imports_a_file_and_reports_counts(tree, tmp_path):
    path = tmp_path / "don-vi.csv"
    path.write_bytes(csv_file("KT-DH-07,CĐCS Trường Tiểu học Kim Đồng,grassroots,KT-DH,"))
    result = CliRunner().invoke(app, ["units", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 đơn vị mới" in result.output
    assert Unit.objects.filter(code="KT-DH-07").exists()


def test_cli_refuses_a_bad_file_with_its_rows(tree, tmp_path):
    path = tmp_path / "don-vi.csv"
    path.write_bytes(BAD_FILES["unknown parent"])
    before = snapshot()
    result = CliRunner().invoke(app, ["units", "import", str(path)])
    assert result.exit_code == 2
    assert "Dòng 4" in result.output and "KT-X" in result.output
    assert snapshot() == before


def test_cli_exports_a_subtree_as_csv_and_xlsx(tree, tmp_path):
    out = tmp_path / "kt.csv"
    result = CliRunner().invoke(
        app, ["units", "export", "--root", "KT-DH", "--format", "csv", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == export_units_csv(tree.dakha)
    out = tmp_path / "kt.xlsx"
    result = CliRunner().invoke(app, ["units", "export", "--root", "KT", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert load_workbook(out).worksheets[0].max_row == 7


def test_cli_export_names_an_unknown_root(tree, tmp_path):
    result = CliRunner().invoke(
        app, ["units", "export", "--root", "XX", "-o", str(tmp_path / "x.xlsx")]
    )
    assert result.exit_code == 2 and "XX" in result.output


def test_unit_file_error_is_an_input_error():
    assert issubclass(UnitFileError, InputError)


def test_imported_and_renamed_units_are_found_by_their_name_without_diacritics(tree):
    """Issue 14: the unit-name search reads a folded column (`Unit.name_folded`, a trigram
    index on PostgreSQL): both of the import's bulk writes keep it."""
    from baocao.apps.orgs.models import name_matches

    import_units(
        csv_file(
            "KT-DH-09,CĐCS Trường Tiểu học Đắk Pxi,grassroots,KT-DH,",
            "KT,Liên đoàn Lao động tỉnh Kon Tum mới,province,TLD,kt@example.vn",
        ),
        "doi-ten.csv",
    )
    assert Unit.objects.get(code="KT-DH-09").name_folded == "cdcs truong tieu hoc dak pxi"
    assert Unit.objects.get(code="KT").name_folded == "lien doan lao dong tinh kon tum moi"
    found = Unit.objects.filter(name_matches("ĐẮK PXI")).values_list("code", flat=True)
    assert list(found) == ["KT-DH-09"]
    assert list(Unit.objects.filter(name_matches("kt-dh-09")).values_list("code", flat=True)) == [
        "KT-DH-09"
    ]
