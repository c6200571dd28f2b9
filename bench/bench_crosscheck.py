"""How often the numbers-in-text check is right (issue 13: at least 95% of its flags correct).

1. A frozen set of sentences written by hand before the check was changed
   (tests/fixtures/crosscheck/sentences.yaml): flags raised, how many were right (precision),
   and how many of the expected flags were raised (recall).
2. The demo province (`baocao demo` on a fresh SQLite file): every unit's texts against its own
   table. The demo's texts quote their own figures, so every flag there is a false alarm;
   printed as flags per 1,000 numbers checked.

Prints figures; asserts nothing. Run: .venv/bin/python bench/bench_crosscheck.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "crosscheck" / "sentences.yaml"


def frozen_set() -> tuple[int, int, int, int]:
    """(flags raised, right flags, expected flags, expected flags raised)."""
    from baocao.consolidate.crosscheck import mismatches
    from baocao.outline.builtin import load_builtin

    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    years = tuple(data["years"])
    values = {
        code: {int(y): Decimal(str(v)) for y, v in row.items()}
        for code, row in data["values"].items()
    }
    indicators = load_builtin().indicators
    raised = right = expected = found = 0
    for case in data["cases"]:
        wanted = {(str(n), code) for n, code in (case["flags"] or {}).items()}
        got = {
            (_written(f.excerpt, f.written), f.code)
            for f in mismatches(case["text"], indicators, values, years)
        }
        raised += len(got)
        right += len(got & wanted)
        expected += len(wanted)
        found += len(got & wanted)
        for miss in wanted - got:
            print(f"  missed {miss} in: {case['text']}")
        for wrong in got - wanted:
            print(f"  wrong flag {wrong} in: {case['text']}")
    return raised, right, expected, found


def _written(excerpt: str, value: Decimal) -> str:
    from baocao.indicators.numbers import format_number

    return format_number(value)


def demo() -> tuple[int, int]:
    """(numbers tied to an indicator, flags) over the demo province's texts."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baocao.web.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from baocao.apps.campaigns.models import IndicatorValue, Report, SectionText
    from baocao.consolidate.crosscheck import check_numbers
    from baocao.demo.accounts import create_demo_users
    from baocao.demo.campaign import create_demo_campaign

    call_command("migrate", interactive=False, verbosity=0)
    create_demo_users()
    campaign = create_demo_campaign().campaign
    years = (campaign.baseline_year, campaign.current_year)
    values: dict[int, dict[str, dict[int, Decimal]]] = {}
    for report_id, code, year, value in IndicatorValue.objects.filter(
        report__campaign=campaign, value__isnull=False
    ).values_list("report_id", "code", "year", "value"):
        values.setdefault(report_id, {}).setdefault(code, {})[year] = value
    checked = flagged = empty = 0
    for report_id, section_id, text in SectionText.objects.filter(
        report__in=Report.objects.filter(campaign=campaign)
    ).values_list("report_id", "section_id", "text"):
        indicators = campaign.catalogue.for_section(section_id)
        if not indicators:
            continue
        findings = check_numbers(text, indicators, values.get(report_id, {}), years)
        checked += len(findings)
        flagged += sum(1 for f in findings if not f.agrees and f.expected is not None)
        empty += sum(1 for f in findings if f.expected is None)
    return checked, flagged, empty


def main() -> None:
    sys.path.insert(0, str(ROOT))
    raised, right, expected, found = frozen_set()
    precision = right / raised if raised else 1.0
    print(
        f"frozen sentences: {raised} flags, {right} right (precision {precision:.0%}); "
        f"{found}/{expected} expected flags raised (recall {found / expected:.0%})"
    )
    with tempfile.TemporaryDirectory(prefix="baocao-bench-") as var:
        os.environ["BAOCAO_VAR_DIR"] = var
        os.environ.pop("DATABASE_URL", None)
        checked, flagged, empty = demo()
    print(
        f"demo province: {checked:,} numbers tied to an indicator; {flagged} said to differ "
        f"from the table ({1000 * flagged / max(checked, 1):.1f} per 1,000; the demo's texts "
        f"quote their own tables, so every one is a false alarm); {empty} quote a figure the "
        "table does not have (the demo writes texts for reports whose tables are unfilled)"
    )


if __name__ == "__main__":
    main()
