"""Consolidation from the database: a subtree's figures rolled up, and a report as a document.

The maths lives in the core (`baocao.consolidate`, `baocao.docx_out`, `baocao.xlsx_out`); this
module only reads what they need, in a fixed number of queries whatever the subtree's size:
one for the reports, one for their figures, one for the section texts.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from baocao.apps.campaigns.models import (
    Campaign,
    IndicatorValue,
    Report,
    ReportStatus,
    SectionText,
)
from baocao.apps.orgs.models import Unit, UnitKind
from baocao.consolidate.rollup import Rollup, UnitReport, rollup
from baocao.docx_out.model import Header, ReportDocument, Signature
from baocao.indicators.catalogue import Indicator
from baocao.xlsx_out import FigureRow

COUNTED_DEFAULT = (ReportStatus.ACCEPTED,)
COUNTED_SUBMITTED = (ReportStatus.ACCEPTED, ReportStatus.SUBMITTED)

# "Số: …/BC-LĐLĐ": the issuing body's abbreviation by the kind of unit.
ABBREVIATIONS = {
    UnitKind.NATIONAL: "TLĐ",
    UnitKind.PROVINCE: "LĐLĐ",
    UnitKind.DISTRICT: "LĐLĐ",
    UnitKind.NATIONAL_SECTOR: "CĐN",
    UnitKind.SECTOR: "CĐN",
    UnitKind.ZONE: "CĐKKT",
    UnitKind.GRASSROOTS: "CĐCS",
}
_PLACE_PREFIXES = ("LĐLĐ tỉnh ", "LĐLĐ thành phố ", "LĐLĐ huyện ", "LĐLĐ thị xã ", "LĐLĐ ")


@dataclass
class SubtreeFigures:
    rollup: Rollup
    reports: list[Report]
    counted_statuses: tuple[str, ...]
    own_values: dict[int, dict[tuple[str, int], Decimal]]  # report id -> its own figures
    indicators: list[Indicator]

    def figures(self, unit: Unit) -> dict[str, dict[int, Decimal]]:
        by_code: dict[str, dict[int, Decimal]] = defaultdict(dict)
        for (code, year), value in self.rollup.figures(unit.path).items():
            by_code[code][year] = value
        return dict(by_code)

    def rows(self) -> list[FigureRow]:
        """One spreadsheet row per report, with the unit's own figures."""
        return [
            FigureRow(
                r.unit.code,
                r.unit.name,
                r.unit.path,
                r.status in self.counted_statuses,
                self.own_values.get(r.pk, {}),
            )
            for r in self.reports
        ]


def subtree_figures(
    campaign: Campaign, unit: Unit, *, include_submitted: bool = False
) -> SubtreeFigures:
    """Every report under `unit` (itself included) and the roll-up of their figures."""
    statuses = COUNTED_SUBMITTED if include_submitted else COUNTED_DEFAULT
    reports = list(
        Report.objects.filter(campaign=campaign, unit__path__startswith=unit.path)
        .select_related("unit")
        .order_by("unit__path")
    )
    values: dict[int, dict[tuple[str, int], Decimal]] = defaultdict(dict)
    for report_id, code, year, value in IndicatorValue.objects.filter(
        report__campaign=campaign, report__unit__path__startswith=unit.path, value__isnull=False
    ).values_list("report_id", "code", "year", "value"):
        values[report_id][(code, year)] = value
    unit_reports = [
        UnitReport(r.unit.path, r.status in statuses, values.get(r.pk, {})) for r in reports
    ]
    indicators = campaign.catalogue.indicators
    return SubtreeFigures(
        rollup(unit_reports, indicators), reports, statuses, dict(values), indicators
    )


def place_of(unit: Unit) -> str:
    """The place in the date line: the province's name ("Kon Tum"), as its federation writes."""
    codes = [unit.code, *reversed(unit.ancestor_codes())]
    province = (
        Unit.objects.filter(code__in=codes, kind=UnitKind.PROVINCE).first()
        if unit.kind != UnitKind.PROVINCE
        else unit
    )
    name = (province or unit).name
    for prefix in _PLACE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def report_document(
    campaign: Campaign,
    unit: Unit,
    *,
    include_submitted: bool = False,
    date: datetime.date | None = None,
) -> tuple[ReportDocument, SubtreeFigures]:
    """The unit's report as a document: its own texts, its subtree's rolled-up figures."""
    subtree = subtree_figures(campaign, unit, include_submitted=include_submitted)
    texts = dict(
        SectionText.objects.filter(report__campaign=campaign, report__unit=unit).values_list(
            "section_id", "text"
        )
    )
    superior = unit.parent.name.upper() if unit.parent_id else ""
    committee = "TM. BAN CHẤP HÀNH" if unit.kind == UnitKind.GRASSROOTS else "TM. BAN THƯỜNG VỤ"
    document = ReportDocument(
        outline=campaign.outline_tree,
        header=Header(
            superior_unit=superior,
            issuing_unit=unit.name.upper(),
            number=f"     /BC-{ABBREVIATIONS.get(unit.kind, 'CĐ')}",
            place=place_of(unit),
            date=date or timezone.localdate(),
        ),
        section_texts=texts,
        indicator_values=subtree.figures(unit),
        years=(campaign.baseline_year, campaign.current_year),
        indicators=campaign.catalogue.indicators,
        signature=Signature(on_behalf=committee),
        recipients=[
            f"{unit.parent.name} (để báo cáo)" if unit.parent_id else "Như trên",
            "Lưu: VT",
        ],
        synthetic_note="Số liệu minh họa, không phải số liệu thật." if unit.synthetic else "",
    )
    return document, subtree
