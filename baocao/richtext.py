"""A report section's text: paragraphs and bullet lists, as a small, safe subset of HTML.

Officers write in a browser editor, paste from Word, or type plain lines; every path ends here,
so what is stored is always the same shape (p, ul, ol, li, br, strong, em; no attributes, no
scripts) and the DOCX writer and the consolidation read one format. Framework-free.
"""

from __future__ import annotations

import html
import re
from difflib import SequenceMatcher
from html.parser import HTMLParser

import nh3

from baocao.text import clean_text

ALLOWED_TAGS = frozenset({"p", "ul", "ol", "li", "br", "strong", "em"})
# Texts longer than this (in lines, either side) are not compared line by line: past it a
# hostile order of repeated lines could make the comparison slow (0.14 s at most at this size).
MAX_COMPARED_LINES = 2_000

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!]")
# What browsers' contenteditable and Word's paste produce, renamed to the tags we keep.
_RENAMES = (
    (re.compile(r"<(/?)\s*b(?=[\s/>])", re.IGNORECASE), r"<\1strong"),
    (re.compile(r"<(/?)\s*i(?=[\s/>])", re.IGNORECASE), r"<\1em"),
    (re.compile(r"<(/?)\s*(?:div|h[1-6])(?=[\s/>])", re.IGNORECASE), r"<\1p"),
)
_ANY_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")
_BULLET = re.compile(r"^\s*[-+•–]\s+")


def clean_section_text(text: str | None) -> str:
    """The text as stored: `clean_text`, sanitised, plain lines turned into paragraphs and bullets.

    Text with no visible words ("<p><br></p>", spaces) becomes "", so an empty section is
    always the empty string.
    """
    text = clean_text(text)
    if not _TAG.search(text):
        text = _from_plain(text)
    for pattern, replacement in _RENAMES:
        text = pattern.sub(replacement, text)
    sanitised = nh3.clean(
        text,
        tags=set(ALLOWED_TAGS),
        attributes={},
        link_rel=None,
        strip_comments=True,
    )
    cleaned = clean_text(sanitised).strip()  # again: nh3 turns "&#1;" into the character
    return cleaned if plain_text(cleaned) else ""


def plain_text(text: str) -> str:
    """The words of a stored text, tags dropped and spaces folded (for emptiness and search)."""
    spaced = _ANY_TAG.sub(" ", text or "")
    return _SPACES.sub(" ", html.unescape(spaced)).strip()


def from_plain_lines(text: str | None) -> str:
    """Lines typed in the plain-text editor as stored HTML: a paragraph per line, "- " lines as
    bullets. Every "<" typed is text here, never a tag, so "a<b" keeps its line breaks."""
    return _from_plain(clean_text(text))


def editable_lines(text: str | None) -> str:
    """A stored text as plain lines for a <textarea>: one paragraph per line, "- " before each
    bullet, "1. " before each numbered item; bold and italics are dropped, entities decoded.

    `clean_section_text(from_plain_lines(editable_lines(t)))` gives `t` back for any text that
    was typed as lines.
    """
    if not text:
        return ""
    if not _TAG.search(text):
        return "\n".join(line.strip() for line in text.splitlines() if line.strip())
    reader = _LineReader()
    reader.feed(text)
    reader.close()
    return "\n".join(reader.finish())


def changed_lines(before: str | None, after: str | None) -> list[tuple[str, str]] | None:
    """What changed from one stored text to the next, line by line, in order: ("removed", line)
    and ("added", line). None when either has more than MAX_COMPARED_LINES lines.

    Whole lines are compared (SequenceMatcher, with its heuristic that ignores lines repeated
    more than 1% of the time as anchors): ndiff's pairing of similar lines character by
    character took 47 s for two versions of 1,500 lines, this takes milliseconds.
    """
    old, new = editable_lines(before).splitlines(), editable_lines(after).splitlines()
    if max(len(old), len(new)) > MAX_COMPARED_LINES:
        return None
    changes: list[tuple[str, str]] = []
    for tag, old_from, old_to, new_from, new_to in SequenceMatcher(None, old, new).get_opcodes():
        if tag in ("replace", "delete"):
            changes.extend(("removed", line) for line in old[old_from:old_to])
        if tag in ("replace", "insert"):
            changes.extend(("added", line) for line in new[new_from:new_to])
    return changes


def word_count(text: str | None) -> int:
    """Words of a stored text, as a writer counts them (runs of non-space characters)."""
    return len(plain_text(text or "").split())


class _LineReader(HTMLParser):
    """Stored HTML → lines: a line per p/li/br, a prefix per list item."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.prefix = ""
        self.lists: list[list[int]] = []  # per open list: [is_ordered, items so far]

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("p", "div", "br") or tag in ("ul", "ol", "li"):
            self._end_line()
        if tag in ("ul", "ol"):
            self.lists.append([tag == "ol", 0])
        elif tag == "li":
            if self.lists and self.lists[-1][0]:
                self.lists[-1][1] += 1
                self.prefix = f"{self.lists[-1][1]}. "
            else:
                self.prefix = "- "

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "div", "li", "ul", "ol"):
            self._end_line()
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()

    def handle_data(self, data: str) -> None:
        self.current.append(data)

    def _end_line(self) -> None:
        line = _SPACES.sub(" ", "".join(self.current)).strip()
        if line:
            self.lines.append(self.prefix + line)
        self.current = []
        self.prefix = ""

    def finish(self) -> list[str]:
        self._end_line()
        return self.lines


def _from_plain(text: str) -> str:
    """Plain lines as paragraphs; consecutive "- " or "+ " lines as one bullet list."""
    parts: list[str] = []
    bullets: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if _BULLET.match(line):
            bullets.append(f"<li>{html.escape(_BULLET.sub('', line), quote=False)}</li>")
            continue
        if bullets:
            parts.append(f"<ul>{''.join(bullets)}</ul>")
            bullets = []
        if line:
            parts.append(f"<p>{html.escape(line, quote=False)}</p>")
    if bullets:
        parts.append(f"<ul>{''.join(bullets)}</ul>")
    return "".join(parts)
