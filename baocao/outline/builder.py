"""Build an Outline from the logical lines of a document, whatever it was read from.

Both importers (plain text, DOCX) turn their input into `Line`s and footnote texts; this module
decides what is a heading, at which level, what is guidance and what is a prompt, and where each
footnote belongs. Levels follow the order in which numbering styles first appear, the way a
reader infers them, so an outline whose top level is `1.` with `a)` below works as well as the
seed's `Phần / I / 1 / 4.1`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from baocao.outline.model import (
    MAX_SECTIONS,
    UNANCHORED,
    Footnote,
    Outline,
    Section,
    too_many_sections,
)
from baocao.outline.numbering import Bullet, Heading, classify, split_title

# Bullets that sit one level deeper in the outline's text (prompts starting "+ ").
NESTED_PREFIX = "+ "


@dataclass
class Line:
    """One paragraph of the source, cleaned, with what the source format knows about it.

    `markers` counts footnote markers found in it (in order). `level` is set when the source says
    this is a heading of that level (a Word heading style); `number` when the source numbered it
    outside the text (Word automatic numbering); `bullet` when the source says it is a list item.
    """

    text: str
    markers: int = 0
    level: int | None = None
    number: str | None = None
    bullet: bool = False


@dataclass
class _Anchor:
    section: Section
    anchor: str


@dataclass
class _State:
    outline: Outline
    stack: list[tuple[str, Section]] = field(default_factory=list)
    anchors: list[_Anchor] = field(default_factory=list)
    bullet_markers: dict[str, list[str]] = field(default_factory=dict)
    # The section whose title is still to come on the next line ("Phần thứ nhất" + title line).
    awaiting_title: Section | None = None
    sections: int = 0

    @property
    def current(self) -> Section | None:
        return self.stack[-1][1] if self.stack else None


def _heading_for(line: Line) -> Heading | None:
    if line.level is not None:
        found = classify(line.text)
        style = f"level{line.level}"
        if isinstance(found, Heading):
            number = _bare(line.number or found.number)
            return Heading(style, _token(found.token, number), number, found.rest)
        number = _bare(line.number or "")
        return Heading(style, _token("", number) or str(line.level), number, line.text)
    if line.number:
        found = classify(f"{line.number} {line.text}")
        if isinstance(found, Heading):
            return found
    found = classify(line.text)
    return found if isinstance(found, Heading) else None


def _bare(number: str) -> str:
    """A number as the outline stores it: "II." from Word's list numbering becomes "II"."""
    return number.strip(" .:)-–(")


def _token(token: str, number: str) -> str:
    return token or number.strip(" .)-")


def _unique_id(parent_id: str, token: str, siblings: list[Section]) -> str:
    base = f"{parent_id}/{token}" if parent_id else token
    taken = {s.id for s in siblings}
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _open_section(state: _State, heading: Heading, markers: int) -> None:
    state.sections += 1
    if state.sections > MAX_SECTIONS:
        raise too_many_sections()
    styles = [style for style, _ in state.stack]
    if heading.style in styles:
        del state.stack[styles.index(heading.style) :]
    parent = state.current
    siblings = parent.children if parent else state.outline.sections
    title, guidance = split_title(heading.rest)
    section = Section(
        id=_unique_id(parent.id if parent else "", heading.token, siblings),
        number=heading.number,
        title=title,
        guidance=[guidance] if guidance else [],
    )
    siblings.append(section)
    state.stack.append((heading.style, section))
    state.awaiting_title = None if title else section
    state.anchors.extend(_Anchor(section, "title") for _ in range(markers))


def _add_prompt(state: _State, section: Section, bullet: Bullet, markers: int) -> None:
    seen = state.bullet_markers.setdefault(section.id, [])
    if not seen:
        seen.append(bullet.marker)
    nested = bullet.marker != seen[0]
    section.prompts.append(NESTED_PREFIX + bullet.text if nested else bullet.text)
    index = len(section.prompts) - 1
    state.anchors.extend(_Anchor(section, f"prompt:{index}") for _ in range(markers))


def _add_paragraph(state: _State, section: Section, text: str, markers: int) -> None:
    if state.awaiting_title is section:
        section.title = text
        state.awaiting_title = None
        state.anchors.extend(_Anchor(section, "title") for _ in range(markers))
        return
    section.guidance.append(text)
    index = len(section.guidance) - 1
    state.anchors.extend(_Anchor(section, f"guidance:{index}") for _ in range(markers))


def _attach_footnotes(state: _State, footnotes: list[str]) -> None:
    outline = state.outline
    for index, text in enumerate(footnotes):
        if index < len(state.anchors):
            place = state.anchors[index]
            place.section.footnotes.append(Footnote(text, place.anchor))
        else:
            outline.footnotes.append(Footnote(text, UNANCHORED))
    if len(footnotes) > len(state.anchors):
        outline.warnings.append(
            f"Có {len(footnotes) - len(state.anchors)} chú thích không tìm thấy vị trí trong "
            "đề cương; chúng được giữ ở cuối đề cương, hãy gắn lại bằng tay."
        )
    elif len(state.anchors) > len(footnotes):
        outline.warnings.append(
            f"Có {len(state.anchors) - len(footnotes)} dấu chú thích trong đề cương nhưng không "
            "có nội dung chú thích tương ứng."
        )


def build_outline(
    lines: list[Line], footnotes: list[str] | None = None, *, title: str = ""
) -> Outline:
    """Turn the document's lines into an Outline; every line lands somewhere, none is dropped."""
    lines = [line for line in lines if line.text]
    headings = [_heading_for(line) for line in lines]
    first = next((i for i, h in enumerate(headings) if h), None)
    outline = Outline(title="")
    state = _State(outline)
    if first is None:
        _build_unnumbered(state, lines, title)
    else:
        _title_block(outline, lines[:first], title)
        for line, heading in zip(lines[first:], headings[first:], strict=True):
            section = state.current
            bullet = classify(line.text) if heading is None else None
            if heading is not None:
                _open_section(state, heading, line.markers)
            elif line.bullet or isinstance(bullet, Bullet):
                text = bullet.text if isinstance(bullet, Bullet) else line.text
                marker = bullet.marker if isinstance(bullet, Bullet) else "-"
                _add_prompt(state, section, Bullet(marker, text), line.markers)
            else:
                _add_paragraph(state, section, line.text, line.markers)
    _attach_footnotes(state, footnotes or [])
    return outline


def _title_block(outline: Outline, lines: list[Line], fallback: str) -> None:
    """Lines before the first heading: the document kind and notes in brackets are preamble,
    the rest is the title ("Tổng kết 10 năm thực hiện Nghị quyết ...")."""
    title_parts = []
    for line in lines:
        text = line.text
        if text.startswith("(") or text.upper() == text or text.lower().startswith("đề cương"):
            outline.preamble.append(text)
        else:
            title_parts.append(text)
    if title_parts:
        outline.title = " ".join(title_parts)
    elif outline.preamble:
        outline.title = outline.preamble.pop(0)
    else:
        outline.title = fallback


def _build_unnumbered(state: _State, lines: list[Line], fallback: str) -> None:
    outline = state.outline
    outline.title = lines[0].text if lines else fallback
    section = Section(id="1", number="", title=outline.title)
    outline.sections.append(section)
    state.stack.append(("none", section))
    for line in lines[1:]:
        bullet = classify(line.text)
        if isinstance(bullet, Bullet):
            _add_prompt(state, section, bullet, line.markers)
        else:
            _add_paragraph(state, section, line.text, line.markers)
    outline.warnings.append(
        "Không tìm thấy đề mục có đánh số (Phần, I, 1, a ...): toàn bộ nội dung được đặt vào "
        "một mục. Hãy kiểm tra cách đánh số các đề mục trong tệp."
    )
