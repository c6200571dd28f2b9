"""What an indicator is: code, Vietnamese name, unit, type and how it rolls up the unit tree.

An outline's YAML carries its catalogue (`indicators:`) and its validation rules (`rules:`);
these classes are that YAML's shape, kept free of Django so the core can check a report anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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

    @property
    def derived(self) -> bool:
        return self.rollup == "ratio"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "name": self.name, "unit": self.unit}
        data["type"] = self.type
        data["rollup"] = self.rollup
        for key in ("numerator", "denominator", "part_of"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.description:
            data["description"] = self.description
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
