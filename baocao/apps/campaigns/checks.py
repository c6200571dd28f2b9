"""What a report still lacks and which of its figures break the outline's rules (read-only).

Submitting refuses a report with hard violations; the editor and the tracking pages show all
three lists so the writer can fix them before anyone chases the unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from baocao.apps.campaigns.models import Report
from baocao.consolidate.crosscheck import mismatches
from baocao.indicators.rules import Violation, evaluate


@dataclass(frozen=True)
class CheckResult:
    # Leaf sections of the outline with no text, and no figure when the section has a table.
    empty_sections: list[str] = field(default_factory=list)
    hard_violations: list[Violation] = field(default_factory=list)
    soft_violations: list[Violation] = field(default_factory=list)
    # (section id, message): a number written in a section's text that its table contradicts.
    number_mismatches: list[tuple[str, str]] = field(default_factory=list)

    @property
    def can_submit(self) -> bool:
        return not self.hard_violations


def check_report(report: Report) -> CheckResult:
    """Two queries: the report's section texts and its figures."""
    campaign = report.campaign
    texts = dict(report.sections.values_list("section_id", "text"))
    filled: set[str] = set()
    values: dict[str, dict[str, Decimal]] = {}
    for code, year, value in report.indicator_values.values_list("code", "year", "value"):
        filled.add(code)
        if value is not None:
            values.setdefault(code, {})[str(year)] = value
    violations = evaluate(campaign.compiled_rules, values, [str(y) for y in campaign.years])
    return CheckResult(
        empty_sections=empty_sections(campaign, texts, filled),
        hard_violations=[v for v in violations if v.severity == "hard"],
        soft_violations=[v for v in violations if v.severity != "hard"],
        number_mismatches=numbers_against_tables(campaign, texts, values),
    )


def empty_sections(campaign, texts: dict[str, str], filled: set[str]) -> list[str]:
    """Leaf sections with neither text nor, where the section has a table, any figure."""
    written = {section_id for section_id, text in texts.items() if text}
    return [
        section.id
        for section, _ in campaign.outline_tree.walk()
        if not section.children
        and section.id not in written
        and not filled.intersection(section.indicators)
    ]


def numbers_against_tables(campaign, texts: dict[str, str], values) -> list[tuple[str, str]]:
    """Numbers in each section's text against that section's own table: `texts` {section id:
    stored text}, `values` {code: {"2017": value}}. The report page and the dashboard count
    these warnings alike."""
    years = (campaign.baseline_year, campaign.current_year)
    table = {code: {int(y): v for y, v in by_year.items()} for code, by_year in values.items()}
    found = []
    for section_id, text in texts.items():
        indicators = campaign.catalogue.for_section(section_id)
        if not text or not indicators:
            continue
        for finding in mismatches(text, indicators, table, years):
            indicator = campaign.catalogue.get(finding.code)
            found.append((section_id, finding.message(indicator, years)))
    return found
