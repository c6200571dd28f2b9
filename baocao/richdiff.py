"""What changed from one stored section text to the next, for the pages that show it (a
section's history, the changes since a return): the text compared line by line, a table
compared and shown as a table.

Paragraphs, sub-headings and list items are lines, as `richtext.editable_lines` writes them;
a table is one unit of the comparison (its rows' text), and a table changed is shown as the
table it was and the table it became, the cells that differ marked (``<del>`` in the old one,
``<ins>`` in the new one). The tables' HTML is built from the parsed blocks, every text
escaped, and passes through the sanitiser (nh3) with the stored format's allow-list plus
``del``/``ins``. Framework-free.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from difflib import SequenceMatcher

import nh3

from baocao.richtext import (
    ALLOWED_TAGS,
    MAX_COMPARED_LINES,
    SPAN_VALUES,
    Span,
    TableBlock,
    editable_lines,
    from_plain_lines,
    section_blocks,
)

_CELL_ATTRIBUTES = {"colspan": set(SPAN_VALUES), "rowspan": set(SPAN_VALUES)}
# What a shown table may hold: the stored format, and the marks of a changed cell.
_SHOW = {
    "tags": set(ALLOWED_TAGS | {"del", "ins"}),
    "attributes": {},
    "tag_attribute_values": {"td": _CELL_ATTRIBUTES, "th": _CELL_ATTRIBUTES},
    "strip_comments": True,
    "link_rel": None,
}


@dataclass(frozen=True)
class Change:
    """A line removed or added (`kind` "removed"/"added"); for a table, `line` is its text
    (a row per line, cells joined by " | ") and `table` its sanitised HTML."""

    kind: str
    line: str
    table: str = ""


@dataclass(frozen=True)
class _Table:
    key: tuple[str, ...]
    block: TableBlock


def _units(text: str | None) -> list[str | _Table]:
    """The text as the comparison reads it: a string per line (as `richtext.editable_lines`
    writes it: "- " before a bullet, "1. " before a numbered item), a `_Table` per table."""
    units: list[str | _Table] = []
    for block in section_blocks(text):
        if isinstance(block, TableBlock):
            units.append(_Table(tuple(block.lines()), block))
            continue
        first, *rest = block.text.split("\n")
        marker = "- " if block.marker and not block.ordered else f"{block.marker} "
        units.append(marker + first if block.marker else first)
        units.extend(rest)
    return [unit for unit in units if not isinstance(unit, str) or unit.strip()]


def _spans_html(spans: list[Span]) -> str:
    out = []
    for span in spans:
        if span.text == "\n":
            out.append("<br>")
            continue
        text = html.escape(span.text, quote=False)
        if span.underline:
            text = f"<u>{text}</u>"
        if span.italic:
            text = f"<em>{text}</em>"
        if span.bold:
            text = f"<strong>{text}</strong>"
        out.append(text)
    return "".join(out)


def _grid(table: TableBlock) -> dict[tuple[int, int], str] | None:
    """Each cell's text by its place in the grid (row, column); None for a table too wide."""
    laid = table.layout()
    if laid is None:
        return None
    return {(p.row, p.column): " ".join(p.cell.text.split()) for p in laid[1]}


def table_html(table: TableBlock, other: TableBlock | None = None, mark: str = "") -> str:
    """The table as sanitised HTML; with `other` (the table it is compared with) the cells
    whose text differs from the cell at the same place in `other` wrapped in `mark` (del/ins)."""
    mine = _grid(table) if other is not None else None
    theirs = _grid(other) if other is not None else None
    changed: set[tuple[int, int]] = set()
    if mine is not None and theirs is not None:
        changed = {place for place, text in mine.items() if theirs.get(place) != text}
    laid = table.layout()
    places = {id(p.cell): (p.row, p.column) for p in laid[1]} if laid else {}
    rows = []
    for row in table.rows:
        cells = []
        for cell in row:
            tag = "th" if cell.header else "td"
            spans = ""
            if cell.colspan > 1:
                spans += f' colspan="{cell.colspan}"'
            if cell.rowspan > 1:
                spans += f' rowspan="{cell.rowspan}"'
            content = _spans_html(cell.spans)
            if mark and places.get(id(cell)) in changed and content:
                content = f"<{mark}>{content}</{mark}>"
            cells.append(f"<{tag}{spans}>{content}</{tag}>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    head, body = rows[: table.header_rows], rows[table.header_rows :]
    built = "<table>"
    if head:
        built += f"<thead>{''.join(head)}</thead>"
    built += f"<tbody>{''.join(body)}</tbody></table>"
    return nh3.clean(built, **_SHOW)


def _count(units: list[str | _Table]) -> int:
    """Lines, as `richtext.changed_lines` counts them: a table's rows each a line."""
    return sum(len(unit.key) if isinstance(unit, _Table) else 1 for unit in units)


def changed_blocks(before: str | None, after: str | None) -> list[Change] | None:
    """What changed from one stored text to the next, in order: lines removed and added, as
    `richtext.changed_lines` gives them, but a table is one unit, shown as a table. A table
    changed in place is shown twice (as it was, as it is), its changed cells marked. None
    when either text has more than MAX_COMPARED_LINES lines."""
    old, new = _units(before), _units(after)
    if max(_count(old), _count(new)) > MAX_COMPARED_LINES:
        return None
    keys_old = [unit.key if isinstance(unit, _Table) else unit for unit in old]
    keys_new = [unit.key if isinstance(unit, _Table) else unit for unit in new]
    changes: list[Change] = []
    matcher = SequenceMatcher(None, keys_old, keys_new, autojunk=True)
    for tag, old_from, old_to, new_from, new_to in matcher.get_opcodes():
        removed = old[old_from:old_to] if tag in ("replace", "delete") else []
        added = new[new_from:new_to] if tag in ("replace", "insert") else []
        # A table replaced by a table: each shown with the cells that differ from the other.
        old_tables = [unit for unit in removed if isinstance(unit, _Table)]
        new_tables = [unit for unit in added if isinstance(unit, _Table)]
        pairs = dict(zip(map(id, old_tables), new_tables, strict=False))
        pairs.update(zip(map(id, new_tables), old_tables, strict=False))
        for kind, units, mark in (("removed", removed, "del"), ("added", added, "ins")):
            for unit in units:
                if isinstance(unit, _Table):
                    other = pairs.get(id(unit))
                    shown = table_html(unit.block, other.block if other else None, mark)
                    changes.append(Change(kind, "\n".join(unit.key), shown))
                else:
                    changes.append(Change(kind, unit))
    return changes


def has_formatting(text: str | None) -> bool:
    """Whether a stored text says more than its lines do (bold, a table, a nested or numbered
    list, a sub-heading): what would be lost if it were saved back from its lines."""
    return bool(text) and from_plain_lines(editable_lines(text)) != text
