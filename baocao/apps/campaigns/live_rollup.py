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

Every write happens in the transaction of the action that changes the report (`actions`):

- `apply_figure_change`: a figure saved or cleared (only a counted report's figures matter);
- `apply_status_change`: a report entering or leaving the counted set of a mode makes its unit
  stand on its own figures, or stop to, for every key it has;
- `apply_reports_added`: new draft reports (a campaign opened, units added);
- `rebuild`: everything recomputed from the reports and figures (unit moves, the CLI).

Concurrency: the rows of one change are created if missing (in a fixed order, ignoring
conflicts) and then locked in that same order (SELECT ... FOR UPDATE on PostgreSQL; SQLite
serialises writers), so two accepts under one district at the same moment both count. Every
change also holds the campaign's row FOR SHARE (PostgreSQL), which `rebuild` takes FOR UPDATE:
a rebuild waits for the changes in flight and the changes after it wait for the rebuild.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

from django.db import connection, transaction

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


def _share_campaign(campaign_id: int) -> None:
    """Hold the campaign's row FOR SHARE until the transaction ends (PostgreSQL): concurrent
    changes go on together, a `rebuild` (FOR UPDATE) waits for them and they wait for it."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Campaign._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR SHARE", [campaign_id])


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


def _climb(
    rows: dict[tuple[int, bool, str, int], LiveFigure],
    chain: list[int],
    mode: bool,
    code: str,
    year: int,
    own: Decimal | None,
    changed: set[int],
) -> None:
    """Set the first unit's own figure and carry the change of its figure upwards."""
    row = rows[(chain[0], mode, code, year)]
    before = row.value
    row.own = own
    row.value = after = _effective(row)
    changed.add(row.pk)
    for unit_id in chain[1:]:
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
    rows = _locked_figures(report.campaign_id, chain, [(mode, code, year) for mode in modes])
    changed: set[int] = set()
    for mode in modes:
        _climb(rows, chain, mode, code, year, new, changed)
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
        rows = _locked_figures(report.campaign_id, chain, keys)
        changed: set[int] = set()
        for mode in modes:
            counts = counted_in(new_status, mode)
            for (code, year), value in sorted(own.items()):
                _climb(rows, chain, mode, code, year, value if counts else None, changed)
        _save(rows, changed)
    _move_counts(
        report.campaign_id, {unit_id: {old_status: -1, new_status: 1} for unit_id in chain}
    )


def apply_reports_added(
    campaign: Campaign, reports: Iterable[Report], *, fresh: bool = False
) -> None:
    """New reports (drafts, without figures) counted in their units' subtrees. `fresh`: the
    campaign was opened in this transaction (nobody else can see it: no rows to lock)."""
    unit_paths = dict(
        Unit.objects.filter(pk__in=[report.unit_id for report in reports]).values_list("path", "pk")
    )
    if not unit_paths:
        return
    by_path: dict[str, int] = defaultdict(int)
    for path in unit_paths:
        for prefix in _prefixes(path):
            by_path[prefix] += 1
    ids = {**_unit_ids(path for path in by_path if path not in unit_paths), **unit_paths}
    added = {ids[path]: count for path, count in by_path.items() if path in ids}
    if fresh:
        LiveCount.objects.bulk_create(
            [
                LiveCount(campaign=campaign, unit_id=unit_id, draft=count)
                for unit_id, count in added.items()
            ],
            batch_size=_BATCH,
        )
        return
    _share_campaign(campaign.pk)
    _move_counts(
        campaign.pk, {unit_id: {ReportStatus.DRAFT: count} for unit_id, count in added.items()}
    )


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
    """Recompute the campaign's live figures and counts from its reports and figures, in one
    transaction (the campaign's row locked FOR UPDATE while it runs). Returns (figure rows,
    count rows). `progress(done, total)` is called as the figures are written."""
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        summed = _summed(campaign)
        reports = list(
            Report.objects.filter(campaign=campaign).values_list("pk", "unit__path", "status")
        )
        every_path: set[str] = set()
        for _, path, _ in reports:
            every_path.update(_prefixes(path))
        ids = _unit_ids(every_path)

        counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATES, 0))
        for _, path, status in reports:
            for prefix in _prefixes(path):
                counts[prefix][status] += 1

        # Own figures of counted reports, per mode: {mode: {path: {key: value}}}.
        status_of = {pk: (path, status) for pk, path, status in reports}
        own: dict[bool, dict[str, dict[Key, Decimal]]] = {mode: defaultdict(dict) for mode in MODES}
        values = IndicatorValue.objects.filter(
            report__campaign=campaign, value__isnull=False, code__in=summed
        ).values_list("report_id", "code", "year", "value")
        for report_id, code, year, value in values.iterator(chunk_size=10_000):
            path, status = status_of[report_id]
            for mode in MODES:
                if counted_in(status, mode):
                    own[mode][path][(code, year)] = value

        rows: list[LiveFigure] = []
        by_depth = sorted(every_path, key=lambda p: p.count(PATH_SEPARATOR), reverse=True)
        for mode in MODES:
            below: dict[str, dict[Key, list]] = defaultdict(dict)  # path -> key -> [sum, n]
            for path in by_depth:
                mine = own[mode].get(path, {})
                sums = below.pop(path, {})
                parent = _parent(path)
                for key in mine.keys() | sums.keys():
                    total, number = sums.get(key, (_ZERO, 0))
                    value = mine.get(key, total if number else None)
                    if path in ids:
                        rows.append(
                            LiveFigure(
                                campaign=campaign,
                                unit_id=ids[path],
                                include_submitted=mode,
                                code=key[0],
                                year=key[1],
                                own=mine.get(key),
                                children_sum=total,
                                children_count=number,
                                value=value,
                            )
                        )
                    if parent is not None and value is not None:
                        into = below[parent].setdefault(key, [_ZERO, 0])
                        into[0] += value
                        into[1] += 1

        LiveFigure.objects.filter(campaign=campaign).delete()
        LiveCount.objects.filter(campaign=campaign).delete()
        LiveCount.objects.bulk_create(
            [
                LiveCount(campaign=campaign, unit_id=ids[path], **tally)
                for path, tally in counts.items()
                if path in ids
            ],
            batch_size=_BATCH,
        )
        step = 5_000
        for start in range(0, len(rows), step):
            LiveFigure.objects.bulk_create(rows[start : start + step], batch_size=_BATCH)
            if progress is not None:
                progress(min(start + step, len(rows)), len(rows))
        if progress is not None and not rows:
            progress(0, 0)
        return len(rows), len(counts)


def _parent(path: str) -> str | None:
    trimmed = path.rstrip(PATH_SEPARATOR)
    cut = trimmed.rfind(PATH_SEPARATOR)
    return trimmed[: cut + 1] if cut >= 0 else None


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
    """`figures` of several units, {unit id: figures} (units without any left out), in one
    query per 500 units."""
    unit_ids = list(unit_ids)
    by_unit: dict[int, dict[Key, Decimal]] = defaultdict(dict)
    for start in range(0, len(unit_ids), _BATCH):
        rows = LiveFigure.objects.filter(
            campaign=campaign,
            unit_id__in=unit_ids[start : start + _BATCH],
            include_submitted=include_submitted,
            value__isnull=False,
        ).values_list("unit_id", "code", "year", "value")
        for unit_id, code, year, value in rows:
            by_unit[unit_id][(code, year)] = value
    ratios = [indicator for indicator in campaign.catalogue.indicators if indicator.derived]
    result = {}
    for unit_id, by_key in by_unit.items():
        by_code: dict[str, dict[int, Decimal]] = defaultdict(dict)
        for (code, year), value in _with_ratios(by_key, ratios).items():
            by_code[code][year] = value
        result[unit_id] = dict(by_code)
    return result


def counts(campaign: Campaign, unit: Unit) -> dict[str, int]:
    """Reports of the unit's subtree (its own included) per state."""
    return counts_by_unit(campaign, [unit.pk]).get(unit.pk, dict.fromkeys(STATES, 0))


def counts_by_unit(campaign: Campaign, unit_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """`counts` of several units, {unit id: {state: reports}} (units without any left out)."""
    unit_ids = list(unit_ids)
    result = {}
    for start in range(0, len(unit_ids), _BATCH):
        for row in LiveCount.objects.filter(
            campaign=campaign, unit_id__in=unit_ids[start : start + _BATCH]
        ).values("unit_id", *STATES):
            result[row.pop("unit_id")] = row
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
):
    """The `Rollup` that `rollup(...)` gives for the reports under `unit` (itself included),
    read from the live tables: every unit's figures (only `indicators`' codes when given),
    counts and differences, in two queries whatever the subtree's size (the reports are read
    only if `missing` is asked)."""
    from baocao.consolidate.rollup import Rollup

    wanted = None if indicators is None else {indicator.code for indicator in indicators}
    rows = LiveFigure.objects.filter(
        campaign=campaign, unit__path__startswith=unit.path, include_submitted=include_submitted
    ).values_list("unit__path", "code", "year", "own", "children_sum", "children_count", "value")
    by_path: dict[str, dict[Key, Decimal]] = defaultdict(dict)
    stated: list[tuple[str, str, int, Decimal, Decimal]] = []
    for path, code, year, own, below, number, value in rows:
        if wanted is not None and code not in wanted:
            continue
        if value is not None:
            by_path[path][(code, year)] = value
        if own is not None and number and own != below:
            stated.append((path, code, year, own, below))
    expected, done = {}, {}
    for row in LiveCount.objects.filter(campaign=campaign, unit__path__startswith=unit.path).values(
        "unit__path", *STATES
    ):
        path = row.pop("unit__path")
        done[path], expected[path] = counted_of(row, include_submitted)
    ratios = [i for i in campaign.catalogue.indicators if i.derived]
    if wanted is not None:
        ratios = [i for i in ratios if i.code in wanted]
    values = {path: _with_ratios(by_path.get(path, {}), ratios) for path in expected}
    found = sorted(
        (
            Difference(path, code, year, own, below, expected[path] - done[path])
            for path, code, year, own, below in stated
        ),
        key=lambda d: (d.path, d.code, d.year),
    )
    return Rollup(values, expected, done, found, _Reports(campaign, unit, include_submitted))


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
