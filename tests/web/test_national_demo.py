"""The national demo, small: the shape of Tổng LĐLĐ Việt Nam (Kon Tum as the demo province builds
it, other provinces with their districts and CĐCS, the national sector unions) at a thousandth
of the size, loaded in bulk on whichever database the suite runs on; a consistent tree, one
report per unit, figures within the hard rules that add up the tree; and the pages that must
not grow with the tree (dashboard, report editor) within their bounds at that shape."""

from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.urls import reverse
from typer.testing import CliRunner

from baocao.apps.campaigns.models import (
    IndicatorValue,
    Report,
    SectionText,
    SectionVersion,
)
from baocao.apps.campaigns.rollup_sql import rollup_sql
from baocao.apps.orgs.models import PATH_SEPARATOR, Unit, UnitKind
from baocao.demo.accounts import create_demo_users
from baocao.demo.national import (
    OWNER_USERNAME,
    SLUG,
    Shape,
    create_national_demo,
    grassroots_figures,
    summed,
)
from baocao.indicators.rules import evaluate
from baocao.richtext import clean_section_text

from .test_dashboard import MAX_QUERIES

pytestmark = pytest.mark.django_db

EDITOR_QUERIES = 14  # as tests/web/test_report_pages.py bounds the editor at a tiny tree
SMALL = Shape(fraction=0.001, provinces=4)


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def national(fast_passwords):
    create_demo_users()
    return create_national_demo(SMALL)


def test_the_tree_has_the_national_shape_and_consistent_paths(national):
    units = {unit.pk: unit for unit in Unit.objects.all()}
    kinds = Counter(unit.kind for unit in units.values())
    assert kinds[UnitKind.NATIONAL] == 1
    assert kinds[UnitKind.PROVINCE] == 5  # Kon Tum and the first four of the list
    assert kinds[UnitKind.NATIONAL_SECTOR] == 20
    assert kinds[UnitKind.GRASSROOTS] > 960  # Kon Tum's, and a few elsewhere
    for unit in units.values():
        parent = units.get(unit.parent_id)
        assert unit.path == (parent.path if parent else "") + unit.code + PATH_SEPARATOR
        assert unit.depth == unit.path.count(PATH_SEPARATOR) - 1
    assert Unit.objects.get(code="HN-H01").parent.code == "HN"
    assert national.units == len(units) - 976  # the root and Kon Tum were there


def test_every_unit_has_one_report_with_figures_texts_and_a_first_version(national):
    campaign = national.campaign
    assert national.created and campaign.slug == SLUG
    reports = Report.objects.filter(campaign=campaign)
    assert reports.count() == Unit.objects.count() == national.reports
    assert set(reports.values_list("status", flat=True)) <= {"draft", "submitted", "accepted"}
    assert IndicatorValue.objects.filter(report__campaign=campaign).count() == national.values
    texts = SectionText.objects.filter(report__campaign=campaign)
    assert texts.count() == national.texts == 4 * national.reports
    text = texts.filter(section_id="P1/II/1").first()
    assert text.text == clean_section_text(text.text) and "đoàn viên" in text.text
    assert text.version == 1
    version = SectionVersion.objects.get(report=text.report, section_id="P1/II/1")
    assert (version.version, version.text) == (1, text.text)
    # a second run changes nothing
    assert not create_national_demo(SMALL).created


def test_figures_keep_the_hard_rules_and_add_up_the_tree(national):
    campaign = national.campaign
    figures: dict[int, dict[str, dict[str, Decimal]]] = defaultdict(dict)
    for report_id, code, year, value in IndicatorValue.objects.filter(
        report__campaign=campaign
    ).values_list("report_id", "code", "year", "value"):
        figures[report_id].setdefault(code, {})[str(year)] = value
    years = [str(year) for year in campaign.years]
    for report_id, values in figures.items():
        violations = evaluate(campaign.compiled_rules, values, years)
        hard = [v.message for v in violations if v.severity == "hard"]
        assert not hard, (report_id, hard)
    # every union states exactly the sums of its units: counting every report, no difference
    root = campaign.root_unit
    result = rollup_sql(campaign, root, ("draft", "submitted", "accepted"))
    assert result.differences == []
    cdcs = Unit.objects.filter(kind=UnitKind.GRASSROOTS).count()
    assert result.figures(root.path)[("grassroots_unions", 2017)] == cdcs
    assert result.expected[root.path] == national.reports


def test_the_national_demo_ends_with_its_live_roll_up_built(national):
    """Written straight into the tables, then rebuilt in SQL: the pages read the live roll-up,
    and it holds `rollup_sql`'s figures, counts and differences."""
    from baocao.apps.campaigns import live_rollup
    from baocao.apps.campaigns.consolidation import LiveSubtreeFigures, subtree_figures
    from baocao.apps.campaigns.models import Campaign

    campaign = Campaign.objects.get(pk=national.campaign.pk)
    assert live_rollup.is_built(campaign)
    root = campaign.root_unit
    for include_submitted, statuses in ((False, ("accepted",)), (True, ("accepted", "submitted"))):
        read = subtree_figures(campaign, root, include_submitted=include_submitted)
        assert isinstance(read, LiveSubtreeFigures)
        by_sql = rollup_sql(campaign, root, statuses, leaves=False)
        assert read.rollup.values == by_sql.values
        assert read.rollup.differences == by_sql.differences
        assert read.rollup.counted[root.path] == by_sql.counted[root.path]
        assert read.rollup.expected[root.path] == national.reports


def test_drawn_figures_and_sums_are_the_same_on_every_call():
    assert grassroots_figures("HN-H01-0001", "fdi") == grassroots_figures("HN-H01-0001", "fdi")
    one, two = grassroots_figures("A", "public"), grassroots_figures("B", "private")
    total = summed([one, two])
    assert total[1][0] == one[1][0] + two[1][0]  # workers 2017
    assert total[3] is None or min(one[3] or 99, two[3] or 99) <= total[3]


def test_drawn_figures_stay_those_already_shown():
    """The draws come in a fixed order (`demo.figures`): one moved changes every figure after it."""
    workplaces = ("public", "state_company", "private", "fdi") * 25
    drawn = [grassroots_figures(f"HN-H01-{n:04d}", kind) for n, kind in enumerate(workplaces)]
    base, now, income_base, income_now = summed(drawn)
    assert now[:3] == [20_837, 11_611, 17_443]  # workers, of them non-state, members
    assert (sum(base), sum(now), income_base, income_now) == (70_613, 198_200, 28, 67)


def test_the_cli_loads_the_national_shape(fast_passwords):
    from baocao.cli import app

    result = CliRunner().invoke(app, ["demo", "--scale", "national", "--fraction", "0.0001"])
    assert result.exit_code == 0, result.output
    assert "Đợt báo cáo toàn quốc" in result.output and "bộ nhớ tối đa" in result.output
    assert Report.objects.filter(campaign__slug=SLUG).count() > 1000


# --- bounded queries at the national shape and at the demo province ---------------------------


def _dashboard(slug, **params):
    url = reverse("campaigns:detail", args=[slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def _editor(slug, code):
    return reverse("campaigns:report", args=[slug, code])


def test_dashboard_and_editor_stay_within_their_bounds_at_the_national_shape(
    national, client, django_user_model, django_assert_max_num_queries
):
    slug = national.campaign.slug
    client.force_login(django_user_model.objects.get(username=OWNER_USERNAME))
    for params in ({}, {"trang": 3}, {"loai": "grassroots", "q": "truong"}):
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(_dashboard(slug, **params))
        assert response.status_code == 200
    assert (
        f"trong {national.reports:,}".replace(",", ".")
        in client.get(_dashboard(slug)).content.decode()
    )
    # the national unit's own report, a province's, a district's and a CĐCS's: the same bound
    for code in ("TLD", "HN", "HN-H01", "HN-H01-0001", "N-GD"):
        with django_assert_max_num_queries(EDITOR_QUERIES):
            response = client.get(_editor(slug, code))
        assert response.status_code == 200, code


def test_editor_stays_within_its_bound_at_the_demo_province(
    fast_passwords, client, django_user_model, django_assert_max_num_queries
):
    from baocao.demo.campaign import SLUG as PROVINCE_SLUG
    from baocao.demo.campaign import create_demo_campaign

    create_demo_users()
    create_demo_campaign()
    client.force_login(django_user_model.objects.get(username="tinh"))
    for code in ("KT-TP", "KT-GD", "KT-TP-026", "KT-001"):
        with django_assert_max_num_queries(EDITOR_QUERIES):
            response = client.get(_editor(PROVINCE_SLUG, code))
        assert response.status_code == 200, code
    client.force_login(django_user_model.objects.get(username="cdcs.nguyenhue"))
    with django_assert_max_num_queries(EDITOR_QUERIES):
        assert client.get(_editor(PROVINCE_SLUG, "KT-TP-026")).status_code == 200
