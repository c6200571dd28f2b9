"""Check the numbers written in a section's text against that section's indicator table.

"Toàn tỉnh có 12.345 đoàn viên" next to a table saying 12.354 is the error a consolidating
officer most fears. A number is tied to an indicator only when the words around it, in the
same clause, name that indicator (its `mentions`, else its name without "Số"); the most
specific name wins ("kết nạp mới 780 đoàn viên" is new members, not members), and a tie is
left alone rather than guessed. The year is the last year written before the number in its
sentence ("Năm 2008 có ..."), else the current year. A number after "tăng"/"giảm" is compared
with the change between the two years.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from baocao.errors import InputError
from baocao.indicators.catalogue import Indicator
from baocao.indicators.maths import growth
from baocao.indicators.numbers import format_number, parse_number
from baocao.text import fold

# A number as people write it, with an optional % sign; not part of a date or a document
# number ("05/8/2014", "25/KH-LĐLĐ").
_NUMBER = re.compile(
    r"(?<![\w/.,-])(\d{1,3}(?:[. ]\d{3})+(?:,\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)"
    r"(\s?%)?(?![\w/-]|[.,]\d)"
)
_YEAR = re.compile(r"^(19[5-9]\d|20\d\d)$")
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]!?]|\.(?!\d)|\s[-–]\s")
_SENTENCE_BREAK = re.compile(r"[.!?;](?!\d)\s|\n")
_WORD = re.compile(r"\w+")
_CHANGE_WORDS = ("tang", "giam")
_NAME_PREFIXES = ("tong so luot ", "tong so ", "so luong ", "so luot ", "so ")
WINDOW = 8


@dataclass(frozen=True)
class Finding:
    code: str
    year: int | None  # None: the number is a change between the years
    written: Decimal
    expected: Decimal | None
    excerpt: str

    @property
    def agrees(self) -> bool:
        return self.expected is not None and self.written == self.expected

    def message(self, indicator: Indicator, years: tuple[int, int]) -> str:
        what = f"thay đổi {years[0]}–{years[1]}" if self.year is None else f"năm {self.year}"
        table = "chưa có số" if self.expected is None else format_number(self.expected)
        return (
            f"Văn bản ghi “{self.excerpt}” nhưng bảng chỉ tiêu “{indicator.name}” ({what}) "
            f"là {table}. Hãy sửa cho khớp."
        )


def _readings(raw: str) -> list[Decimal]:
    first = parse_number(raw, "vi")
    if not first.ambiguous:
        return [first.value]
    return [first.value, parse_number(raw, "en").value]


@lru_cache(maxsize=4096)
def _phrases(indicator: Indicator) -> tuple[tuple[str, ...], ...]:
    """Folded once per indicator: the check runs over every number of every section."""
    names = indicator.mentions or (_name_phrase(indicator.name),)
    return tuple(tuple(_WORD.findall(fold(name))) for name in names if name)


def _name_phrase(name: str) -> str:
    folded = fold(name)
    for prefix in _NAME_PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix) :]
    return folded


def _is_subsequence(phrase: tuple[str, ...], words: list[str]) -> bool:
    remaining = iter(words)
    return all(any(word == token for word in remaining) for token in phrase)


def _clause_words(text: str, start: int, end: int) -> tuple[list[str], list[str]]:
    """Folded words before and after the number, within its clause, WINDOW at most each side."""
    before_text = _CLAUSE_BREAK.split(text[:start])[-1]
    after_text = _CLAUSE_BREAK.split(text[end:])[0]
    before = [w for w in _WORD.findall(fold(before_text)) if not w.isdigit() or _YEAR.match(w)]
    after = _WORD.findall(fold(_NUMBER.split(after_text, maxsplit=1)[0]))
    return before[-WINDOW:], after[:WINDOW]


def _year_before(text: str, start: int, years: tuple[int, int]) -> int:
    sentence = _SENTENCE_BREAK.split(text[:start])[-1]
    found = [int(y) for y in re.findall(r"\b(19[5-9]\d|20\d\d)\b", sentence)]
    return found[-1] if found and found[-1] in years else years[1]


def _best(indicators: list[Indicator], words: list[str], percent: bool) -> Indicator | None:
    scored = []
    for indicator in indicators:
        if (indicator.type == "percent") != percent or indicator.type in ("money", "text"):
            continue
        score = max(
            (len(p) for p in _phrases(indicator) if p and _is_subsequence(p, words)), default=0
        )
        if score:
            scored.append((score, indicator))
    if not scored:
        return None
    scored.sort(key=lambda pair: pair[0], reverse=True)
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return None  # two indicators fit equally well: do not guess
    return scored[0][1]


def check_numbers(
    text: str,
    indicators: list[Indicator],
    values: Mapping[str, Mapping[int, Decimal | None]],
    years: tuple[int, int],
) -> list[Finding]:
    """Every number in `text` that names one of `indicators`, with what the table says."""
    findings: list[Finding] = []
    previous: tuple[Indicator, int, bool] | None = None  # indicator, end offset, was a change
    for match in _NUMBER.finditer(text):
        raw, percent = match.group(1), bool(match.group(2))
        if not percent and _YEAR.match(raw):
            continue
        try:
            readings = _readings(raw + ("%" if percent else ""))
        except InputError:
            continue
        before, after = _clause_words(text, match.start(), match.end())
        is_change = bool(before) and before[-1] in _CHANGE_WORDS
        indicator = _best(indicators, before + after, percent)
        # "… 12.345 đoàn viên, tăng 2.345 (23,4%) so với năm 2008": the change and its
        # percentage speak of the figure named just before them in the same sentence.
        same_sentence = previous is not None and not _SENTENCE_BREAK.search(
            text[previous[1] : match.start()]
        )
        as_growth_percent = indicator is None and percent and same_sentence and previous[2]
        if indicator is None and same_sentence and (is_change or as_growth_percent):
            indicator = previous[0]
        if indicator is None:
            continue
        previous = (indicator, match.end(), is_change)
        row = values.get(indicator.code, {})
        if as_growth_percent:
            _, share = growth(row.get(years[0]), row.get(years[1]))
            year, expected = None, (abs(share) if share is not None else None)
        elif is_change:
            change, _ = growth(row.get(years[0]), row.get(years[1]))
            year, expected = None, (abs(change) if change is not None else None)
        else:
            year = _year_before(text, match.start(), years)
            expected = row.get(year)
        places = max(0, -readings[0].as_tuple().exponent)
        if expected is not None and (percent or places):
            # "89,2%" against 89.24, "4,3 điểm" against 4.33: as precise as written.
            half_unit = Decimal(5).scaleb(-places - 1)
            exact = Decimal(expected)
            close = abs(readings[0] - exact) <= half_unit
            expected = readings[0] if close else exact.quantize(Decimal(1).scaleb(-places))
        # "1,234" reads two ways: take the reading that agrees with the table, if one does.
        written = next((r for r in readings if r == expected), readings[0])
        excerpt = " ".join(text[max(0, match.start() - 40) : match.end() + 30].split())
        findings.append(Finding(indicator.code, year, written, expected, excerpt))
    return findings


def mismatches(
    text: str,
    indicators: list[Indicator],
    values: Mapping[str, Mapping[int, Decimal | None]],
    years: tuple[int, int],
) -> list[Finding]:
    return [f for f in check_numbers(text, indicators, values, years) if not f.agrees]
