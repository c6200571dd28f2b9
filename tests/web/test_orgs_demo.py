"""The demo province: Kon Tum's real districts, about 960 CĐCS, a login per role, idempotent,
and a unit page that stays at a few queries at that size."""

import re
import time
from collections import Counter

import pytest
from django.contrib.auth.password_validation import validate_password
from django.urls import reverse
from typer.testing import CliRunner

from baocao.apps.orgs import scope
from baocao.apps.orgs.models import Membership, Unit, UnitKind
from baocao.cli import app
from baocao.demo.accounts import DEMO_USERS, create_demo_users
from baocao.demo.province import create_demo_province, demo_units

pytestmark = pytest.mark.django_db

KON_TUM_DISTRICTS = {
    "Liên đoàn Lao động thành phố Kon Tum",
    "Liên đoàn Lao động huyện Đăk Hà",
    "Liên đoàn Lao động huyện Đăk Tô",
    "Liên đoàn Lao động huyện Ngọc Hồi",
    "Liên đoàn Lao động huyện Đăk Glei",
    "Liên đoàn Lao động huyện Sa Thầy",
    "Liên đoàn Lao động huyện Kon Rẫy",
    "Liên đoàn Lao động huyện Kon Plông",
    "Liên đoàn Lao động huyện Tu Mơ Rông",
    "Liên đoàn Lao động huyện Ia H'Drai",
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Nine demo logins hashed with PBKDF2 would cost seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo():
    return create_demo_province()


def snapshot():
    return list(
        Unit.objects.order_by("code").values_list(
            "code", "name", "kind", "parent_id", "email", "path", "depth", "synthetic"
        )
    )


def test_the_demo_is_kon_tum_under_the_national_federation(demo):
    assert demo.root.code == "TLD" and demo.root.parent is None
    assert demo.province.name == "Liên đoàn Lao động tỉnh Kon Tum"
    assert demo.province.parent == demo.root
    assert demo.created == Unit.objects.count() == 976


def test_the_ten_real_districts_and_the_sector_unions(demo):
    districts = Unit.objects.filter(kind=UnitKind.DISTRICT, parent=demo.province)
    assert set(districts.values_list("name", flat=True)) == KON_TUM_DISTRICTS
    sectors = set(
        Unit.objects.filter(
            parent=demo.province, kind__in=[UnitKind.SECTOR, UnitKind.ZONE]
        ).values_list("name", flat=True)
    )
    assert sectors == {
        "Công đoàn Giáo dục tỉnh Kon Tum",
        "Công đoàn Ngành Y tế tỉnh Kon Tum",
        "Công đoàn Viên chức tỉnh Kon Tum",
        "Công đoàn Khu kinh tế tỉnh Kon Tum",
    }


def test_about_960_grassroots_unions_spread_plausibly(demo):
    grassroots = Unit.objects.filter(kind=UnitKind.GRASSROOTS)
    assert grassroots.count() == 960
    by_parent = Counter(grassroots.values_list("parent__kind", flat=True))
    assert by_parent[UnitKind.DISTRICT] > 600  # most under the districts
    assert by_parent[UnitKind.SECTOR] > 100  # then education, health, civil servants
    names = set(grassroots.values_list("name", flat=True))
    for expected in (
        "CĐCS Công ty TNHH MTV Cao su Kon Tum",
        "CĐCS Trường Tiểu học Nguyễn Huệ",
        "CĐCS UBND xã Đăk Cấm",
        "CĐCS Trung tâm Y tế huyện Đăk Hà",
    ):
        assert expected in names
    assert all(name.startswith("CĐCS ") for name in names)
    # no two CĐCS of one parent share a name
    pairs = list(grassroots.values_list("parent_id", "name"))
    assert len(pairs) == len(set(pairs))


def test_about_a_hundred_in_non_state_enterprises():
    plan = demo_units()
    non_state = [unit for unit in plan if unit.non_state]
    assert 90 <= len(non_state) <= 110
    assert all(unit.kind == UnitKind.GRASSROOTS for unit in non_state)
    assert sum("Công ty" in unit.name or "Doanh nghiệp" in unit.name for unit in non_state) >= 95


def test_units_are_synthetic_with_example_emails_and_true_paths(demo):
    units = {unit.pk: unit for unit in Unit.objects.all()}
    for unit in units.values():
        assert unit.synthetic
        assert re.fullmatch(rf"donvi-{re.escape(unit.code.lower())}@example\.vn", unit.email)
        parent_path = units[unit.parent_id].path if unit.parent_id else ""
        assert unit.path == f"{parent_path}{unit.code}/"
        assert unit.depth == unit.path.count("/") - 1


def test_the_plan_is_the_same_on_every_call():
    assert demo_units() == demo_units()


def test_running_it_twice_changes_nothing(demo):
    before = snapshot()
    again = create_demo_province()
    assert again.created == 0
    assert (again.root, again.province) == (demo.root, demo.province)
    assert snapshot() == before


def test_a_unit_renamed_by_hand_keeps_its_name(demo):
    Unit.objects.filter(code="KT-DH").update(name="LĐLĐ huyện Đăk Hà (đã sửa)")
    create_demo_province()
    assert Unit.objects.get(code="KT-DH").name == "LĐLĐ huyện Đăk Hà (đã sửa)"


def test_a_missing_unit_is_put_back(demo):
    Unit.objects.filter(code="KT-IHD-028").delete()
    assert create_demo_province().created == 1
    assert Unit.objects.get(code="KT-IHD-028").path == "TLD/KT/KT-IHD/KT-IHD-028/"


# --- demo users ------------------------------------------------------------------------------


def test_demo_users_cover_every_role_in_their_units(django_user_model):
    results = create_demo_users()
    assert {status for _, status in results} == {"created"}
    placed = {
        m.user.username: (m.unit.code, set(m.roles))
        for m in Membership.objects.select_related("user", "unit")
    }
    assert placed["tinh"] == ("KT", {"writer", "consolidator", "reviewer", "viewer"})
    assert placed["tinh.admin"] == ("KT", {"admin"})
    assert placed["lanhdao"] == ("KT", {"viewer"})
    assert placed["kontum"] == ("KT-TP", {"writer", "reviewer", "consolidator"})
    assert placed["dakha"] == ("KT-DH", {"writer"})
    assert {role for _, roles in placed.values() for role in roles} == {
        "writer", "reviewer", "consolidator", "viewer", "admin",
    }  # fmt: skip
    assert "admin" not in placed and django_user_model.objects.get(username="admin").is_superuser
    cdcs = Unit.objects.get(code=placed["cdcs.nguyenhue"][0])
    assert cdcs.name == "CĐCS Trường Tiểu học Nguyễn Huệ" and cdcs.parent.code == "KT-TP"
    assert Unit.objects.get(code=placed["cdcs.caosu"][0]).name == (
        "CĐCS Công ty TNHH MTV Cao su Kon Tum"
    )


def test_demo_passwords_pass_djangos_validators(django_user_model):
    for demo in DEMO_USERS:
        validate_password(demo.password, django_user_model(username=demo.username))


def test_demo_users_see_what_their_roles_allow(django_user_model):
    create_demo_users()
    user = {u.username: u for u in django_user_model.objects.all()}
    assert scope.visible_units(user["tinh"]).count() == 975  # the province and all under it
    assert scope.visible_units(user["dakha"]).count() == 1
    assert scope.visible_units(user["kontum"]).count() == 186
    assert scope.is_reviewer_of(user["kontum"], Unit.objects.get(code="KT-TP-026"))
    assert scope.can_import_units(user["tinh.admin"])
    assert not scope.can_import_units(user["tinh"])


def test_creating_demo_users_twice_keeps_them(django_user_model):
    create_demo_users()
    before = list(Membership.objects.values_list("user__username", "unit__code", "roles"))
    assert {status for _, status in create_demo_users()} == {"exists"}
    assert list(Membership.objects.values_list("user__username", "unit__code", "roles")) == before


def test_demo_command_builds_the_province_and_prints_every_login(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    runner = CliRunner()
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())  # the console wraps long lines
    assert "976 đơn vị (mới tạo 976)" in output
    for demo in DEMO_USERS:
        assert demo.username in output
    before = snapshot()
    again = runner.invoke(app, ["demo"])
    assert again.exit_code == 0, again.output
    assert "976 đơn vị (đã có sẵn)" in " ".join(again.output.split())
    assert snapshot() == before


# --- the tree page at demo size --------------------------------------------------------------


def test_unit_page_at_demo_size_takes_a_bounded_number_of_queries(
    client, django_user_model, django_assert_max_num_queries
):
    create_demo_users()
    client.force_login(django_user_model.objects.get(username="tinh"))
    started = time.perf_counter()
    with django_assert_max_num_queries(6):
        response = client.get(reverse("orgs:tree"))
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<li class="ut') == 975
    assert "<strong>960</strong> Công đoàn cơ sở" in html
    assert "10 LĐLĐ huyện · 3 CĐ ngành · 1 CĐ KKT, KCN · 960 CĐCS" in html
    # under the province, its districts and sector unions come before its own CĐCS
    assert html.index("Liên đoàn Lao động huyện Đăk Hà") < html.index("CĐCS Viettel Kon Tum")
    assert html.index("Công đoàn Giáo dục tỉnh") < html.index("CĐCS Viettel Kon Tum")
    assert elapsed < 5, f"the unit page took {elapsed:.2f} s"


def test_superuser_page_and_search_at_demo_size_stay_bounded(
    client, django_user_model, django_assert_max_num_queries
):
    create_demo_province()
    client.force_login(django_user_model.objects.create_superuser("root", password=None))
    with django_assert_max_num_queries(6):
        html = client.get(reverse("orgs:tree"), {"q": "nguyen hue"}).content.decode()
    assert "CĐCS Trường Tiểu học Nguyễn Huệ" in html
    assert "Tổng Liên đoàn Lao động Việt Nam" in html  # the way down to each match
