"""The unit pages as each kind of user sees them: tree, search, exports, import."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from baocao.apps.orgs.models import Unit

pytestmark = pytest.mark.django_db

TREE = reverse("orgs:tree")
IMPORT = reverse("orgs:import")
EXPORT_CSV = reverse("orgs:export_csv")
EXPORT_XLSX = reverse("orgs:export_xlsx")


def logged_in(client, user):
    client.force_login(user)
    return client


def upload(client, content: bytes, name: str = "don-vi.csv", **extra):
    return client.post(IMPORT, {"file": _named(content, name), **extra})


def _named(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def snapshot():
    return list(Unit.objects.order_by("code").values_list("code", "name", "parent_id", "path"))


@pytest.mark.parametrize("path", [TREE, IMPORT, EXPORT_CSV, EXPORT_XLSX])
def test_anonymous_visitor_is_sent_to_login(client, tree, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"


def test_nav_links_to_the_units(client, tree, member):
    html = logged_in(client, member("tinh", tree.province, "viewer")).get("/").content.decode()
    assert f'href="{TREE}"' in html and "Đơn vị" in html


# --- the tree --------------------------------------------------------------------------------


def test_province_viewer_sees_its_subtree_with_counts_and_nothing_beside_or_above(
    client, tree, member
):
    response = logged_in(client, member("tinh", tree.province, "viewer")).get(TREE)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("LĐLĐ tỉnh Kon Tum", "LĐLĐ huyện Đăk Hà", "CĐCS UBND xã Đăk Mar", "KT-DT-01"):
        assert name in html
    for name in ("Gia Lai", "Pleiku", "Tổng Liên đoàn"):
        assert name not in html
    assert "<strong>6</strong> đơn vị" in html
    assert "<strong>2</strong> LĐLĐ huyện, thành phố thuộc tỉnh" in html
    assert "<strong>3</strong> Công đoàn cơ sở" in html
    assert "2 LĐLĐ huyện · 3 CĐCS" in html  # under the province
    assert html.count("<details") == 3  # the province and its two districts fold
    assert html.count("<details open") == 1  # only the top is open at first


def test_district_viewer_does_not_see_its_parent_or_sibling(client, tree, member):
    html = logged_in(client, member("dh", tree.dakha, "viewer")).get(TREE).content.decode()
    assert "LĐLĐ huyện Đăk Hà" in html and "CĐCS Trường Tiểu học Nguyễn Huệ" in html
    assert "LĐLĐ tỉnh Kon Tum" not in html
    assert "Đăk Tô" not in html


def test_a_plain_writer_sees_only_its_own_unit(client, tree, member):
    html = logged_in(client, member("w", tree.dakha, "writer")).get(TREE).content.decode()
    assert "LĐLĐ huyện Đăk Hà" in html
    assert "CĐCS UBND xã Đăk Mar" not in html
    assert "Nhập từ tệp" not in html


def test_a_user_without_a_unit_is_told_so(client, tree, django_user_model):
    user = django_user_model.objects.create_user("moi")
    html = logged_in(client, user).get(TREE).content.decode()
    assert "chưa được xếp vào đơn vị nào" in html


def test_search_ignores_accents_and_keeps_the_units_above(client, tree, member):
    client = logged_in(client, member("tinh", tree.province, "viewer"))
    html = client.get(TREE, {"q": "dak mar"}).content.decode()
    assert "CĐCS UBND xã Đăk Mar" in html
    assert "LĐLĐ huyện Đăk Hà" in html and "LĐLĐ tỉnh Kon Tum" in html  # its ancestors
    assert "Nguyễn Huệ" not in html and "KT-DT-01" not in html
    assert "1 đơn vị khớp với “dak mar”" in html
    by_code = client.get(TREE, {"q": "kt-dt"}).content.decode()
    assert "KT-DT-01" in by_code and "Đăk Mar" not in by_code


def test_search_never_finds_units_out_of_sight(client, tree, member):
    html = logged_in(client, member("dh", tree.dakha, "viewer")).get(TREE, {"q": "Pleiku"})
    assert "0 đơn vị khớp" in html.content.decode()
    assert "GL-PK" not in html.content.decode()


def test_open_all_opens_every_branch(client, tree, member):
    client = logged_in(client, member("tinh", tree.province, "viewer"))
    html = client.get(TREE, {"mo": "tat-ca"}).content.decode()
    assert html.count("<details open") == 3


# --- exports ---------------------------------------------------------------------------------


def test_csv_export_holds_the_visible_subtree(client, tree, member):
    response = logged_in(client, member("tinh", tree.province, "viewer")).get(EXPORT_CSV)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="don-vi-kt-' in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    codes = [line.split(",")[0] for line in text.splitlines()[1:]]
    assert codes == ["KT", "KT-DH", "KT-DH-01", "KT-DH-02", "KT-DT", "KT-DT-01"]
    assert "Gia Lai" not in text


def test_xlsx_export_of_a_district(client, tree, member):
    response = logged_in(client, member("dh", tree.dakha, "viewer")).get(EXPORT_XLSX)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "KT-DH",
        "KT-DH-01",
        "KT-DH-02",
    ]


def test_export_of_a_chosen_subtree_and_never_of_another_province(client, tree, member):
    client = logged_in(client, member("tinh", tree.province, "viewer"))
    text = client.get(EXPORT_CSV, {"ma": "KT-DT"}).content.decode("utf-8-sig")
    assert [line.split(",")[0] for line in text.splitlines()[1:]] == ["KT-DT", "KT-DT-01"]
    assert client.get(EXPORT_CSV, {"ma": "GL"}).status_code == 404
    assert client.get(EXPORT_XLSX, {"ma": "TLD"}).status_code == 404
    assert client.get(EXPORT_CSV, {"ma": "KHONG-CO"}).status_code == 404


def test_a_writer_exports_only_its_own_unit(client, tree, member):
    text = (
        logged_in(client, member("w", tree.dakha, "writer"))
        .get(EXPORT_CSV)
        .content.decode("utf-8-sig")
    )
    assert len(text.splitlines()) == 2 and "KT-DH," in text


# --- import ----------------------------------------------------------------------------------


@pytest.mark.parametrize("roles", [("viewer",), ("writer", "reviewer", "consolidator")])
def test_import_needs_the_admin_role(client, tree, member, roles):
    client = logged_in(client, member("x", tree.province, *roles))
    assert client.get(IMPORT).status_code == 403
    before = snapshot()
    response = upload(client, b"code,name,kind,parent_code\nKT-9,CDCS,grassroots,KT\n")
    assert response.status_code == 403
    assert snapshot() == before


def test_admin_imports_a_file_and_sees_what_changed(client, tree, member):
    client = logged_in(client, member("tinh.admin", tree.province, "admin"))
    page = client.get(IMPORT)
    assert page.status_code == 200 and "LĐLĐ tỉnh Kon Tum (mã KT)" in page.content.decode()
    content = "\n".join(
        [
            "Mã,Tên,Loại,Mã cấp trên,Email",
            "KT-DH-03,CĐCS Trường THCS Lê Lợi,Công đoàn cơ sở,KT-DH,",
            "KT-DT,LĐLĐ huyện Đăk Tô (tên mới),LĐLĐ huyện,KT,kt-dt@example.vn",
        ]
    ).encode()
    response = upload(client, content)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đã nhập tệp don-vi.csv" in html
    assert "<strong>1</strong> đơn vị mới" in html and "<strong>1</strong> đơn vị cập nhật" in html
    assert "CĐCS Trường THCS Lê Lợi" in html and "tên" in html
    assert Unit.objects.get(code="KT-DH-03").path == "TLD/KT/KT-DH/KT-DH-03/"


def test_bad_file_shows_every_row_to_fix_and_imports_nothing(client, tree, member):
    client = logged_in(client, member("tinh.admin", tree.province, "admin"))
    before = snapshot()
    content = "\n".join(
        [
            "code,name,kind,parent_code,email",
            "KT-DH-03,CĐCS mới,grassroots,KT-DH,",
            "KT-DH-03,Trùng mã,grassroots,KT-DH,",
            "KT-DH-04,Cấp trên lạ,grassroots,KT-ZZ,",
        ]
    ).encode()
    response = upload(client, content)
    assert response.status_code == 400
    html = response.content.decode()
    assert "có 2 lỗi nên chưa nhập đơn vị nào" in html
    assert "<strong>Dòng 3:</strong> mã “KT-DH-03” trùng với dòng 2" in html
    assert "<strong>Dòng 4:</strong> mã cấp trên “KT-ZZ”" in html
    assert snapshot() == before


def test_a_province_admin_cannot_import_into_another_province(client, tree, member):
    client = logged_in(client, member("tinh.admin", tree.province, "admin"))
    before = snapshot()
    response = upload(client, b"code,name,kind,parent_code\nGL-PK-09,CDCS,grassroots,GL-PK\n")
    assert response.status_code == 400
    assert "nằm ngoài phạm vi bạn quản lý" in response.content.decode()
    assert snapshot() == before


def test_dry_run_checks_without_storing(client, tree, member):
    client = logged_in(client, member("tinh.admin", tree.province, "admin"))
    before = snapshot()
    response = upload(
        client, b"code,name,kind,parent_code\nKT-DH-09,CDCS,grassroots,KT-DH\n", dry_run="on"
    )
    assert response.status_code == 200
    assert "chạy thử, chưa lưu gì" in response.content.decode()
    assert snapshot() == before


def test_superuser_imports_anywhere(client, tree, django_user_model):
    root = django_user_model.objects.create_superuser("root", password=None)
    client = logged_in(client, root)
    response = upload(client, b"code,name,kind,parent_code\nGL-PK-09,CDCS,grassroots,GL-PK\n")
    assert response.status_code == 200
    assert Unit.objects.filter(code="GL-PK-09").exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused_politely(client, tree, member):
    client = logged_in(client, member("tinh.admin", tree.province, "admin"))
    response = upload(client, b"%PDF-1.7 \x00\x01\x02", "bao-cao.xlsx")
    assert response.status_code == 400
    assert "không phải bảng tính Excel .xlsx" in response.content.decode()


def test_an_upload_over_the_limit_is_refused_before_reading(client, tree, member):
    from baocao.apps.orgs.views import unit_import
    from baocao.web.bodylimit import limit_of

    client = logged_in(client, member("tinh.admin", tree.province, "admin"))
    response = client.post(IMPORT, {}, CONTENT_LENGTH=str(limit_of(unit_import) + 1))
    assert response.status_code == 413
    assert "Tệp quá lớn: tối đa 30 MB." in response.content.decode()
