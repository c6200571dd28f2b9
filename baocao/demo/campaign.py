"""The demo campaign: the NQ20 ten-year review sent to every unit of the demo province, with
reports in every state, so the dashboard, the review and the consolidation have something to
show on the first run.

The deadline is five days before the day the demo is built: most units sent on time, some
late, some not yet; some reports were returned with remarks, some accepted. Every CĐCS has
figures for 2008 and 2017 that pass the outline's hard rules (members ≤ workers, women ≤
members, ...; a CĐCS counts 1 CĐCS); a district, sector or zone union states the sums of its
CĐCS (its average income weighted by workers, never an average of averages). A few drafts
carry a typing mistake that the rules catch, as real drafts do. Figures and texts are drawn
from fixed seeds per unit, so a rebuild gives the same province.

The campaign is opened through `actions.open_campaign`; what the writers and reviewers did
since is stored in bulk (texts with their versions, figures with their history, status events
with their actors and times), because nine hundred reports through the actions one save at a
time would take minutes. Every unit and account it uses is synthetic.
"""

from __future__ import annotations

import datetime
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import (
    Campaign,
    IndicatorChange,
    IndicatorValue,
    Report,
    ReportEvent,
    ReportStatus,
    SectionText,
    SectionVersion,
)
from baocao.apps.orgs.models import Membership, Role, Unit, UnitKind
from baocao.demo.figures import BASE, COUNTS, NOW, Odds, year_counts
from baocao.demo.province import EMAIL_DOMAIN, PROVINCE_CODE, DemoUnit, demo_units
from baocao.demo.texts import (
    FIXES,
    REMARKS,
    RETURN_REASONS,
    WRITERS,
    Voice,
)
from baocao.indicators.numbers import format_number
from baocao.richtext import clean_section_text

SLUG = "nq20-kon-tum-2017"
NAME = "Tổng kết 10 năm thực hiện Nghị quyết 20-NQ/TW"
# The province reports too: its report is the consolidated one that `tinh` writes.
KINDS = [
    UnitKind.PROVINCE,
    UnitKind.DISTRICT,
    UnitKind.SECTOR,
    UnitKind.ZONE,
    UnitKind.GRASSROOTS,
]
OWNER = "tinh"  # the demo province's consolidator opens the campaign
SEED = "nq20-demo"
DAYS_OPEN = 40  # from the opening to the deadline
DAYS_LATE = 5  # the deadline was this many days before the demo was built

# What happened to a report, and in which status it ends.
ENDS_IN = {
    "empty": ReportStatus.DRAFT,  # nothing written yet
    "started": ReportStatus.DRAFT,  # some sections, maybe the first table
    "submitted": ReportStatus.SUBMITTED,  # sent on time, waiting for review
    "late": ReportStatus.SUBMITTED,  # sent after the deadline
    "resubmitted": ReportStatus.SUBMITTED,  # sent, returned, sent again
    "returned": ReportStatus.RETURNED,  # sent back with remarks, not sent again yet
    "accepted": ReportStatus.ACCEPTED,
    "accepted_late": ReportStatus.ACCEPTED,
    "reworked": ReportStatus.ACCEPTED,  # sent, returned, sent again, accepted
}
WEIGHTS = {
    "accepted": 38,
    "accepted_late": 6,
    "reworked": 4,
    "submitted": 11,
    "resubmitted": 2,
    "late": 5,
    "returned": 7,
    "started": 15,
    "empty": 12,
}
# Some districts are quicker than others: it shows on the dashboard.
WEIGHTS_UNDER = {
    "KT-IHD": {"accepted": 85, "accepted_late": 10, "reworked": 5},
    "KT-TMR": {"accepted": 10, "submitted": 8, "late": 8, "returned": 6, "started": 30, "empty": 38},
    "KT-TP": {
        "accepted": 25, "accepted_late": 3, "reworked": 2, "submitted": 25, "resubmitted": 4,
        "late": 6, "returned": 8, "started": 17, "empty": 10,
    },
}  # fmt: skip
# The district-level unions, and the demo logins' own units, in chosen states.
PINNED = {
    "KT-TP": "started",  # "kontum" writes its consolidated report and reviews its CĐCS
    "KT-DH": "started",  # "dakha"
    "KT-GD": "submitted",  # "giaoduc", waiting for the province
    "KT-TP-026": "returned",  # "cdcs.nguyenhue" has remarks to answer
    "KT-001": "submitted",  # "cdcs.caosu", waiting for the province
    "KT-IHD": "accepted",
    "KT-DT": "accepted",
    "KT-NH": "accepted_late",
    "KT-DG": "returned",
    "KT-ST": "submitted",
    "KT-KR": "late",
    "KT-KP": "empty",
    "KT-TMR": "started",
    "KT-YT": "accepted",
    "KT-VC": "reworked",
    "KT-KKT": "resubmitted",
}
# Sections a finished report may still leave out.
OPTIONAL = ("P1/II/3", "P1/III/4", "P2/1", "P2/3")
FIRST_TABLE = (
    "workers",
    "workers_non_state",
    "members",
    "members_women",
    "members_non_state",
    "grassroots_unions",
    "grassroots_unions_non_state",
    "average_income",
)
MONEY = {"average_income", "union_houses_value", "initiatives_value"}

Figures = dict[tuple[str, int], Decimal]


# --- the plan: figures per unit ----------------------------------------------------------------


@dataclass
class Plan:
    """One reporting unit of the demo campaign: its story and its true figures."""

    unit: DemoUnit
    state: str
    founded: int
    figures: Figures
    children: list[str] = field(default_factory=list)

    @property
    def upper(self) -> bool:
        return self.unit.kind != UnitKind.GRASSROOTS


def _rng(*parts: object) -> random.Random:
    return random.Random("/".join([SEED, *map(str, parts)]))


# (fewest, most workers in 2017, share of women, share with a university degree, income band)
_PROFILES = (
    ("UBND ", (22, 34, 0.30, 0.45, 0.45, 0.70, "state")),
    ("Trường Mầm non", (12, 28, 0.90, 1.00, 0.50, 0.80, "state")),
    ("Trường Tiểu học", (18, 40, 0.65, 0.85, 0.60, 0.85, "state")),
    ("Trường THCS", (20, 42, 0.55, 0.75, 0.70, 0.90, "state")),
    ("Trường PTDTBT", (20, 42, 0.50, 0.70, 0.70, 0.90, "state")),
    ("Trường THPT", (40, 85, 0.50, 0.70, 0.85, 0.98, "state")),
    ("Trường Phổ thông", (40, 85, 0.50, 0.70, 0.85, 0.98, "state")),
    ("Trường Cao đẳng", (70, 180, 0.45, 0.60, 0.80, 0.95, "state")),
    ("Trường Trung cấp", (40, 90, 0.55, 0.70, 0.60, 0.85, "state")),
    ("Bệnh viện Đa khoa tỉnh", (620, 680, 0.60, 0.70, 0.40, 0.55, "state")),
    ("Bệnh viện", (110, 260, 0.60, 0.75, 0.40, 0.60, "state")),
    ("Trung tâm Y tế", (90, 190, 0.60, 0.75, 0.35, 0.55, "state")),
    ("Công ty TNHH MTV Cao su", (2200, 2450, 0.35, 0.45, 0.05, 0.10, "company")),
    ("Công ty Điện lực", (360, 400, 0.15, 0.25, 0.45, 0.65, "company")),
    ("Viettel", (200, 240, 0.25, 0.35, 0.60, 0.80, "company")),
    ("Viễn thông", (140, 170, 0.25, 0.35, 0.55, 0.75, "company")),
    ("Ngân hàng", (35, 120, 0.50, 0.65, 0.85, 0.98, "bank")),
    ("Agribank", (90, 140, 0.45, 0.60, 0.85, 0.98, "bank")),
    ("Vietcombank", (50, 90, 0.50, 0.65, 0.90, 0.99, "bank")),
    ("BIDV", (50, 90, 0.50, 0.65, 0.90, 0.99, "bank")),
    ("VietinBank", (50, 90, 0.50, 0.65, 0.90, 0.99, "bank")),
    ("Công ty", (50, 160, 0.20, 0.35, 0.15, 0.35, "company")),
)
_DEFAULT_PROFILE = (12, 60, 0.40, 0.60, 0.60, 0.85, "state")
_INCOME = {  # triệu đồng/người/tháng: (2008 low, high, 2017 low, high)
    "state": (1.9, 3.0, 4.6, 7.2),
    "company": (2.4, 3.8, 5.5, 8.5),
    "bank": (5.0, 8.0, 11.0, 16.0),
    "private": (1.6, 2.6, 3.8, 6.0),
}


def _profile(unit: DemoUnit) -> tuple[int, int, float, float, float, float, str]:
    name = unit.name.removeprefix("CĐCS ")
    if unit.non_state:
        return (10, 400, 0.20, 0.55, 0.03, 0.15, "private")
    for prefix, profile in _PROFILES:
        if name.startswith(prefix):
            return profile
    return _DEFAULT_PROFILE


def cdcs_figures(unit: DemoUnit) -> tuple[int, Figures]:
    """A CĐCS's founding year and its figures for 2008 and 2017 (all of them within the rules,
    but for the soft "letters handled ≤ received" that a few break for a good reason)."""
    rng = _rng("figures", unit.code)
    low, high, women_low, women_high, uni_low, uni_high, band = _profile(unit)
    if unit.non_state:
        workers_now = max(10, min(400, round(rng.lognormvariate(math.log(38), 0.75))))
        founded = rng.choice(range(1995, 2009)) if rng.random() < 0.4 else rng.randint(2009, 2017)
    else:
        workers_now = rng.randint(low, high)
        # New schools open as communes grow; agencies and companies were there long before.
        young = 0.08 if unit.name.startswith("CĐCS Trường") else 0.03 if band == "state" else 0
        founded = rng.randint(2009, 2017) if rng.random() < young else rng.randint(1976, 2008)
    enterprise = band in ("company", "private")
    odds = Odds(
        non_state=unit.non_state,
        enterprise=enterprise,
        workers_then=(0.5, 1.1) if unit.non_state else (0.7, 1.08),
        members=((0.45, 0.85), (0.55, 0.92)) if unit.non_state else None,
        women=(women_low, women_high),
        university=(uni_low, uni_high),
        letters=0.25 if unit.non_state else 0.12,
        late_letters=True,
        houses=0.06,
        agreements=(0.45, 0.85),
        initiatives=6 if enterprise else 4,
        strikes=0.015,
        strong=(0.7, 0.6 if unit.non_state else 0.82),
    )
    figures: Figures = {}
    for year in (BASE, NOW):
        if founded > year:
            for code in COUNTS:
                figures[(code, year)] = Decimal(0)
            continue
        counts = year_counts(rng, odds, year, founded, workers_now)
        for code, value in zip(COUNTS, counts, strict=True):
            figures[(code, year)] = Decimal(value)
        lo, hi = _INCOME[band][:2] if year == BASE else _INCOME[band][2:]
        figures[("average_income", year)] = Decimal(str(round(rng.uniform(lo, hi), 1)))
    return founded, figures


def summed_figures(children: list[Figures]) -> Figures:
    """A union's figures from its CĐCS': sums, and the average income weighted by workers."""
    figures: Figures = {}
    for year in (BASE, NOW):
        for code in COUNTS:
            figures[(code, year)] = sum(
                (child.get((code, year), Decimal(0)) for child in children), Decimal(0)
            )
        paid = [
            (child[("workers", year)], child[("average_income", year)])
            for child in children
            if ("average_income", year) in child and child[("workers", year)]
        ]
        workers = sum(weight for weight, _ in paid)
        if workers:
            income = sum(weight * value for weight, value in paid) / workers
            figures[("average_income", year)] = income.quantize(Decimal("0.1"))
    return figures


def demo_plan() -> list[Plan]:
    """Every reporting unit of the demo campaign, with its story and figures, parents last."""
    units = [unit for unit in demo_units() if unit.kind in KINDS]
    plans: dict[str, Plan] = {}
    for unit in units:
        if unit.kind != UnitKind.GRASSROOTS:
            continue
        founded, figures = cdcs_figures(unit)
        state = PINNED.get(unit.code) or _draw_state(unit)
        plans[unit.code] = Plan(unit, state, founded, figures)
    # Unions deepest first (the tree lists parents first): the province adds up its districts'
    # and sector unions' figures, so they must be there before it.
    for unit in reversed(units):
        if unit.kind == UnitKind.GRASSROOTS:
            continue
        children = [code for code, plan in plans.items() if plan.unit.parent_code == unit.code]
        figures = summed_figures([plans[code].figures for code in children])
        state = PINNED.get(unit.code) or _draw_state(unit)
        plans[unit.code] = Plan(unit, state, 1950, figures, children)
    return list(plans.values())


def _draw_state(unit: DemoUnit) -> str:
    weights = WEIGHTS_UNDER.get(unit.parent_code or "", WEIGHTS)
    rng = _rng("state", unit.code)
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# --- storing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoCampaign:
    campaign: Campaign
    created: bool
    statuses: dict[str, int]  # reports per status


def create_demo_campaign(*, now: datetime.datetime | None = None) -> DemoCampaign:
    """Open the demo campaign and fill its reports, then rebuild its live roll-up, unless it is
    there already (then nothing changes, but a live roll-up never built is built). Needs the
    demo province, its logins and the built-in outline (`baocao demo` makes them first; they
    are made here if missing)."""
    from baocao.apps.campaigns import live_rollup

    existing = Campaign.objects.filter(slug=SLUG).first()
    if existing is not None:
        if not live_rollup.is_built(existing):  # loaded before the live roll-up was read
            live_rollup.rebuild(existing)
        return DemoCampaign(existing, False, _statuses(existing))
    _prerequisites()
    with transaction.atomic():
        campaign = _fill(now or timezone.now())
        # The reports' stories were written straight into the tables: the live roll-up is
        # rebuilt from them, so the pages read it.
        live_rollup.rebuild(campaign)
    return DemoCampaign(campaign, True, _statuses(campaign))


def _statuses(campaign: Campaign) -> dict[str, int]:
    counts = Counter(campaign.reports.values_list("status", flat=True))
    return {status: counts[status] for status in ReportStatus.values}


def _prerequisites() -> None:
    from baocao.apps.outlines.models import OutlineDocument
    from baocao.apps.outlines.services import install_builtin_outlines
    from baocao.demo.accounts import create_demo_users
    from baocao.outline.builtin import DEFAULT_SLUG

    if not OutlineDocument.objects.filter(slug=DEFAULT_SLUG).exists():
        install_builtin_outlines()
    if not get_user_model().objects.filter(username=OWNER).exists():
        create_demo_users()  # and the province, if missing


def _fill(now: datetime.datetime) -> Campaign:
    from baocao.apps.outlines.models import OutlineDocument
    from baocao.outline.builtin import DEFAULT_SLUG

    today = timezone.localdate(now)
    deadline = today - datetime.timedelta(days=DAYS_LATE)
    opened = _moment(deadline - datetime.timedelta(days=DAYS_OPEN), 8, 0)
    owner = get_user_model().objects.get(username=OWNER)
    campaign = actions.open_campaign(
        OutlineDocument.objects.get(slug=DEFAULT_SLUG),
        Unit.objects.get(code=PROVINCE_CODE),
        kinds=list(KINDS),
        deadline=deadline,
        actor=owner,
        name=NAME,
        slug=SLUG,
    )
    Campaign.objects.filter(pk=campaign.pk).update(created_at=opened)
    campaign.created_at = opened

    plans = demo_plan()
    report_of = dict(campaign.reports.values_list("unit__code", "pk"))
    writers, reviewers = _officers(plans)
    clock = _Clock(opened, deadline, now)
    rows = _Rows()
    for plan in plans:
        report_id = report_of.get(plan.unit.code)
        if report_id is None:  # a unit renamed or moved out of the province by hand
            continue
        parent = plan.unit.parent_code or ""
        _tell(plan, report_id, writers.get(plan.unit.code), reviewers.get(parent), clock, rows)
    rows.save()
    return campaign


# --- who did it -------------------------------------------------------------------------------

_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Y", "A")  # fmt: skip
_MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Hữu", "Xuân", "Thu", "Hồng", "Kim")  # fmt: skip
_GIVEN = ("An", "Bình", "Chi", "Dũng", "Dung", "Giang", "Hà", "Hải", "Hạnh", "Hiền", "Hoa", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Oanh", "Phúc", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tuấn", "Vân", "Yến", "Blưk", "Thút", "Nhít")  # fmt: skip


def _officers(plans: list[Plan]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The writer of every reporting unit and the reviewer of every unit above one: the demo
    logins where they are, else a synthetic account (no usable password) made for the demo."""
    reporting = {plan.unit.code for plan in plans}
    reviewing = {plan.unit.parent_code for plan in plans if plan.unit.parent_code}
    writers: dict[str, Any] = {}
    reviewers: dict[str, Any] = {}
    for membership in Membership.objects.filter(
        unit__code__in=reporting | reviewing
    ).select_related("user", "unit"):
        code = membership.unit.code
        if membership.has_role(Role.WRITER) and code in reporting:
            writers.setdefault(code, membership.user)
        if membership.has_role(Role.REVIEWER) and code in reviewing:
            reviewers.setdefault(code, membership.user)
    wanted = [
        (f"vt.{code.lower()}", code, Role.WRITER) for code in sorted(reporting - set(writers))
    ]
    wanted += [
        (f"duyet.{code.lower()}", code, Role.REVIEWER)
        for code in sorted(reviewing - set(reviewers))
    ]
    user_model = get_user_model()
    taken = set(
        user_model.objects.filter(username__in=[name for name, _, _ in wanted]).values_list(
            "username", flat=True
        )
    )
    unusable = make_password(None)
    new_users = []
    for username, _code, _role in wanted:
        if username in taken:
            continue
        rng = _rng("person", username)
        new_users.append(
            user_model(
                username=username,
                first_name=f"{rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}",
                last_name=rng.choice(_FAMILY),
                email=f"{username}@{EMAIL_DOMAIN}",
                password=unusable,
            )
        )
    user_model.objects.bulk_create(new_users, batch_size=500)
    users = user_model.objects.in_bulk([name for name, _, _ in wanted], field_name="username")
    unit_ids = dict(
        Unit.objects.filter(code__in={code for _, code, _ in wanted}).values_list("code", "pk")
    )
    placed = set(
        Membership.objects.filter(user__username__in=list(users)).values_list(
            "user__username", flat=True
        )
    )
    Membership.objects.bulk_create(
        [
            Membership(user=users[name], unit_id=unit_ids[code], roles=[str(role)])
            for name, code, role in wanted
            if name not in placed
        ],
        batch_size=500,
    )
    for name, code, role in wanted:
        (writers if role == Role.WRITER else reviewers)[code] = users[name]
    return writers, reviewers


# --- when -------------------------------------------------------------------------------------


def _moment(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class _Clock:
    """Office-hour moments in the campaign's life, never after `now`."""

    def __init__(self, opened: datetime.datetime, deadline: datetime.date, now: datetime.datetime):
        self.opened, self.deadline, self.now = opened, deadline, now
        self.open_day = timezone.localdate(opened)

    def at(self, day: datetime.date, rng: random.Random) -> datetime.datetime:
        minutes = rng.randint(7 * 60 + 30, 17 * 60)
        return _moment(day, minutes // 60, minutes % 60)

    def day(
        self, first: int, last: int, rng: random.Random, mode: float | None = None
    ) -> datetime.date:
        """A day `first`..`last` days after the opening."""
        offset = rng.triangular(first, last, last if mode is None else mode)
        return self.open_day + datetime.timedelta(days=round(offset))

    def on_time(self, rng: random.Random) -> datetime.datetime:
        return self.at(self.day(12, DAYS_OPEN, rng, DAYS_OPEN - 1), rng)

    def late(self, rng: random.Random) -> datetime.datetime:
        return self.at(self.day(DAYS_OPEN + 1, DAYS_OPEN + DAYS_LATE, rng, DAYS_OPEN + 1), rng)

    def after(
        self, moment: datetime.datetime, rng: random.Random, days: tuple[float, float]
    ) -> datetime.datetime:
        return moment + datetime.timedelta(days=rng.uniform(*days))

    def ordered(self, moments: list[datetime.datetime]) -> list[datetime.datetime]:
        """The moments in order, a few minutes apart at least, and all before now."""
        result: list[datetime.datetime] = []
        count = len(moments)
        for index, moment in enumerate(moments):
            moment = min(moment, self.now - datetime.timedelta(minutes=5 * (count - index)))
            if result:
                moment = max(moment, result[-1] + datetime.timedelta(minutes=3))
            result.append(moment)
        return result


# --- what happened to each report --------------------------------------------------------------


@dataclass
class _Rows:
    """What the demo writes, gathered for a few large inserts at the end."""

    texts: list[tuple] = field(default_factory=list)
    versions: list[tuple] = field(default_factory=list)
    values: list[tuple] = field(default_factory=list)
    changes: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)

    COLUMNS: ClassVar[dict[str, tuple[type[models.Model], tuple[str, ...]]]] = {
        "texts": (
            SectionText,
            ("report_id", "section_id", "text", "version", "updated_by_id", "updated_at"),
        ),
        "versions": (
            SectionVersion,
            ("report_id", "section_id", "version", "text", "saved_by_id", "saved_at", "note"),
        ),
        "values": (
            IndicatorValue,
            ("report_id", "code", "year", "value", "raw", "updated_by_id", "updated_at"),
        ),
        "changes": (
            IndicatorChange,
            ("report_id", "code", "year", "value", "raw", "changed_by_id", "changed_at"),
        ),
        "events": (
            ReportEvent,
            (
                "report_id",
                "from_status",
                "to_status",
                "actor_id",
                "at",
                "reason",
                "section_comments",
            ),
        ),
    }

    def save(self) -> None:
        for name, (model, columns) in self.COLUMNS.items():
            _insert(model, columns, getattr(self, name))
        Report.objects.bulk_update(
            self.reports, ["status", "version", "submitted_at", "accepted_at"], batch_size=500
        )


def _insert(model: type[models.Model], columns: tuple[str, ...], rows: list[tuple]) -> None:
    """INSERT the rows as given, times included (bulk_create would stamp auto_now fields with
    the present, and builds a model instance per row: ten times slower at demo size)."""
    fields = [model._meta.get_field(column) for column in columns]
    prepare = []
    for item in fields:
        if item.get_internal_type() in ("DateTimeField", "DecimalField", "JSONField"):
            cache: dict[Any, Any] = {}

            def prep(value: Any, item: Any = item, cache: dict = cache) -> Any:
                key = value if isinstance(value, datetime.datetime | Decimal) else None
                if key is not None and key in cache:
                    return cache[key]
                prepared = item.get_db_prep_save(value, connection)
                if key is not None:
                    cache[key] = prepared
                return prepared

            prepare.append(prep)
        else:
            prepare.append(None)
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(item.column) for item in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(
                sql,
                [
                    tuple(p(v) if p else v for p, v in zip(prepare, row, strict=True))
                    for row in rows[start : start + 5000]
                ],
            )


def _tell(
    plan: Plan, report_id: int, writer: Any, reviewer: Any, clock: _Clock, rows: _Rows
) -> None:
    """Write the report's history: sections, figures, and its trips between unit and parent."""
    rng = _rng("story", plan.unit.code)
    state = plan.state
    writer_id = writer.pk if writer is not None else None
    reviewer_id = reviewer.pk if reviewer is not None else None
    steps: list[tuple[str, str]] = []  # (from, to)
    sent = rng.random() < 0.8
    if state in ("submitted", "accepted", "reworked", "resubmitted"):
        first = clock.on_time(rng)
    elif state in ("late", "accepted_late"):
        first = clock.late(rng)
    elif state == "returned":
        first = clock.on_time(rng) if sent else clock.late(rng)
    else:
        first = None

    moments: list[datetime.datetime] = []
    if first is not None:
        moments.append(first)
        steps.append((ReportStatus.DRAFT, ReportStatus.SUBMITTED))
        if state in ("returned", "reworked", "resubmitted"):
            moments.append(clock.after(moments[-1], rng, (0.5, 3)))
            steps.append((ReportStatus.SUBMITTED, ReportStatus.RETURNED))
        if state in ("reworked", "resubmitted"):
            moments.append(clock.after(moments[-1], rng, (1, 4)))
            steps.append((ReportStatus.RETURNED, ReportStatus.SUBMITTED))
        if state in ("accepted", "accepted_late", "reworked"):
            moments.append(clock.after(moments[-1], rng, (0.3, 4)))
            steps.append((ReportStatus.SUBMITTED, ReportStatus.ACCEPTED))
        moments = clock.ordered(moments)

    # Writing starts some days after the opening and ends at the first submission (or now).
    started = clock.at(clock.day(1, 15, rng, 3), rng)
    until = moments[0] if moments else clock.now - datetime.timedelta(hours=1)
    started = min(started, until - datetime.timedelta(hours=2))

    remarks: dict[str, str] = {}
    returned_at = None
    if any(to == ReportStatus.RETURNED for _, to in steps):
        chosen = rng.sample(sorted(REMARKS), rng.randint(1, 2))
        remarks = {section: REMARKS[section] for section in chosen}
        returned_at = moments[1]
    resent_at = moments[2] if state in ("reworked", "resubmitted") else None

    sections = _sections_written(state, rng)
    voice = _voice(plan)
    for section_id in sections:
        lines = WRITERS[section_id](voice, _rng("text", plan.unit.code, section_id))
        drafts = _drafts(lines, rng)
        if resent_at is not None and section_id in remarks:
            drafts.append([*drafts[-1], FIXES[section_id]])
        times = sorted(_between(started, until, len(drafts), rng))
        if resent_at is not None and section_id in remarks:
            times[-1] = returned_at + (resent_at - returned_at) / 2
        for version, (text_lines, moment) in enumerate(zip(drafts, times, strict=True), 1):
            text = clean_section_text("\n".join(text_lines))
            rows.versions.append((report_id, section_id, version, text, writer_id, moment, ""))
        rows.texts.append((report_id, section_id, text, len(drafts), writer_id, times[-1]))

    typed_at = _between(started, until, 1, rng)[0]
    for (code, year), value in _typed(plan, state, rng).items():
        raw = format_number(value)
        rows.values.append((report_id, code, year, value, raw, writer_id, typed_at))
        rows.changes.append((report_id, code, year, value, raw, writer_id, typed_at))

    submitted_at = accepted_at = None
    for (before, after), moment in zip(steps, moments, strict=True):
        returning = after == ReportStatus.RETURNED
        rows.events.append(
            (
                report_id,
                before,
                after,
                writer_id if after == ReportStatus.SUBMITTED else reviewer_id,
                moment,
                rng.choice(RETURN_REASONS) if returning else "",
                remarks if returning else {},
            )
        )
        if after == ReportStatus.SUBMITTED:
            submitted_at = moment
        if after == ReportStatus.ACCEPTED:
            accepted_at = moment
    rows.reports.append(
        Report(
            pk=report_id,
            status=ENDS_IN[state],
            version=1 + len(steps),
            submitted_at=submitted_at,
            accepted_at=accepted_at,
        )
    )


def _sections_written(state: str, rng: random.Random) -> list[str]:
    order = list(WRITERS)
    if state == "empty":
        return []
    if state == "started":
        count = rng.randint(2, 9)
        return [section for section in order[:count] if rng.random() < 0.85] or order[:1]
    left_out = set(rng.sample(OPTIONAL, rng.choice((0, 0, 1, 2))))
    if state == "returned":
        left_out |= set(rng.sample(OPTIONAL, rng.randint(1, 3)))
    return [section for section in order if section not in left_out]


def _drafts(lines: list[str], rng: random.Random) -> list[list[str]]:
    """The saved versions of a text: some sections were saved once, some grew over two or
    three saves (each an earlier version's lines and more)."""
    saves = min(len(lines), rng.choices((1, 2, 3), weights=(6, 3, 1))[0])
    cuts = sorted(rng.sample(range(1, len(lines)), saves - 1)) if saves > 1 else []
    return [lines[:cut] for cut in cuts] + [lines]


def _between(
    start: datetime.datetime, end: datetime.datetime, count: int, rng: random.Random
) -> list[datetime.datetime]:
    span = max(60.0, (end - start).total_seconds())
    return [start + datetime.timedelta(seconds=rng.uniform(0, span)) for _ in range(count)]


def _typed(plan: Plan, state: str, rng: random.Random) -> Figures:
    """The figures typed into the report: all for a report sent at least once, the first table
    (or nothing) for a draft, and now and then a slip that the rules catch in a draft."""
    if state == "empty":
        return {}
    if state != "started":
        return dict(plan.figures)
    if rng.random() < 0.4:
        return {}
    typed = {key: value for key, value in plan.figures.items() if key[0] in FIRST_TABLE}
    if rng.random() < 0.15 and typed.get(("members", NOW)):
        # Women typed where members go: more women than members, which submit refuses.
        typed[("members_women", NOW)] = typed[("members", NOW)] + rng.randint(3, 15)
    return typed


# The sector and zone unions: what they cover, and the Party committee they answer to.
_SECTORS = {
    "KT-GD": ("ngành Giáo dục tỉnh", "Đảng ủy Sở Giáo dục và Đào tạo"),
    "KT-YT": ("ngành Y tế tỉnh", "Đảng ủy Sở Y tế"),
    "KT-VC": ("khối cơ quan tỉnh", "Đảng ủy Khối các cơ quan tỉnh"),
    "KT-KKT": ("Khu kinh tế tỉnh", "Đảng ủy Ban Quản lý Khu kinh tế tỉnh"),
}


def _voice(plan: Plan) -> Voice:
    unit = plan.unit
    if plan.upper:
        if unit.code in _SECTORS:
            org, party = _SECTORS[unit.code]
        else:
            org = unit.name.removeprefix("Liên đoàn Lao động ")
            place = org.split(" ", 1)[-1]
            party = "Thành ủy Kon Tum" if unit.code == "KT-TP" else f"Huyện ủy {place}"
        union = unit.name.replace("Liên đoàn Lao động", "LĐLĐ")
    else:
        org = unit.name.removeprefix("CĐCS ")
        small = plan.figures.get(("members", NOW), Decimal(0)) < 100
        party = f"{'Chi bộ' if small else 'Đảng ủy'} {org}"
        union = f"Công đoàn cơ sở {org}"
    return Voice(
        union=union,
        org=org,
        party=party,
        upper=plan.upper,
        non_state=unit.non_state,
        founded=plan.founded,
        figures=plan.figures,
    )
