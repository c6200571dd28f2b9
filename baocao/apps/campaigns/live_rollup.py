"""Live roll-ups: every unit's consolidated figures kept up to date as reports change, so that
reading them is a lookup instead of a roll-up of the whole subtree.

The rule is the roll-up's (`baocao.consolidate.rollup`, `rollup_sql`): a unit's figure for an
indicator and year is its own figure when its report counts, else the sum of its units'
figures; ratios are computed from the sums when read. It is kept per campaign, unit, counting
mode (accepted only; accepted and submitted) and key in `LiveFigure`, which holds the unit's
own figure (while its report counts), the sum and number of its direct units' figures, and the
resulting figure. A change is a delta that climbs the tree: a unit's figure moves by d, so its
parent's sum of units moves by d; the parent's figure moves with it unless it stands on its own
figure, and so on upwards: O(depth) rows per change. `LiveCount` holds the reports of each
unit's subtree per state (expected, counted in either mode, the dashboard's tiles).

Rows are kept for the *consolidating* units only: those with a report of the campaign below
them (about 800 nationally, against 130,000 CĐCS). A unit with nothing below it (a CĐCS) has
no rows: its figures are its own report's, its count its report's state, and a change of them
starts climbing at its parent. A unit becomes consolidating when a report is added below it
(`apply_reports_added`, which then writes its rows) and stops only when units move (rebuild).

Every write happens in the transaction of the action that changes the report (`actions`):

- `apply_figure_change`: a figure saved or cleared (only a counted report's figures matter);
- `apply_status_change`: a report entering or leaving the counted set of a mode makes its unit
  stand on its own figures, or stop to, for every key it has;
- `apply_reports_added`: new draft reports (a campaign opened, units added);
- `rebuild`: everything recomputed from the reports and figures, set-based in SQL (unit moves,
  the CLI, the demo loaders).

`Campaign.live_rollup_at` says the rows were built whole (by the opening or a rebuild) and have
been kept since: only then do the pages read them (`consolidation.subtree_figures`).

Concurrency: the rows of one change are created if missing (in a fixed order, ignoring
conflicts) and then locked in that same order (SELECT ... FOR UPDATE on PostgreSQL; SQLite
serialises writers), so two accepts under one district at the same moment both count. Every
change also holds the campaign's row FOR SHARE (PostgreSQL), which `rebuild` and units added
take FOR UPDATE: they wait for the changes in flight and the changes after them wait.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from baocao.apps.campaigns.models import (
    Campaign,
    IndicatorValue,
    LiveCount,
    LiveFigure,
    Report,
    ReportStatus,
)
from baocao.apps.orgs.models import PATH_SEPARATOR, Unit
from baocao.consolidate.rollup import Difference, Key
from baocao.indicators.maths import derive

MODES = (False, True)  # include_submitted
STATES = tuple(ReportStatus.values)  # LiveCount's fields bear the states' values
_BATCH = 500
_ZERO = Decimal(0)


def counted_in(status: str, include_submitted: bool) -> bool:
    """Does a report in `status` count in this mode (`consolidation.counted_statuses`)?"""
    return status == ReportStatus.ACCEPTED or (
        include_submitted and status == ReportStatus.SUBMITTED
    )


def is_built(campaign: Campaign) -> bool:
    """Were the campaign's live rows built whole (opened with them, or rebuilt since)?"""
    return campaign.live_rollup_at is not None


def _mark_built(campaign: Campaign) -> None:
    campaign.live_rollup_at = timezone.now()
    Campaign.objects.filter(pk=campaign.pk).update(live_rollup_at=campaign.live_rollup_at)


def mark_stale(campaign: Campaign) -> None:
    """Rows were written around the actions: the pages roll up from the reports again until
    the next `rebuild`."""
    campaign.live_rollup_at = None
    Campaign.objects.filter(pk=campaign.pk).update(live_rollup_at=None)


def _summed(campaign: Campaign) -> set[str]:
    return {i.code for i in campaign.catalogue.indicators if i.rollup == "sum" and i.numeric}


def _prefixes(path: str) -> list[str]:
    """ "A/B/C/" -> ["A/", "A/B/", "A/B/C/"]: the unit and its ancestors, root first."""
    parts = path.split(PATH_SEPARATOR)[:-1]
    return [PATH_SEPARATOR.join(parts[: n + 1]) + PATH_SEPARATOR for n in range(len(parts))]


def _chain(unit: Unit) -> list[int]:
    """Ids of the unit and its ancestors, the unit first (one query)."""
    prefixes = _prefixes(unit.path)
    ids = dict(Unit.objects.filter(path__in=prefixes).values_list("path", "pk"))
    return [ids[prefix] for prefix in reversed(prefixes) if prefix in ids]


def _consolidating(campaign_id: int, unit_id: int) -> bool:
    """Has the unit reports below it (and so rows of its own)? Its count row says so."""
    return LiveCount.objects.filter(campaign_id=campaign_id, unit_id=unit_id).exists()


def _lock_campaign(campaign_id: int, mode: str) -> None:
    """Hold the campaign's row FOR SHARE (changes: they go on together) or FOR UPDATE (a
    rebuild, units added: they wait for the changes in flight, and those after wait for
    them) until the transaction ends. PostgreSQL only: SQLite serialises writers."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Campaign._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR {mode}", [campaign_id])


def _share_campaign(campaign_id: int) -> None:
    _lock_campaign(campaign_id, "SHARE")


def _locked_figures(
    campaign_id: int, chain: list[int], keys: Iterable[tuple[bool, str, int]]
) -> dict[tuple[int, bool, str, int], LiveFigure]:
    """The rows of every (mode, code, year) in `keys` for every unit of `chain`, created if
    missing and locked, both in the order (code, year, mode, unit id)."""
    wanted = sorted(
        (code, year, mode, unit_id) for mode, code, year in set(keys) for unit_id in chain
    )
    if not wanted:
        return {}
    LiveFigure.objects.bulk_create(
        [
            LiveFigure(
                campaign_id=campaign_id,
                unit_id=unit_id,
                include_submitted=mode,
                code=code,
                year=year,
            )
            for code, year, mode, unit_id in wanted
        ],
        batch_size=_BATCH,
        ignore_conflicts=True,
    )
    rows = (
        LiveFigure.objects.select_for_update()
        .filter(
            campaign_id=campaign_id,
            unit_id__in=chain,
            code__in={code for code, _, _, _ in wanted},
            year__in={year for _, year, _, _ in wanted},
            include_submitted__in={mode for _, _, mode, _ in wanted},
        )
        .order_by("code", "year", "include_submitted", "unit_id")
    )
    wanted_set = set(wanted)
    return {
        (row.unit_id, row.include_submitted, row.code, row.year): row
        for row in rows
        if (row.code, row.year, row.include_submitted, row.unit_id) in wanted_set
    }


def _effective(row: LiveFigure) -> Decimal | None:
    if row.own is not None:
        return row.own
    return row.children_sum if row.children_count else None


def _set_own(
    rows: dict, unit_id: int, mode: bool, code: str, year: int, own, changed: set[int]
) -> tuple[Decimal | None, Decimal | None]:
    """Set a consolidating unit's own figure: its figure before and after."""
    row = rows[(unit_id, mode, code, year)]
    before = row.value
    row.own = own
    row.value = after = _effective(row)
    changed.add(row.pk)
    return before, after


def _carry(
    rows: dict,
    above: list[int],
    mode: bool,
    code: str,
    year: int,
    before: Decimal | None,
    after: Decimal | None,
    changed: set[int],
) -> None:
    """A unit's figure went from `before` to `after`: carry the change up through `above`
    (its parent first)."""
    for unit_id in above:
        if before == after:
            return
        parent = rows[(unit_id, mode, code, year)]
        parent.children_sum += (after or _ZERO) - (before or _ZERO)
        parent.children_count += (after is not None) - (before is not None)
        before = parent.value
        parent.value = after = _effective(parent)
        changed.add(parent.pk)


def _save(rows: dict, changed: set[int]) -> None:
    dirty = [row for row in rows.values() if row.pk in changed]
    LiveFigure.objects.bulk_update(
        dirty, ["own", "children_sum", "children_count", "value"], batch_size=_BATCH
    )


def apply_figure_change(
    report: Report, code: str, year: int, old: Decimal | None, new: Decimal | None
) -> None:
    """A figure of `report` went from `old` to `new` (None: no figure). Call inside the
    transaction that saved it, with the report's row locked."""
    if old == new or code not in _summed(report.campaign):
        return
    modes = [mode for mode in MODES if counted_in(report.status, mode)]
    if not modes:
        return  # a report that does not count: its figures are nobody's yet
    _share_campaign(report.campaign_id)
    chain = _chain(report.unit)
    leaf = not _consolidating(report.campaign_id, chain[0])
    rows_of = chain[1:] if leaf else chain
    rows = _locked_figures(report.campaign_id, rows_of, [(mode, code, year) for mode in modes])
    changed: set[int] = set()
    for mode in modes:
        if leaf:
            before, after = old, new
        else:
            before, after = _set_own(rows, chain[0], mode, code, year, new, changed)
        _carry(rows, chain[1:], mode, code, year, before, after, changed)
    _save(rows, changed)


def apply_status_change(report: Report, old_status: str, new_status: str) -> None:
    """`report` went from `old_status` to `new_status`: the states' counts of its unit and every
    unit above move, and in each mode where the report starts or stops counting its unit
    stands on its own figures, or stops to, for every key it has. Call inside the transaction
    that changed it, with the report's row locked."""
    if old_status == new_status:
        return
    _share_campaign(report.campaign_id)
    chain = _chain(report.unit)
    leaf = not _consolidating(report.campaign_id, chain[0])
    rows_of = chain[1:] if leaf else chain
    modes = [mode for mode in MODES if counted_in(old_status, mode) != counted_in(new_status, mode)]
    if modes:
        summed = _summed(report.campaign)
        own = {
            (code, year): value
            for code, year, value in IndicatorValue.objects.filter(
                report_id=report.pk, value__isnull=False
            ).values_list("code", "year", "value")
            if code in summed
        }
        keys = [(mode, code, year) for mode in modes for code, year in own]
        rows = _locked_figures(report.campaign_id, rows_of, keys)
        changed: set[int] = set()
        for mode in modes:
            counts = counted_in(new_status, mode)
            for (code, year), value in sorted(own.items()):
                figure = value if counts else None
                if leaf:
                    before, after = (None, value) if counts else (value, None)
                else:
                    before, after = _set_own(rows, chain[0], mode, code, year, figure, changed)
                _carry(rows, chain[1:], mode, code, year, before, after, changed)
        _save(rows, changed)
    _move_counts(
        report.campaign_id, {unit_id: {old_status: -1, new_status: 1} for unit_id in rows_of}
    )


def apply_reports_added(
    campaign: Campaign, reports: Iterable[Report], *, fresh: bool = False
) -> None:
    """New reports (drafts, without figures) counted in the subtrees of the units above them.
    A unit that had nothing below it becomes consolidating: its rows are written from its own
    report (its count, its counted figures). `fresh`: the campaign was opened in this
    transaction (nobody else can see it: no rows to lock); its rows are then built whole."""
    reports = list(reports)
    unit_paths = dict(
        Unit.objects.filter(pk__in=[report.unit_id for report in reports]).values_list("path", "pk")
    )
    above: dict[str, int] = defaultdict(int)  # consolidating path -> new reports in its subtree
    for path in unit_paths:
        for prefix in _prefixes(path)[:-1]:
            above[prefix] += 1
    ids = _unit_ids(above)
    added = {ids[path]: count for path, count in above.items() if path in ids}
    for unit_id in unit_paths.values():  # a consolidating unit counts its own report too
        if unit_id in added:
            added[unit_id] += 1
    if fresh:
        LiveCount.objects.bulk_create(
            [
                LiveCount(campaign=campaign, unit_id=unit_id, draft=count)
                for unit_id, count in added.items()
            ],
            batch_size=_BATCH,
        )
        _mark_built(campaign)
        return
    if not added:
        return
    _lock_campaign(campaign.pk, "UPDATE")
    known = set(
        LiveCount.objects.filter(campaign=campaign, unit_id__in=list(added)).values_list(
            "unit_id", flat=True
        )
    )
    moves = {unit_id: {ReportStatus.DRAFT: count} for unit_id, count in added.items()}
    new_ids = {report.pk for report in reports}
    becoming = [unit_id for unit_id in added if unit_id not in known]
    if becoming:
        # Units that had nothing below them: their own report (if any) now counts in their
        # row, and their counted figures become their rows' own figures.
        summed = _summed(campaign)
        own_reports = list(
            Report.objects.filter(campaign=campaign, unit_id__in=becoming)
            .exclude(pk__in=new_ids)
            .values_list("pk", "unit_id", "status")
        )
        for _, unit_id, status in own_reports:
            moves[unit_id][status] = moves[unit_id].get(status, 0) + 1
        counted = {pk: (unit_id, status) for pk, unit_id, status in own_reports}
        rows = []
        for report_id, code, year, value in IndicatorValue.objects.filter(
            report_id__in=[pk for pk, (_, status) in counted.items() if counted_in(status, True)],
            value__isnull=False,
            code__in=summed,
        ).values_list("report_id", "code", "year", "value"):
            unit_id, status = counted[report_id]
            for mode in MODES:
                if counted_in(status, mode):
                    rows.append(
                        LiveFigure(
                            campaign=campaign,
                            unit_id=unit_id,
                            include_submitted=mode,
                            code=code,
                            year=year,
                            own=value,
                            value=value,
                        )
                    )
        LiveFigure.objects.bulk_create(rows, batch_size=_BATCH)
    _move_counts(campaign.pk, moves)


def _unit_ids(paths: Iterable[str]) -> dict[str, int]:
    paths = list(paths)
    ids: dict[str, int] = {}
    for start in range(0, len(paths), _BATCH):
        ids.update(
            Unit.objects.filter(path__in=paths[start : start + _BATCH]).values_list("path", "pk")
        )
    return ids


def _move_counts(campaign_id: int, moves: dict[int, dict[str, int]]) -> None:
    """Add `moves[unit id][state]` to the units' counts, rows created if missing and locked in
    unit id order."""
    unit_ids = sorted(moves)
    LiveCount.objects.bulk_create(
        [LiveCount(campaign_id=campaign_id, unit_id=unit_id) for unit_id in unit_ids],
        batch_size=_BATCH,
        ignore_conflicts=True,
    )
    rows = []
    for start in range(0, len(unit_ids), _BATCH):
        rows += list(
            LiveCount.objects.select_for_update()
            .filter(campaign_id=campaign_id, unit_id__in=unit_ids[start : start + _BATCH])
            .order_by("unit_id")
        )
    for row in rows:
        for state, delta in moves[row.unit_id].items():
            setattr(row, state, getattr(row, state) + delta)
    LiveCount.objects.bulk_update(rows, list(STATES), batch_size=_BATCH)


# ---------------------------------------------------------------------------------------------
# Rebuild


def rebuild(
    campaign: Campaign, *, progress: Callable[[int, int], None] | None = None
) -> tuple[int, int]:
    """Recompute the campaign's live figures and counts from its reports and figures, set-based
    in SQL (nothing of the size of the figures passes through Python: a country's 8.8 million
    are added up by the database), in one transaction with the campaign's row locked FOR
    UPDATE. Marks the campaign built. Returns (figure rows, count rows); `progress(done,
    total)` is told each level of the tree done.

    1. The consolidating units (every unit above a report), with their parent and depth (from
       their path), and their subtree's reports per state: one GROUP BY parent over the
       reports, then added up level by level from the deepest (an INSERT ... SELECT ... GROUP
       BY parent ... ON CONFLICT per level), then each one's own report. Each gets a count
       row.
    2. One pass over the counted figures: the sums and numbers of the figures of each unit's
       units per parent, code and year, in both modes at once; and the consolidating units'
       own figures.
    3. The figure rows, level by level from the deepest consolidating units: a unit's own
       figures, its units' sums, its consolidating units' figures (the level below, just
       written) in place of their own figures (taken out of the sums), grouped per mode, code
       and year."""
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        summed = sorted(_summed(campaign))
        with connection.cursor() as cursor:
            builder = _Rebuild(cursor, campaign.pk, summed)
            counts, figures = builder.run(progress)
        _mark_built(campaign)
        return figures, counts


class _Rebuild:
    """The SQL of `rebuild`, on SQLite and PostgreSQL alike (temporary tables, INSERT ...
    SELECT, an upsert per level)."""

    UNITS = "live_rebuild_units"
    BELOW = "live_rebuild_below"
    OWN = "live_rebuild_own"

    def __init__(self, cursor, campaign_id: int, summed: list[str]):
        quote = connection.ops.quote_name
        self.cursor, self.campaign_id = cursor, campaign_id
        self.postgres = connection.vendor == "postgresql"
        self.t = {
            "value": quote(IndicatorValue._meta.db_table),
            "report": quote(Report._meta.db_table),
            "unit": quote(Unit._meta.db_table),
            "figure": quote(LiveFigure._meta.db_table),
            "count": quote(LiveCount._meta.db_table),
        }
        self.codes = ", ".join(["%s"] * len(summed)) or "NULL"
        self.summed = summed

    def execute(self, sql: str, params: Iterable = ()) -> int:
        self.cursor.execute(sql, list(params))
        return self.cursor.rowcount

    def _depth(self, alias: str) -> str:
        # From the path, whatever the stored depth says: "A/B/" is at depth 1.
        return f"(LENGTH({alias}.path) - LENGTH(REPLACE({alias}.path, '/', '')) - 1)"

    def _temporary(self, name: str, columns: str) -> None:
        self.execute(f"DROP TABLE IF EXISTS {name}")
        self.execute(f"CREATE TEMPORARY TABLE {name} ({columns})")

    def _analyze(self, name: str) -> None:
        if self.postgres:  # temporary tables have no statistics until asked
            self.execute(f"ANALYZE {name}")

    def run(self, progress) -> tuple[int, int]:
        t, c = self.t, self.campaign_id
        states = list(STATES)
        self.execute(f"DELETE FROM {t['figure']} WHERE campaign_id = %s", [c])
        self.execute(f"DELETE FROM {t['count']} WHERE campaign_id = %s", [c])

        # 1. The consolidating units and their counts: the reports of each unit's units
        # (one GROUP BY parent over the reports), what is below each consolidating unit added
        # up level by level from the deepest (an upsert per level), then each one's own report.
        self._temporary(
            self.UNITS,
            "unit_id bigint PRIMARY KEY, parent_id bigint, depth integer, "
            + ", ".join(f"{state} integer" for state in states)
            + ", consolidating integer",
        )
        per_state = ", ".join(
            f"SUM(CASE WHEN r.status = '{state}' THEN 1 ELSE 0 END)" for state in states
        )
        self.execute(
            f"INSERT INTO {self.UNITS} (unit_id, parent_id, depth, {', '.join(states)}, "
            f"consolidating) SELECT p.id, p.parent_id, {self._depth('p')}, {per_state}, 1"
            f" FROM {t['report']} r JOIN {t['unit']} u ON u.id = r.unit_id"
            f" JOIN {t['unit']} p ON p.id = u.parent_id"
            f" WHERE r.campaign_id = %s GROUP BY p.id, p.parent_id, p.path",
            [c],
        )
        deepest = self._scalar(f"SELECT MAX(depth) FROM {self.UNITS}")
        for depth in range(deepest or 0, 0, -1):
            sums = ", ".join(f"SUM(k.{state})" for state in states)
            updates = ", ".join(
                f"{state} = {self.UNITS}.{state} + excluded.{state}" for state in states
            )
            self.execute(
                f"INSERT INTO {self.UNITS} (unit_id, parent_id, depth, {', '.join(states)}, "
                f"consolidating) SELECT p.id, p.parent_id, {self._depth('p')}, {sums}, 1"
                f" FROM {self.UNITS} k JOIN {t['unit']} p ON p.id = k.parent_id"
                f" WHERE k.depth = %s GROUP BY p.id, p.parent_id, p.path"
                f" ON CONFLICT (unit_id) DO UPDATE SET {updates}",
                [depth],
            )
        for state in states:  # each consolidating unit's own report, when it has one
            self.execute(
                f"UPDATE {self.UNITS} SET {state} = {state} + 1 WHERE unit_id IN"
                f" (SELECT r.unit_id FROM {t['report']} r"
                f"  WHERE r.campaign_id = %s AND r.status = '{state}')",
                [c],
            )
        self._analyze(self.UNITS)
        counts = self.execute(
            f"INSERT INTO {t['count']} (campaign_id, unit_id, {', '.join(states)})"
            f" SELECT %s, unit_id, {', '.join(states)} FROM {self.UNITS}",
            [c],
        )

        # 2. The counted figures. Per parent, code and year: the sums and numbers of every
        # counted figure of its units, in both modes (one pass over the figures, the largest
        # part of the work; CREATE TABLE AS, which PostgreSQL runs in parallel, and over the
        # stored tables only: a temporary table in the query would keep it serial). The
        # consolidating units' own figures, which stand in these sums for their figures, are
        # taken out again in step 3.
        accepted, submitted = ReportStatus.ACCEPTED.value, ReportStatus.SUBMITTED.value
        if self.postgres:
            self.execute("SET LOCAL work_mem = '64MB'")  # the GROUP BY's hash table in memory
            self.execute("SET LOCAL jit = off")  # compiling costs more than it saves here
        self.execute(f"DROP TABLE IF EXISTS {self.BELOW}")
        self.execute(
            f"CREATE TEMPORARY TABLE {self.BELOW} AS"
            f" SELECT u.parent_id AS unit_id, v.code AS code, v.year AS year,"
            f"  SUM(CASE WHEN r.status = '{accepted}' THEN v.value END) AS sum0,"
            f"  SUM(CASE WHEN r.status = '{accepted}' THEN 1 ELSE 0 END) AS n0,"
            f"  SUM(v.value) AS sum1, COUNT(*) AS n1"
            f" FROM {t['value']} v JOIN {t['report']} r ON r.id = v.report_id"
            f" JOIN {t['unit']} u ON u.id = r.unit_id"
            f" WHERE r.campaign_id = %s AND r.status IN ('{accepted}', '{submitted}')"
            f"  AND u.parent_id IS NOT NULL AND v.value IS NOT NULL AND v.code IN ({self.codes})"
            f" GROUP BY u.parent_id, v.code, v.year",
            [c, *self.summed],
        )
        self._temporary(
            self.OWN, "unit_id bigint, code varchar(100), year integer, own0 numeric, own1 numeric"
        )
        self.execute(
            f"INSERT INTO {self.OWN} (unit_id, code, year, own0, own1)"
            f" SELECT r.unit_id, v.code, v.year,"
            f"  CASE WHEN r.status = '{accepted}' THEN v.value END, v.value"
            f" FROM {self.UNITS} k JOIN {t['report']} r ON r.unit_id = k.unit_id"
            f" JOIN {t['value']} v ON v.report_id = r.id"
            f" WHERE k.consolidating = 1 AND r.campaign_id = %s"
            f"  AND r.status IN ('{accepted}', '{submitted}')"
            f"  AND v.value IS NOT NULL AND v.code IN ({self.codes})",
            [c, *self.summed],
        )
        self._analyze(self.BELOW)
        self._analyze(self.OWN)

        # 3. The figure rows, level by level from the deepest consolidating units: per unit,
        # code and year, both modes side by side (own0, s0, n0: accepted only; own1, s1, n1:
        # submitted too), then a row per mode.
        top = self._scalar(f"SELECT MAX(depth) FROM {self.UNITS} WHERE consolidating = 1")
        figures = 0
        steps = top + 1 if top is not None else 0
        false, true = ("FALSE", "TRUE") if self.postgres else ("0", "1")
        none = "CAST(NULL AS NUMERIC)"  # typed: PostgreSQL matches UNION columns pairwise
        own = f"CASE WHEN m.mode = {true} THEN g.own1 ELSE g.own0 END"
        below = f"CASE WHEN m.mode = {true} THEN g.s1 ELSE g.s0 END"
        number = f"CASE WHEN m.mode = {true} THEN g.n1 ELSE g.n0 END"
        for done, depth in enumerate(range(steps - 1, -1, -1), start=1):
            figures += self.execute(
                f"INSERT INTO {t['figure']} (campaign_id, unit_id, include_submitted, code,"
                f" year, own, children_sum, children_count, value)"
                f" SELECT %s, g.unit_id, m.mode, g.code, g.year, {own}, COALESCE({below}, 0),"
                f"  {number}, COALESCE({own}, CASE WHEN {number} > 0 THEN {below} END)"
                f" FROM (SELECT x.unit_id, x.code, x.year, MAX(x.own0) AS own0,"
                f"  MAX(x.own1) AS own1, SUM(x.s0) AS s0, SUM(x.n0) AS n0, SUM(x.s1) AS s1,"
                f"  SUM(x.n1) AS n1"
                f" FROM ("
                # The unit's own counted figures.
                f"  SELECT o.unit_id, o.code, o.year, o.own0, o.own1, {none} AS s0, 0 AS n0,"
                f"   {none} AS s1, 0 AS n1"
                f"  FROM {self.OWN} o JOIN {self.UNITS} k ON k.unit_id = o.unit_id"
                f"  WHERE k.depth = %s"
                # Its units' own counted figures (step 2)...
                f"  UNION ALL SELECT b.unit_id, b.code, b.year, {none}, {none}, b.sum0, b.n0,"
                f"   b.sum1, b.n1"
                f"  FROM {self.BELOW} b JOIN {self.UNITS} k ON k.unit_id = b.unit_id"
                f"  WHERE k.depth = %s"
                # ... where its consolidating units count with their figures (the level below,
                # just written) instead of their own figures.
                f"  UNION ALL SELECT k.parent_id, f.code, f.year, {none}, {none},"
                f"   CASE WHEN f.include_submitted = {false} THEN f.value END,"
                f"   CASE WHEN f.include_submitted = {false} THEN 1 ELSE 0 END,"
                f"   CASE WHEN f.include_submitted = {true} THEN f.value END,"
                f"   CASE WHEN f.include_submitted = {true} THEN 1 ELSE 0 END"
                f"  FROM {self.UNITS} k JOIN {t['figure']} f"
                f"   ON f.campaign_id = %s AND f.unit_id = k.unit_id"
                f"  WHERE k.depth = %s AND k.consolidating = 1 AND f.value IS NOT NULL"
                f"  UNION ALL SELECT k.parent_id, o.code, o.year, {none}, {none}, -o.own0,"
                f"   CASE WHEN o.own0 IS NULL THEN 0 ELSE -1 END, -o.own1, -1"
                f"  FROM {self.OWN} o JOIN {self.UNITS} k ON k.unit_id = o.unit_id"
                f"  WHERE k.depth = %s"
                f" ) x GROUP BY x.unit_id, x.code, x.year) g"
                f" CROSS JOIN (SELECT {false} AS mode UNION ALL SELECT {true}) m"
                f" WHERE {own} IS NOT NULL OR {number} > 0",
                [c, depth, depth, c, depth + 1, depth + 1],
            )
            if progress is not None:
                progress(done, steps)
        if progress is not None and not steps:
            progress(0, 0)
        for name in (self.UNITS, self.BELOW, self.OWN):
            self.execute(f"DROP TABLE {name}")
        return counts, figures

    def _scalar(self, sql: str, params: Iterable = ()):
        self.cursor.execute(sql, list(params))
        row = self.cursor.fetchone()
        return row[0] if row else None


def rebuild_for_units(unit_ids: Iterable[int]) -> int:
    """Rebuild every campaign with a report of one of these units (units that moved: their
    ancestors changed). Returns how many campaigns were rebuilt."""
    unit_ids = list(unit_ids)
    campaign_ids: set[int] = set()
    for start in range(0, len(unit_ids), _BATCH):
        campaign_ids.update(
            Report.objects.filter(unit_id__in=unit_ids[start : start + _BATCH])
            .values_list("campaign_id", flat=True)
            .distinct()
        )
    for campaign in Campaign.objects.filter(pk__in=campaign_ids).order_by("pk"):
        rebuild(campaign)
    return len(campaign_ids)


def on_units_moved(sender, unit_ids: list[int], **kwargs) -> None:
    """`orgs.signals.units_moved`: the moved units' reports have new ancestors, so every
    campaign holding one is rebuilt, in the transaction that moved them (simple and correct;
    a move is rare, a rebuild of a province's campaign takes a second or so)."""
    rebuild_for_units(unit_ids)


# ---------------------------------------------------------------------------------------------
# Reading


def figures(
    campaign: Campaign, unit: Unit, include_submitted: bool = False
) -> dict[str, dict[int, Decimal]]:
    """The unit's consolidated figures, {code: {year: value}}, ratios included: what
    `consolidation.subtree_figures(...).figures(unit)` gives, in one query."""
    return figures_by_unit(campaign, [unit.pk], include_submitted).get(unit.pk, {})


def figures_by_unit(
    campaign: Campaign, unit_ids: Iterable[int], include_submitted: bool = False
) -> dict[int, dict[str, dict[int, Decimal]]]:
    """`figures` of several units, {unit id: figures} (units without any left out): the
    consolidating units' rows, the others' own counted figures, in a few queries per 500
    units."""
    unit_ids = list(unit_ids)
    by_unit: dict[int, dict[Key, Decimal]] = defaultdict(dict)
    for start in range(0, len(unit_ids), _BATCH):
        batch = unit_ids[start : start + _BATCH]
        rows = LiveFigure.objects.filter(
            campaign=campaign,
            unit_id__in=batch,
            include_submitted=include_submitted,
            value__isnull=False,
        ).values_list("unit_id", "code", "year", "value")
        for unit_id, code, year, value in rows:
            by_unit[unit_id][(code, year)] = value
        consolidating = set(
            LiveCount.objects.filter(campaign=campaign, unit_id__in=batch).values_list(
                "unit_id", flat=True
            )
        )
        leaves = [unit_id for unit_id in batch if unit_id not in consolidating]
        for unit_id, key, value in _own_counted(campaign, leaves, include_submitted):
            by_unit[unit_id][key] = value
    ratios = [indicator for indicator in campaign.catalogue.indicators if indicator.derived]
    result = {}
    for unit_id, by_key in by_unit.items():
        by_code: dict[str, dict[int, Decimal]] = defaultdict(dict)
        for (code, year), value in _with_ratios(by_key, ratios).items():
            by_code[code][year] = value
        result[unit_id] = dict(by_code)
    return result


def _own_counted(
    campaign: Campaign, unit_ids: list[int], include_submitted: bool, codes=None
) -> Iterable[tuple[int, Key, Decimal]]:
    """(unit id, key, figure) of the summed figures of these units' reports that count: a
    unit with nothing below it has these for its consolidated figures."""
    if not unit_ids:
        return []
    summed = _summed(campaign)
    if codes is not None:
        summed &= set(codes)
    statuses = [ReportStatus.ACCEPTED] + ([ReportStatus.SUBMITTED] if include_submitted else [])
    return (
        (unit_id, (code, year), value)
        for unit_id, code, year, value in IndicatorValue.objects.filter(
            report__campaign=campaign,
            report__unit_id__in=unit_ids,
            report__status__in=statuses,
            value__isnull=False,
            code__in=summed,
        ).values_list("report__unit_id", "code", "year", "value")
    )


def leaf_figures(
    campaign: Campaign, unit: Unit, include_submitted: bool, indicators: list | None = None
) -> dict[Key, Decimal]:
    """The consolidated figures of a unit with nothing below it: its own counted figures (only
    `indicators`' when given) and the ratios of them."""
    codes = None if indicators is None else [indicator.code for indicator in indicators]
    by_key = {
        key: value for _, key, value in _own_counted(campaign, [unit.pk], include_submitted, codes)
    }
    ratios = [i for i in (indicators or campaign.catalogue.indicators) if i.derived]
    return _with_ratios(by_key, ratios)


def counts(campaign: Campaign, unit: Unit) -> dict[str, int]:
    """Reports of the unit's subtree (its own included) per state."""
    return counts_by_unit(campaign, [unit.pk]).get(unit.pk, dict.fromkeys(STATES, 0))


def counts_by_unit(campaign: Campaign, unit_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """`counts` of several units, {unit id: {state: reports}} (units without any left out): the
    consolidating units' rows, the others' own report."""
    unit_ids = list(unit_ids)
    result = {}
    for start in range(0, len(unit_ids), _BATCH):
        batch = unit_ids[start : start + _BATCH]
        for row in LiveCount.objects.filter(campaign=campaign, unit_id__in=batch).values(
            "unit_id", *STATES
        ):
            result[row.pop("unit_id")] = row
        leaves = [unit_id for unit_id in batch if unit_id not in result]
        if leaves:
            for unit_id, status in Report.objects.filter(
                campaign=campaign, unit_id__in=leaves
            ).values_list("unit_id", "status"):
                result[unit_id] = {**dict.fromkeys(STATES, 0), status: 1}
    return result


def counted(campaign: Campaign, unit: Unit, include_submitted: bool = False) -> tuple[int, int]:
    """(reports that count, reports expected) in the unit's subtree."""
    return counted_of(counts(campaign, unit), include_submitted)


def counted_of(tally: dict[str, int], include_submitted: bool) -> tuple[int, int]:
    done = tally[ReportStatus.ACCEPTED] + (
        tally[ReportStatus.SUBMITTED] if include_submitted else 0
    )
    return done, sum(tally.values())


def differences(
    campaign: Campaign, unit: Unit, include_submitted: bool = False
) -> list[Difference]:
    """Where a unit of the subtree states a figure and its units add up to another."""
    rows = LiveFigure.objects.filter(
        campaign=campaign,
        unit__path__startswith=unit.path,
        include_submitted=include_submitted,
        own__isnull=False,
        children_count__gt=0,
    ).values_list("unit_id", "unit__path", "code", "year", "own", "children_sum")
    found = [row for row in rows if row[4] != row[5]]
    tallies = counts_by_unit(campaign, {row[0] for row in found})
    result = []
    for unit_id, path, code, year, own, below in found:
        done, expected = counted_of(
            tallies.get(unit_id) or dict.fromkeys(STATES, 0), include_submitted
        )
        result.append(Difference(path, code, year, own, below, expected - done))
    return sorted(result, key=lambda d: (d.path, d.code, d.year))


# ---------------------------------------------------------------------------------------------
# A subtree's roll-up from the live tables (`consolidation.subtree_figures(engine="live")`)


def live_rollup_of(
    campaign: Campaign, unit: Unit, include_submitted: bool, indicators: list | None = None
) -> LiveRollup:
    """The roll-up of the reports under `unit` (itself included) read from the live tables,
    as `rollup_sql(..., leaves=False)` gives it (`LiveRollup`)."""
    return LiveRollup(campaign, unit, include_submitted, indicators)


class LiveRollup:
    """A `Rollup` of a subtree read from the live tables, lazily: the consolidating units'
    counts at once (one query: a country's 800 rows); one unit's figures when only they are
    asked for (`figures`: a document's, one query); every consolidating unit's figures and the
    differences when `values` or `differences` is read (one query, only `indicators`' codes when
    given). A unit with nothing below it is left out of the figures (`leaf_figures`: its own)
    and its count is its report's, read with the subtree's reports only if asked for
    (`missing`, a leaf's count)."""

    def __init__(
        self,
        campaign: Campaign,
        unit: Unit,
        include_submitted: bool,
        indicators: list | None = None,
    ):
        self.campaign, self.unit, self.include_submitted = campaign, unit, include_submitted
        ratios = [i for i in campaign.catalogue.indicators if i.derived]
        self._codes = None
        if indicators is not None:
            wanted = {indicator.code for indicator in indicators}
            self._codes = _summed(campaign) & wanted
            ratios = [i for i in ratios if i.code in wanted]
        self._ratios = ratios
        expected, done, self._ids = {}, {}, {}
        for row in LiveCount.objects.filter(
            campaign=campaign, unit__path__startswith=unit.path
        ).values("unit_id", "unit__path", *STATES):
            path = row.pop("unit__path")
            self._ids[row.pop("unit_id")] = path
            done[path], expected[path] = counted_of(row, include_submitted)
        self._reports = _Reports(campaign, unit, include_submitted)
        self.expected = _Tally(expected, self._reports, lambda report: 1)
        self.counted = _Tally(done, self._reports, lambda report: int(report.counted))
        self._known = expected
        self._path_ids = {path: unit_id for unit_id, path in self._ids.items()}
        self._all: tuple[dict, list] | None = None
        self._one: dict[str, dict[Key, Decimal]] = {}

    def consolidates(self, path: str) -> bool:
        """Has the unit at `path` (within the subtree) reports below it, and so live rows?"""
        return path in self._known

    def _rows(self, unit_ids: list[int]):
        rows = LiveFigure.objects.filter(
            campaign=self.campaign, include_submitted=self.include_submitted
        )
        rows = rows.filter(unit_id__in=unit_ids)  # the consolidating units': no join
        if self._codes is not None:
            rows = rows.filter(code__in=self._codes)
        return rows.values_list(
            "unit_id", "code", "year", "own", "children_sum", "children_count", "value"
        )

    def figures(self, path: str) -> dict[Key, Decimal]:
        if self._all is not None or path not in self._known:
            return self.values.get(path, {}) if path in self._known else {}
        if path not in self._one:
            unit_id = self._path_ids[path]
            by_key = {
                (code, year): value
                for _, code, year, _, _, _, value in self._rows([unit_id])
                if value is not None
            }
            self._one[path] = _with_ratios(by_key, self._ratios)
        return self._one[path]

    def _load(self) -> tuple[dict, list]:
        if self._all is None:
            paths = self._ids
            by_path: dict[str, dict[Key, Decimal]] = defaultdict(dict)
            stated = []
            for unit_id, code, year, own, below, number, value in self._rows(list(paths)):
                path = paths[unit_id]
                if value is not None:
                    by_path[path][(code, year)] = value
                if own is not None and number and own != below:
                    stated.append((path, code, year, own, below))
            values = {
                path: _with_ratios(by_path.get(path, {}), self._ratios) for path in self._known
            }
            missing = {path: self.expected[path] - self.counted[path] for path in self._known}
            found = sorted(
                (
                    Difference(path, code, year, own, below, missing[path])
                    for path, code, year, own, below in stated
                ),
                key=lambda d: (d.path, d.code, d.year),
            )
            self._all = (values, found)
        return self._all

    @property
    def values(self) -> dict[str, dict[Key, Decimal]]:
        return self._load()[0]

    @property
    def differences(self) -> list[Difference]:
        return self._load()[1]

    def missing(self, path: str) -> list[str]:
        """Paths of the units in `path`'s subtree whose report does not count (yet)."""
        return sorted(
            p for p, report in self._reports.items() if p.startswith(path) and not report.counted
        )


def _with_ratios(by_key: dict[Key, Decimal], ratios: list) -> dict[Key, Decimal]:
    years = {year for _, year in by_key}
    for indicator in ratios:
        for year in years:
            parts = {
                code: by_key.get((code, year))
                for code in (indicator.numerator, indicator.denominator)
            }
            value = derive(indicator, parts)
            if value is not None:
                by_key[(indicator.code, year)] = value
    return by_key


class _Reports(Mapping):
    """The subtree's reports as `Rollup._reports` holds them (path -> UnitReport), read on
    first use: only `Rollup.missing` needs them."""

    def __init__(self, campaign: Campaign, unit: Unit, include_submitted: bool):
        self._args = (campaign, unit, include_submitted)
        self._loaded: dict | None = None

    def _all(self) -> dict:
        if self._loaded is None:
            from baocao.consolidate.rollup import UnitReport

            campaign, unit, include_submitted = self._args
            self._loaded = {
                path: UnitReport(path, counted_in(status, include_submitted))
                for path, status in Report.objects.filter(
                    campaign=campaign, unit__path__startswith=unit.path
                ).values_list("unit__path", "status")
            }
        return self._loaded

    def __getitem__(self, key):
        return self._all()[key]

    def __iter__(self):
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


class _Tally(Mapping):
    """Reports expected (or counted) per path: the consolidating units' from their count rows,
    a leaf unit's from its report (the subtree's reports read on the first leaf asked for)."""

    def __init__(self, known: dict[str, int], reports: _Reports, one: Callable):
        self._known, self._reports, self._one = known, reports, one

    def __getitem__(self, path: str) -> int:
        if path in self._known:
            return self._known[path]
        return self._one(self._reports[path])

    def get(self, path: str, default=None):
        if path in self._known:  # without reading the reports
            return self._known[path]
        return super().get(path, default)

    def __iter__(self):
        yield from self._known
        yield from (path for path in self._reports if path not in self._known)

    def __len__(self) -> int:
        return sum(1 for _ in self)
