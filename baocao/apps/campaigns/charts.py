"""Small charts as inline SVG, drawn on the server: no script, readable on a phone, printable.

Each function takes plain numbers and labels (already translated: the page passes its few own
words, Vietnamese by default) and returns the SVG text,
with a <title> and <desc> so a screen reader announces what it shows; the page puts the same
numbers in a table beside it. Colours come from CSS classes (dashboard.css), so the legend and
the chart always agree. Framework-free.
"""

from __future__ import annotations

import datetime
import html
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from baocao.indicators.numbers import format_number

# viewBox width: drawn in a card about 300 px wide (a phone, or a third of a desktop page), so
# the text keeps about its CSS size.
WIDTH = 340
_ids = itertools.count(1)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _n(value: float | int | Decimal) -> str:
    return format_number(Decimal(str(value)), 0)


def _svg(height: float, title: str, desc: str, body: list[str], css: str) -> str:
    key = next(_ids)
    return (
        f'<svg class="chart {css}" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-labelledby="chart-{key}-t chart-{key}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart-{key}-t">{_e(title)}</title><desc id="chart-{key}-d">{_e(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _dm(day: datetime.date) -> str:
    return f"{day:%d/%m}"


# --- cumulative progress --------------------------------------------------------------------


def progress_chart(
    points: Sequence[tuple[datetime.date, int]],
    *,
    start: datetime.date,
    end: datetime.date,
    total: int,
    deadline: datetime.date,
    today: datetime.date,
    title: str,
    desc: str,
    deadline_label: str = "Hạn",
) -> str:
    """Reports sent (at least once) by the end of each day, against the number expected."""
    left, right, top, bottom = 44, WIDTH - 12, 14, 186
    height = 214
    days = max(1, (end - start).days)
    peak = max(total, max((count for _, count in points), default=0), 1)

    def x(day: datetime.date) -> float:
        return left + (right - left) * (day - start).days / days

    def y(count: float) -> float:
        return bottom - (bottom - top) * count / peak

    body = []
    for share in (0, 0.25, 0.5, 0.75, 1):
        value = round(peak * share)
        body.append(
            f'<line class="grid" x1="{left}" x2="{right}" y1="{y(value):.1f}" y2="{y(value):.1f}"/>'
            f'<text class="tick" x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end">'
            f"{_n(value)}</text>"
        )
    if points:
        coords = []
        previous = None
        for day, count in points:
            if previous is not None:
                coords.append(f"{x(day):.1f},{y(previous):.1f}")
            coords.append(f"{x(day):.1f},{y(count):.1f}")
            previous = count
        last_day = points[-1][0] + datetime.timedelta(days=1)
        last_x = x(min(last_day, end))
        coords.append(f"{last_x:.1f},{y(previous or 0):.1f}")
        area = f"{x(points[0][0]):.1f},{bottom} " + " ".join(coords) + f" {last_x:.1f},{bottom}"
        body.append(f'<polygon class="area" points="{area}"/>')
        body.append(f'<polyline class="line" points="{" ".join(coords)}"/>')
    body.append(
        f'<line class="target" x1="{left}" x2="{right}" y1="{y(total):.1f}" y2="{y(total):.1f}"/>'
    )
    dx = x(deadline)
    body.append(f'<line class="deadline" x1="{dx:.1f}" x2="{dx:.1f}" y1="{top}" y2="{bottom}"/>')
    anchor = "end" if dx > WIDTH * 0.7 else "start"
    shift = -4 if anchor == "end" else 4
    body.append(
        f'<text class="note" x="{dx + shift:.1f}" y="{top + 10}" text-anchor="{anchor}">'
        f"{_e(deadline_label)} {_dm(deadline)}</text>"
    )
    if start < today < end:
        tx = x(today)
        body.append(
            f'<line class="today" x1="{tx:.1f}" x2="{tx:.1f}" y1="{top + 16}" y2="{bottom}"/>'
        )
    body.append(
        f'<line class="axis" x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}"/>'
        f'<text class="tick" x="{left}" y="{bottom + 16}">{_dm(start)}</text>'
        f'<text class="tick" x="{right}" y="{bottom + 16}" text-anchor="end">{_dm(end)}</text>'
    )
    return _svg(height, title, desc, body, "chart--progress")


# --- stacked bars ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    key: str  # CSS modifier: "accepted", "submitted", ...
    label: str
    count: int


def stacked_bars(
    rows: Sequence[tuple[str, int, Sequence[Segment]]], *, title: str, desc: str
) -> str:
    """One bar per row, its parts as shares of the row's total (so a kind with 10 units and
    one with 900 are read the same way); the counts are written in the parts that fit."""
    bar, row_height, top = 20, 46, 2
    body = []
    for index, (label, total, segments) in enumerate(rows):
        y = top + index * row_height
        body.append(
            f'<text class="label" x="0" y="{y + 12}">{_e(label)} '
            f'<tspan class="tick">({_n(total)})</tspan></text>'
        )
        x, bar_y = 0.0, y + 18
        for segment in segments:
            if not segment.count or not total:
                continue
            width = WIDTH * segment.count / total
            body.append(
                f'<rect class="seg seg--{_e(segment.key)}" x="{x:.1f}" y="{bar_y}" '
                f'width="{width:.1f}" height="{bar}"><title>{_e(label)}: {_e(segment.label)} '
                f"{_n(segment.count)}</title></rect>"
            )
            if width >= 7 * len(_n(segment.count)) + 6:
                body.append(
                    f'<text class="in-bar seg-text--{_e(segment.key)}" x="{x + width / 2:.1f}" '
                    f'y="{bar_y + bar / 2 + 4:.1f}" text-anchor="middle">{_n(segment.count)}</text>'
                )
            x += width
    height = top + len(rows) * row_height
    return _svg(max(height, 30), title, desc, body, "chart--bars")


# --- two years side by side --------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    label: str
    baseline: Decimal | None
    current: Decimal | None


def paired_bars(
    pairs: Sequence[Pair],
    *,
    years: tuple[int, int],
    title: str,
    desc: str,
    no_figure: str = "chưa có số liệu",
) -> str:
    """Each indicator on its own scale (members and CĐCS differ a hundredfold): the baseline
    year's bar over the current year's, each with its figure, and the change beside."""
    label_width, right = 52, WIDTH - 70
    bar, gap, block = 16, 4, 66
    body = []
    for index, pair in enumerate(pairs):
        y0 = index * block + 4
        body.append(f'<text class="label" x="0" y="{y0 + 10}">{_e(pair.label)}</text>')
        peak = max(pair.baseline or 0, pair.current or 0) or 1
        for row, (year, value, key) in enumerate(
            ((years[0], pair.baseline, "base"), (years[1], pair.current, "now"))
        ):
            y = y0 + 16 + row * (bar + gap)
            body.append(
                f'<text class="tick" x="{label_width - 6}" y="{y + bar - 4}" '
                f'text-anchor="end">{year}</text>'
            )
            if value is None:
                body.append(
                    f'<text class="tick" x="{label_width}" y="{y + bar - 4}">{_e(no_figure)}</text>'
                )
                continue
            width = max(1.0, (right - label_width) * float(value) / float(peak))
            body.append(
                f'<rect class="pair pair--{key}" x="{label_width}" y="{y}" width="{width:.1f}" '
                f'height="{bar}"/><text class="value" x="{label_width + width + 4:.1f}" '
                f'y="{y + bar - 4}">{_n(value)}</text>'
            )
        if pair.baseline and pair.current is not None:
            change = pair.current - pair.baseline
            percent = format_number(change * 100 / pair.baseline, 1)
            sign = "+" if change > 0 else ""
            body.append(
                f'<text class="note" x="{WIDTH}" y="{y0 + 10}" text-anchor="end">'
                f"{sign}{format_number(change, 0)} ({sign}{percent}%)</text>"
            )
    height = len(pairs) * block + 4
    return _svg(max(height, 30), title, desc, body, "chart--pairs")
