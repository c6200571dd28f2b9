"""A section's text read into paragraphs and list items, ready to be written as Word paragraphs.

Stored texts are the small HTML subset of `baocao.richtext` (p, ul, ol, li, br, strong, em);
older or hand-made texts are plain lines with "- " bullets. Anything else is tolerated, never
trusted: unknown tags are dropped with their text kept, and script/style content is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from baocao.text import nfc

_HAS_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!]")
_PLAIN_BULLET = re.compile(r"^\s*(?P<marker>[-+•–*])\s+")
_SPACES = re.compile(r"\s+")
_BLOCK_TAGS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "table", "section"}
)
_HIDDEN_TAGS = frozenset({"script", "style", "template", "head", "title", "noscript"})
_BOLD_TAGS = frozenset({"strong", "b"})
_ITALIC_TAGS = frozenset({"em", "i"})


@dataclass(frozen=True)
class Span:
    """A run of text; `text == "\\n"` is a line break inside the paragraph."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Block:
    """A paragraph (`marker` "") or a list item ("-" / "+" bullets, "1." numbers)."""

    spans: list[Span] = field(default_factory=list)
    marker: str = ""
    level: int = 0

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)


def section_blocks(text: str | None) -> list[Block]:
    """The text's paragraphs and list items in order; empty ones left out."""
    text = nfc(text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return []
    if not _HAS_TAG.search(text):
        return _plain_blocks(text)
    parser = _SectionParser()
    parser.feed(text)
    parser.close()
    return parser.blocks


def _plain_blocks(text: str) -> list[Block]:
    blocks = []
    for line in text.split("\n"):
        match = _PLAIN_BULLET.match(line)
        words = _SPACES.sub(" ", line[match.end() :] if match else line).strip()
        if not words:
            continue
        if match:
            level = 2 if match["marker"] == "+" else 1
            blocks.append(Block([Span(words)], marker="+" if level == 2 else "-", level=level))
        else:
            blocks.append(Block([Span(words)]))
    return blocks


class _SectionParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._current: Block | None = None
        self._lists: list[list] = []  # [tag, items seen]
        self._bold = 0
        self._italic = 0
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        elif tag in _BOLD_TAGS:
            self._bold += 1
        elif tag in _ITALIC_TAGS:
            self._italic += 1
        elif tag == "br":
            self._add("\n")
        elif tag in ("ul", "ol"):
            self._flush()
            self._lists.append([tag, 0])
        elif tag == "li":
            self._flush()
            self._current = self._list_item()
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag == "br":
            self._add("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BOLD_TAGS:
            self._bold = max(0, self._bold - 1)
        elif tag in _ITALIC_TAGS:
            self._italic = max(0, self._italic - 1)
        elif tag in ("ul", "ol"):
            self._flush()
            if self._lists:
                self._lists.pop()
        elif tag == "li" or tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._add(_SPACES.sub(" ", data))

    def close(self) -> None:
        super().close()
        self._flush()

    def _list_item(self) -> Block:
        if not self._lists:
            return Block(marker="-", level=1)
        kind = self._lists[-1]
        kind[1] += 1
        level = len(self._lists)
        if kind[0] == "ol":
            return Block(marker=f"{kind[1]}.", level=level)
        return Block(marker="-" if level == 1 else "+", level=level)

    def _add(self, text: str) -> None:
        if not text:
            return
        if self._current is None:
            # Text straight inside a list (no <li>) is still a list item.
            self._current = self._list_item() if self._lists else Block()
        span = Span(text, bold=self._bold > 0, italic=self._italic > 0)
        spans = self._current.spans
        last = spans[-1] if spans else None
        if (
            last is not None
            and "\n" not in (last.text, text)
            and (last.bold, last.italic) == (span.bold, span.italic)
        ):
            spans[-1] = Span(spans[-1].text + text, span.bold, span.italic)
        else:
            spans.append(span)

    def _flush(self) -> None:
        block, self._current = self._current, None
        if block is None:
            return
        block.spans = _trimmed(block.spans)
        if any(span.text.strip() for span in block.spans):
            self.blocks.append(block)


def _trimmed(spans: list[Span]) -> list[Span]:
    """No spaces at the paragraph's ends or around its line breaks; no leading/trailing breaks."""
    result: list[Span] = []
    for index, span in enumerate(spans):
        if span.text == "\n":
            if result and result[-1].text != "\n":
                result.append(span)
            continue
        text = span.text
        if not result or result[-1].text == "\n":
            text = text.lstrip()
        following = spans[index + 1] if index + 1 < len(spans) else None
        if following is None or following.text == "\n":
            text = text.rstrip()
        if text:
            result.append(Span(text, span.bold, span.italic))
    while result and result[-1].text == "\n":
        result.pop()
    return result
