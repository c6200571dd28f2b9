"""Recognise how a line is numbered: part, Roman, Arabic, multi-level, letter, or bullet.

Real outlines number irregularly (`I.Tình hình` with no space, `4.1- Kết quả`, `PHẦN THỨ HAI`),
so each form is one regular expression here, and the level a form stands for is not decided
here: the builder infers it from the order in which forms appear, as a person reading does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ORDINALS = {
    "nhất": 1, "một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5,
    "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10,
}  # fmt: skip
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_UPPER = "A-ZÀ-ỸĐ"
_LETTERS = "abcdđeghiklmnopqrstuvxy"

# A heading's text starts with a letter, a quote or a parenthesis: never a digit (so "1.234 người"
# or "25.11.2013" are not headings).
_TEXT_START = r"(?=[^\W\d_]|[“\"'‘(«])"
_PART = re.compile(
    r"^(?P<number>phần\s+(?:thứ\s+)?(?P<ordinal>[^\W\d_]+|\d{1,2}))(?![^\W_])\s*[.:\-–—]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_ROMAN = re.compile(rf"^(?P<number>[IVXLC]{{1,6}})\s*[.\-–)]\s*(?P<rest>{_TEXT_START}.*)$")
_MULTI = re.compile(
    rf"^(?P<number>\d{{1,2}}(?:\.\d{{1,2}})+)(?!\d)(?:\s*[.\-–)]\s*|\s+)(?P<rest>{_TEXT_START}.*)$"
)
_ARABIC = re.compile(
    rf"^(?P<number>\d{{1,2}})(?!\d)\s*(?P<delim>[.\-–)])\s*(?P<rest>{_TEXT_START}.*)$"
)
_LETTER = re.compile(rf"^(?P<number>[{_LETTERS}])\s*(?P<delim>[.)])\s*(?P<rest>{_TEXT_START}.*)$")
_UPPER_LETTER = re.compile(rf"^(?P<number>[A-Z])\s*(?P<delim>[.)])\s*(?P<rest>{_TEXT_START}.*)$")
_BULLET = re.compile(r"^(?P<marker>[-+•*–—·▪◦○●])\s*(?P<rest>\S.*)$")
# "*Chú ý ...", "* Lưu ý: ..." are notes to the writer, not bullets.
_NOTE = re.compile(r"^\*\s*(chú ý|lưu ý|ghi chú)", re.IGNORECASE)
# A title and its guidance on one line: "1.Dự báo tình hình. Dự báo về số lượng ..."
_SENTENCE_END = re.compile(rf"(?<=[^\s.])[.!?](?=\s+[{_UPPER}“\"])")
_ABBREVIATIONS = ("tp", "tt", "ths", "ts", "pgs", "gs", "ks", "bs", "v.v", "st")


@dataclass(frozen=True)
class Heading:
    style: str  # "part", "roman", "arabic", "arabic)", "multi2", "letter", "upper" ...
    token: str  # the id token: "P1", "II", "4", "4.1", "a"
    number: str  # as written: "Phần thứ nhất", "PHẦN THỨ HAI", "I", "4.1", "a"
    rest: str  # the text after the numbering


@dataclass(frozen=True)
class Bullet:
    marker: str
    text: str


def roman_value(numeral: str) -> int | None:
    """Value of a well-formed Roman numeral (I..CXC), None for strings like "IIII" or "VX"."""
    total, previous = 0, 0
    for ch in reversed(numeral.upper()):
        value = _ROMAN_VALUES.get(ch)
        if value is None:
            return None
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total if total > 0 and to_roman(total) == numeral.upper() else None


def to_roman(value: int) -> str:
    parts = []
    for number, numeral in (
        (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while value >= number:
            parts.append(numeral)
            value -= number
    return "".join(parts)


def _part_index(ordinal: str) -> int | None:
    lowered = ordinal.lower()
    if lowered in _ORDINALS:
        return _ORDINALS[lowered]
    if lowered.isdigit():
        return int(lowered)
    return roman_value(ordinal)


def classify(line: str) -> Heading | Bullet | None:
    """A heading or a bullet, or None for a plain paragraph. `line` is already clean_line'd."""
    match = _PART.match(line)
    if match:
        index = _part_index(match["ordinal"])
        if index is not None:
            return Heading("part", f"P{index}", match["number"], match["rest"])
    match = _ROMAN.match(line)
    if match and roman_value(match["number"]):
        return Heading("roman", match["number"], match["number"], match["rest"])
    match = _MULTI.match(line)
    if match:
        number = match["number"]
        return Heading(f"multi{number.count('.') + 1}", number, number, match["rest"])
    match = _ARABIC.match(line)
    if match:
        style = "arabic)" if match["delim"] == ")" else "arabic"
        return Heading(style, match["number"], match["number"], match["rest"])
    match = _LETTER.match(line)
    if match:
        return Heading("letter", match["number"], match["number"], match["rest"])
    match = _UPPER_LETTER.match(line)
    if match:
        return Heading("upper", match["number"], match["number"], match["rest"])
    if _NOTE.match(line):
        return None
    match = _BULLET.match(line)
    if match:
        return Bullet(match["marker"], match["rest"])
    return None


def split_title(rest: str) -> tuple[str, str]:
    """Split "Dự báo tình hình. Dự báo về ..." into title and guidance; whole line otherwise.

    The title keeps its full stop, so the two parts read back as the line that was written.
    """
    for match in _SENTENCE_END.finditer(rest):
        head = rest[: match.end()].strip()
        last_word = head[:-1].rsplit(" ", 1)[-1].lower()
        if last_word in _ABBREVIATIONS or len(head.split()) < 2:
            continue
        guidance = rest[match.end() :].strip()
        if guidance:
            return head, guidance
    return rest.strip(), ""
