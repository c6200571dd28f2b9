"""What a person wrote for an indicator, read as that indicator's figure: one rule everywhere.

The web form, the API, an Excel cell and a Word table cell all come through `read_figure`, so
a figure is accepted, refused or noted the same way wherever it is given. It returns the value
and, when the writing could be read another way, a note saying how it was understood; what
cannot be this indicator's figure raises InputError with a Vietnamese message saying what to
do. The rules:

- Numbers are read by `parse_number` (Vietnamese style by default: 1.234,5), or taken as they
  are when a spreadsheet cell or a JSON body holds a number. True/false, NaN and infinity are
  not figures.
- Ambiguity: "1.234" or "1,234" (one mark, three digits after it) is read in the locale's
  style with a note. A count has no decimals, so for a count the reading that gives a whole
  number wins: "1.234" is 1234 with no note, "1,234" is 1234 with a note saying it was read
  as thousands because the indicator is a count.
- Units: a percent sign is accepted only for a percent indicator. A figure may be followed by
  its indicator's unit ("300 người", "5 triệu" for "triệu đồng"); another unit ("300 lượt"
  for people) is refused, since the figure would mean something else.
- Negatives: no figure is negative. Counts, money and percentages are all amounts of the year
  (people, unions, millions of đồng, shares), never a change, and the catalogue has no type or
  flag for a figure that may be negative (`baocao.indicators.catalogue.TYPES`: count, money,
  percent, text); its `>= 0` rule stays as the check on figures that did not come through
  here. A catalogue that one day needs a signed figure should add such a type and this
  function should accept negatives for it, nowhere else.
- Range: a count is a whole number; a percentage is from 0 to 100; at most `MAX_DECIMALS`
  decimals (no rounding behind the writer's back); less than `MAX_WHOLE`.

What is a convention of documents rather than of typing (an empty cell, "-" or "N/A" for no
figure, "khoảng 300" kept with a warning) stays with the document reader, `baocao.ingest`;
the length of what may be typed stays with the web.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from baocao.errors import InputError, Said, gettext_noop
from baocao.indicators.catalogue import Indicator
from baocao.indicators.numbers import LOCALES, format_number, parse_number
from baocao.text import clean_line, fold

MAX_DECIMALS = 4
MAX_WHOLE = Decimal(10) ** 16
NOT_A_NUMBER = gettext_noop("Ô không chứa một số hợp lệ; hãy nhập một số.")

# A figure followed by words without digits: "300 người", "1.234 đoàn viên" ("1e5" is not).
_TRAILING_WORDS = re.compile(
    r"^(?P<number>[-+\u2212\u2013]?[\d.,\s]*\d%?)\s*(?P<words>[^\W\d_][^\d]*)$"
)


class Reading(NamedTuple):
    """A figure as understood: its value, and a note when it could have been read another way
    (empty otherwise). Unpacks as `value, note = read_figure(...)`."""

    value: Decimal
    note: str = ""

    @property
    def ambiguous(self) -> bool:
        return bool(self.note)


def read_figure(indicator: Indicator, raw: object, locale: str = "vi") -> Reading:
    """The figure written for `indicator`: text as typed ("1.234", "12,5%", "300 người") or a
    number a spreadsheet or JSON holds. InputError (Vietnamese, saying what to do) for what is
    not a number or cannot be this indicator's figure; see the module's rules."""
    if isinstance(raw, bool):
        raise InputError(gettext_noop("Ô chứa giá trị đúng/sai, không phải số; hãy nhập một số."))
    if isinstance(raw, int | float | Decimal):
        value = _number(raw)
        return _checked(indicator, value, format_number(value), "")
    text = clean_line("" if raw is None else str(raw))
    body, unit_words = text, ""
    trailing = _TRAILING_WORDS.match(text)
    if trailing and not text.endswith("%"):
        body, unit_words = trailing["number"].strip(), trailing["words"].strip()
    parsed = parse_number(body, locale)
    if unit_words and not _same_unit(unit_words, indicator.unit):
        raise InputError(
            gettext_noop(
                'Đơn vị "{words}" khác đơn vị của "{name}" ({unit}); '
                "hãy ghi số theo đúng đơn vị {unit}."
            ),
            words=unit_words,
            name=indicator.name,
            unit=indicator.unit,
        )
    if parsed.is_percent and indicator.type != "percent":
        raise InputError(
            gettext_noop('"{name}" tính bằng {unit}, không phải tỷ lệ %; hãy bỏ dấu %.'),
            name=indicator.name,
            unit=indicator.unit,
        )
    value, note = parsed.value, parsed.note
    if indicator.type == "count" and parsed.ambiguous:
        other = _other_reading(body, locale)
        if other is not None and _whole(value) and not _whole(other):
            note = ""
        elif other is not None and _whole(other) and not _whole(value):
            value = other
            note = Said(
                gettext_noop(
                    'Đã hiểu "{shown}" là {value} vì "{name}" là số đếm, không có phần thập '
                    "phân. Nếu không đúng, hãy nhập lại."
                ),
                shown=text,
                value=format_number(value),
                name=indicator.name,
            )
    return _checked(indicator, value, text, note)


def _checked(indicator: Indicator, value: Decimal, shown: str, note: str) -> Reading:
    """The value if it can be this indicator's figure, whole numbers without decimals."""
    if value < 0:
        raise InputError(
            gettext_noop(
                '"{name}" không nhận số âm ("{shown}"): hãy nhập số liệu của năm '
                "(từ 0 trở lên), không phải mức tăng/giảm."
            ),
            name=indicator.name,
            shown=shown,
        )
    if indicator.type == "count" and not _whole(value):
        raise InputError(
            gettext_noop('"{name}" là số đếm, không có phần thập phân; hãy nhập lại "{shown}".'),
            name=indicator.name,
            shown=shown,
        )
    if indicator.type == "percent" and value > 100:
        raise InputError(
            gettext_noop(
                '"{name}" là tỷ lệ phần trăm, chỉ nhận số từ 0 đến 100; hãy kiểm tra lại "{shown}".'
            ),
            name=indicator.name,
            shown=shown,
        )
    if value.as_tuple().exponent < -MAX_DECIMALS:  # type: ignore[operator]
        raise InputError(
            gettext_noop('Số "{shown}" có quá {decimals} chữ số thập phân; hãy làm tròn.'),
            shown=shown,
            decimals=MAX_DECIMALS,
        )
    if value >= MAX_WHOLE:
        raise InputError(gettext_noop('Số "{shown}" quá lớn; hãy kiểm tra lại.'), shown=shown)
    return Reading(value.quantize(1) if _whole(value) else value, note)


def _number(raw: int | float | Decimal) -> Decimal:
    """A number as Decimal (a float through its shortest repr: 0.1 stays 0.1)."""
    if isinstance(raw, float) and not math.isfinite(raw):
        raise InputError(NOT_A_NUMBER)
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(repr(raw))
    except InvalidOperation:
        raise InputError(NOT_A_NUMBER) from None
    if not value.is_finite():
        raise InputError(NOT_A_NUMBER)
    return value


def _other_reading(body: str, locale: str) -> Decimal | None:
    """The value `body` has in the other locale's style, or None if it has none there."""
    other = next(code for code in LOCALES if code != locale)
    try:
        return parse_number(body, other).value
    except InputError:
        return None


def _whole(value: Decimal) -> bool:
    return value == value.to_integral_value()


def _same_unit(words: str, unit: str) -> bool:
    said, wanted = fold(words).strip(" .()"), fold(unit)
    return bool(said) and (wanted.startswith(said) or said.startswith(wanted))
