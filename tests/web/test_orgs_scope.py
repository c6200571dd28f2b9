"""Who sees and does what in the unit tree: own unit, child, sibling, parent, another province."""

import pytest
from django.contrib.auth.models import AnonymousUser

from baocao.apps.orgs import scope
from baocao.apps.orgs.models import Membership, Unit, UnitKind
from baocao.unitfile import KIND_LABELS

pytestmark = pytest.mark.django_db

# (unit attribute on the tree fixture, roles) of the user under test
USERS = {
    "province_viewer": ("province", ["viewer"]),
    "province_consolidator": ("province", ["consolidator"]),
    "province_reviewer": ("province", ["reviewer"]),
    "province_admin": ("province", ["admin"]),
    "province_writer": ("province", ["writer"]),
    "district_viewer": ("dakha", ["viewer"]),
    "district_reviewer": ("dakha", ["reviewer", "writer"]),
    "district_writer": ("dakha", ["writer"]),
    "cdcs_writer": ("cdcs_dh1", ["writer"]),
}

# can_view_unit: user -> {target unit attribute: allowed}
VIEW_MATRIX = {
    "province_viewer": {
        "province": True,  # own
        "dakha": True,  # child
        "cdcs_dh1": True,  # grandchild
        "other_province": False,  # sibling
        "national": False,  # parent
        "other_cdcs": False,  # another province's unit
    },
    "province_writer": {
        "province": True,
        "dakha": False,
        "cdcs_dh1": False,
        "other_province": False,
        "national": False,
        "other_cdcs": False,
    },
    "district_viewer": {
        "dakha": True,
        "cdcs_dh1": True,
        "cdcs_dh2": True,
        "dakto": False,
        "cdcs_dt1": False,
        "province": False,
        "national": False,
        "other_district": False,
    },
    "district_reviewer": {
        "dakha": True,
        "cdcs_dh1": True,
        "dakto": False,
        "province": False,
        "other_cdcs": False,
    },
    "district_writer": {
        "dakha": True,
        "cdcs_dh1": False,
        "dakto": False,
        "province": False,
        "other_district": False,
    },
    "cdcs_writer": {
        "cdcs_dh1": True,
        "cdcs_dh2": False,
        "dakha": False,
        "province": False,
        "other_cdcs": False,
    },
}

VISIBLE = {
    "province_viewer": {"KT", "KT-DH", "KT-DT", "KT-DH-01", "KT-DH-02", "KT-DT-01"},
    "province_consolidator": {"KT", "KT-DH", "KT-DT", "KT-DH-01", "KT-DH-02", "KT-DT-01"},
    "province_reviewer": {"KT", "KT-DH", "KT-DT", "KT-DH-01", "KT-DH-02", "KT-DT-01"},
    "province_admin": {"KT", "KT-DH", "KT-DT", "KT-DH-01", "KT-DH-02", "KT-DT-01"},
    "province_writer": {"KT"},
    "district_viewer": {"KT-DH", "KT-DH-01", "KT-DH-02"},
    "district_reviewer": {"KT-DH", "KT-DH-01", "KT-DH-02"},
    "district_writer": {"KT-DH"},
    "cdcs_writer": {"KT-DH-01"},
}


@pytest.fixture
def users(tree, member):
    return {
        name: member(name, getattr(tree, unit), *roles) for name, (unit, roles) in USERS.items()
    }


@pytest.mark.parametrize(
    ("user", "target", "allowed"),
    [
        (user, target, allowed)
        for user, row in VIEW_MATRIX.items()
        for target, allowed in row.items()
    ],
)
def test_can_view_unit_reaches_down_never_up_or_sideways(tree, users, user, target, allowed):
    assert scope.can_view_unit(users[user], getattr(tree, target)) is allowed


@pytest.mark.parametrize("user", list(VISIBLE))
def test_visible_units_is_the_own_unit_or_its_subtree(users, user):
    codes = set(scope.visible_units(users[user]).values_list("code", flat=True))
    assert codes == VISIBLE[user]


def test_visible_units_agrees_with_can_view_unit_everywhere(tree, users):
    for user in users.values():
        visible = set(scope.visible_units(user))
        assert visible == {unit for unit in tree.all() if scope.can_view_unit(user, unit)}


@pytest.mark.parametrize(
    ("user", "target", "expected"),
    [
        ("district_reviewer", "cdcs_dh1", True),  # a direct child
        ("district_reviewer", "dakha", False),  # its own unit
        ("district_reviewer", "dakto", False),  # a sibling
        ("district_reviewer", "cdcs_dt1", False),  # a sibling's child
        ("province_reviewer", "dakha", True),
        ("province_reviewer", "cdcs_dh1", False),  # a grandchild: the district reviews it
        ("province_reviewer", "other_district", False),  # another province's child
        ("province_reviewer", "national", False),  # its parent
        ("district_writer", "cdcs_dh1", False),  # no reviewer role
        ("province_viewer", "dakha", False),
    ],
)
def test_is_reviewer_of_only_the_direct_children(tree, users, user, target, expected):
    assert scope.is_reviewer_of(users[user], getattr(tree, target)) is expected


@pytest.mark.parametrize(
    ("user", "target", "expected"),
    [
        ("province_admin", "province", True),
        ("province_admin", "cdcs_dt1", True),
        ("province_admin", "other_province", False),
        ("province_admin", "national", False),
        ("province_viewer", "province", False),
        ("province_consolidator", "dakha", False),
        ("district_writer", "dakha", False),
    ],
)
def test_can_administer_needs_the_admin_role_and_stays_in_the_subtree(
    tree, users, user, target, expected
):
    assert scope.can_administer(users[user], getattr(tree, target)) is expected


def test_a_district_admin_administers_its_district_only(tree, member):
    admin = member("dh.admin", tree.dakha, "admin")
    assert scope.can_administer(admin, tree.cdcs_dh2)
    assert not scope.can_administer(admin, tree.dakto)
    assert not scope.can_administer(admin, tree.province)
    assert scope.administered_root(admin) == tree.dakha
    assert scope.can_import_units(admin)


def test_superuser_sees_and_administers_everything_but_reviews_nothing(tree, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x-very-long-pw")
    assert scope.user_unit(root) is None
    assert set(scope.visible_units(root)) == set(tree.all())
    assert all(scope.can_view_unit(root, unit) for unit in tree.all())
    assert all(scope.can_administer(root, unit) for unit in tree.all())
    assert not scope.is_reviewer_of(root, tree.dakha)
    assert scope.can_import_units(root)


def test_a_user_placed_nowhere_sees_nothing(tree, django_user_model):
    nobody = django_user_model.objects.create_user("moi", password="x-very-long-pw")
    assert scope.user_unit(nobody) is None
    assert not scope.visible_units(nobody).exists()
    assert not scope.can_view_unit(nobody, tree.province)
    assert not scope.can_import_units(nobody)


def test_anonymous_and_inactive_users_see_nothing(tree, member):
    assert not scope.visible_units(AnonymousUser()).exists()
    assert not scope.can_view_unit(AnonymousUser(), tree.province)
    gone = member("da.nghi", tree.province, "viewer", "admin")
    gone.is_active = False
    assert scope.user_unit(gone) is None
    assert not scope.visible_units(gone).exists()
    assert not scope.can_administer(gone, tree.province)


def test_one_query_answers_several_questions(tree, member, django_assert_num_queries):
    user = member("tinh", tree.province, "viewer", "reviewer")
    user = type(user).objects.get(pk=user.pk)  # a fresh user, as a request has
    with django_assert_num_queries(2):  # the membership, then its unit
        scope.can_view_unit(user, tree.cdcs_dh1)
        scope.is_reviewer_of(user, tree.dakha)
        scope.can_administer(user, tree.dakha)
        scope.user_unit(user)


def test_the_kinds_of_the_file_module_are_the_models_kinds():
    assert {kind.value: str(kind.label) for kind in UnitKind} == KIND_LABELS


def test_moving_a_unit_carries_its_subtree(tree):
    tree.dakha.parent = tree.other_province
    tree.dakha.save()
    paths = dict(Unit.objects.values_list("code", "path"))
    assert paths["KT-DH"] == "TLD/GL/KT-DH/"
    assert paths["KT-DH-01"] == "TLD/GL/KT-DH/KT-DH-01/"
    assert paths["KT-DT-01"] == "TLD/KT/KT-DT/KT-DT-01/"
    assert Unit.objects.get(code="KT-DH-02").depth == 3


def test_a_unit_cannot_move_under_its_own_child(tree):
    tree.province.parent = tree.dakha
    with pytest.raises(ValueError):
        tree.province.save()
    assert Unit.objects.get(code="KT").path == "TLD/KT/"


def test_membership_roles_are_a_list(tree, member):
    user = member("x", tree.province, "writer", "viewer")
    assert Membership.objects.get(user=user).has_role("viewer")
