"""What an ingest found in a file: section texts, indicator values, and everything it could not
place, so that a person can look, correct and confirm before anything is saved."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from baocao.templatemark import TemplateMark

if TYPE_CHECKING:
    from baocao.ingest.prose import ProseFigure


@dataclass(frozen=True)
class ValueNote:
    """A doubt about one value: `severity` "note" (read as said, e.g. "1,234" read the
    Vietnamese way) or "warning" (check it: approximate, or not read at all)."""

    code: str
    year: int
    written: str  # the cell as written
    message: str  # Vietnamese, for the person who filled the file
    severity: str = "warning"
    where: str = ""  # "bảng 2", "trang tính Chỉ tiêu, dòng 7"


@dataclass(frozen=True)
class Placement:
    """Where one paragraph (or table row) of the file went.

    `kind`: "heading" (matched a section), "text" (section text or unassigned), "guidance"
    (the outline's own instructions, not imported), "front"/"back" (header block, title,
    signature, recipients), "values" (an indicator table). `section` is None for text that
    could not be placed (it is in `unassigned`).
    """

    text: str
    kind: str
    section: str | None = None


@dataclass
class IngestResult:
    """The file mapped onto the outline.

    `sections` holds only sections that received text, in the stored format of
    `baocao.richtext` (p, ul, li, strong). `headings` (the heading as written in the file) and
    `confidence` are given for every section whose heading was found: 1 when title and
    numbering agree, about 0.5-0.8 when only part of the title matched, 0 for a section whose
    heading was merged into another's (its text is there; see `warnings`). `indicators` maps
    a code to {year: value}; `value_notes` say what was doubtful about single values.
    `unassigned` is content that could not be placed: it is shown to the person, never dropped.
    `proposals` are figures read from sentences (`baocao.ingest.prose`), each with its
    sentence and a confidence: offered to the person, never in `indicators`, never stored
    unless accepted.
    """

    sections: dict[str, str] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    headings: dict[str, str] = field(default_factory=dict)
    indicators: dict[str, dict[int, Decimal]] = field(default_factory=dict)
    value_notes: list[ValueNote] = field(default_factory=list)
    unassigned: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    front_matter: list[str] = field(default_factory=list)
    guidance: list[str] = field(default_factory=list)
    template: TemplateMark | None = None
    placements: list[Placement] = field(default_factory=list)
    proposals: list[ProseFigure] = field(default_factory=list)

    def keep_figure(self, code: str, year: int, value: Decimal, *, label: str, place: str) -> None:
        """A figure read from `place` ("bảng 2", "trang tính “Số liệu”"): the first one read for
        a (code, year) is kept; a different one later is not taken, and said."""
        known = self.indicators.setdefault(code, {})
        if year in known and known[year] != value:
            self.warnings.append(
                f"{label}, năm {year}: có hai số liệu khác nhau ({known[year]} và {value}); "
                f"đã giữ số đọc trước, số ở {place} chưa được nhập."
            )
            return
        known.setdefault(year, value)

    def all_warnings(self, names: dict[str, str] | None = None) -> list[str]:
        """Document warnings, then one line per value note ("Số đoàn viên, năm 2017: ...")."""
        names = names or {}
        lines = list(self.warnings)
        for note in self.value_notes:
            what = names.get(note.code, note.code)
            lines.append(f"{what}, năm {note.year}: {note.message}")
        return lines

    def to_json(self, *, names: dict[str, str] | None = None, details: bool = False) -> dict:
        """The CLI's JSON shape. Values are strings in plain decimal notation ("27850",
        "12.5") so no figure loses digits on its way through a float."""
        data: dict[str, Any] = {
            "sections": dict(self.sections),
            "indicators": {
                code: {str(year): decimal_text(value) for year, value in sorted(by_year.items())}
                for code, by_year in self.indicators.items()
            },
            "unassigned": list(self.unassigned),
            "warnings": self.all_warnings(names),
        }
        if details:
            data["confidence"] = {k: round(v, 3) for k, v in self.confidence.items()}
            data["headings"] = dict(self.headings)
            data["front_matter"] = list(self.front_matter)
            data["guidance"] = list(self.guidance)
            data["template"] = None if self.template is None else self.template.to_properties()
            data["proposals"] = [proposal.to_json() for proposal in self.proposals]
        return data


def decimal_of(text: object) -> Decimal | None:
    """The value `decimal_text` wrote (None for anything else): what a stored finding holds."""
    try:
        return Decimal(text)  # type: ignore[arg-type]
    except (InvalidOperation, TypeError, ValueError):
        return None


def decimal_text(value: Decimal) -> str:
    """Plain notation, never an exponent: Decimal("1E+3") -> "1000"."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"
