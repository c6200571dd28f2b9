"""What an indicator is: code, Vietnamese name, unit, type and how it rolls up the unit tree.

An outline's YAML carries its catalogue (`indicators:`) and its validation rules (`rules:`);
these classes are that YAML's shape, kept free of Django so the core can check a report anywhere.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NoReturn

from baocao.errors import InputError

TYPES = ("count", "money", "percent", "text")
ROLLUPS = ("sum", "ratio", "none")
SEVERITIES = ("hard", "soft")


@dataclass(frozen=True)
class Indicator:
    """One figure a unit reports for each year of the campaign.

    `rollup` is "sum" (added up the tree), "ratio" (derived: `numerator` / `denominator`, each
    summed first, never an average of ratios) or "none" (text, or a figure that does not add up).
    `part_of` names the indicator this one is a part of ("of them women" is part of members),
    so tables can indent it and rules can check it.
    """

    code: str
    name: str
    unit: str
    type: str = "count"
    rollup: str = "sum"
    numerator: str | None = None
    denominator: str | None = None
    part_of: str | None = None
    description: str = ""
    # The row label in a table, where the row sits under its `part_of` parent ("Trong đó: nữ");
    # `name` stays readable on its own ("Số đoàn viên nữ") for messages, charts and spreadsheets.
    label: str = ""
    # How a report's text names this figure ("đoàn viên", "kết nạp mới"), for checking the
    # numbers written in a section against its table; empty: derived from `name`.
    mentions: tuple[str, ...] = ()

    @property
    def derived(self) -> bool:
        return self.rollup == "ratio"

    @property
    def numeric(self) -> bool:
        return self.type != "text"

    @property
    def row_label(self) -> str:
        return self.label or self.name

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "name": self.name, "unit": self.unit}
        data["type"] = self.type
        data["rollup"] = self.rollup
        for key in ("numerator", "denominator", "part_of"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.description:
            data["description"] = self.description
        if self.label:
            data["label"] = self.label
        if self.mentions:
            data["mentions"] = list(self.mentions)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Indicator:
        return cls(
            code=str(data["code"]),
            name=str(data["name"]),
            unit=str(data.get("unit", "")),
            type=str(data.get("type", "count")),
            rollup=str(data.get("rollup", "sum")),
            numerator=data.get("numerator"),
            denominator=data.get("denominator"),
            part_of=data.get("part_of"),
            description=str(data.get("description", "")),
            label=str(data.get("label", "")),
            mentions=tuple(str(m) for m in data.get("mentions") or ()),
        )


@dataclass(frozen=True)
class Rule:
    """A validation rule as a small expression over indicator codes (`women <= members`).

    A "hard" rule blocks submission; a "soft" one warns. `years` limits it to some years
    (default: every year of the campaign).
    """

    expr: str
    severity: str = "hard"
    message: str = ""
    years: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"expr": self.expr, "severity": self.severity}
        if self.message:
            data["message"] = self.message
        if self.years:
            data["years"] = list(self.years)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rule:
        return cls(
            expr=str(data["expr"]),
            severity=str(data.get("severity", "hard")),
            message=str(data.get("message", "")),
            years=tuple(str(y) for y in data.get("years", ())),
        )


CODE_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
# The figures a reader looks for first, in the order charts show them (dashboard and report).
MAIN_CODES = ("members", "workers", "grassroots_unions", "collective_agreements_signed")


def main_indicators(indicators: Iterable[Indicator]) -> list[Indicator]:
    """The numeric indicators of `MAIN_CODES` an outline has, in that order."""
    by_code = {indicator.code: indicator for indicator in indicators}
    return [by_code[code] for code in MAIN_CODES if code in by_code and by_code[code].numeric]


@dataclass
class Catalogue:
    """An outline's indicators, rules, campaign years and which section asks for which codes.

    `years` maps a role to a year, in column order: {"baseline": "2008", "current": "2017"}.
    `attach` maps a section id ("P1/II/1") to the codes that section's table shows.
    Build it with `from_dict` and check it with `baocao.indicators.rules.check_rules`.
    """

    years: dict[str, str]
    indicators: list[Indicator]
    rules: list[Rule] = field(default_factory=list)
    attach: dict[str, list[str]] = field(default_factory=dict)

    @property
    def year_list(self) -> list[str]:
        return list(self.years.values())

    @property
    def baseline(self) -> str:
        return self.years["baseline"]

    @property
    def current(self) -> str:
        return self.years["current"]

    @property
    def by_code(self) -> dict[str, Indicator]:
        return {indicator.code: indicator for indicator in self.indicators}

    def get(self, code: str) -> Indicator:
        return self.by_code[code]

    def for_section(self, section_id: str) -> list[Indicator]:
        by_code = self.by_code
        return [by_code[code] for code in self.attach.get(section_id, []) if code in by_code]

    def to_dict(self) -> dict[str, Any]:
        return {
            "years": dict(self.years),
            "indicators": [indicator.to_dict() for indicator in self.indicators],
            "rules": [rule.to_dict() for rule in self.rules],
            "attach": {section: list(codes) for section, codes in self.attach.items()},
        }

    @classmethod
    def from_dict(cls, data: Any) -> Catalogue:
        """Read the YAML shape; a wrong shape raises InputError naming every place at once."""
        problems: list[str] = []
        if not isinstance(data, dict):
            raise_problems(["tệp phải là một bảng có các khóa years, indicators, rules, attach"])
        years = data.get("years") or {}
        if not isinstance(years, dict):
            problems.append('"years" phải có dạng {baseline: 2008, current: 2017}')
            years = {}
        indicators = _read_list(data, "indicators", Indicator, ("code", "name"), problems)
        rules = _read_list(data, "rules", Rule, ("expr",), problems)
        attach = data.get("attach") or {}
        if not isinstance(attach, dict) or not all(
            isinstance(codes, list) for codes in attach.values()
        ):
            problems.append(
                '"attach" phải ánh xạ mỗi mã mục đề cương tới một danh sách mã chỉ tiêu'
            )
            attach = {}
        if problems:
            raise_problems(problems)
        return cls(
            years={str(role): str(year) for role, year in years.items()},
            indicators=indicators,
            rules=rules,
            attach={
                str(section): [str(code) for code in codes] for section, codes in attach.items()
            },
        )

    def problems(self) -> list[str]:
        """Everything wrong with the years, indicators and attach map (rules: see check_rules)."""
        problems = indicator_problems(self.indicators)
        # No years at all is an outline whose campaigns will say them (the form's years); years
        # half given or malformed are a mistake in the file.
        for role in ("baseline", "current") if self.years else ():
            if not re.fullmatch(r"\d{4}", self.years.get(role, "")):
                problems.append(f'"years" thiếu năm {role} (4 chữ số, ví dụ 2008)')
        if not problems and self.years and self.baseline >= self.current:
            problems.append("năm gốc (baseline) phải trước năm hiện tại (current)")
        codes = {indicator.code for indicator in self.indicators}
        for section, attached in self.attach.items():
            unknown = [code for code in attached if code not in codes]
            if unknown:
                problems.append(f'mục "{section}" gắn mã chỉ tiêu không có: {", ".join(unknown)}')
            if len(set(attached)) != len(attached):
                problems.append(f'mục "{section}" gắn một chỉ tiêu hai lần')
        return problems


def _read_list(
    data: dict[str, Any], key: str, kind: Any, required: tuple[str, ...], problems: list[str]
) -> list[Any]:
    items = data.get(key) or []
    if not isinstance(items, list):
        problems.append(f'"{key}" phải là một danh sách')
        return []
    read = []
    for number, item in enumerate(items, start=1):
        missing = [k for k in required if not isinstance(item, dict) or not item.get(k)]
        if missing:
            problems.append(f'mục thứ {number} của "{key}" thiếu {", ".join(missing)}')
        else:
            try:
                read.append(kind.from_dict(item))
            except (TypeError, ValueError):
                problems.append(f'mục thứ {number} của "{key}" có giá trị sai dạng')
    return read


def indicator_problems(indicators: list[Indicator]) -> list[str]:
    """Codes unique and usable in rules, types/rollups valid, every referenced code present."""
    problems: list[str] = []
    by_code: dict[str, Indicator] = {}
    for indicator in indicators:
        code = indicator.code
        if not CODE_PATTERN.fullmatch(code) or keyword.iskeyword(code):
            problems.append(
                f'mã "{code}" không hợp lệ: chỉ dùng chữ thường không dấu, số và "_", ví dụ members_women'
            )
        if code in by_code:
            problems.append(f'mã "{code}" bị trùng')
        by_code[code] = indicator
    for indicator in indicators:
        problems.extend(_one_indicator_problems(indicator, by_code))
    return problems


def _one_indicator_problems(indicator: Indicator, by_code: dict[str, Indicator]) -> list[str]:
    where = f'chỉ tiêu "{indicator.code}"'
    problems = []
    if not indicator.name.strip():
        problems.append(f"{where} chưa có tên")
    if indicator.type not in TYPES:
        problems.append(
            f'{where} có loại "{indicator.type}"; hãy dùng một trong {", ".join(TYPES)}'
        )
    if indicator.rollup not in ROLLUPS:
        problems.append(
            f'{where} có cách tổng hợp "{indicator.rollup}"; hãy dùng một trong {", ".join(ROLLUPS)}'
        )
    if indicator.type == "text" and indicator.rollup != "none":
        problems.append(f'{where} là chữ nên cách tổng hợp phải là "none"')
    if indicator.rollup == "ratio":
        for key in ("numerator", "denominator"):
            ref = getattr(indicator, key)
            if not ref:
                problems.append(f'{where} là tỷ lệ nhưng thiếu "{key}"')
            elif ref not in by_code:
                problems.append(f'{where} có {key} "{ref}" không có trong danh mục')
            elif not by_code[ref].numeric:
                problems.append(f'{where} có {key} "{ref}" không phải là số')
    elif indicator.numerator or indicator.denominator:
        problems.append(f'{where} có numerator/denominator nhưng cách tổng hợp không phải "ratio"')
    problems.extend(_part_of_problems(indicator, by_code, where))
    return problems


def _part_of_problems(indicator: Indicator, by_code: dict[str, Indicator], where: str) -> list[str]:
    seen = {indicator.code}
    parent = indicator.part_of
    while parent:
        if parent not in by_code:
            return [f'{where} thuộc "{parent}" không có trong danh mục']
        if parent in seen:
            return [f'{where} có quan hệ "part_of" vòng tròn qua "{parent}"']
        seen.add(parent)
        parent = by_code[parent].part_of
    return []


def raise_problems(problems: list[str]) -> NoReturn:
    """One InputError listing every problem, so the author fixes the file in one pass."""
    lines = ";\n".join(f"- {problem[:1].upper()}{problem[1:]}" for problem in problems) + "."
    raise InputError(
        f"Danh mục chỉ tiêu có {len(problems)} lỗi, hãy sửa trong tệp rồi nạp lại:\n{lines}"
    )
