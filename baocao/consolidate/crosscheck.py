"""Check the numbers written in a section's text against that section's indicator table.

"Toàn tỉnh có 12.345 đoàn viên" next to a table saying 12.354 is the error a consolidating
officer most fears. A number is tied to an indicator by its own noun first: the words right
after it ("1.641 CNVCLĐ" is workers even after "1.618 đoàn viên trên"), made more specific by
the clause's other words ("320 đoàn viên" in a clause about "ngoài nhà nước" is the non-state
members). Without a noun of its own, the words around it in the same clause decide (its
`mentions`, else its name without "Số"); the most specific name wins ("kết nạp mới 780 đoàn
viên" is new members, not members), and a tie is left alone rather than guessed. The year is
one written right after the number ("1.500 người năm 2008"), else the last one before it in
its sentence ("Năm 2008 có ..."), else the current year. A number after "tăng"/"giảm" is
compared with the change between the two years. Not checked, since they are no figure of the
table: approximations ("khoảng", "gần", "hơn"), averages ("bình quân mỗi CĐCS"), ranges ("từ
1.200 đến 1.500"), a number written with "/" ("1.618/1.641").

A table in the text is read a cell at a time, never a row as one sentence: a number in a cell
is read with the words of its row and the header of its column ("Số đoàn viên 18.200 năm
2008", "Số đoàn viên Tăng/giảm 2.345"), so the row names the indicator and the header says
which figure; a header with "%" makes the number a percentage. A cell of words is a sentence
of its own.
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
from baocao.richtext import TableBlock, plain_lines, section_blocks
from baocao.text import fold

# A number as people write it, with an optional % sign; not part of a date or a document
# number ("05/8/2014", "25/KH-LĐLĐ").
_NUMBER = re.compile(
    r"(?<![\w/.,-])(\d{1,3}(?:[. ]\d{3})+(?:,\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)"
    r"(\s?%)?(?![\w/-]|[.,]\d)"
)
_YEAR = re.compile(r"^(19[5-9]\d|20\d\d)$")
# A line (paragraph, list item, table cell) ends a clause too: no word reaches across it.
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]!?\n]|\.(?!\d)|[^\S\n][-–][^\S\n]")
_SENTENCE_BREAK = re.compile(r"[.!?;](?!\d)\s|\n")
_WORD = re.compile(r"\w+")
_CHANGE_WORDS = ("tang", "giam")
# Words that make the number that follows not a figure of the table.
_APPROXIMATE = {"khoang", "gan", "hon", "xap", "uoc", "duoi"}
# Read with diacritics: folded, "mỗi" (each) would be "mới" (new).
_AVERAGE = re.compile(r"\b(?:mỗi|bình quân|trung bình)\b", re.I)
# Counting words between a number and its noun: "3 cuộc đình công", "12 bản thỏa ước".
_UNIT_WORDS = {"nguoi", "luot", "ban", "cuoc", "vu", "la", "can", "lop", "buoi", "don", "cai"}
# "trên" before a number means "more than" after these (else "out of": "1.618 ... trên 1.641").
_BEFORE_MORE_THAN = {"co", "dat", "la", "voi", "duoc", "gom", "tong"}
_YEAR_AFTER = re.compile(r"^[^\d,;:()<.!?\n]{0,30}?\bnăm\s+(19[5-9]\d|20\d\d)\b", re.I)
_COMPARED = re.compile(r"\bso\s+với\b", re.I)
_COMPARISON = re.compile(r"\bso\s+với(?:\s+năm)?\s+(?:19[5-9]\d|20\d\d)\b", re.I)
_YEAR_BEFORE = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_YEAR_BEFORE_BRACKET = re.compile(r"\bnăm\s+(19[5-9]\d|20\d\d)\s*$", re.I)
_YEAR_IN_BRACKET = re.compile(r"\(\s*năm\s+(19[5-9]\d|20\d\d)\s*:", re.I)
_TABLE = re.compile(r"<table\b", re.IGNORECASE)
_FIGURE_CELL = re.compile(r"[-+]?\d[\d., ]*%?")
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


def _year_of(text: str, start: int, end: int, years: tuple[int, int]) -> int:
    """ "1.500 người năm 2008": the year right after; else the last before it in its sentence."""
    after = _YEAR_AFTER.match(text[end:])
    if after and int(after.group(1)) in years and not _COMPARED.search(after.group(0)):
        return int(after.group(1))
    bracket = _bracket_year(text, start)
    if bracket in years:
        return bracket
    sentence = _SENTENCE_BREAK.split(text[:start])[-1]
    # "so với năm 2008" compares with a year; it does not date what follows.
    found = [int(y) for y in _YEAR_BEFORE.findall(_COMPARISON.sub(" ", sentence))]
    return found[-1] if found and found[-1] in years else years[1]


def _bracket_year(text: str, start: int) -> int | None:
    """The year a bracket holding the number is about: "so với năm 2008 (1.618 đoàn viên ...)",
    "(năm 2008: 418 buổi)"."""
    opened = text.rfind("(", 0, start)
    if opened < 0 or ")" in text[opened:start]:
        return None
    found = _YEAR_BEFORE_BRACKET.search(
        text[max(0, opened - 24) : opened]
    ) or _YEAR_IN_BRACKET.match(text[opened:start])
    return int(found.group(1)) if found else None


def _not_a_figure(text: str, match: re.Match, before: list[str], after: list[str]) -> bool:
    """An approximation, an average, a range or a ratio written with "/": not checked."""
    if text[match.end() : match.end() + 1] == "/" or text[max(0, match.start() - 1)] == "/":
        return True
    last = before[-1] if before else ""
    if last in _APPROXIMATE or (
        last == "tren" and (len(before) == 1 or before[-2] in _BEFORE_MORE_THAN)
    ):
        return True
    if _AVERAGE.search(_CLAUSE_BREAK.split(text[: match.start()])[-1]):
        return True
    range_start = last == "tu" and after[:1] == ["den"]
    range_end = (
        last == "den"
        and "tu" in before[-4:]
        and not _YEAR.match(before[-2] if len(before) > 1 else "")
    )
    return range_start or range_end


def _own_noun(indicators: list[Indicator], after: list[str], clause: set[str], percent: bool):
    """The indicator the number's own noun names ("1.641 CNVCLĐ"), made specific by the
    clause ("320 đoàn viên" about "ngoài nhà nước"), or None."""
    words = after[1:] if after[:1] and after[0] in _UNIT_WORDS else after
    noun: tuple[str, ...] = ()
    for indicator in indicators:
        if (indicator.type == "percent") != percent or indicator.type in ("money", "text"):
            continue
        for phrase in _phrases(indicator):
            if phrase and tuple(words[: len(phrase)]) == phrase and len(phrase) > len(noun):
                noun = phrase
    if not noun:
        return None
    scored = []
    for indicator in indicators:
        if (indicator.type == "percent") != percent or indicator.type in ("money", "text"):
            continue
        fits = [
            len(phrase)
            for phrase in _phrases(indicator)
            if phrase[: len(noun)] == noun and set(phrase[len(noun) :]) <= clause
        ]
        if fits:
            scored.append((max(fits), indicator))
    scored.sort(key=lambda pair: pair[0], reverse=True)
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    return scored[0][1]


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
    text = as_lines(text)
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
        if _not_a_figure(text, match, before, after):
            continue
        is_change = bool(before) and before[-1] in _CHANGE_WORDS
        indicator = (
            None if is_change else _own_noun(indicators, after, set(before) | set(after), percent)
        )
        if indicator is None:
            indicator = _best(indicators, _since_separator(before) + after, percent)
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
            year = _year_of(text, match.start(), match.end(), years)
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
        excerpt = _excerpt(text, match.start(), match.end())
        findings.append(Finding(indicator.code, year, written, expected, excerpt))
    return findings


def mismatches(
    text: str,
    indicators: list[Indicator],
    values: Mapping[str, Mapping[int, Decimal | None]],
    years: tuple[int, int],
) -> list[Finding]:
    return [f for f in check_numbers(text, indicators, values, years) if not f.agrees]


def _since_separator(before: list[str]) -> list[str]:
    """The words before a number back to "trên", "với", "và" or "trong tổng số": those further
    back belong to the number before it ("1.618 đoàn viên trên 1.641 ...")."""
    for index in range(len(before) - 1, -1, -1):
        if before[index] in ("tren", "voi", "va") or before[index - 1 : index + 1] == [
            "tong",
            "so",
        ]:
            return before[index + 1 :]
    return before


def _excerpt(text: str, start: int, end: int) -> str:
    """About 40 characters either side of the number, cut at word boundaries, within its line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    left = max(line_start, start - 40)
    while left > line_start and not text[left - 1].isspace():
        left -= 1
    right = min(line_end, end + 30)
    while right < line_end and not text[right].isspace():
        right += 1
    return " ".join(text[left:right].split())


def as_lines(text: str) -> str:
    """A stored text (HTML) as plain text with a line per paragraph, list item or line break,
    so that a year or a name never reaches across into the next paragraph, and a line per
    table cell (`table_lines`); plain text is unchanged."""
    if "<" not in text:
        return text
    if not _TABLE.search(text):
        return "\n".join(plain_lines(text))
    lines: list[str] = []
    for block in section_blocks(text):
        if isinstance(block, TableBlock):
            lines.extend(table_lines(block))
        else:
            lines.extend(block.text.split("\n"))
    return "\n".join(lines)


def table_lines(table: TableBlock) -> list[str]:
    """A line per cell: a cell of words as it is; a cell that is a figure with what it is a
    figure of, the words of the cells before it in its row and the header of its column
    ("Đoàn viên người 18.200 năm 2008", "Đoàn viên người Tăng/giảm 9.650", "... % 53,0%")."""
    layout = table.layout()
    if layout is None:
        return table.lines()
    width, placements = layout
    headers = [""] * width
    lines: list[str] = []
    row_words: dict[int, list[str]] = {}
    for place in placements:
        text = " ".join(place.cell.text.split())
        if not text:
            continue
        if place.row < table.header_rows:
            for column in range(place.column, place.column + place.colspan):
                headers[column] = f"{headers[column]} {text}".strip()
            continue
        words = row_words.setdefault(place.row, [])
        if not _FIGURE_CELL.fullmatch(text) or _YEAR.match(text):
            lines.append(text)
            words.append(text)
            continue
        header = headers[place.column]
        if "%" in header and "%" not in text:
            text += "%"
        header_years = _YEAR_BEFORE.findall(header)
        if len(header_years) == 1 and not any(w in fold(header) for w in _CHANGE_WORDS):
            # "Số đoàn viên 18.200 năm 2008": the row's words stay next to the number.
            lines.append(" ".join((*words, text, f"năm {header_years[0]}")))
        else:
            lines.append(" ".join(part for part in (*words, header, text) if part))
    return lines
