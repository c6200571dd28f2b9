"""Consolidation from the database: a subtree's figures rolled up, and a report as a document.

The maths lives in the core (`baocao.consolidate`, `baocao.docx_out`, `baocao.xlsx_out`); this
module only reads what they need, in a fixed number of queries whatever the subtree's size:
one for the reports, one for their figures, one for the section texts.

A subtree of more than `SQL_ROLLUP_FROM` reports (a whole country: 130,000 reports, 8.6 million
figures) is not read into Python: the database adds the figures up (`rollup_sql`, the same
rule and the same result) and the reports and own figures are read only if asked for.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify

from baocao.apps.campaigns.models import (
    Campaign,
    IndicatorValue,
    Report,
    ReportStatus,
    SectionText,
)
from baocao.apps.orgs.display import KIND_ORDER, KIND_SHORT
from baocao.apps.orgs.models import Unit, UnitKind
from baocao.consolidate.draft import figure_sentences
from baocao.consolidate.rollup import Rollup, UnitReport, rollup
from baocao.consolidate.synthesis import BUDGET_WORDS, Source, said_keys, synthesise
from baocao.docx_out.model import Header, ReportDocument, Signature
from baocao.indicators.catalogue import Indicator
from baocao.richtext import clean_section_text
from baocao.text import fold
from baocao.xlsx_out import FigureRow, SectionTextRow

# Above this many reports under a unit, its report's figures are rolled up in SQL ("auto").
SQL_ROLLUP_FROM = 5_000
# The indicator workbook has a row per report, filled from every figure below: a country's
# 130,000 reports (8.8 million figures) are too much to hold, on the web or from the CLI.
XLSX_MAX_REPORTS = 20_000
ENGINES = ("auto", "python", "sql", "live")

# What "counted" means, everywhere a consolidated figure is shown (dashboard, workspace, draft,
# DOCX, PDF, XLSX): accepted reports only, unless asked to count submitted ones too
# (?gom=da-gui on the pages, --include-submitted on the CLI). Each place says which.
COUNTED_DEFAULT = (ReportStatus.ACCEPTED,)
COUNTED_SUBMITTED = (ReportStatus.ACCEPTED, ReportStatus.SUBMITTED)
SUBMITTED_TOO = "da-gui"  # ?gom=da-gui


def counted_statuses(include_submitted: bool) -> tuple[str, ...]:
    return COUNTED_SUBMITTED if include_submitted else COUNTED_DEFAULT


def counting_note(counted: int, expected: int, include_submitted: bool) -> str:
    """How a document says what its figures count: "Số liệu tổng hợp từ 424/974 báo cáo đã
    duyệt." (in the document's language, Vietnamese)."""
    which = "đã gửi hoặc đã duyệt" if include_submitted else "đã duyệt"
    return f"Số liệu tổng hợp từ {counted}/{expected} báo cáo {which} của các đơn vị."


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
# A federation's name before its locality: "LĐLĐ huyện ", "Liên đoàn Lao động thành phố ".
_PLACE_PREFIX = re.compile(
    r"^\s*(?:LĐLĐ|Liên đoàn Lao động)\s+(?:(?:tỉnh|thành phố|huyện|quận|thị xã)\s+)?", re.I
)
NATIONAL_SEAT = "Hà Nội"


def _by_code(result: Rollup, path: str) -> dict[str, dict[int, Decimal]]:
    by_code: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for (code, year), value in result.figures(path).items():
        by_code[code][year] = value
    return dict(by_code)


class _Figures:
    """What both kinds of subtree figures share: figures per unit, a spreadsheet's rows."""

    rollup: Rollup
    reports: list[Report]
    counted_statuses: tuple[str, ...]
    own_values: dict[int, dict[tuple[str, int], Decimal]]
    indicators: list[Indicator]

    def figures(self, unit: Unit) -> dict[str, dict[int, Decimal]]:
        return _by_code(self.rollup, unit.path)

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


@dataclass
class SubtreeFigures(_Figures):
    rollup: Rollup
    reports: list[Report]
    counted_statuses: tuple[str, ...]
    own_values: dict[int, dict[tuple[str, int], Decimal]]  # report id -> its own figures
    indicators: list[Indicator]


class SqlSubtreeFigures(_Figures):
    """What `subtree_figures` gives, for a subtree too big to hold: the roll-up comes from the
    database (the consolidating units' figures; a grassroots unit's are its own), the reports
    and own figures are read on first use only (a spreadsheet of every unit needs them, the
    document does not)."""

    def __init__(
        self,
        campaign: Campaign,
        unit: Unit,
        rollup: Rollup,
        statuses: tuple[str, ...],
        indicators: list[Indicator],
    ):
        self.campaign, self.unit = campaign, unit
        self.rollup, self.counted_statuses, self.indicators = rollup, statuses, indicators

    def figures(self, unit: Unit) -> dict[str, dict[int, Decimal]]:
        if unit.path not in self.rollup.values and unit.is_within(self.unit):
            # A unit with nothing below it: its own figures, with the ratios of them.
            from baocao.apps.campaigns.rollup_sql import rollup_sql

            own = rollup_sql(self.campaign, unit, self.counted_statuses, self.indicators)
            return _by_code(own, unit.path)
        return _by_code(self.rollup, unit.path)

    @cached_property
    def reports(self) -> list[Report]:
        return _subtree_reports(self.campaign, self.unit)

    @cached_property
    def own_values(self) -> dict[int, dict[tuple[str, int], Decimal]]:
        return _own_values(self.campaign, self.unit)


class LiveSubtreeFigures(SqlSubtreeFigures):
    """What `subtree_figures` gives, read from the live roll-up's tables (`live_rollup`): the
    consolidating units' figures are stored, so nothing is rolled up; a unit with nothing
    below it has its own figures (one query); the reports and own figures are read on first
    use only, as for `SqlSubtreeFigures`."""

    def figures(self, unit: Unit) -> dict[str, dict[int, Decimal]]:
        if not self.rollup.consolidates(unit.path) and unit.is_within(self.unit):
            from baocao.apps.campaigns.live_rollup import leaf_figures

            by_code: dict[str, dict[int, Decimal]] = defaultdict(dict)
            submitted = ReportStatus.SUBMITTED in self.counted_statuses
            for (code, year), value in leaf_figures(
                self.campaign, unit, submitted, self.indicators
            ).items():
                by_code[code][year] = value
            return dict(by_code)
        return _by_code(self.rollup, unit.path)


def _subtree_reports(campaign: Campaign, unit: Unit) -> list[Report]:
    return list(
        Report.objects.filter(campaign=campaign, unit__path__startswith=unit.path)
        .select_related("unit")
        .order_by("unit__path")
    )


def _own_values(campaign: Campaign, unit: Unit) -> dict[int, dict[tuple[str, int], Decimal]]:
    values: dict[int, dict[tuple[str, int], Decimal]] = defaultdict(dict)
    for report_id, code, year, value in IndicatorValue.objects.filter(
        report__campaign=campaign, report__unit__path__startswith=unit.path, value__isnull=False
    ).values_list("report_id", "code", "year", "value"):
        values[report_id][(code, year)] = value
    return dict(values)


def _use_sql(campaign: Campaign, unit: Unit, engine: str) -> bool:
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    if engine != "auto":
        return engine == "sql"
    below = Report.objects.filter(campaign=campaign, unit__path__startswith=unit.path)
    return below[SQL_ROLLUP_FROM : SQL_ROLLUP_FROM + 1].exists()


def reads_live(campaign: Campaign) -> bool:
    """Are the campaign's consolidated figures read from the live roll-up (engine "auto")?
    When its live rows are built and settings.BAOCAO_LIVE_ROLLUP is on (the default)."""
    return bool(settings.BAOCAO_LIVE_ROLLUP) and campaign.live_rollup_at is not None


def reports_under(campaign: Campaign, unit: Unit) -> int:
    """How many reports `unit`'s subtree holds in `campaign`, its own included."""
    return Report.objects.filter(campaign=campaign, unit__path__startswith=unit.path).count()


def with_parts(campaign: Campaign, indicators: list[Indicator]) -> list[Indicator]:
    """`indicators` and the figures their ratios are computed from: what rolling them up
    needs (a workspace page shows one section's table: rolling up only that is far cheaper
    nationally)."""
    wanted = {indicator.code for indicator in indicators}
    for indicator in indicators:
        if indicator.derived:
            wanted.update(code for code in (indicator.numerator, indicator.denominator) if code)
    return [indicator for indicator in campaign.catalogue.indicators if indicator.code in wanted]


def subtree_figures(
    campaign: Campaign,
    unit: Unit,
    *,
    include_submitted: bool = False,
    engine: str = "auto",
    indicators: list[Indicator] | None = None,
) -> SubtreeFigures | SqlSubtreeFigures:
    """Every report under `unit` (itself included) and the roll-up of their figures: of every
    indicator, or of `indicators` (and their ratios' parts).

    `engine`: "python" reads every figure and rolls up in Python; "sql" lets the database
    roll up (`SqlSubtreeFigures`); "live" reads the live roll-up's tables (`live_rollup`, a
    lookup: `LiveSubtreeFigures`); "auto" takes "live" when the campaign's live rows are built
    (`Campaign.live_rollup_at`) unless settings.BAOCAO_LIVE_ROLLUP is off, else "sql" above
    `SQL_ROLLUP_FROM` reports, else "python".
    """
    statuses = counted_statuses(include_submitted)
    if indicators is None:
        indicators = campaign.catalogue.indicators
    else:
        indicators = with_parts(campaign, indicators)
    if engine == "live" or (engine == "auto" and reads_live(campaign)):
        from baocao.apps.campaigns.live_rollup import live_rollup_of

        result = live_rollup_of(campaign, unit, include_submitted, indicators)
        return LiveSubtreeFigures(campaign, unit, result, statuses, indicators)
    if _use_sql(campaign, unit, engine):
        from baocao.apps.campaigns.rollup_sql import rollup_sql

        result = rollup_sql(campaign, unit, statuses, indicators, leaves=False)
        return SqlSubtreeFigures(campaign, unit, result, statuses, indicators)
    reports = _subtree_reports(campaign, unit)
    values = _own_values(campaign, unit)
    unit_reports = [
        UnitReport(r.unit.path, r.status in statuses, values.get(r.pk, {})) for r in reports
    ]
    return SubtreeFigures(rollup(unit_reports, indicators), reports, statuses, values, indicators)


def missing_reports(
    campaign: Campaign, unit: Unit, statuses: tuple[str, ...], limit: int
) -> tuple[list[Report], int]:
    """The reports under `unit` (not its own) that do not count yet: the first `limit` in
    tree order, and how many there are (a country can miss a hundred thousand)."""
    below = (
        Report.objects.filter(campaign=campaign, unit__path__startswith=unit.path)
        .exclude(unit=unit)
        .exclude(status__in=statuses)
    )
    return list(below.select_related("unit").order_by("unit__path")[:limit]), below.count()


def standing_reports(
    campaign: Campaign, unit: Unit, statuses: tuple[str, ...]
) -> dict[int, tuple[str, str, str]]:
    """The nearest counted reports below `unit`, as report id -> (unit path, unit name, unit
    kind): a district whose report counts speaks for its CĐCS (as its figures do in the
    roll-up); where it does not count yet, its CĐCS speak. One query of four columns."""
    counted = (
        Report.objects.filter(
            campaign=campaign, unit__path__startswith=unit.path, status__in=statuses
        )
        .exclude(unit=unit)
        .values_list("pk", "unit__path", "unit__name", "unit__kind")
    )
    chosen: dict[int, tuple[str, str, str]] = {}
    last = None
    # Sorted here, not by the database's collation: in code point order everything under a
    # chosen report follows it directly.
    for pk, path, name, kind in sorted(counted, key=lambda row: row[1]):
        if last is not None and path.startswith(last):
            continue
        last = path
        chosen[pk] = (path, name, kind)
    return chosen


def place_of(unit: Unit) -> str:
    """The place in the date line (Nghị định 30/2020, Phụ lục I: the locality where the issuing
    body sits): a district-level union writes its district's name ("Đăk Hà"), and so do the
    unions under it; a province, its sector and zone unions, the province's ("Kon Tum"); the
    Tổng LĐLĐ and the national sector unions "Hà Nội". One query for the unit's ancestors."""
    codes = unit.ancestor_codes()
    above = {u.code: u for u in Unit.objects.filter(code__in=codes).only("code", "kind", "name")}
    for candidate in [unit, *(above[code] for code in reversed(codes) if code in above)]:
        if candidate.kind in (UnitKind.DISTRICT, UnitKind.PROVINCE):
            return locality(candidate.name)
        if candidate.kind == UnitKind.NATIONAL:
            return NATIONAL_SEAT
    return locality(unit.name)


def locality(name: str) -> str:
    """ "Kon Tum" from "LĐLĐ tỉnh Kon Tum" or "Liên đoàn Lao động tỉnh Kon Tum"."""
    return _PLACE_PREFIX.sub("", name).strip() or name


def header_of(
    unit: Unit, *, number_blank: str = "     ", date: datetime.date | None = None
) -> tuple[Header, Signature]:
    """The NĐ 30 header block and signature of a document `unit` issues: its superior and its
    name in capitals, "Số: …/BC-<abbreviation>", the place and date, and on whose behalf it is
    signed (the executive committee of a grassroots union, the standing committee above it)."""
    header = Header(
        superior_unit=unit.parent.name.upper() if unit.parent_id else "",
        issuing_unit=unit.name.upper(),
        number=f"{number_blank}/BC-{ABBREVIATIONS.get(unit.kind, 'CĐ')}",
        place=place_of(unit),
        date=date or timezone.localdate(),
    )
    committee = "TM. BAN CHẤP HÀNH" if unit.kind == UnitKind.GRASSROOTS else "TM. BAN THƯỜNG VỤ"
    return header, Signature(on_behalf=committee)


def report_document(
    campaign: Campaign,
    unit: Unit,
    *,
    include_submitted: bool = False,
    date: datetime.date | None = None,
    engine: str = "auto",
    draft: bool = False,
) -> tuple[ReportDocument, SubtreeFigures | SqlSubtreeFigures]:
    """The unit's report as a document: its own texts (or, with `draft`, the synthesised draft
    of every section from the units below: `draft_texts`), its subtree's rolled-up figures
    (rolled up by the database above `SQL_ROLLUP_FROM` reports: see `subtree_figures`)."""
    subtree = subtree_figures(campaign, unit, include_submitted=include_submitted, engine=engine)
    if draft:
        texts = draft_texts(campaign, unit, subtree)
    else:
        texts = dict(
            SectionText.objects.filter(report__campaign=campaign, report__unit=unit).values_list(
                "section_id", "text"
            )
        )
    header, signature = header_of(unit, date=date)
    document = ReportDocument(
        outline=campaign.outline_tree,
        header=header,
        section_texts=texts,
        indicator_values=subtree.figures(unit),
        years=(campaign.baseline_year, campaign.current_year),
        indicators=campaign.catalogue.indicators,
        signature=signature,
        recipients=[
            f"{unit.parent.name} (để báo cáo)" if unit.parent_id else "Như trên",
            "Lưu: VT",
        ],
        synthetic_note="Số liệu minh họa, không phải số liệu thật." if unit.synthetic else "",
        counting_note=counting_note(
            subtree.rollup.counted.get(unit.path, 0),
            subtree.rollup.expected.get(unit.path, 0),
            include_submitted,
        ),
    )
    return document, subtree


# "Toàn tỉnh có 12.345 đoàn viên": how a figure sentence names the whole, by kind of unit.
SCOPES = {
    UnitKind.PROVINCE: "Toàn tỉnh",
    UnitKind.DISTRICT: "Toàn huyện",
    UnitKind.SECTOR: "Toàn ngành",
    UnitKind.NATIONAL_SECTOR: "Toàn ngành",
}


def scope_word(unit: Unit) -> str:
    """How a figure sentence names the whole: "Toàn tỉnh có 12.345 đoàn viên"."""
    return SCOPES.get(unit.kind, "Toàn đơn vị")


def passages_below(report: Report):
    """The non-empty section texts of every report under `report`'s unit (not its own)."""
    return texts_below(report.campaign, report.unit)


def texts_below(campaign: Campaign, unit: Unit):
    """The non-empty section texts of every report under `unit` in `campaign` (not its own)."""
    return (
        SectionText.objects.filter(
            report__campaign_id=campaign.pk, report__unit__path__startswith=unit.path
        )
        .exclude(report__unit_id=unit.pk)
        .exclude(text="")
    )


def draft_texts(
    campaign: Campaign,
    unit: Unit,
    subtree: SubtreeFigures | SqlSubtreeFigures,
    *,
    budget_words: int = BUDGET_WORDS,
) -> dict[str, str]:
    """Each section's first draft (sections with nothing to say are left out): the rolled-up
    figures in sentences, then what the nearest counted units below wrote, synthesised
    (`baocao.consolidate.synthesis`: each point once, with how many units raised it and which).
    One query for the passages; no sentence is said in two sections."""
    counted, passages = _draft_sources(campaign, unit, subtree.counted_statuses)
    values = subtree.figures(unit)
    used: list[str] = []
    drafts = {}
    for section_id in campaign.section_ids:
        html = _section_draft(
            campaign, unit, section_id, values, passages, counted, budget_words, used
        )
        if html:
            drafts[section_id] = html
    return drafts


def section_draft(
    campaign: Campaign,
    unit: Unit,
    section_id: str,
    *,
    include_submitted: bool = False,
    said: Iterable[str] = (),
    budget_words: int = BUDGET_WORDS,
) -> str:
    """One section's first draft as `draft_texts` makes it ("" when there is nothing to say),
    for a report drafted a section at a time (a page's step, a task): only the section's
    figures are rolled up and its passages read. `said`: the texts already in the report's
    other sections, whose sentences are not said again."""
    statuses = counted_statuses(include_submitted)
    indicators = campaign.catalogue.for_section(section_id)
    values = (
        subtree_figures(
            campaign, unit, include_submitted=include_submitted, indicators=indicators
        ).figures(unit)
        if indicators
        else {}
    )
    counted, passages = _draft_sources(campaign, unit, statuses, section_id)
    used = said_keys(said)
    return _section_draft(campaign, unit, section_id, values, passages, counted, budget_words, used)


def _draft_sources(
    campaign: Campaign, unit: Unit, statuses: tuple[str, ...], section_id: str | None = None
) -> tuple[dict[str, int], dict[str, list[Source]]]:
    """How many units of each kind speak below `unit` ({"LĐLĐ huyện": 10, "CĐCS": 960}) and
    their passages by section (one section's, or every one), in tree order: two queries."""
    standing = standing_reports(campaign, unit, statuses)
    counted: dict[str, int] = {}
    for _path, _name, kind in sorted(standing.values(), key=lambda row: KIND_ORDER.index(row[2])):
        label = KIND_SHORT.get(kind, kind)
        counted[label] = counted.get(label, 0) + 1
    rows = texts_below(campaign, unit).filter(report__status__in=statuses)
    if section_id is not None:
        rows = rows.filter(section_id=section_id)
    found: dict[str, list[tuple[str, Source]]] = {}
    for report_id, text_section, text in rows.values_list("report_id", "section_id", "text"):
        speaker = standing.get(report_id)
        if speaker is not None:
            path, name, kind = speaker
            source = Source(name, KIND_SHORT.get(kind, kind), clean_section_text(text))
            found.setdefault(text_section, []).append((path, source))
    passages = {
        key: [source for _path, source in sorted(pairs, key=_first)] for key, pairs in found.items()
    }
    return counted, passages


def _section_draft(
    campaign: Campaign,
    unit: Unit,
    section_id: str,
    values: dict[str, dict[int, Decimal]],
    passages: dict[str, list[Source]],
    counted: dict[str, int],
    budget_words: int,
    used: list[str],
) -> str:
    years = (campaign.baseline_year, campaign.current_year)
    indicators = campaign.catalogue.for_section(section_id)
    sentences = figure_sentences(indicators, values, years, scope_word(unit))
    sources = passages.get(section_id, [])
    return synthesise(sentences, sources, counted, budget_words=budget_words, used=used).html


def _first(item: tuple[str, Source]) -> str:
    return item[0]


def indicators_xlsx(
    campaign: Campaign, unit: Unit, *, include_submitted: bool = False
) -> tuple[bytes, SubtreeFigures | SqlSubtreeFigures]:
    """The subtree's indicator workbook (a row per report, totals as formulas), and the unit's
    own report texts on a second sheet. Callers refuse a subtree of more than
    `XLSX_MAX_REPORTS` reports first (`reports_under`), each saying in its own words what to
    download instead."""
    from baocao.xlsx_out import indicators_workbook

    subtree = subtree_figures(campaign, unit, include_submitted=include_submitted)
    own = dict(
        SectionText.objects.filter(report__campaign=campaign, report__unit=unit)
        .exclude(text="")
        .values_list("section_id", "text")
    )
    texts = [
        SectionTextRow(section.number, section.title, own[section.id])
        for section, _ in campaign.outline_tree.walk()
        if section.id in own
    ]
    data = indicators_workbook(
        subtree.rows(),
        campaign.catalogue.indicators,
        (campaign.baseline_year, campaign.current_year),
        note=counting_note(
            subtree.rollup.counted.get(unit.path, 0),
            subtree.rollup.expected.get(unit.path, 0),
            include_submitted,
        ),
        texts=texts,
    )
    return data, subtree


def report_docx(
    campaign: Campaign, unit: Unit, *, include_submitted: bool = False, draft: bool = False
) -> tuple[bytes, SubtreeFigures | SqlSubtreeFigures]:
    """The unit's report as an official DOCX (`report_document`, rendered)."""
    from baocao.docx_out.render import render_docx

    document, subtree = report_document(
        campaign, unit, include_submitted=include_submitted, draft=draft
    )
    return render_docx(document), subtree


def report_file_names(report: Report, fmt: str) -> tuple[str, str]:
    """A report's file ("docx", "pdf", "xlsx" of its indicators) as named for download: an
    ASCII name for old browsers, and the Vietnamese one ("Báo cáo LĐLĐ tỉnh Kon Tum.docx")."""
    kind = "chi-tieu" if fmt == "xlsx" else "bao-cao"
    label = "Chỉ tiêu" if fmt == "xlsx" else "Báo cáo"
    stem = slugify(fold(report.unit.name)) or report.unit.code.lower()
    ascii_name = f"{kind}-{stem}-{report.campaign.slug}.{fmt}"
    shown = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", f"{label} {report.unit.name}").strip()
    return ascii_name, f"{shown}.{fmt}"
