"""Validation rules: small comparisons over indicator codes, checked year by year.

Rules are written by people in a catalogue's YAML (`members_women <= members`) and evaluated
on every report, so they are parsed with `ast` against a whitelist: comparisons (<=, <, >=,
>, ==, chained or joined with `and`), + - * / and parentheses, numbers (Python style: 0.5)
and known indicator codes. Nothing is ever eval'd. A rule that starts with an operator
(`>= 0`) applies to every count and money indicator of the catalogue.
"""

from __future__ import annotations

import ast
import difflib
import operator
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from baocao.errors import InputError
from baocao.indicators.catalogue import (
    SEVERITIES,
    Catalogue,
    Indicator,
    Rule,
    indicator_problems,
    raise_problems,
)
from baocao.indicators.numbers import format_number, to_decimal

# ast comparison → (symbol, test, what the values are when the test fails, in Vietnamese)
_COMPARE: dict[type[ast.cmpop], tuple[str, Callable[[Any, Any], bool], str]] = {
    ast.LtE: ("<=", operator.le, "lớn hơn"),
    ast.Lt: ("<", operator.lt, "không nhỏ hơn"),
    ast.GtE: (">=", operator.ge, "nhỏ hơn"),
    ast.Gt: (">", operator.gt, "không lớn hơn"),
    ast.Eq: ("==", operator.eq, "khác"),
}
# ast arithmetic → (symbol as Vietnamese documents write it, operation, precedence)
_ARITH: dict[type[ast.operator], tuple[str, Callable[[Any, Any], Any], int]] = {
    ast.Add: ("+", operator.add, 1),
    ast.Sub: ("-", operator.sub, 1),
    ast.Mult: ("×", operator.mul, 2),
    ast.Div: (":", operator.truediv, 2),
}
_INFINITE = (float("inf"), float("-inf"))  # 1e999 parses to inf; NaN is unreachable in ast
_EACH = re.compile(r"\s*(<=|>=|==|<|>)")
_ALLOWED = 'chỉ dùng mã chỉ tiêu, số, + - * /, dấu ngoặc, so sánh <=, <, >=, >, == và "and"'


@dataclass(frozen=True)
class Check:
    """One comparison of a rule, `left op right`, and the codes it reads."""

    left: ast.expr
    op: type[ast.cmpop]
    right: ast.expr
    codes: tuple[str, ...]


@dataclass(frozen=True)
class CompiledRule:
    """A rule checked against a catalogue: its comparisons and the names its messages use."""

    rule: Rule
    checks: tuple[Check, ...]
    names: Mapping[str, str]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(code for check in self.checks for code in check.codes))


@dataclass(frozen=True)
class Violation:
    """A failed rule for one year, with a message ready for the officer who typed the figures."""

    rule: Rule
    year: str
    severity: str
    codes: tuple[str, ...]
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.to_dict(),
            "year": self.year,
            "severity": self.severity,
            "codes": list(self.codes),
            "message": self.message,
        }


class _RuleError(Exception):
    """A problem with one rule, phrased for the catalogue's author."""


def check_rules(rules: Iterable[Rule], catalogue: Any) -> list[CompiledRule]:
    """Validate the catalogue and its rules together; InputError lists every problem at once.

    `catalogue` is a Catalogue (then its years and attach map are checked too), a mapping of
    code → Indicator, or a list of Indicators.
    """
    indicators = _indicators(catalogue)
    if isinstance(catalogue, Catalogue):
        problems = catalogue.problems()
    else:
        problems = indicator_problems(indicators)
    compiled = []
    for rule in rules:
        try:
            compiled.append(compile_rule(rule, indicators))
        except InputError as error:
            problems.append(error.message)
    if problems:
        raise_problems(problems)
    return compiled


def compile_rule(rule: Rule, indicators: Any) -> CompiledRule:
    """Parse one rule against the known codes; InputError (Vietnamese) if it cannot be used."""
    by_code = {indicator.code: indicator for indicator in _indicators(indicators)}
    try:
        if rule.severity not in SEVERITIES:
            raise _RuleError(
                f'có mức "{rule.severity}"; hãy dùng "hard" (chặn nộp) hoặc "soft" (cảnh báo)'
            )
        checks = _parse(rule.expr, by_code)
        used = {code for check in checks for code in check.codes}
        unknown = sorted(used - by_code.keys())
        if unknown:
            raise _RuleError(
                "dùng mã chỉ tiêu không có trong danh mục: "
                + ", ".join(_with_suggestion(code, by_code) for code in unknown)
            )
        text = sorted(code for code in used if not by_code[code].numeric)
        if text:
            raise _RuleError(f"so sánh chỉ tiêu dạng chữ: {', '.join(text)}")
    except _RuleError as error:
        raise InputError(f'Quy tắc "{rule.expr}" {error}') from None
    names = {code: by_code[code].name for code in used}
    return CompiledRule(rule, tuple(checks), names)


def evaluate(
    rules: Sequence[CompiledRule | Rule],
    values: Mapping[str, Mapping[str, Decimal | int | float | None]],
    years: Iterable[str],
    catalogue: Any = None,
) -> list[Violation]:
    """Every failed comparison, year by year. `values` is {code: {year: value}}.

    A comparison whose operands are missing (None) for a year is skipped for that year: an
    empty cell is not a violation (tracking reports empty cells separately). Plain Rules are
    compiled against `catalogue` first.
    """
    compiled = [_compiled(rule, catalogue) for rule in rules]
    violations = []
    for year in (str(year) for year in years):
        for item in compiled:
            if item.rule.years and year not in item.rule.years:
                continue
            for check in item.checks:
                violation = _check(item, check, year, values)
                if violation:
                    violations.append(violation)
    return violations


def _compiled(rule: CompiledRule | Rule, catalogue: Any) -> CompiledRule:
    if isinstance(rule, CompiledRule):
        return rule
    if catalogue is None:
        raise TypeError("evaluate() needs catalogue= to compile plain Rule objects")
    return compile_rule(rule, catalogue)


def _check(
    item: CompiledRule, check: Check, year: str, values: Mapping[str, Mapping[str, Any]]
) -> Violation | None:
    env = {}
    for code in check.codes:
        value = (values.get(code) or {}).get(year)
        if value is None:
            return None
        env[code] = to_decimal(value)
    try:
        left, right = _value(check.left, env), _value(check.right, env)
    except ArithmeticError:  # division by zero: the comparison has no meaning this year
        return None
    symbol, test, verb = _COMPARE[check.op]
    if test(left, right):
        return None
    sides = [(check.left, left), (check.right, right)]
    if item.rule.message:
        shown = "; ".join(
            f"{_describe(node, item.names)}: {format_number(value)}"
            for node, value in sides
            if not isinstance(node, ast.Constant)
        )
        message = f"Năm {year}: {item.rule.message.rstrip(' .')} ({shown})."
    else:
        left_text, right_text = (_operand(node, value, item.names) for node, value in sides)
        message = f"Năm {year}: {left_text} {verb} {right_text}."
    return Violation(item.rule, year, item.rule.severity, check.codes, message)


def _parse(expr: str, by_code: Mapping[str, Indicator]) -> list[Check]:
    each = _EACH.match(expr)
    if each:
        op = _compare_op(each.group(1))
        right = _arith(_tree(expr[each.end() :]))
        targets = [
            code
            for code, indicator in by_code.items()
            if indicator.type in ("count", "money") and not indicator.derived
        ]
        right_codes = _names(right)
        return [
            Check(ast.Name(id=code, ctx=ast.Load()), op, right, (code, *right_codes))
            for code in targets
        ]
    tree = _tree(expr)
    parts = tree.values if isinstance(tree, ast.BoolOp) and isinstance(tree.op, ast.And) else [tree]
    checks = []
    for part in parts:
        if not isinstance(part, ast.Compare):
            raise _RuleError(
                f"phải là một phép so sánh, ví dụ members_women <= members; {_ALLOWED}"
            )
        operands = [_arith(node) for node in (part.left, *part.comparators)]
        for index, op in enumerate(part.ops):
            if type(op) not in _COMPARE:
                raise _RuleError(f"dùng phép so sánh không được phép; {_ALLOWED}")
            left, right = operands[index], operands[index + 1]
            codes = tuple(dict.fromkeys((*_names(left), *_names(right))))
            checks.append(Check(left, type(op), right, codes))
    return checks


def _compare_op(symbol: str) -> type[ast.cmpop]:
    return next(op for op, (text, _, _) in _COMPARE.items() if text == symbol)


def _tree(text: str) -> ast.expr:
    try:
        with warnings.catch_warnings():  # "1and" warns; the rule is refused or fine either way
            warnings.simplefilter("ignore", SyntaxWarning)
            return ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise _RuleError(f"viết sai cú pháp; {_ALLOWED}") from None


def _arith(node: ast.expr) -> ast.expr:
    """Accept only numbers, codes, + - * / and unary signs; return the node itself."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float) or value in _INFINITE:
            raise _RuleError(f"dùng giá trị {node.value!r} không phải số; {_ALLOWED}")
    elif isinstance(node, ast.BinOp) and type(node.op) in _ARITH:
        _arith(node.left)
        _arith(node.right)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        _arith(node.operand)
    elif not isinstance(node, ast.Name):
        raise _RuleError(f'dùng "{ast.unparse(node)}" không được phép; {_ALLOWED}')
    return node


def _names(node: ast.expr) -> tuple[str, ...]:
    """The codes an operand reads, in the order they are written."""
    if isinstance(node, ast.Name):
        return (node.id,)
    if isinstance(node, ast.UnaryOp):
        return _names(node.operand)
    if isinstance(node, ast.BinOp):
        return tuple(dict.fromkeys((*_names(node.left), *_names(node.right))))
    return ()


def _value(node: ast.expr, env: Mapping[str, Decimal]) -> Decimal:
    if isinstance(node, ast.Constant):
        return to_decimal(node.value)
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.UnaryOp):
        operand = _value(node.operand, env)
        return -operand if isinstance(node.op, ast.USub) else operand
    assert isinstance(node, ast.BinOp)
    return _ARITH[type(node.op)][1](_value(node.left, env), _value(node.right, env))


def _describe(node: ast.expr, names: Mapping[str, str], parent: int = 0) -> str:
    """An operand in words: codes become indicator names, numbers Vietnamese-formatted."""
    if isinstance(node, ast.Constant):
        return format_number(to_decimal(node.value))
    if isinstance(node, ast.Name):
        return names.get(node.id, node.id)
    if isinstance(node, ast.UnaryOp):
        sign = "-" if isinstance(node.op, ast.USub) else ""
        return sign + _describe(node.operand, names, 3)
    assert isinstance(node, ast.BinOp)
    symbol, _, precedence = _ARITH[type(node.op)]
    text = (
        f"{_describe(node.left, names, precedence)} {symbol} "
        f"{_describe(node.right, names, precedence + 1)}"
    )
    return f"({text})" if precedence < parent else text


def _operand(node: ast.expr, value: Decimal, names: Mapping[str, str]) -> str:
    if isinstance(node, ast.Constant):
        return format_number(value)
    return f"{_describe(node, names)} ({format_number(value)})"


def _with_suggestion(code: str, by_code: Mapping[str, Indicator]) -> str:
    close = difflib.get_close_matches(code, list(by_code), n=1)
    return f'{code} (có phải "{close[0]}"?)' if close else code


def _indicators(catalogue: Any) -> list[Indicator]:
    if hasattr(catalogue, "indicators"):
        catalogue = catalogue.indicators
    if isinstance(catalogue, Mapping):
        return list(catalogue.values())
    return list(catalogue)
