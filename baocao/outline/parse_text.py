"""Import an outline from plain text (as extracted from a Word file, or typed).

What extraction loses is recovered here before the builder sees the lines: the footnote block
after the dashed separator, and the footnote markers in the body, which show either as an
empty "(" line break ")" or as a line break in mid-sentence.
"""

from __future__ import annotations

import re

from baocao.errors import InputError, gettext_noop
from baocao.indicators.numbers import format_number
from baocao.outline.builder import Line, build_outline
from baocao.outline.model import Outline
from baocao.outline.numbering import Bullet, Heading, classify
from baocao.text import clean_line

MAX_BYTES = 5 * 1024 * 1024
MAX_LINES = 100_000  # far more than any outline; 5 MB of line breaks would be millions
_LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # where str.splitlines splits
_SEPARATOR = re.compile(r"^[-_–—=]{5,}$")
# A footnote entry starts with the lost symbol (U+FFFD), a number, an asterisk or a superscript.
_FOOTNOTE_START = re.compile(
    r"^(?:\ufffd|\[\d{1,3}\]|\d{1,3}(?=[\s.)\-])|[*¹²³⁴⁵⁶⁷⁸⁹⁰]+)[\s.)]*-?\s*"
)
_EMPTY_PARENS = re.compile(r"\s*\(\s*\)")
_SENTENCE_DONE = tuple('.:;!?…”"»)')


def decode_text(data: bytes, name: str = "tệp") -> str:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            gettext_noop("{name} không phải là tệp văn bản. Hãy chọn tệp .txt hoặc .docx."),
            name=name,
        )
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        return text
    raise InputError(
        gettext_noop(
            "{name} không đọc được dưới dạng văn bản UTF-8. Hãy lưu lại tệp với bảng mã UTF-8 "
            "(Unicode) rồi nhập lại."
        ),
        name=name,
    )


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t\f")
    return controls > 8


def split_footnotes(lines: list[str]) -> tuple[list[str], list[str]]:
    """Body lines and footnote texts: the footnotes are the entries after the last separator
    line that is followed by at least one entry. A separator with no entries stays body."""
    for index in range(len(lines) - 1, -1, -1):
        if not _SEPARATOR.match(lines[index]):
            continue
        notes: list[str] = []
        for line in (lines[after] for after in range(index + 1, len(lines))):  # no copy
            if not line:
                continue
            start = _FOOTNOTE_START.match(line)
            if start:
                notes.append(line[start.end() :].strip())
            elif notes:
                notes[-1] = f"{notes[-1]} {line}"
            else:
                break
        else:
            if notes:
                return lines[:index], notes
    return lines, []


def _is_structural(text: str) -> bool:
    return isinstance(classify(text), Heading | Bullet)


def merge_markers(lines: list[str]) -> list[Line]:
    """Join the lines that extraction broke at a lost footnote marker, counting the markers."""
    merged: list[Line] = []
    previous_blank = True
    for text in lines:
        if not text or _SEPARATOR.match(text):
            # A rule line (dashes) carries no content; it ends a sentence like a blank line.
            previous_blank = True
            continue
        last = merged[-1] if merged else None
        if last and last.text.endswith("(") and text.startswith(")"):
            # "... người lao động (" + ")." : the parentheses held a footnote reference.
            last.text = last.text[:-1].rstrip() + text[1:].lstrip()
            last.markers += 1
        elif last and not previous_blank and _continues(last.text, text):
            # "... lao động" + "; những đầu tư ...": a marker stood at the break.
            joiner = "" if text[0] in ";,.:)" else " "
            last.text = last.text + joiner + text
            last.markers += 1
        else:
            merged.append(Line(text))
        previous_blank = False
    for line in merged:
        line.text, count = _EMPTY_PARENS.subn("", line.text)
        line.markers += count
    return merged


def _continues(before: str, after: str) -> bool:
    if before.endswith(_SENTENCE_DONE) or _is_structural(after):
        return False
    return after[0] in ";," or after[0].islower()


def parse_text(text: str) -> Outline:
    """Import an outline from its text. Raises InputError for an empty text."""
    if sum(text.count(mark) for mark in _LINE_BREAKS) > MAX_LINES:
        raise InputError(
            gettext_noop(
                "Tệp đề cương có hơn {limit} dòng, không phải một đề cương. Hãy "
                "kiểm tra lại tệp đã chọn."
            ),
            limit=format_number(MAX_LINES),
        )
    lines = [clean_line(raw) for raw in text.splitlines()]
    if not any(lines):
        raise InputError(gettext_noop("Tệp đề cương trống: không có dòng nào có nội dung."))
    body, footnotes = split_footnotes(lines)
    return build_outline(merge_markers(body), footnotes)
