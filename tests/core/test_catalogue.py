"""The shipped NQ 20 catalogue loads and is consistent; broken catalogues are refused by name.

Also the small maths consolidation relies on (growth, ratios, sums of known values).
"""

from decimal import Decimal

import pytest
import yaml

from baocao.errors import InputError
from baocao.indicators.catalogue import Catalogue, Indicator, Rule
from baocao.indicators.load import catalogue_from_yaml, load_catalogue, validate_catalogue
from baocao.indicators.maths import derive, growth, ratio, total
from baocao.indicators.rules import evaluate
from baocao.outline.builtin import load_builtin
from baocao.outline.catalogue import catalogue_of

SECTIONS = ["P1/II/1", "P1/II/2", "P1/II/4/4.1", "P1/II/4/4.2", "P1/II/4/4.3", "P1/II/4/4.4"]

# Every indicator family BRIEF says the outline asks for.
FAMILIES = {
    "members": ["members", "members_women", "members_non_state"],
    "workers": ["workers"],
    "grassroots unions": ["grassroots_unions", "grassroots_unions_non_state"],
    "qualification": [
        "members_university", "members_college", "members_vocational", "members_untrained",
    ],
    "party": ["members_introduced_to_party", "members_admitted_to_party"],
    "recruitment": ["new_members", "new_grassroots_unions"],
    "officers": ["officers_trained"],
    "agreements": ["collective_agreements_signed", "collective_agreements_in_force"],
    "disputes": ["labour_disputes", "strikes", "complaint_letters_handled"],
    "union houses": ["union_houses", "union_houses_value"],
    "inspections": ["inspections"],
    "initiatives": ["initiatives", "initiatives_value"],
    "training": ["training_courses", "training_attendees"],
    "derived": ["unionisation_rate"],
}  # fmt: skip


@pytest.fixture(scope="module")
def shipped() -> Catalogue:
    return catalogue_of(load_builtin())


def test_shipped_catalogue_loads_and_validates(shipped):
    assert shipped.years == {"baseline": "2008", "current": "2017"}
    assert shipped.year_list == ["2008", "2017"]
    assert 30 <= len(shipped.indicators) <= 40
    assert len(validate_catalogue(shipped)) == len(shipped.rules)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_brief_family_is_present(shipped, family):
    assert set(FAMILIES[family]) <= shipped.by_code.keys()


def test_attach_covers_the_sections_and_every_indicator_once(shipped):
    assert list(shipped.attach) == SECTIONS
    attached = [code for codes in shipped.attach.values() for code in codes]
    assert sorted(attached) == sorted(shipped.by_code)
    assert [i.code for i in shipped.for_section("P1/II/2")] == [
        "labour_disputes", "strikes", "complaint_letters_received",
    ]  # fmt: skip


def test_shipped_indicators_are_well_formed(shipped):
    by_code = shipped.by_code
    rate = by_code["unionisation_rate"]
    assert (rate.type, rate.rollup, rate.numerator, rate.denominator, rate.unit) == (
        "percent", "ratio", "members", "workers", "%",
    )  # fmt: skip
    assert by_code["members_women"].row_label == "Trong đó: nữ"
    assert by_code["members"].name == "Số đoàn viên công đoàn"
    assert by_code["union_houses_value"].unit == "triệu đồng"
    assert by_code["average_income"].rollup == "none"  # a weighted figure is never summed
    section_of = {code: s for s, codes in shipped.attach.items() for code in codes}
    for indicator in shipped.indicators:
        assert indicator.unit, indicator.code
        if indicator.label.startswith("Trong đó"):  # shown under its parent, so same table
            assert indicator.part_of, indicator.code
            assert section_of[indicator.part_of] == section_of[indicator.code]


def test_shipped_rules_have_messages_and_the_brief_examples(shipped):
    by_expr = {rule.expr: rule for rule in shipped.rules}
    for expr in ("members <= workers", "members_women <= members", ">= 0"):
        assert by_expr[expr].severity == "hard"
    assert by_expr["members_admitted_to_party <= members_introduced_to_party"].severity == "soft"
    assert all(rule.message for rule in shipped.rules)


def test_shipped_rules_catch_a_bad_report(shipped):
    values = {
        "members": {"2008": Decimal(1000), "2017": Decimal(1200)},
        "members_women": {"2008": Decimal(400), "2017": Decimal(1300)},
        "workers": {"2008": Decimal(1100), "2017": Decimal(1500)},
        "strikes": {"2017": Decimal(-1)},
    }
    compiled = validate_catalogue(shipped)
    violations = evaluate(compiled, values, shipped.year_list)
    assert [(v.year, v.codes, v.severity) for v in violations] == [
        ("2017", ("strikes",), "hard"),
        ("2017", ("members_women", "members"), "hard"),
    ]
    assert "1.300" in violations[1].message and "1.200" in violations[1].message


def test_catalogue_round_trips_through_dict(shipped):
    again = Catalogue.from_dict(yaml.safe_load(yaml.safe_dump(shipped.to_dict())))
    assert again == shipped


def test_indicator_label_round_trips():
    indicator = Indicator("members_women", "Số đoàn viên nữ", "người", label="Trong đó: nữ")
    assert Indicator.from_dict(indicator.to_dict()) == indicator
    assert "label" not in Indicator("members", "Số đoàn viên", "người").to_dict()


def broken(**changes) -> str:
    """The shipped catalogue's YAML with some keys replaced."""
    data = catalogue_of(load_builtin()).to_dict()
    data.update(changes)
    return yaml.safe_dump(data, allow_unicode=True)


def indicator(code, **fields):
    return {"code": code, "name": f"Chỉ tiêu {code}", "unit": "người", **fields}


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"indicators": [indicator("members"), indicator("members")]}, 'Mã "members" bị trùng'),
        ({"indicators": [indicator("Số đoàn viên")]}, "không hợp lệ"),
        ({"indicators": [indicator("and")]}, 'mã "and" không hợp lệ'),
        ({"indicators": [indicator("x", type="number")]}, 'loại "number"'),
        ({"indicators": [indicator("x", rollup="avg")]}, 'cách tổng hợp "avg"'),
        ({"indicators": [indicator("x", type="text")]}, 'phải là "none"'),
        ({"indicators": [indicator("x", rollup="ratio", numerator="x")]}, 'thiếu "denominator"'),
        ({"indicators": [indicator("x", rollup="ratio", numerator="x", denominator="y")]},
         'denominator "y" không có'),
        ({"indicators": [indicator("x", numerator="x")]}, 'không phải "ratio"'),
        ({"indicators": [indicator("x", part_of="y")]}, 'thuộc "y" không có'),
        ({"indicators": [indicator("x", part_of="y"), indicator("y", part_of="x")]}, "vòng tròn"),
        ({"indicators": [{"code": "x"}]}, 'thiếu name'),
        ({"indicators": "members"}, '"indicators" phải là một danh sách'),
        ({"rules": [{"expr": "members <= worker"}]}, 'worker (có phải "workers"?)'),
        ({"rules": [{"expr": "members <= workers", "severity": "warn"}]}, 'mức "warn"'),
        ({"attach": {"P1/II/1": ["members", "ghost"]}}, 'mục "P1/II/1" gắn mã chỉ tiêu không có: ghost'),
        ({"attach": {"P1/II/1": "members"}}, '"attach" phải'),
        ({"years": {"baseline": 2017, "current": 2008}}, "năm gốc"),
        ({"years": {"current": 2017}}, "thiếu năm baseline"),
    ],
)  # fmt: skip
def test_broken_catalogue_names_the_problem(changes, fragment):
    with pytest.raises(InputError) as raised:
        catalogue_from_yaml(broken(**changes), "broken.yaml")
    assert fragment.lower() in raised.value.message.lower()
    assert raised.value.message.startswith("Danh mục chỉ tiêu có")


def test_problems_are_listed_together():
    text = broken(
        indicators=[indicator("members"), indicator("members", type="x")],
        rules=[{"expr": "members <= nobody"}],
        attach={"P1/II/1": ["ghost"]},
    )
    with pytest.raises(InputError) as raised:
        catalogue_from_yaml(text)
    message = raised.value.message
    assert all(part in message for part in ("bị trùng", 'loại "x"', "nobody", "ghost"))


def test_bad_yaml_and_missing_file(tmp_path):
    with pytest.raises(InputError, match="dòng 2"):
        catalogue_from_yaml("years: {baseline: 2008\nindicators: [", "x.yaml")
    with pytest.raises(InputError, match="Không tìm thấy"):
        load_catalogue(tmp_path / "none.yaml")
    with pytest.raises(InputError, match="các khóa years"):
        catalogue_from_yaml("- just a list")


def test_load_catalogue_reads_a_path(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(
        broken(indicators=[indicator("members")], rules=[{"expr": ">= 0"}], attach={}),
        encoding="utf-8",
    )
    catalogue = load_catalogue(path)
    assert [i.code for i in catalogue.indicators] == ["members"]
    assert catalogue.rules == [Rule(">= 0")]


# maths


@pytest.mark.parametrize(
    ("baseline", "current", "expected"),
    [
        (100, 150, (Decimal(50), Decimal(50))),
        (Decimal(200), Decimal(150), (Decimal(-50), Decimal(-25))),
        (0, 10, (Decimal(10), None)),
        (None, 10, (None, None)),
        (10, None, (None, None)),
        (-10, -5, (Decimal(5), Decimal(50))),
        (0.1, 0.3, (Decimal("0.2"), Decimal(200))),
    ],
)
def test_growth(baseline, current, expected):
    assert growth(baseline, current) == expected


def test_ratio():
    assert ratio(1, 4) == Decimal("0.25")
    assert ratio(1, 4, percent=True) == Decimal(25)
    assert ratio(5, 0) is None
    assert ratio(5, None) is None
    assert ratio(None, 5) is None
    assert ratio(0, 5) == 0


def test_total_keeps_no_figure_apart_from_zero():
    assert total([1, None, Decimal("2.5")]) == Decimal("3.5")
    assert total([None, None]) is None
    assert total([]) is None
    assert total([0]) == 0


def test_derive_recomputes_ratios_from_sums(shipped):
    rate = shipped.get("unionisation_rate")
    assert derive(rate, {"members": 900, "workers": 1200}) == Decimal(75)
    assert derive(rate, {"members": 900}) is None
    with pytest.raises(ValueError):
        derive(shipped.get("members"), {})
