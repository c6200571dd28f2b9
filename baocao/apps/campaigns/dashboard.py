"""The tracking dashboard of one campaign, as plain data: totals, one row per unit, the units ×
sections matrix and the series the charts draw.

Whatever the size of the subtree, it costs a fixed number of queries: the reports counted by
kind and state (the tiles, the bars); then, for a subtree of up to `IN_PYTHON` reports, one
for every visible report with its unit, its first submission and its last reminder (filters
and the search run in Python on those rows, in tree order); for the rows shown on the page
only, one for the written sections, one for the figures (the validation rules are evaluated in
Python on them) and one for the reviewers' remarks; and three for the main indicators of the
reports that count, summed by the database (`rollup_sql`).

A larger subtree (a national dashboard: 130,000 reports) never loads every row: first
submissions are counted per day by the database (deadline tiles, progress chart); without a
filter the table shows the top unit and its direct units, each with its subtree's reports
(`LiveCount`) and a link that narrows the dashboard to it (?don-vi=CODE); with a filter or a
search the database filters, counts and cuts the page (in path order). The search goes through
the units' folded names (`Unit.name_folded`: a trigram index on PostgreSQL).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from sys import intern
from typing import Any
from urllib.parse import urlencode

from django.db import connections
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from baocao.apps.campaigns.checks import numbers_against_tables
from baocao.apps.campaigns.consolidation import SUBMITTED_TOO, counted_statuses, reads_live
from baocao.apps.campaigns.models import (
    Campaign,
    IndicatorValue,
    LiveCount,
    ReminderLog,
    ReportEvent,
    ReportStatus,
    SectionText,
)
from baocao.apps.campaigns.rollup_sql import rollup_sql
from baocao.apps.orgs.display import KIND_ORDER, kind_short, tree_order
from baocao.apps.orgs.models import PATH_SEPARATOR, Unit, UnitKind, name_matches
from baocao.indicators import catalogue as indicator_catalogue
from baocao.indicators.rules import evaluate
from baocao.text import fold

PAGE_SIZE = 50
# Up to this many reports under the top, every row is loaded and shown in tree order; above it
# the database aggregates and pages (`build`).
IN_PYTHON = 3_000
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
    unit: str = ""  # the dashboard narrowed to this unit's subtree (?don-vi=CODE)

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
            unit=params.get("don-vi", "").strip()[:50],
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
            ("don-vi", self.unit),
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
            return needle in row.name_folded or needle in row.code.casefold()
        return True

    def narrow(self, reports: QuerySet, deadline: datetime.date, today: datetime.date):
        """`reports` kept by the filters, in the database (the search through the folded
        names' index): what `keeps` says of a row, as a condition."""
        if self.status:
            reports = reports.filter(status=self.status)
        if self.kind:
            reports = reports.filter(unit__kind=self.kind)
        if self.query:
            reports = reports.filter(name_matches(self.query, "unit__"))
        if self.late:
            zone = timezone.get_current_timezone()
            # sent after the end of the deadline's day, or never sent once it has passed
            after = datetime.datetime.combine(
                deadline + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
            )
            late = Q(first_sent__gte=after)
            if today > deadline:
                late |= Q(first_sent__isnull=True)
            reports = reports.annotate(first_sent=_first_sent()).filter(late)
        return reports


# --- rows ------------------------------------------------------------------------------------


@dataclass(slots=True)
class UnitRow:
    """One report in the table. A national dashboard holds 130,000 of these: slots, and the
    address (`url`) and details only for the rows shown."""

    report_id: int
    code: str
    name: str
    name_folded: str
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
    # A large dashboard's direct units: their subtree's reports, and the link narrowing to it.
    below_total: int = 0
    below_sent: int = 0
    drill: str = ""

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


def _first_submit() -> Subquery:
    return Subquery(
        ReportEvent.objects.filter(report=OuterRef("pk"), to_status=ReportStatus.SUBMITTED)
        .order_by("at", "pk")
        .values("at")[:1]
    )


def _first_sent():
    """A report's first submission; the date on the row for one sent before events were kept."""
    return Coalesce(
        _first_submit(),
        Case(When(status__in=DONE, then=F("submitted_at")), output_field=DateTimeField()),
    )


def load_rows(
    campaign: Campaign,
    reports: QuerySet,
    today: datetime.date | None = None,
    *,
    order: str = "tree",
    limit: int | None = None,
) -> list[UnitRow]:
    """Every report of `reports` (already narrowed to what the user sees), or the first
    `limit` found, in tree `order` ("path": by path; "": as found): one query."""
    today = today or timezone.localdate()
    zone = timezone.get_current_timezone()
    last_reminder = (
        ReminderLog.objects.filter(report=OuterRef("pk")).order_by("-sent_at").values("sent_at")[:1]
    )
    records = (
        reports.order_by()
        .annotate(first_at=_first_submit(), reminded=Subquery(last_reminder))
        .values_list(
            "pk",
            "unit__code",
            "unit__name",
            "unit__name_folded",
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
    if limit is not None:
        records = records[:limit]
    rows = []
    for (
        pk,
        code,
        name,
        name_folded,
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
                name_folded=name_folded,
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
    if order == "tree":
        _tree_order(rows)
    elif order == "path":
        rows.sort(key=lambda row: row.path)
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
    return tally(
        Counter(row.status for row in rows),
        Counter(row.timeliness for row in rows),
        deadline,
        today,
    )


def tally(
    status: Mapping[str, int], timing: Mapping[str, int], deadline: datetime.date, today
) -> Totals:
    """The tiles from the reports counted by state and by timeliness."""
    return Totals(
        total=sum(status.values()),
        sent=status.get(ReportStatus.SUBMITTED, 0) + status.get(ReportStatus.ACCEPTED, 0),
        accepted=status.get(ReportStatus.ACCEPTED, 0),
        awaiting=status.get(ReportStatus.SUBMITTED, 0),
        returned=status.get(ReportStatus.RETURNED, 0),
        draft=status.get(ReportStatus.DRAFT, 0),
        on_time=timing.get(Timeliness.ON_TIME, 0),
        late=timing.get(Timeliness.LATE, 0),
        overdue=timing.get(Timeliness.OVERDUE, 0),
        pending=timing.get(Timeliness.PENDING, 0),
        days_left=(deadline - today).days,
        status_counts={key: value for key, value in status.items() if value},
    )


def counts_by_kind_and_state(reports: QuerySet) -> Counter:
    """{(kind, state): reports}: one query, aggregated by the database."""
    return Counter(
        {
            (kind, status): number
            for kind, status, number in reports.order_by()
            .values_list("unit__kind", "status")
            .annotate(number=Count("pk"))
        }
    )


def first_sent_per_day(reports: QuerySet) -> Counter:
    """{local day: reports first sent that day}: one query, the database counting. A report's
    first submission is its first "submitted" event (a GROUP BY over the events, not over every
    report), or, for one sent before events were kept, the date on the row."""
    zone = timezone.get_current_timezone()
    subset = reports.order_by().values("pk")
    from_events = (
        ReportEvent.objects.filter(report__in=subset, to_status=ReportStatus.SUBMITTED)
        .values("report_id")
        .annotate(first=Min("at"))
        .annotate(day=TruncDate("first", tzinfo=zone))
        .values_list("day")
    )
    without_events = (
        reports.order_by()
        .filter(status__in=DONE)
        .exclude(
            Exists(
                ReportEvent.objects.filter(report=OuterRef("pk"), to_status=ReportStatus.SUBMITTED)
            )
        )
        .annotate(day=TruncDate("submitted_at", tzinfo=zone))
        .values_list("day")
    )
    first_sql, first_params = from_events.query.sql_with_params()
    row_sql, row_params = without_events.query.sql_with_params()
    per_day = Counter()
    with connections[reports.db].cursor() as cursor:
        cursor.execute(
            f"SELECT day, COUNT(*) FROM (SELECT a.day FROM ({first_sql}) a"
            f" UNION ALL SELECT b.day FROM ({row_sql}) b) firsts GROUP BY day",
            [*first_params, *row_params],
        )
        for day, number in cursor.fetchall():
            if day is not None:
                per_day[day if isinstance(day, datetime.date) else _date(day)] += number
    return per_day


def live_counts(campaign: Campaign, top: Unit) -> dict[str, int] | None:
    """The reports of `top`'s subtree per state as `LiveCount` keeps them (one query); None
    when it holds no row for `top`."""
    return (
        LiveCount.objects.filter(campaign=campaign, unit=top).values(*ReportStatus.values).first()
    )


def counts_from_live(reports: QuerySet, live: Mapping[str, int]) -> Counter:
    """`counts_by_kind_and_state` with the subtree's totals per state known (`live_counts`):
    the database counts only the reports of units other than CĐCS (about 800 nationally, not
    130,000); the CĐCS have the rest."""
    counts = counts_by_kind_and_state(reports.exclude(unit__kind=UnitKind.GRASSROOTS))
    for status in ReportStatus.values:
        others = sum(n for (_kind, state), n in counts.items() if state == status)
        if live.get(status, 0) - others > 0:
            counts[(UnitKind.GRASSROOTS.value, status)] = live[status] - others
    return counts


def _date(value) -> datetime.date:
    return datetime.date.fromisoformat(str(value)[:10])


def timeliness_counts(
    per_day: Mapping[datetime.date, int], total: int, deadline: datetime.date, today
) -> Counter:
    """What `_timeliness` says of each report, counted from the first submissions per day."""
    on_time = sum(number for day, number in per_day.items() if day <= deadline)
    never = total - sum(per_day.values())
    return Counter(
        {
            Timeliness.ON_TIME: on_time,
            Timeliness.LATE: sum(per_day.values()) - on_time,
            Timeliness.OVERDUE if today > deadline else Timeliness.PENDING: never,
        }
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
    return progress_from(per_day, len(rows), opened, deadline, today)


def progress_from(
    per_day: Mapping[datetime.date, int],
    total: int,
    opened: datetime.date,
    deadline: datetime.date,
    today: datetime.date,
) -> Progress:
    """`progress` from the first submissions counted per day."""
    start = min([opened, *per_day])
    end = max([deadline, *per_day])
    points, count = [], 0
    day = start
    while day <= min(end, max([today, *per_day])):
        count += per_day.get(day, 0)
        points.append(ProgressPoint(day, count))
        day += datetime.timedelta(days=1)
    by_deadline = sum(n for day, n in per_day.items() if day <= deadline)
    return Progress(points, start, end, total, deadline, today, by_deadline)


@dataclass(frozen=True)
class KindStatus:
    kind: str
    label: str
    total: int
    counts: dict[str, int]  # status -> reports


def status_by_kind(rows: Iterable[UnitRow]) -> list[KindStatus]:
    return status_by_kind_from(Counter((row.kind, row.status) for row in rows))


def status_by_kind_from(counts: Mapping[tuple[str, str], int]) -> list[KindStatus]:
    """The bars from the reports counted by (kind, state)."""
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for (kind, status), number in counts.items():
        by_kind[kind][status] += number
    return [
        KindStatus(
            kind,
            kind_short(kind),
            sum(by_kind[kind].values()),
            {status: by_kind[kind][status] for status in ReportStatus.in_order()},
        )
        for kind in KIND_ORDER
        if kind in by_kind
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
    if reads_live(campaign):
        # The live roll-up's rows: a lookup, whatever the subtree's size.
        from baocao.apps.campaigns import live_rollup

        result = live_rollup.live_rollup_of(campaign, top, include_submitted, indicators)
        if result.consolidates(top.path):  # `top`'s row only, not every unit's below it
            figures = result.figures(top.path)
        else:  # nothing below `top`: its own figures
            figures = live_rollup.leaf_figures(campaign, top, include_submitted, indicators)
    else:
        # Only `top`'s figures are read: those of units with no report below them are wanted
        # only when `top` is one of them.
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
    top: Unit | None = None  # the unit whose subtree is shown (narrowed with ?don-vi=)
    trail: list[Unit] = field(default_factory=list)  # from the user's top down to `top`
    summarised: bool = False  # a large subtree: its direct units stand for what is below


def narrowed(top: Unit, reports: QuerySet, filters: Filters) -> tuple[Unit, QuerySet, list[Unit]]:
    """The subtree of ?don-vi=CODE when it lies under `top` (else `top`'s), its reports, and the
    units from `top` down to it (for the way back): one query, two when narrowed."""
    if not filters.unit or filters.unit == top.code:
        return top, reports, []
    unit = Unit.objects.filter(code=filters.unit, path__startswith=top.path).first()
    if unit is None:
        return top, reports, []
    codes = unit.path.rstrip(PATH_SEPARATOR).split(PATH_SEPARATOR)
    prefixes = [PATH_SEPARATOR.join(codes[: n + 1]) + PATH_SEPARATOR for n in range(len(codes))]
    trail = list(Unit.objects.filter(path__in=prefixes, depth__gte=top.depth).order_by("depth"))
    return unit, reports.filter(unit__path__startswith=unit.path), trail


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
    top, reports, trail = narrowed(top, reports, filters)
    # First, so that its working set is freed before the rows are loaded (national peak).
    indicators = main_indicators(campaign, top, include_submitted=filters.submitted_too)
    opened = local_date(campaign.created_at) or today
    sections = leaf_sections(campaign)
    if top.pk == campaign.root_unit_id:
        # Every report of the campaign lies under its root: no condition on the units' paths.
        reports = campaign.reports.all()
    # Every row when there are few; past IN_PYTHON (the roll-up counted the reports expected
    # under `top`) the database counts and pages.
    summarised = indicators.expected > IN_PYTHON
    if not summarised:
        rows = load_rows(campaign, reports, today)
        counts = Counter((row.kind, row.status) for row in rows)
        shown = [row for row in rows if filters.keeps(row)]
        count = max(1, -(-len(shown) // page_size))
        number = min(filters.page, count)
        page_rows = shown[(number - 1) * page_size : number * page_size]
        matching = len(shown)
        tiles = totals(rows, campaign.deadline, today)
        chart = progress(rows, opened, campaign.deadline, today)
    else:
        live = live_counts(campaign, top)
        counts = (
            counts_by_kind_and_state(reports) if live is None else counts_from_live(reports, live)
        )
        total = sum(counts.values())
        per_day = first_sent_per_day(reports)
        tiles = tally(
            Counter(
                {
                    status: sum(n for (_kind, state), n in counts.items() if state == status)
                    for status in ReportStatus.values
                }
            ),
            timeliness_counts(per_day, total, campaign.deadline, today),
            campaign.deadline,
            today,
        )
        chart = progress_from(per_day, total, opened, campaign.deadline, today)
        if filters.active:
            kept = filters.narrow(reports, campaign.deadline, today)
            matching = kept.count()
            count = max(1, -(-matching // page_size))
            number = min(filters.page, count)
            ids = list(
                kept.order_by("unit__path").values_list("pk", flat=True)[
                    (number - 1) * page_size : number * page_size
                ]
            )
            page_rows = load_rows(campaign, reports.filter(pk__in=ids), today, order="path")
            for row in page_rows:
                row.level = 0
        else:
            direct = Unit.objects.filter(Q(pk=top.pk) | Q(parent=top)).values("pk")
            shown = load_rows(campaign, reports.filter(unit__in=direct), today)
            matching = len(shown)
            count = max(1, -(-matching // page_size))
            number = min(filters.page, count)
            page_rows = shown[(number - 1) * page_size : number * page_size]
            _below(campaign, page_rows, top, filters)
    _link(campaign, page_rows)
    attach_details(campaign, page_rows, sections)
    return Dashboard(
        campaign=campaign,
        filters=filters,
        today=today,
        totals=tiles,
        rows=page_rows,
        page=Page(number, count, page_size, matching),
        sections=sections,
        progress=chart,
        by_kind=status_by_kind_from(counts),
        indicators=indicators,
        kinds=[
            (kind, str(UnitKind(kind).label))
            for kind in KIND_ORDER
            if any(n for (present, _state), n in counts.items() if present == kind)
        ],
        top=top,
        trail=trail,
        summarised=summarised,
    )


def _below(campaign: Campaign, rows: list[UnitRow], top: Unit, filters: Filters) -> None:
    """The subtree counts of the direct units among `rows` (`LiveCount`: one query) and the
    address narrowing the dashboard to each of them."""
    below = [row for row in rows if row.code != top.code and row.kind != UnitKind.GRASSROOTS]
    if not below:
        return
    live = {
        code: (draft + submitted + returned + accepted, submitted + accepted)
        for code, draft, submitted, returned, accepted in LiveCount.objects.filter(
            campaign=campaign, unit__code__in=[row.code for row in below]
        ).values_list("unit__code", "draft", "submitted", "returned", "accepted")
    }
    for row in below:
        row.below_total, row.below_sent = live.get(row.code, (0, 0))
        if row.below_total > 1:
            narrowed_to = replace(filters, unit=row.code, page=1)
            row.drill = "?" + narrowed_to.params()


def export_rows(
    campaign: Campaign,
    reports: QuerySet,
    filters: Filters,
    *,
    today: datetime.date | None = None,
    top: Unit | None = None,
) -> tuple[list[UnitRow], list[LeafSection]]:
    """Every row the filters keep (no pages), with details, for the spreadsheet."""
    if top is not None:
        top, reports, _trail = narrowed(top, reports, filters)
    rows = [row for row in load_rows(campaign, reports, today) if filters.keeps(row)]
    _link(campaign, rows)
    sections = leaf_sections(campaign)
    attach_details(campaign, rows, sections, reports)
    return rows, sections
