"""A report section's text: paragraphs and bullet lists, as a small, safe subset of HTML.

Officers write in a browser editor, paste from Word, or type plain lines; every path ends here,
so what is stored is always the same shape (p, ul, ol, li, br, strong, em; no attributes, no
scripts) and the DOCX writer and the consolidation read one format. Framework-free.
"""

from __future__ import annotations

import html
import re

import nh3

from baocao.text import nfc

ALLOWED_TAGS = frozenset({"p", "ul", "ol", "li", "br", "strong", "em"})

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
    """The text as stored: NFC, sanitised, plain lines turned into paragraphs and bullets.

    Text with no visible words ("<p><br></p>", spaces) becomes "", so an empty section is
    always the empty string.
    """
    text = nfc(text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not _TAG.search(text):
        text = _from_plain(text)
    for pattern, replacement in _RENAMES:
        text = pattern.sub(replacement, text)
    cleaned = nh3.clean(
        text,
        tags=set(ALLOWED_TAGS),
        attributes={},
        link_rel=None,
        strip_comments=True,
    ).strip()
    return cleaned if plain_text(cleaned) else ""


def plain_text(text: str) -> str:
    """The words of a stored text, tags dropped and spaces folded (for emptiness and search)."""
    spaced = _ANY_TAG.sub(" ", text or "")
    return _SPACES.sub(" ", html.unescape(spaced)).strip()


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
