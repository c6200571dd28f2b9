"""An outline shaped for its page: heading levels, nested prompts, numbered footnotes.

Templates cannot count or look things up, so this module does it once: footnotes get the
numbers a Word reader would see (document order, title before prompts), "+ " prompts become
sub-bullets, and each section's indicator codes are resolved in the outline's catalogue.
Everything stays plain text; the template escapes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from baocao.outline.model import Footnote, Outline, Section

SUB_PROMPT = "+ "
# The table of the indicators attached to no section ("Chỉ tiêu chung"), shown and saved like a
# section's table under this id, which no imported section id takes (they start with "P").
COMMON_TABLE = "chi-tieu-chung"
COMMON_TITLE = "Chỉ tiêu chung"


@dataclass
class Note:
    number: int
    text: str
    placed: bool  # False when its marker could not be shown (unanchored or a stale prompt index)


@dataclass
class Prompt:
    text: str
    notes: list[Note] = field(default_factory=list)
    children: list[Prompt] = field(default_factory=list)


@dataclass
class IndicatorRow:
    code: str
    name: str
    unit: str
    part: bool = False  # "of them women", listed under its whole: shown indented


@dataclass
class SectionView:
    section: Section
    depth: int
    anchor: str
    title_notes: list[Note] = field(default_factory=list)
    prompts: list[Prompt] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    children: list[SectionView] = field(default_factory=list)

    @property
    def heading_level(self) -> int:
        """h1 is the outline's title; parts are h2 and HTML stops at h6."""
        return min(self.depth + 2, 6)


@dataclass
class OutlineView:
    outline: Outline
    tree: list[SectionView]
    root_notes: list[Note]
    # The indicators of the catalogue attached to no section, as a section of their own.
    common: SectionView | None = None


def section_anchor(section: Section) -> str:
    """A stable fragment for links (#muc-P1.II.4.1); HTML ids cannot hold spaces."""
    return "muc-" + re.sub(r"\s+", "-", section.id)


def _prompt_index(anchor: str) -> int | None:
    kind, _, index = anchor.partition(":")
    return int(index) if kind == "prompt" and index.isdigit() else None


def _note_order(note: Footnote) -> int:
    """Title markers come first, then prompts in order, then anything unplaceable."""
    if note.anchor == "title":
        return -1
    index = _prompt_index(note.anchor)
    return index if index is not None else 1_000_000


def _prompts(texts: list[str], notes_at: dict[int, list[Note]]) -> list[Prompt]:
    items: list[Prompt] = []
    for index, text in enumerate(texts):
        nested = text.startswith(SUB_PROMPT) and bool(items)
        prompt = Prompt(text=text.removeprefix(SUB_PROMPT) if nested else text)
        prompt.notes = notes_at.get(index, [])
        (items[-1].children if nested else items).append(prompt)
    return items


class _Builder:
    def __init__(self, outline: Outline):
        self.catalogue = {i.code: i for i in outline.indicators}
        self.next_number = 1

    def note(self, footnote: Footnote, placed: bool) -> Note:
        note = Note(number=self.next_number, text=footnote.text, placed=placed)
        self.next_number += 1
        return note

    def section(self, section: Section, depth: int) -> SectionView:
        view = SectionView(section=section, depth=depth, anchor=section_anchor(section))
        notes_at: dict[int, list[Note]] = {}
        for footnote in sorted(section.footnotes, key=_note_order):
            index = _prompt_index(footnote.anchor)
            on_title = footnote.anchor == "title"
            placed = on_title or (index is not None and index < len(section.prompts))
            note = self.note(footnote, placed)
            view.notes.append(note)
            if on_title:
                view.title_notes.append(note)
            elif placed:
                notes_at.setdefault(index, []).append(note)
        view.prompts = _prompts(section.prompts, notes_at)
        for code in section.indicators:
            known = self.catalogue.get(code)
            if known is None:
                view.indicators.append(IndicatorRow(code, "", ""))
                continue
            # "Trong đó: nữ" reads right only under its whole; elsewhere use the full name.
            part = known.part_of in section.indicators
            name = known.row_label if part else known.name
            # A break chance after each "/" so "triệu đồng/người/tháng" fits a phone's column.
            unit = known.unit.replace("/", "/\u200b")
            view.indicators.append(IndicatorRow(code, name, unit, part))
        view.children = [self.section(child, depth + 1) for child in section.children]
        return view


def outline_view(outline: Outline) -> OutlineView:
    builder = _Builder(outline)
    tree = [builder.section(section, 0) for section in outline.sections]
    root_notes = [builder.note(footnote, placed=False) for footnote in outline.footnotes]
    common = [indicator.code for indicator in outline.common_indicators()]
    return OutlineView(
        outline=outline,
        tree=tree,
        root_notes=root_notes,
        common=builder.section(
            Section(id=COMMON_TABLE, number="", title=COMMON_TITLE, indicators=common), 0
        )
        if common
        else None,
    )
