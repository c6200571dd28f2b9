"""Text helpers shared by every reader of user text: one normalisation, applied everywhere.

Every entry point (forms, the API, the CLI, uploads, unit lists, outlines) passes what a person
typed or a file held through `clean_text` (several lines) or `clean_line` (one line), and the
writers pass what older rows hold through them again (`clean_strings`): a control character in
a unit name or a section made the DOCX and XLSX writers fail, a line break in a campaign's name
broke the reminders' mail headers, and invisible bidi overrides hide what a text says.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import TypeVar

_T = TypeVar("_T")

_SPACES = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# What Word, old systems and str.splitlines() take for a line break (\v is Word's manual break).
_BREAKS = re.compile(r"\r\n|[\r\v\f\x1c-\x1e\x85\u2028\u2029]")
# Removed: C0 and C1 controls but tab and newline, DEL; zero-width characters, joiners and bidi
# embeddings, overrides and isolates; invisible operators, the BOM, interlinear annotations and
# tag characters; lone surrogates (JSON can carry them) and U+FFFE/U+FFFF, which XML cannot hold.
_CONTROLS = "\x01-\x08\x0b-\x1f\x7f-\x9f"
_INVISIBLE = (
    "\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ufffe\uffff"
    "\U000e0000-\U000e007f"
)
_UNWANTED = re.compile(f"[\x00{_CONTROLS}{_INVISIBLE}\ud800-\udfff]")


def nfc(text: str) -> str:
    """Vietnamese arrives both precomposed and decomposed (the seed has one such word): use NFC."""
    return unicodedata.normalize("NFC", text)


def clean_text(text: str | None) -> str:
    """Text of several lines as stored: NFC, every kind of line break as "\\n", tabs kept, no
    control or invisible formatting character. Spaces and blank lines are left as they are."""
    return _UNWANTED.sub("", _BREAKS.sub("\n", nfc(text or "")))


def clean_line(text: str | None) -> str:
    """One line: `clean_text`, with line breaks, tabs and every kind of space folded to one
    space and none at the ends (a name, a title, a figure typed in a cell)."""
    return _SPACES.sub(" ", clean_text(text)).strip()


def fold(text: str) -> str:
    """Comparison key: no diacritics, lower case, single spaces ("Đoàn  viên" -> "doan vien")."""
    text = clean_line(text).lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def needs_cleaning(*, one_line: bool) -> str:
    """A regular expression, in Python's and PostgreSQL's syntax alike, that finds stored text
    `clean_text` (`clean_line` when one_line) would change, spaces and NFC aside: for a data
    migration to touch only those rows. NUL and lone surrogates are left out (PostgreSQL holds
    neither; the writers clean what SQLite may hold)."""
    breaks = "\u2028\u2029\t\n" if one_line else "\u2028\u2029"
    return f"[{_CONTROLS}{_INVISIBLE}{breaks}]"


def clean_strings(value: _T) -> _T:
    """`value` with every string in it through `clean_text`, looking into dataclasses, lists,
    tuples and dicts; what holds nothing to clean is returned as it is, not copied.

    For writers given rows stored before text was cleaned at entry: an XML writer (DOCX, XLSX)
    refuses a control character.
    """
    if type(value) is str:
        cleaned = clean_text(value)
        return value if cleaned == value else cleaned  # type: ignore[return-value]
    if isinstance(value, list | tuple):
        items = [clean_strings(item) for item in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        return items if isinstance(value, list) else tuple(items)  # type: ignore[return-value]
    if isinstance(value, dict):
        pairs = [(clean_strings(key), clean_strings(item)) for key, item in value.items()]
        old_pairs = value.items()
        if all(k is a and v is b for (k, v), (a, b) in zip(pairs, old_pairs, strict=True)):
            return value
        return dict(pairs)  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for field in dataclasses.fields(value):
            if field.init:
                old = getattr(value, field.name)
                new = clean_strings(old)
                if new is not old:
                    changes[field.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value
