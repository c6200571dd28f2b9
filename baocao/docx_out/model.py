"""What the DOCX writer needs to know about one report: plain data, filled in by the caller.

The same shape serves a unit's own report and a consolidated one: the caller (web view, CLI,
consolidation) gathers the section texts and the indicator values, already rolled up and with
derived ratios already computed; the writer only lays them out.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from baocao.indicators.catalogue import Indicator
from baocao.outline.model import Outline

Values = dict[str, dict[int, Decimal | None]]


@dataclass
class Header:
    """The header block (phần đầu văn bản) of Nghị định 30/2020/NĐ-CP.

    `superior_unit` is the issuing unit's direct superior ("LĐLĐ TỈNH KON TUM"), `number` the
    document number without "Số:" ("05/BC-LĐLĐ"), `place` the place name in the date line.
    """

    superior_unit: str
    issuing_unit: str
    number: str
    place: str
    date: datetime.date


@dataclass
class Signature:
    """Who signs: "TM. BAN THƯỜNG VỤ" (on behalf of the standing committee), "CHỦ TỊCH", name.

    An empty `on_behalf` drops that line (a head signing in their own right).
    """

    on_behalf: str = "TM. BAN THƯỜNG VỤ"
    position: str = "CHỦ TỊCH"
    name: str = ""


def _default_recipients() -> list[str]:
    return ["Như trên", "Lưu: VT"]


@dataclass
class ReportDocument:
    """One report to render.

    `section_texts` maps a section id ("P1/II/1") to its text: the stored format of
    `baocao.richtext` (paragraphs, sub-headings, nested lists, tables; bold, italic,
    underline) or plain lines. `indicator_values` maps an indicator code to {year: value};
    None (or a missing year) means no figure, not zero.
    `years` is (baseline, current); empty `title`, `years` or `indicators` fall back to the
    outline's title, years and catalogue.
    """

    outline: Outline
    header: Header
    title: str = ""
    section_texts: dict[str, str] = field(default_factory=dict)
    indicator_values: Values = field(default_factory=dict)
    years: tuple[int, int] | None = None
    indicators: list[Indicator] | None = None
    signature: Signature = field(default_factory=Signature)
    recipients: list[str] = field(default_factory=_default_recipients)
    charts: bool = True
    synthetic_note: str = ""
    # What the figures count ("Số liệu tổng hợp từ 424/974 báo cáo đã duyệt ..."), said under
    # the title and over the figures appendix, so a reader knows which total this is.
    counting_note: str = ""

    def __post_init__(self) -> None:
        self.title = self.title or self.outline.title
        if self.years is None:
            self.years = (int(self.outline.years["baseline"]), int(self.outline.years["current"]))
        else:
            self.years = (int(self.years[0]), int(self.years[1]))
        if self.indicators is None:
            self.indicators = list(self.outline.indicators)
        # Callers holding YAML or JSON data key years by string: accept "2008" as 2008.
        self.indicator_values = {
            code: {int(year): value for year, value in by_year.items()}
            for code, by_year in self.indicator_values.items()
        }

    @property
    def baseline(self) -> int:
        return self.years[0]

    @property
    def current(self) -> int:
        return self.years[1]

    def value(self, code: str, year: int) -> Decimal | None:
        return self.indicator_values.get(code, {}).get(year)
