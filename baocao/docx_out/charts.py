"""The appendix chart: the main indicators, baseline year beside current year, as a PNG.

One small panel per indicator, because members (tens of thousands) and grassroots unions
(hundreds) share no useful scale. matplotlib is imported only when a chart is drawn, through
its object API (no pyplot, no global figure state), with the font it ships (DejaVu Sans has
every Vietnamese letter), a fixed DPI and no metadata, so equal data give equal bytes.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from decimal import Decimal

from baocao.indicators.maths import growth
from baocao.indicators.numbers import format_number

WIDTH_CM = 15.0
DPI = 200
ROW_HEIGHT_CM = 6.0
_BASELINE_COLOUR = "#9aa5b1"
_CURRENT_COLOUR = "#1f4e79"


@dataclass(frozen=True)
class ChartItem:
    name: str
    unit: str
    baseline: Decimal | None
    current: Decimal | None


def comparison_chart(items: list[ChartItem], years: tuple[int, int]) -> bytes:
    """A PNG, WIDTH_CM wide at DPI: one panel of two bars per item, in one row or two."""
    import matplotlib
    from matplotlib.figure import Figure

    style = {
        "font.family": "DejaVu Sans",
        "font.size": 8.5,
        "svg.hashsalt": "baocao",
    }
    labels = [str(years[0]), str(years[1])]
    columns = len(items) if len(items) <= 3 else 2
    rows = -(-len(items) // columns)
    with matplotlib.rc_context(style):
        size = (WIDTH_CM / 2.54, rows * ROW_HEIGHT_CM / 2.54)
        figure = Figure(figsize=size, dpi=DPI, layout="constrained")
        axes = figure.subplots(rows, columns, squeeze=False).flatten()
        for ax, item in zip(axes, items, strict=False):
            _panel(ax, item, labels)
        for ax in axes[len(items) :]:
            ax.set_visible(False)
        figure.get_layout_engine().set(w_pad=0.1, h_pad=0.15, wspace=0.08, hspace=0.1)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _panel(ax, item: ChartItem, labels: list[str]) -> None:
    heights = [float(item.baseline or 0), float(item.current or 0)]
    bars = ax.bar([0, 1], heights, width=0.62, color=[_BASELINE_COLOUR, _CURRENT_COLOUR])
    top = max(heights) or 1.0
    for bar, value in zip(bars, (item.baseline, item.current), strict=True):
        shown = "–" if value is None else format_number(value, 0)
        ax.text(
            bar.get_x() + bar.get_width() / 2,
            bar.get_height() + top * 0.03,
            shown,
            ha="center",
            va="bottom",
            fontsize=8.5,
        )
    ax.set_ylim(0, top * 1.22)
    ax.set_xlim(-0.6, 1.6)
    ax.set_xticks([0, 1], labels)
    ax.tick_params(axis="x", length=0, labelsize=8.5)
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    title = "\n".join(textwrap.wrap(item.name, 30)[:3])
    ax.set_title(f"{title}\n({item.unit})", fontsize=8.5, fontweight="bold", pad=6)
    change, percent = growth(item.baseline, item.current)
    if change is not None:
        words = "tăng" if change > 0 else "giảm" if change < 0 else "không đổi"
        text = words if change == 0 else f"{words} {format_number(abs(change), 0)}"
        if percent is not None and change != 0:
            text += f" ({format_number(abs(percent), 1, trim=False)}%)"
        ax.set_xlabel(text, fontsize=8.5, labelpad=4, style="italic")
