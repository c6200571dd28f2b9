"""The tracking dashboard of one campaign, as plain data: totals, one row per unit, the units ×
sections matrix and the series the charts draw.

Whatever the size of the subtree, it costs a fixed number of queries: one for every visible
report with its unit, its first submission and its last reminder; then, for the rows shown on
the page only, one for the written sections, one for the figures (the validation rules are
evaluated in Python on them) and one for the reviewers' remarks; and three for the main
indicators of the reports that count, summed by the database (`rollup_sql`). Filters and the
search (with or without accents) run in Python on the first query's rows, kept small (slots,
no addresses but for the rows shown).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from sys import intern
from typing import Any
from urllib.parse import urlencode

from django.db.models import Case, OuterRef, QuerySet, Subquery, TextField, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from baocao.apps.campaigns.checks import numbers_against_tables
from baocao.apps.campaigns.consolidation import SUBMITTED_TOO, counted_statuses
from baocao.apps.campaigns.models import (
    Campaign,
    IndicatorValue,
    ReminderLog,
    ReportEvent,
    ReportStatus,
    SectionText,
)
from baocao.apps.campaigns.rollup_sql import rollup_sql
from baocao.apps.orgs.display import KIND_ORDER, kind_short, tree_order
from baocao.apps.orgs.models import Unit, UnitKind
from baocao.indicators import catalogue as indicator_catalogue
from baocao.indicators.rules import evaluate
from baocao.text import fold

PAGE_SIZE = 50
DONE = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)  # reports whose figures count


class Timeliness:
    """Where a report stands against the deadline (by its first submission)."""

    ON_TIME = "on_time"  # first sent on or before the deadline
    LATE = "late"  # first sent after the deadline
    OVERDUE = "overdue"  # never sent, and the deadline has passed
    PENDING = "pending"  # never sent, there is still time

    LABELS = {
        ON_TIME: gettext_noop("Đúng hạn"),
        LATE: gettext_noop("Gửi muộn"),
        OVERDUE: gettext_noop("Quá hạn"),
        PENDING: gettext_noop("Chưa đến hạn"),
    }


def report_url(slug: str, unit_code: str) -> str:
    """The report editor's address."""
    return reverse("campaigns:report", args=[slug, unit_code])


def local_date(moment: datetime.datetime | None, zone: datetime.tzinfo | None = None):
    """The day of `moment` where the users are; pass `zone` when converting many."""
    if moment is None:
        return None
    return moment.astimezone(zone or timezone.get_current_timezone()).date()


# --- filters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """The dashboard's GET parameters: ?trang-thai=draft&loai=grassroots&tre-han=1&q=dak&trang=2"""

    status: str = ""
    kind: str = ""
    late: bool = False
    query: str = ""
    page: int = 1
    submitted_too: bool = False  # the main figures count submitted reports too (?gom=da-gui)

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> Filters:
        status = params.get("trang-thai", "")
        kind = params.get("loai", "")
        try:
            page = max(1, int(params.get("trang", "1")))
        except ValueError:
            page = 1
        return cls(
            status=status if status in ReportStatus.values else "",
            kind=kind if kind in UnitKind.values else "",
            late=params.get("tre-han", "") in ("1", "on", "true"),
            query=" ".join(params.get("q", "").split())[:100],
            page=page,
            submitted_too=params.get("gom", "") == SUBMITTED_TOO,
        )

    @property
    def active(self) -> bool:
        return bool(self.status or self.kind or self.late or self.query)

    def params(self, *, page: int | None = None) -> str:
        """The filters as a query string (without "?"), for page links and the export."""
        pairs = [
            ("trang-thai", self.status),
            ("loai", self.kind),
            ("tre-han", "1" if self.late else ""),
            ("q", self.query),
            ("trang", str(page) if page and page > 1 else ""),
            ("gom", SUBMITTED_TOO if self.submitted_too else ""),
        ]
        return urlencode([(key, value) for key, value in pairs if value])

    def keeps(self, row: UnitRow) -> bool:
        if self.status and row.status != self.status:
            return False
        if self.kind and row.kind != self.kind:
            return False
        if self.late and not row.is_late:
            return False
        if self.query:
            needle = fold(self.query)
            return needle in fold(row.name) or needle in row.code.casefold()
        return True


# --- rows ------------------------------------------------------------------------------------


@dataclass(slots=True)
class UnitRow:
    """One report in the table. A national dashboard holds 130,000 of these: slots, and the
    address (`url`) and details only for the rows shown."""

    report_id: int
    code: str
    name: str
    kind: str
    path: str
    depth: int
    parent_name: str
    status: str
    version: int
    submitted_at: datetime.datetime | None  # the latest submission
    first_submitted_at: datetime.datetime | None
    accepted_at: datetime.datetime | None
    reminded_at: datetime.datetime | None
    timeliness: str
    url: str = ""
    level: int = 0  # indentation under the top of what the user sees
    # Only for the rows shown (or exported): see `attach_details`.
    filled: set[str] | None = None
    commented: dict[str, str] = field(default_factory=dict)
    hard: int | None = None
    soft: int | None = None
    figures: int = 0  # figures typed
    fill_percent: int | None = None

    @property
    def status_label(self) -> str:
        """As a superior's queue says it: "Chờ duyệt" for a report sent and not yet reviewed."""
        return ReportStatus(self.status).queue_label

    @property
    def kind_label(self) -> str:
        return str(UnitKind(self.kind).label) if self.kind in UnitKind.values else self.kind

    @property
    def kind_short(self) -> str:
        return kind_short(self.kind)

    @property
    def timeliness_label(self) -> str:
        return gettext(Timeliness.LABELS[self.timeliness])

    @property
    def is_late(self) -> bool:
        return self.timeliness in (Timeliness.LATE, Timeliness.OVERDUE)

    @property
    def resubmitted(self) -> bool:
        """Sent again after a return: the first and the latest submission differ."""
        return (
            self.first_submitted_at is not None
            and self.submitted_at is not None
            and self.submitted_at != self.first_submitted_at
        )

    def cell(self, section_id: str) -> str:
        """The matrix cell: "comment" (remark from the return), "filled" or "empty"."""
        if section_id in self.commented:
            return "comment"
        return "filled" if self.filled and section_id in self.filled else "empty"


def _timeliness(
    first_submitted: datetime.datetime | None,
    deadline: datetime.date,
    today: datetime.date,
    zone: datetime.tzinfo,
) -> str:
    if first_submitted is not None:
        on_time = local_date(first_submitted, zone) <= deadline
        return Timeliness.ON_TIME if on_time else Timeliness.LATE
    return Timeliness.OVERDUE if today > deadline else Timeliness.PENDING


def load_rows(
    campaign: Campaign, reports: QuerySet, today: datetime.date | None = None
) -> list[UnitRow]:
    """Every report of `reports` (already narrowed to what the user sees), in tree order:
    one query."""
    today = today or timezone.localdate()
    zone = timezone.get_current_timezone()
    first_submit = (
        ReportEvent.objects.filter(report=OuterRef("pk"), to_status=ReportStatus.SUBMITTED)
        .order_by("at", "pk")
        .values("at")[:1]
    )
    last_reminder = (
        ReminderLog.objects.filter(report=OuterRef("pk")).order_by("-sent_at").values("sent_at")[:1]
    )
    records = (
        reports.order_by()
        .annotate(first_at=Subquery(first_submit), reminded=Subquery(last_reminder))
        .values_list(
            "pk",
            "unit__code",
            "unit__name",
            "unit__kind",
            "unit__path",
            "unit__depth",
            "unit__parent__name",
            "status",
            "version",
            "submitted_at",
            "first_at",
            "accepted_at",
            "reminded",
        )
    )
    rows = []
    for (
        pk,
        code,
        name,
        kind,
        path,
        depth,
        parent_name,
        status,
        version,
        submitted_at,
        first_at,
        accepted_at,
        reminded,
    ) in records.iterator(chunk_size=10_000):  # streamed: 130,000 rows nationally
        # A report submitted before events were kept still has its date on the row.
        first = first_at or (submitted_at if status in DONE else None)
        rows.append(
            UnitRow(
                report_id=pk,
                code=code,
                name=name,
                kind=intern(kind),  # a few distinct values, 130,000 rows nationally
                path=path,
                depth=depth,
                parent_name=intern(parent_name or ""),
                status=intern(status),
                version=version,
                submitted_at=submitted_at,
                first_submitted_at=first,
                accepted_at=accepted_at,
                reminded_at=reminded,
                timeliness=_timeliness(first, campaign.deadline, today, zone),
            )
        )
    _tree_order(rows)
    return rows


def _link(campaign: Campaign, rows: list[UnitRow]) -> None:
    for row in rows:
        row.url = report_url(campaign.slug, row.code)


def _tree_order(rows: list[UnitRow]) -> None:
    """Depth first; among siblings the higher kinds first (a province's districts and sector
    unions before its own CĐCS), then by code, as the unit tree shows them."""
    place = tree_order({row.code: row.kind for row in rows})
    rows.sort(key=lambda row: place(row.path))
    top = min((row.depth for row in rows), default=0)
    for row in rows:
        row.level = row.depth - top


# --- details for the rows shown ------------------------------------------------------------


@dataclass(frozen=True)
class LeafSection:
    """A section a unit writes (a leaf of the outline), as a matrix column."""

    id: str
    label: str  # "I.1", "II.4.1", "2"
    title: str
    part: str  # "Phần thứ nhất", "Phần thứ hai"
    indicators: tuple[str, ...]


def leaf_sections(campaign: Campaign) -> list[LeafSection]:
    """The outline's leaf sections in order, each with a short number for narrow columns."""
    leaves: list[LeafSection] = []

    def visit(section: Any, numbers: list[str], part: str) -> None:
        is_part = section.number.lower().startswith("phần")
        if is_part:
            part, here = section.number.capitalize(), []
        else:
            number = section.number.strip().rstrip(".")
            # "4" then "4.1": the child's number already says its parent's.
            if numbers and number.startswith(numbers[-1] + "."):
                here = [*numbers[:-1], number]
            else:
                here = [*numbers, number] if number else numbers
        if not section.children:
            leaves.append(
                LeafSection(
                    id=section.id,
                    label=".".join(here) or section.number or section.id,
                    title=section.title,
                    part=part,
                    indicators=tuple(section.indicators),
                )
            )
        for child in section.children:
            visit(child, here, part)

    for top in campaign.outline_tree.sections:
        visit(top, [], "")
    return leaves


def attach_details(
    campaign: Campaign,
    rows: list[UnitRow],
    sections: list[LeafSection],
    reports: QuerySet | None = None,
) -> None:
    """Fill in the written sections, remarks and rule failures of `rows`: three queries. The
    warnings (`soft`) count, as the report page does, the numbers in a section's text that its
    own table contradicts: the text is read only for the sections that have a table.

    Up to a few hundred rows are asked for by id; more (an export) read every report of
    `reports` and keep those of `rows`, so no query carries thousands of parameters.
    """
    if not rows:
        return
    by_id = {row.report_id: row for row in rows}
    if len(rows) <= 500 or reports is None:
        texts = SectionText.objects.filter(report_id__in=list(by_id))
        values = IndicatorValue.objects.filter(report_id__in=list(by_id))
    else:
        texts = SectionText.objects.filter(report__in=reports.order_by().values("pk"))
        values = IndicatorValue.objects.filter(report__in=reports.order_by().values("pk"))

    written: dict[int, set[str]] = defaultdict(set)
    table_texts: dict[int, dict[str, str]] = defaultdict(dict)
    with_table = [section_id for section_id, codes in campaign.catalogue.attach.items() if codes]
    text_if_table = (
        Case(
            When(section_id__in=with_table, then="text"),
            default=Value(""),
            output_field=TextField(),
        )
        if with_table
        else Value("", output_field=TextField())
    )
    for report_id, section_id, text in texts.exclude(text="").values_list(
        "report_id", "section_id", text_if_table
    ):
        written[report_id].add(section_id)
        if text:
            table_texts[report_id][section_id] = text
    typed: dict[int, set[str]] = defaultdict(set)
    figures: dict[int, dict[str, dict[str, Decimal]]] = defaultdict(dict)
    for report_id, code, year, value in values.values_list("report_id", "code", "year", "value"):
        typed[report_id].add(code)
        if value is not None:
            figures[report_id].setdefault(code, {})[str(year)] = value

    returned = [row.report_id for row in rows if row.status == ReportStatus.RETURNED]
    remarks: dict[int, dict[str, str]] = {}
    if returned:
        events = (
            ReportEvent.objects.filter(report_id__in=returned, to_status=ReportStatus.RETURNED)
            .order_by("report_id", "at", "pk")
            .values_list("report_id", "section_comments")
        )
        for report_id, comments in events:
            remarks[report_id] = comments or {}  # the latest return wins

    rules = campaign.compiled_rules
    years = [str(year) for year in campaign.years]
    leaf_ids = [section.id for section in sections]
    for row in rows:
        done = written.get(row.report_id, set())
        codes = typed.get(row.report_id, set())
        row.filled = {
            section.id
            for section in sections
            if section.id in done or codes.intersection(section.indicators)
        }
        row.fill_percent = round(100 * len(row.filled) / len(leaf_ids)) if leaf_ids else 0
        row.commented = {
            section_id: text
            for section_id, text in remarks.get(row.report_id, {}).items()
            if section_id in leaf_ids and text
        }
        row.figures = sum(len(by_year) for by_year in figures.get(row.report_id, {}).values())
        violations = evaluate(rules, figures.get(row.report_id, {}), years)
        row.hard = sum(1 for violation in violations if violation.severity == "hard")
        row.soft = len(violations) - row.hard
        if row.report_id in table_texts:
            row.soft += len(
                numbers_against_tables(
                    campaign, table_texts[row.report_id], figures.get(row.report_id, {})
                )
            )


# --- totals and chart series ----------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    total: int
    sent: int  # submitted or accepted
    accepted: int
    awaiting: int  # submitted, waiting for review
    returned: int
    draft: int
    on_time: int
    late: int  # sent after the deadline
    overdue: int  # not sent, deadline passed
    pending: int
    days_left: int  # deadline - today (negative once passed)
    status_counts: dict[str, int] = field(default_factory=dict)

    @property
    def by_status(self) -> list[tuple[ReportStatus, int]]:
        """Each state with its count, in the dashboards' order (the tiles)."""
        return [(status, self.status_counts.get(status, 0)) for status in ReportStatus.in_order()]

    @property
    def sent_percent(self) -> int:
        return round(100 * self.sent / self.total) if self.total else 0

    @property
    def late_total(self) -> int:
        return self.late + self.overdue

    @property
    def days_late(self) -> int:
        return -self.days_left


def totals(rows: Iterable[UnitRow], deadline: datetime.date, today: datetime.date) -> Totals:
    rows = list(rows)
    status = Counter(row.status for row in rows)
    timing = Counter(row.timeliness for row in rows)
    return Totals(
        total=len(rows),
        sent=status[ReportStatus.SUBMITTED] + status[ReportStatus.ACCEPTED],
        accepted=status[ReportStatus.ACCEPTED],
        awaiting=status[ReportStatus.SUBMITTED],
        returned=status[ReportStatus.RETURNED],
        draft=status[ReportStatus.DRAFT],
        on_time=timing[Timeliness.ON_TIME],
        late=timing[Timeliness.LATE],
        overdue=timing[Timeliness.OVERDUE],
        pending=timing[Timeliness.PENDING],
        days_left=(deadline - today).days,
        status_counts=dict(status),
    )


@dataclass(frozen=True)
class ProgressPoint:
    day: datetime.date
    count: int  # reports sent at least once by the end of that day


@dataclass(frozen=True)
class Progress:
    points: list[ProgressPoint]  # one per day from `start` to the last day known (<= today)
    start: datetime.date
    end: datetime.date  # the axis ends at the deadline, or at the last submission if later
    total: int
    deadline: datetime.date
    today: datetime.date
    sent_by_deadline: int


def progress(
    rows: Iterable[UnitRow], opened: datetime.date, deadline: datetime.date, today: datetime.date
) -> Progress:
    """Cumulative first submissions per day, from the opening to the deadline (or to the last
    submission, when it came later); no points after today."""
    rows = list(rows)
    zone = timezone.get_current_timezone()
    per_day = Counter(
        local_date(row.first_submitted_at, zone)
        for row in rows
        if row.first_submitted_at is not None
    )
    start = min([opened, *per_day])
    end = max([deadline, *per_day])
    points, count = [], 0
    day = start
    while day <= min(end, max([today, *per_day])):
        count += per_day.get(day, 0)
        points.append(ProgressPoint(day, count))
        day += datetime.timedelta(days=1)
    by_deadline = sum(n for day, n in per_day.items() if day <= deadline)
    return Progress(points, start, end, len(rows), deadline, today, by_deadline)


@dataclass(frozen=True)
class KindStatus:
    kind: str
    label: str
    total: int
    counts: dict[str, int]  # status -> reports


def status_by_kind(rows: Iterable[UnitRow]) -> list[KindStatus]:
    counts: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        counts[row.kind][row.status] += 1
    return [
        KindStatus(
            kind,
            kind_short(kind),
            sum(counts[kind].values()),
            {status: counts[kind][status] for status in ReportStatus.in_order()},
        )
        for kind in KIND_ORDER
        if kind in counts
    ]


@dataclass(frozen=True)
class IndicatorPair:
    code: str
    name: str
    unit: str
    baseline: Decimal | None
    current: Decimal | None


@dataclass(frozen=True)
class IndicatorSummary:
    pairs: list[IndicatorPair]
    baseline_year: int
    current_year: int
    counted: int  # reports whose figures are in the totals
    expected: int


def main_indicators(
    campaign: Campaign, top: Unit, *, include_submitted: bool = False
) -> IndicatorSummary:
    """The main figures of the reports counted under `top` (accepted; submitted too when
    asked: the same definition as the workspace and the documents), rolled up to it (a
    district's own totals stand for its CĐCS, never added to them), summed by the database:
    three queries (six when `top` has no report below it)."""
    statuses = counted_statuses(include_submitted)
    catalogue = campaign.catalogue.by_code
    indicators = indicator_catalogue.main_indicators(campaign.catalogue.indicators)
    codes = [indicator.code for indicator in indicators]
    # Only `top`'s figures are read: those of units with no report below them are wanted only
    # when `top` is one of them.
    result = rollup_sql(campaign, top, statuses, indicators, leaves=False)
    if top.path not in result.values:
        result = rollup_sql(campaign, top, statuses, indicators, leaves=True)
    figures = result.figures(top.path)
    pairs = [
        IndicatorPair(
            code,
            catalogue[code].name,
            catalogue[code].unit,
            figures.get((code, campaign.baseline_year)),
            figures.get((code, campaign.current_year)),
        )
        for code in codes
    ]
    return IndicatorSummary(
        pairs,
        campaign.baseline_year,
        campaign.current_year,
        result.counted.get(top.path, 0),
        result.expected.get(top.path, 0),
    )


# --- the whole page ---------------------------------------------------------------------------


@dataclass
class Page:
    number: int
    count: int
    size: int
    total: int  # rows after filtering

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.count

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.total, self.number * self.size)


@dataclass
class Dashboard:
    campaign: Campaign
    filters: Filters
    today: datetime.date
    totals: Totals
    rows: list[UnitRow]  # the page's rows, with details
    page: Page
    sections: list[LeafSection]
    progress: Progress
    by_kind: list[KindStatus]
    indicators: IndicatorSummary
    kinds: list[tuple[str, str]]  # the kinds present, for the filter


def build(
    campaign: Campaign,
    reports: QuerySet,
    top: Unit,
    filters: Filters,
    *,
    today: datetime.date | None = None,
    page_size: int = PAGE_SIZE,
) -> Dashboard:
    """Everything the dashboard shows for the reports the user sees (`reports`)."""
    today = today or timezone.localdate()
    # First, so that its working set is freed before the rows are loaded (national peak).
    indicators = main_indicators(campaign, top, include_submitted=filters.submitted_too)
    rows = load_rows(campaign, reports, today)
    shown = [row for row in rows if filters.keeps(row)]
    count = max(1, -(-len(shown) // page_size))
    number = min(filters.page, count)
    page_rows = shown[(number - 1) * page_size : number * page_size]
    _link(campaign, page_rows)
    sections = leaf_sections(campaign)
    attach_details(campaign, page_rows, sections)
    opened = local_date(campaign.created_at) or today
    present = {row.kind for row in rows}
    return Dashboard(
        campaign=campaign,
        filters=filters,
        today=today,
        totals=totals(rows, campaign.deadline, today),
        rows=page_rows,
        page=Page(number, count, page_size, len(shown)),
        sections=sections,
        progress=progress(rows, opened, campaign.deadline, today),
        by_kind=status_by_kind(rows),
        indicators=indicators,
        kinds=[(kind, str(UnitKind(kind).label)) for kind in KIND_ORDER if kind in present],
    )


def export_rows(
    campaign: Campaign,
    reports: QuerySet,
    filters: Filters,
    *,
    today: datetime.date | None = None,
) -> tuple[list[UnitRow], list[LeafSection]]:
    """Every row the filters keep (no pages), with details, for the spreadsheet."""
    rows = [row for row in load_rows(campaign, reports, today) if filters.keeps(row)]
    _link(campaign, rows)
    sections = leaf_sections(campaign)
    attach_details(campaign, rows, sections, reports)
    return rows, sections
