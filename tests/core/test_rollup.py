"""Roll-up: equal to the recursive definition on random trees; ratios from sums; gaps named."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from baocao.consolidate.rollup import Rollup, UnitReport, parent_path, rollup
from baocao.indicators.catalogue import Indicator

MEMBERS = Indicator("members", "Số đoàn viên", "người")
WORKERS = Indicator("workers", "Số CNVCLĐ", "người")
RATE = Indicator(
    "rate", "Tỷ lệ", "%", type="percent", rollup="ratio", numerator="members", denominator="workers"
)
INCOME = Indicator("income", "Thu nhập bình quân", "triệu đồng", type="money", rollup="none")
CATALOGUE = [MEMBERS, WORKERS, RATE, INCOME]
YEARS = (2008, 2017)


def report(path, counted=True, **values):
    return UnitReport(
        path, counted, {(code, year): Decimal(v) for (code, year), v in _pairs(values).items()}
    )


def _pairs(values):
    return {(code.rsplit("_", 1)[0], int(code.rsplit("_", 1)[1])): v for code, v in values.items()}


def test_leaves_only_add_up_to_the_province_and_ratios_come_from_sums():
    result = rollup(
        [
            report("KT/", counted=False),
            report("KT/DH/", counted=False),
            report("KT/DH/A/", members_2017=90, workers_2017=100),
            report("KT/DH/B/", members_2017=10, workers_2017=100),
            report("KT/DT/", counted=False),
            report("KT/DT/C/", members_2017=50, workers_2017=50, income_2017=7),
        ],
        CATALOGUE,
    )
    province = result.figures("KT/")
    assert province[("members", 2017)] == 150
    assert province[("workers", 2017)] == 250
    assert province[("rate", 2017)] == Decimal(60)  # 150/250, not the mean of 90%, 10%, 100%
    assert ("income", 2017) not in province  # an average never adds up
    assert result.expected["KT/"] == 6 and result.counted["KT/"] == 3
    assert result.missing("KT/") == ["KT/", "KT/DH/", "KT/DT/"]


def test_a_district_that_reported_its_totals_is_compared_with_its_cdcs():
    result = rollup(
        [
            report("KT/DH/", members_2017=4210),
            report("KT/DH/A/", members_2017=4000),
            report("KT/DH/B/", members_2017=185),
            report("KT/DT/", members_2017=300),
        ],
        CATALOGUE,
    )
    assert result.figures("KT/DH/")[("members", 2017)] == 4210
    assert result.figures("KT/")[("members", 2017)] == 4510
    [difference] = result.differences
    assert (difference.path, difference.reported, difference.children_sum) == (
        "KT/DH/",
        4210,
        4185,
    )
    assert difference.missing_below == 0


def test_a_difference_says_how_many_reports_below_do_not_count_yet():
    result = rollup(
        [
            report("KT/DH/", members_2017=4210),
            report("KT/DH/A/", members_2017=4000),
            report("KT/DH/B/", counted=False, members_2017=185),
        ],
        CATALOGUE,
    )
    [difference] = result.differences
    assert (difference.children_sum, difference.missing_below) == (4000, 1)


def test_reports_that_do_not_count_add_nothing():
    result = rollup(
        [report("KT/A/", members_2017=5), report("KT/B/", counted=False, members_2017=7)],
        CATALOGUE,
    )
    assert result.figures("KT/")[("members", 2017)] == 5
    assert result.missing("KT/") == ["KT/B/"]


# --- property: the one-pass roll-up equals the recursive definition ---------------------------


@st.composite
def trees(draw):
    """Random unit paths under one root, each with a report or not, counted or not, values."""
    paths = ["R/"]
    for _ in range(draw(st.integers(0, 25))):
        parent = draw(st.sampled_from(paths))
        paths.append(f"{parent}{len(paths)}/")
    reports = []
    for path in paths:
        if not draw(st.booleans()):
            continue
        values = {}
        for code in ("members", "workers"):
            for year in YEARS:
                if draw(st.booleans()):
                    values[(code, year)] = Decimal(draw(st.integers(0, 10_000)))
        reports.append(UnitReport(path, draw(st.booleans()), values))
    return paths, reports


def brute_force(path, paths, by_path, key):
    report = by_path.get(path)
    if report is not None and report.counted and report.values.get(key) is not None:
        return report.values[key]
    children = [p for p in paths if parent_path(p) == path]
    below = [brute_force(c, paths, by_path, key) for c in children]
    known = [v for v in below if v is not None]
    return sum(known, Decimal(0)) if known else None


@settings(max_examples=200, deadline=None)
@given(trees())
def test_rollup_equals_the_recursive_definition(tree):
    paths, reports = tree
    result: Rollup = rollup(reports, CATALOGUE)
    by_path = {r.path: r for r in reports}
    for path in result.values:
        for code in ("members", "workers"):
            for year in YEARS:
                expected = brute_force(path, paths, by_path, (code, year))
                assert result.figures(path).get((code, year)) == expected
        members, workers = (result.figures(path).get((c, 2017)) for c in ("members", "workers"))
        rate = result.figures(path).get(("rate", 2017))
        if members is not None and workers:
            assert rate == members / workers * 100
        else:
            assert rate is None
    counted = sum(1 for r in reports if r.counted)
    if reports:
        assert result.counted.get("R/", 0) == counted
        assert result.expected["R/"] == len(reports)
