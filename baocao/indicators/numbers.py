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

from baocao.errors import InputError, Said, gettext_noop

LOCALES = ("vi", "en")
_DECIMAL_MARK = {"vi": ",", "en": "."}
# Words a note is made of: Said, so that the web says them in its language too.
_STYLE = {
    "vi": Said(gettext_noop("cách viết Việt Nam")),
    "en": Said(gettext_noop("cách viết tiếng Anh")),
}
_MARK_NAME = {
    ".": Said(gettext_noop("dấu chấm")),
    ",": Said(gettext_noop("dấu phẩy")),
    " ": Said(gettext_noop("dấu cách")),
}
_UNREADABLE = gettext_noop(
    'Không đọc được số "{shown}". Hãy nhập một số, ví dụ 1.234 hoặc 1.234,5.'
)
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
        raise InputError(
            gettext_noop("Ô số liệu đang trống. Hãy nhập một số, ví dụ 1.234 hoặc 1.234,5.")
        )
    is_percent = body.endswith("%")
    if is_percent:
        body = body[:-1].rstrip()
    negative = body[:1] in tuple(_MINUS)
    if negative or body.startswith("+"):
        body = body[1:]
    if not _SHAPE.fullmatch(body):
        raise InputError(_UNREADABLE, shown=shown)
    groups = re.split(r"[., ]", body)
    marks = re.findall(r"[., ]", body)
    thousands, decimal, note = _read_marks(groups, marks, locale, shown)
    if decimal and marks.count(decimal) > 1:
        raise InputError(
            gettext_noop(
                'Không đọc được số "{shown}": có nhiều hơn một dấu thập phân. '
                "Hãy nhập một số, ví dụ 1.234 hoặc 1.234,5."
            ),
            shown=shown,
        )
    if decimal and marks[-1] != decimal:
        raise InputError(_UNREADABLE, shown=shown)
    whole = groups[:-1] if decimal else groups
    if thousands and (
        not 1 <= len(whole[0]) <= 3
        or whole[0].startswith("0")
        or any(len(group) != 3 for group in whole[1:])
    ):
        raise InputError(
            gettext_noop(
                'Không đọc được số "{shown}": mỗi nhóm hàng nghìn phải có đủ 3 chữ số. '
                "Hãy nhập một số, ví dụ 1.234 hoặc 1.234,5."
            ),
            shown=shown,
        )
    digits = "".join(whole) + ("." + groups[-1] if decimal else "")
    value = Decimal(("-" if negative else "") + digits)
    if value.is_zero():
        value = abs(value)
    if note is None:
        return ParsedNumber(value, is_percent)
    template, params = note
    return ParsedNumber(
        value, is_percent, True, Said(template, value=format_number(value), **params)
    )


# A note on how a number was read: its template (with {value}, the number as understood, and
# the other values it names) and those other values.
_Note = tuple[str, dict[str, str]]


def _read_marks(
    groups: list[str], marks: list[str], locale: str, shown: str
) -> tuple[str | None, str | None, _Note | None]:
    """Decide which mark groups thousands and which is the decimal point (with a note if unsure)."""
    kinds = set(marks)
    if not marks:
        return None, None, None
    if " " in kinds:
        others = kinds - {" "}
        if len(others) > 1:
            raise InputError(_UNREADABLE, shown=shown)
        decimal = others.pop() if others else None
        return " ", decimal, _decimal_note(decimal, locale, shown)
    if len(kinds) == 2:
        decimal = marks[-1]
        return ("." if decimal == "," else ","), decimal, None
    mark = marks[0]
    if len(marks) > 1:
        return mark, None, None
    left, right = groups
    if len(right) == 3 and len(left) <= 3 and not left.startswith("0"):
        decimal = _DECIMAL_MARK[locale]
        if mark != decimal:
            template = gettext_noop(
                '"{shown}" có thể là {thousands} (số hàng nghìn) hoặc {decimal} (số thập phân); '
                "đã hiểu là số hàng nghìn {thousands} theo {style}. "
                "Nếu không đúng, hãy nhập lại cho rõ, ví dụ 1234 hoặc 1,5."
            )
        else:
            template = gettext_noop(
                '"{shown}" có thể là {thousands} (số hàng nghìn) hoặc {decimal} (số thập phân); '
                "đã hiểu là số thập phân {decimal} theo {style}. "
                "Nếu không đúng, hãy nhập lại cho rõ, ví dụ 1234 hoặc 1,5."
            )
        params = {
            "shown": shown,
            "thousands": f"{left}.{right}",
            "decimal": f"{left},{right}",
            "style": _STYLE[locale],
        }
        return (
            (mark, None, (template, params))
            if mark != decimal
            else (None, mark, (template, params))
        )
    return None, mark, _decimal_note(mark, locale, shown)


def _decimal_note(mark: str | None, locale: str, shown: str) -> _Note | None:
    if mark is None or mark == _DECIMAL_MARK[locale]:
        return None
    template = gettext_noop(
        'Đã hiểu "{shown}" là {value}: {mark} được coi là dấu thập phân, '
        "khác {style}. Nếu không đúng, hãy nhập lại."
    )
    return template, {"shown": shown, "mark": _MARK_NAME[mark], "style": _STYLE[locale]}


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
