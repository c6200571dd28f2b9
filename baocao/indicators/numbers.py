"""Numbers as union officers type them, and as Vietnamese documents print them.

Figures are typed by hand in the browser, Word or Excel by people used to the Vietnamese
convention (dot for thousands, comma for decimals: 1.234,5) and sometimes to the English one
(1,234.5). `parse_number` reads both and never guesses silently: when a text such as "1.234"
could be read either way, the locale decides and the result says so (`ambiguous`, `note`),
so the interface can show the officer how the number was understood. What it cannot read
raises InputError; an unreadable cell never becomes zero.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from baocao.errors import InputError

LOCALES = ("vi", "en")
_DECIMAL_MARK = {"vi": ",", "en": "."}
_STYLE = {"vi": "cách viết Việt Nam", "en": "cách viết tiếng Anh"}
_MARK_NAME = {".": "dấu chấm", ",": "dấu phẩy", " ": "dấu cách"}
_EXAMPLE = "Hãy nhập một số, ví dụ 1.234 hoặc 1.234,5."
_MINUS = "-\u2212\u2013"  # hyphen, minus sign, and the en dash that Word's autocorrect types
# Digit runs joined by single separators; spaces (NBSP and narrow NBSP become spaces under
# NFKC) may only group thousands.
_SHAPE = re.compile(r"[0-9]+(?:[., ][0-9]+)*")


@dataclass(frozen=True)
class ParsedNumber:
    """A number read from text. `value` is as typed: "12,5%" gives 12.5 with is_percent set."""

    value: Decimal
    is_percent: bool = False
    ambiguous: bool = False
    note: str = ""


def parse_number(text: str, locale: str = "vi") -> ParsedNumber:
    """Read a typed number; raise InputError (in Vietnamese) for anything that is not one."""
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}; expected one of {LOCALES}")
    shown = _shown(text)
    body = unicodedata.normalize("NFKC", "" if text is None else str(text)).strip()
    if not body:
        raise InputError(f"Ô số liệu đang trống. {_EXAMPLE}")
    is_percent = body.endswith("%")
    if is_percent:
        body = body[:-1].rstrip()
    negative = body[:1] in tuple(_MINUS)
    if negative or body.startswith("+"):
        body = body[1:]
    if not _SHAPE.fullmatch(body):
        raise InputError(f'Không đọc được số "{shown}". {_EXAMPLE}')
    groups = re.split(r"[., ]", body)
    marks = re.findall(r"[., ]", body)
    thousands, decimal, note = _read_marks(groups, marks, locale, shown)
    if decimal and marks.count(decimal) > 1:
        raise InputError(f'Không đọc được số "{shown}": có nhiều hơn một dấu thập phân. {_EXAMPLE}')
    if decimal and marks[-1] != decimal:
        raise InputError(f'Không đọc được số "{shown}". {_EXAMPLE}')
    whole = groups[:-1] if decimal else groups
    if thousands and (
        not 1 <= len(whole[0]) <= 3
        or whole[0].startswith("0")
        or any(len(group) != 3 for group in whole[1:])
    ):
        raise InputError(
            f'Không đọc được số "{shown}": mỗi nhóm hàng nghìn phải có đủ 3 chữ số. {_EXAMPLE}'
        )
    digits = "".join(whole) + ("." + groups[-1] if decimal else "")
    value = Decimal(("-" if negative else "") + digits)
    if value.is_zero():
        value = abs(value)
    note = note.replace("{value}", format_number(value))
    return ParsedNumber(value, is_percent, bool(note), note)


def _read_marks(
    groups: list[str], marks: list[str], locale: str, shown: str
) -> tuple[str | None, str | None, str]:
    """Decide which mark groups thousands and which is the decimal point (with a note if unsure)."""
    kinds = set(marks)
    if not marks:
        return None, None, ""
    if " " in kinds:
        others = kinds - {" "}
        if len(others) > 1:
            raise InputError(f'Không đọc được số "{shown}". {_EXAMPLE}')
        decimal = others.pop() if others else None
        return " ", decimal, _decimal_note(decimal, locale, shown)
    if len(kinds) == 2:
        decimal = marks[-1]
        return ("." if decimal == "," else ","), decimal, ""
    mark = marks[0]
    if len(marks) > 1:
        return mark, None, ""
    left, right = groups
    if len(right) == 3 and len(left) <= 3 and not left.startswith("0"):
        decimal = _DECIMAL_MARK[locale]
        as_thousands = f"{left}.{right}"
        as_decimal = f"{left},{right}"
        chosen = as_thousands if mark != decimal else as_decimal
        meaning = "số hàng nghìn" if mark != decimal else "số thập phân"
        note = (
            f'"{shown}" có thể là {as_thousands} (số hàng nghìn) hoặc {as_decimal} (số thập phân); '
            f"đã hiểu là {meaning} {chosen} theo {_STYLE[locale]}. "
            "Nếu không đúng, hãy nhập lại cho rõ, ví dụ 1234 hoặc 1,5."
        )
        return (mark, None, note) if mark != decimal else (None, mark, note)
    return None, mark, _decimal_note(mark, locale, shown)


def _decimal_note(mark: str | None, locale: str, shown: str) -> str:
    if mark is None or mark == _DECIMAL_MARK[locale]:
        return ""
    return (
        f'Đã hiểu "{shown}" là {{value}}: {_MARK_NAME[mark]} được coi là dấu thập phân, '
        f"khác {_STYLE[locale]}. Nếu không đúng, hãy nhập lại."
    )


def _shown(text: object, limit: int = 40) -> str:
    shown = "" if text is None else str(text).strip()
    return shown if len(shown) <= limit else shown[:limit] + "…"


def to_decimal(value: Decimal | int | float) -> Decimal:
    """A number as Decimal; floats through their shortest repr, so 0.1 stays 0.1."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        raise TypeError(f"expected a number, got {type(value).__name__}")
    return value if isinstance(value, Decimal) else Decimal(repr(value))


def format_number(
    value: Decimal | int | float | None, decimals: int | None = None, *, trim: bool = True
) -> str:
    """Vietnamese display: 1.234.567 and 12,5; None gives "" (no figure, not zero).

    `decimals` rounds half up to that many places (None keeps the value's own); `trim` drops
    trailing zeros ("12,50" → "12,5", "3,0" → "3"), as reports write them.
    """
    if value is None:
        return ""
    number = to_decimal(value)
    if not number.is_finite():
        raise ValueError(f"cannot format {number}")
    if decimals is not None:
        with localcontext() as context:
            context.prec = max(28, number.adjusted() + decimals + 3)
            number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    whole, _, fraction = format(abs(number), "f").partition(".")
    if trim:
        fraction = fraction.rstrip("0")
    sign = "-" if number < 0 and (whole.strip("0") or fraction.strip("0")) else ""
    grouped = ".".join(whole[max(0, end - 3) : end] for end in range(len(whole), 0, -3)[::-1])
    return sign + grouped + ("," + fraction if fraction else "")


def format_percent(
    value: Decimal | int | float | None, decimals: int = 1, *, trim: bool = True
) -> str:
    """A percentage already multiplied by 100: 23.4 → "23,4%"; None → ""."""
    return "" if value is None else format_number(value, decimals, trim=trim) + "%"
