"""The unit tree shaped for its page, from one query's rows.

A province has about 1,000 units and the page shows all of them, collapsed: a recursive template
would render one include per unit, so the tree is flattened here instead, in depth-first order,
each node saying how many levels close after it. Counts per kind, for the whole tree and under
each unit, and the search (by name or code, with or without Vietnamese accents) are done here
too, on the same rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext, gettext_noop

from baocao.apps.orgs.models import PATH_SEPARATOR, Unit, UnitKind
from baocao.text import fold
from baocao.unitfile import KIND_LEVEL

# Short names for counts ("10 LĐLĐ huyện · 185 CĐCS"); the full labels are UnitKind's. In
# Vietnamese, as the documents say them; a page says them in the person's language (kind_short).
KIND_SHORT = {
    UnitKind.NATIONAL: gettext_noop("Tổng LĐLĐ"),
    UnitKind.PROVINCE: gettext_noop("LĐLĐ tỉnh"),
    UnitKind.NATIONAL_SECTOR: gettext_noop("CĐ ngành TW"),
    UnitKind.DISTRICT: gettext_noop("LĐLĐ huyện"),
    UnitKind.SECTOR: gettext_noop("CĐ ngành"),
    UnitKind.ZONE: gettext_noop("CĐ KKT, KCN"),
    UnitKind.GRASSROOTS: gettext_noop("CĐCS"),
}
KIND_ORDER = list(KIND_SHORT)


def kind_short(kind: str) -> str:
    """A kind's short name as a page says it (the kind itself when unknown)."""
    return gettext(KIND_SHORT[kind]) if kind in KIND_SHORT else kind


@dataclass
class KindCount:
    kind: str
    label: str
    short: str
    count: int


@dataclass
class Node:
    unit: Unit
    level: int  # 0 for the top of what the user sees
    has_children: bool = False
    open: bool = False
    match: bool = False
    closes: range = range(0)  # how many </ul></details></li> follow this node
    kind_short: str = ""
    below: list[KindCount] = field(default_factory=list)  # units under it, by kind


@dataclass
class UnitTree:
    nodes: list[Node]
    totals: list[KindCount]  # every visible unit, by kind
    total: int
    query: str = ""
    matches: int = 0


def kind_counts(counter: Counter) -> list[KindCount]:
    labels = dict(UnitKind.choices)
    return [
        KindCount(kind, str(labels[kind]), kind_short(kind), counter[kind])
        for kind in KIND_ORDER
        if counter[kind]
    ]


def tree_order(kind_of: Mapping[str, str]) -> Callable[[str], str]:
    """A sort key on unit paths: depth first, and among siblings the higher kinds first (a
    province's districts and sector unions before its own CĐCS), then by code. `kind_of` gives
    the kinds of the codes present. Each path's key is its parent's key plus one segment
    (level, code, then a byte below any code's), so the keys compare as the lists of (level,
    code) would, and 130,000 national rows sort in a fraction of a second."""
    keys: dict[str, str] = {}

    def key(path: str) -> str:
        found = keys.get(path)
        if found is None:
            trimmed = path.rstrip(PATH_SEPARATOR)
            cut = trimmed.rfind(PATH_SEPARATOR)
            code = trimmed[cut + 1 :]
            above = key(trimmed[: cut + 1]) if cut >= 0 else ""
            level = KIND_LEVEL.get(kind_of.get(code, ""), 0)
            found = keys[path] = f"{above}{level}{code}\x01"
        return found

    return key


def build_tree(units: Iterable[Unit], query: str = "", *, open_all: bool = False) -> UnitTree:
    """The visible units as a flat, depth-first list of nodes; `query` keeps the matching units
    and the units above them (all opened)."""
    units = list(units)
    by_code = {unit.code: unit for unit in units}
    place = tree_order({unit.code: unit.kind for unit in units})
    units.sort(key=lambda unit: place(unit.path))
    totals = Counter(unit.kind for unit in units)
    below: dict[str, Counter] = {}
    ancestors: dict[str, list[str]] = {}
    for unit in units:
        present = [code for code in unit.ancestor_codes() if code in by_code]
        ancestors[unit.code] = present
        for code in present:
            below.setdefault(code, Counter())[unit.kind] += 1

    needle = fold(query)
    shown = units
    matched: set[str] = set()
    if needle:
        matched = {
            unit.code
            for unit in units
            if needle in unit.name_folded or needle in unit.code.casefold()
        }
        keep = set(matched)
        for code in matched:
            keep.update(ancestors[code])
        shown = [unit for unit in units if unit.code in keep]

    nodes = [
        Node(
            unit=unit,
            level=len(ancestors[unit.code]),
            match=unit.code in matched,
            kind_short=kind_short(unit.kind),
            below=kind_counts(below.get(unit.code, Counter())),
        )
        for unit in shown
    ]
    for index, node in enumerate(nodes):
        following = nodes[index + 1] if index + 1 < len(nodes) else None
        node.has_children = following is not None and following.unit.path.startswith(node.unit.path)
        node.open = bool(needle) or open_all or node.level == 0
        if not node.has_children:
            node.closes = range(node.level - (following.level if following else 0))
    return UnitTree(
        nodes=nodes,
        totals=kind_counts(totals),
        total=len(units),
        query=query,
        matches=len(matched),
    )
