"""The outline (đề cương) as a tree of sections: the shape every other part of baocao reads.

Plain dataclasses, so the model can be built by the importers, loaded from YAML, and walked by
the web, the DOCX writer and the consolidation without any of them knowing how it was made.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from baocao.errors import InputError, gettext_noop
from baocao.indicators.catalogue import Indicator, Rule
from baocao.indicators.numbers import format_number

UNANCHORED = "unanchored"
# A real outline has a few hundred sections (the built-in one 60-odd); every page of a campaign
# lists them, so a file that makes tens of thousands is refused, whatever its format.
MAX_SECTIONS = 2_000


def too_many_sections() -> InputError:
    return InputError(
        gettext_noop(
            "Đề cương có hơn {limit} mục, nhiều hơn hẳn một đề cương thật "
            "(thường vài trăm mục), nên không được nhập. Hãy kiểm tra lại tệp đã chọn: có thể đó "
            "là một báo cáo hay một danh sách, không phải đề cương."
        ),
        limit=format_number(MAX_SECTIONS),
    )


@dataclass
class Footnote:
    """A footnote of the outline: usually the documents a section must follow.

    `anchor` says where its marker stands: "title", "prompt:<index>" (0-based, in the section's
    prompts) or "unanchored" when the importer could not find its marker (kept on the root).
    """

    text: str
    anchor: str = "title"


@dataclass
class Section:
    id: str
    number: str
    title: str
    guidance: list[str] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The heading as a reader sees it: "4.1. Kết quả ..." or "Phần thứ nhất: ..."."""
        if not self.number:
            return self.title
        if self.number.lower().startswith("phần"):
            return f"{self.number}: {self.title}" if self.title else self.number
        return f"{self.number}. {self.title}"

    def walk(self, depth: int = 0) -> Iterator[tuple[Section, int]]:
        yield self, depth
        for child in self.children:
            yield from child.walk(depth + 1)


@dataclass
class Outline:
    title: str
    preamble: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    # Footnotes whose marker was not found: kept here, flagged, never dropped.
    footnotes: list[Footnote] = field(default_factory=list)
    # What the importer could not do cleanly, said to the person who imported the file.
    warnings: list[str] = field(default_factory=list)
    # The indicator catalogue and validation rules the outline's sections ask for.
    years: dict[str, int] = field(default_factory=dict)
    indicators: list[Indicator] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)

    def walk(self) -> Iterator[tuple[Section, int]]:
        for section in self.sections:
            yield from section.walk()

    def section(self, section_id: str) -> Section:
        for section, _ in self.walk():
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    def common_indicators(self) -> list[Indicator]:
        """The catalogue's indicators that no section asks for (an appendix row whose section
        was not found): reported in a table of their own, in the catalogue's order."""
        attached = {code for section, _depth in self.walk() for code in section.indicators}
        return [i for i in self.indicators if i.code not in attached]
