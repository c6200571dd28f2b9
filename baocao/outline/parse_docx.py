"""Import an outline from a Word document (.docx).

`baocao.docx_in` reads the document (package checks, styles, automatic numbering, bullets,
footnotes, tables, content controls, text boxes); this module turns its paragraphs into the
builder's `Line`s. What Word knows and plain text loses is kept on each line: the heading level
of a paragraph's style (or its own outline level), the number Word draws, list bullets, and real
footnotes with the place of each reference. A document made of plain paragraphs (text pasted
into Word) goes through the plain-text importer's conventions instead: the footnote block after
a dashed line, and footnote markers lost at a line break.

Everything that is not a readable Word document becomes an `InputError` saying what to do:
an old .doc or a password-protected file, an .odt, a macro-enabled .docm, a zip bomb, a corrupt
file, a document without text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from baocao.docx_in import NOTE_MARK, Block, Paragraph, read_docx
from baocao.errors import InputError, gettext_noop
from baocao.officefile import MAX_BYTES, subject_of
from baocao.outline.appendix import TableInput, looks_like_indicator_table, take_appendix
from baocao.outline.builder import Line, build_outline
from baocao.outline.model import Outline
from baocao.outline.parse_text import merge_markers, split_footnotes
from baocao.text import clean_line, fold

__all__ = ["MAX_BYTES", "parse_docx"]

_APPENDIX_HEADING = re.compile(r"^\W*(phu luc|bieu|mau bieu|mau so lieu)\b")
_MARKERS = re.compile(rf"\s*\(\s*{NOTE_MARK}\s*\)|{NOTE_MARK}")


def parse_docx(data: bytes, name: str = "tệp") -> Outline:
    """Import an outline from the bytes of a .docx. Raises InputError for anything else."""
    subject = subject_of(name)
    content = read_docx(data, name=name, noun="đề cương")
    reader = _Lines()
    reader.read(content.blocks)
    lines, footnotes = reader.lines()
    if not any(line.text for line in lines):
        if content.has_images:
            raise InputError(
                gettext_noop(
                    "{subject} chỉ có hình ảnh, không có chữ (có thể là bản chụp/scan). Hãy nhập "
                    "tệp Word có nội dung dạng chữ, hoặc gõ lại đề cương."
                ),
                subject=subject,
            )
        raise InputError(
            gettext_noop(
                "{subject} không có nội dung chữ nào. Hãy kiểm tra lại tệp đã chọn: đề cương "
                "phải có các đề mục và nội dung dạng chữ."
            ),
            subject=subject,
        )
    outline = build_outline(lines, footnotes, title=reader.title or Path(name).stem)
    if reader.tables:
        _take_appendix(outline, reader.tables)
    if content.missing_notes:
        outline.warnings.append(
            f"Có {content.missing_notes} dấu chú thích trong tệp Word không tìm thấy nội dung "
            "chú thích; các dấu này được bỏ qua."
        )
    return outline


@dataclass
class _Lines:
    """The document's blocks as the builder's lines: a paragraph per line (split at its line
    breaks), table cells in row order with a blank line after each cell and each table, text
    boxes after the paragraph that anchors them."""

    segments: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    title: str = ""
    # Indicator tables (the appendix), set aside for `appendix.read_appendix`, each with the
    # last line of text before it (to find the section it stands under).
    tables: list[tuple[list[list[str]], str]] = field(default_factory=list)

    def read(self, blocks: list[Block]) -> None:
        for block in blocks:
            if isinstance(block, Paragraph):
                self._paragraph(block)
                continue
            grid = [[cell.text for cell in row] for row in block.grid()]
            if looks_like_indicator_table(grid):
                before = next((line.text for line in reversed(self.segments) if line.text), "")
                self.tables.append((grid, before))
                continue
            for row in block.rows:
                for cell in row:
                    self.read(cell.blocks)
                    self._blank()
            self._blank()

    def _blank(self) -> None:
        if self.segments and self.segments[-1].text:
            self.segments.append(Line(""))

    def _paragraph(self, paragraph: Paragraph) -> None:
        self.notes.extend(paragraph.notes)
        pieces = paragraph.pieces
        if paragraph.title and not self.title:
            self.title = " ".join(piece for piece in pieces if piece).replace(NOTE_MARK, "")
        first = True
        for piece in pieces:
            if first and piece.replace(NOTE_MARK, "").strip():
                if paragraph.bullet and paragraph.deep and not piece.startswith(("-", "+", "•")):
                    piece = f"+ {piece}"
                self.segments.append(
                    Line(
                        piece,
                        level=paragraph.level,
                        number=paragraph.number,
                        bullet=paragraph.bullet,
                    )
                )
                first = False
            else:
                self.segments.append(Line(piece))
        for box in paragraph.boxes:
            self._blank()
            self.read(box)

    def lines(self) -> tuple[list[Line], list[str]]:
        """The builder's lines and footnote texts: Word's own footnotes when the document has
        them, else the plain-text conventions (dashed footnote block, markers lost at breaks)."""
        segments = self.segments
        if self.notes:
            return _count_markers(segments), self.notes
        body, footnotes = split_footnotes([line.text for line in segments])
        return _merge_plain(segments[: len(body)]), footnotes


def _count_markers(segments: list[Line]) -> list[Line]:
    """Turn each footnote reference into a marker on its line; a reference alone on a line
    (after a line break) belongs to the text before it."""
    lines: list[Line] = []
    carry = 0
    for line in segments:
        line.text, count = _MARKERS.subn("", line.text)
        line.text = clean_line(line.text)
        if not line.text:
            if lines:
                lines[-1].markers += count
            else:
                carry += count
            continue
        line.markers += count + carry
        carry = 0
        lines.append(line)
    return lines


def _merge_plain(segments: list[Line]) -> list[Line]:
    """The text importer's marker merging, run from each paragraph Word marks as a heading,
    numbered or list item (never merged into what precedes it) through the plain paragraphs
    after it, which keeps what Word said about the paragraph on the merged line."""
    lines: list[Line] = []
    head: Line | None = None
    texts: list[str] = []

    def flush() -> None:
        merged = merge_markers(texts)
        if head is not None and merged:
            merged[0].level, merged[0].number, merged[0].bullet = (
                head.level,
                head.number,
                head.bullet,
            )
        lines.extend(merged)

    for segment in segments:
        if segment.text and (segment.level is not None or segment.number or segment.bullet):
            flush()
            head, texts = segment, [segment.text]
        else:
            texts.append(segment.text)
    flush()
    return lines


def _take_appendix(outline: Outline, tables: list[tuple[list[list[str]], str]]) -> None:
    inputs = [TableInput(grid, under=_section_of_line(outline, before)) for grid, before in tables]
    take_appendix(outline, inputs)


def _section_of_line(outline: Outline, text: str) -> str:
    """The id of the deepest section whose heading or guidance is the line `text` ("" none); a
    table under an appendix heading ("Phụ lục", "Biểu số liệu") belongs to no section."""
    if not text or _APPENDIX_HEADING.match(fold(text)):
        return ""
    found = ""
    for section, _depth in outline.walk():
        if (
            text in (section.label, section.title)
            or text in section.guidance
            or text in section.prompts
        ):
            found = section.id
    return found
