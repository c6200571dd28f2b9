"""Validation rules: parsed against a whitelist, checked per year, explained in Vietnamese."""

from decimal import Decimal

import pytest

from baocao.errors import InputError
from baocao.indicators.catalogue import Indicator, Rule
from baocao.indicators.rules import Violation, check_rules, compile_rule, evaluate

CATALOGUE = [
    Indicator("workers", "Số CNVCLĐ", "người"),
    Indicator("members", "Số đoàn viên", "người"),
    Indicator("members_women", "Số nữ đoàn viên", "người", part_of="members"),
    Indicator("union_houses_value", "Giá trị nhà Mái ấm Công đoàn", "triệu đồng", type="money"),
    Indicator(
        "unionisation_rate", "Tỷ lệ đoàn viên", "%", type="percent", rollup="ratio",
        numerator="members", denominator="workers",
    ),
    Indicator("notes", "Ghi chú", "", type="text", rollup="none"),
]  # fmt: skip


def values(**by_code):
    """{code: (2008 value, 2017 value)} → {code: {year: Decimal|None}}."""
    return {
        code: {
            year: None if v is None else Decimal(v)
            for year, v in zip(("2008", "2017"), pair, strict=True)
        }
        for code, pair in by_code.items()
    }


def run(*rules, **by_code):
    return evaluate(check_rules(rules, CATALOGUE), values(**by_code), ["2008", "2017"])


def test_default_message_uses_names_and_vietnamese_numbers():
    [violation] = run(
        Rule("members_women <= members"), members=(1000, 1200), members_women=(900, 1300)
    )
    assert violation == Violation(
        Rule("members_women <= members"), "2017", "hard", ("members_women", "members"),
        "Năm 2017: Số nữ đoàn viên (1.300) lớn hơn Số đoàn viên (1.200).",
    )  # fmt: skip


def test_rule_message_gets_the_values_appended():
    rule = Rule("members <= workers", "soft", "Số đoàn viên không được vượt số CNVCLĐ.")
    [violation] = run(rule, members=(5, 1500), workers=(10, 1234))
    assert violation.severity == "soft"
    assert violation.message == (
        "Năm 2017: Số đoàn viên không được vượt số CNVCLĐ (Số đoàn viên: 1.500; Số CNVCLĐ: 1.234)."
    )


def test_missing_operand_skips_that_year_only():
    violations = run(Rule("members <= workers"), members=(20, 30), workers=(None, 10))
    assert [v.year for v in violations] == ["2017"]
    assert run(Rule("members <= workers"), members=(20, None)) == []  # workers absent entirely


def test_rule_years_limit_where_it_applies():
    rule = Rule("members <= workers", years=("2008",))
    assert [v.year for v in run(rule, members=(20, 30), workers=(10, 10))] == ["2008"]


def test_each_form_checks_every_count_and_money_indicator():
    violations = run(
        Rule(">= 0"), members=(-1, 5), workers=(3, 4), union_houses_value=(0, "-2.5"),
        unionisation_rate=(-5, -5),
    )  # fmt: skip
    assert [(v.year, v.codes) for v in violations] == [
        ("2008", ("members",)),
        ("2017", ("union_houses_value",)),
    ]  # the derived percentage and the text indicator are not counts
    assert violations[1].message == "Năm 2017: Giá trị nhà Mái ấm Công đoàn (-2,5) nhỏ hơn 0."


def test_arithmetic_chains_and_and():
    rule = Rule("members_women * 2 <= members + 10 and 0 < members <= workers")
    violations = run(rule, members=(100, 100), members_women=(60, 40), workers=(50, 200))
    assert [(v.year, v.codes) for v in violations] == [
        ("2008", ("members_women", "members")),
        ("2008", ("members", "workers")),
    ]
    assert violations[0].message == (
        "Năm 2008: Số nữ đoàn viên × 2 (120) lớn hơn Số đoàn viên + 10 (110)."
    )


def test_equality_and_parentheses_in_messages():
    [violation] = run(Rule("(workers - members) / 2 == 10"), workers=(30, 40), members=(10, 10))
    assert violation.message == "Năm 2017: (Số CNVCLĐ - Số đoàn viên) : 2 (15) khác 10."


def test_division_by_zero_is_skipped():
    assert run(Rule("members / workers <= 1"), members=(5, 5), workers=(0, 0)) == []


def test_plain_rules_compile_with_a_catalogue_and_values_may_be_ints():
    violations = evaluate(
        [Rule("members <= workers")], {"members": {"2017": 5}, "workers": {"2017": 4}},
        ["2017"], catalogue=CATALOGUE,
    )  # fmt: skip
    assert len(violations) == 1
    with pytest.raises(TypeError):
        evaluate([Rule("members <= workers")], {}, ["2017"])


@pytest.mark.parametrize(
    ("expr", "fragment"),
    [
        ("member <= workers", 'member (có phải "members"?)'),
        ("members_woman <= members and foo > 1", "foo"),
        ("members <=", "cú pháp"),
        ("members", "phép so sánh"),
        ("members <= workers or members > 0", "phép so sánh"),
        ("__import__('os').system('x') > 0", "không được phép"),
        ("members.real <= 1", "không được phép"),
        ("members <= 'nhiều'", "không phải số"),
        ("members <= True", "không phải số"),
        ("members != workers", "không được phép"),
        ("members in workers", "không được phép"),
        ("notes <= 1", "dạng chữ"),
        ("members ** 2 <= workers", "không được phép"),
        ("lambda: 1", "phép so sánh"),
        (">= 0 and <= 5", "cú pháp"),
        ("members <= 1e999", "không phải số"),
    ],
)
def test_bad_rules_raise_input_error_naming_the_problem(expr, fragment):
    with pytest.raises(InputError) as raised:
        compile_rule(Rule(expr), CATALOGUE)
    assert fragment in raised.value.message
    assert expr in raised.value.message


def test_check_rules_lists_every_problem_at_once():
    rules = [Rule("nobody <= members"), Rule("members <= workers", severity="strict")]
    with pytest.raises(InputError) as raised:
        check_rules(rules, CATALOGUE + [Indicator("members", "Trùng", "người")])
    message = raised.value.message
    assert "nobody" in message and '"strict"' in message and 'Mã "members" bị trùng;' in message
    assert message.startswith("Danh mục chỉ tiêu có 3 lỗi")


def test_check_rules_accepts_a_mapping_and_returns_compiled_rules():
    compiled = check_rules([Rule("members <= workers")], {i.code: i for i in CATALOGUE})
    assert compiled[0].codes == ("members", "workers")
    assert compiled[0].names["workers"] == "Số CNVCLĐ"


def test_violation_to_dict():
    [violation] = run(Rule("members <= workers"), members=(1, 2), workers=(1, 1))
    assert violation.to_dict()["codes"] == ["members", "workers"]
    assert violation.to_dict()["rule"] == {"expr": "members <= workers", "severity": "hard"}
