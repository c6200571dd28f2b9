"""Indicator values read from a table: rows matched to indicators, columns matched to years.

The same reader serves a Word table and an Excel sheet: it sees a grid of cells (text, or the
numbers Excel stores) and finds
- the rows whose label names an indicator: by its name, its row label or the words a report uses
  for it (`mentions`), compared word by word without diacritics, tolerant of typos, of "Tổng
  số"/"Số lượng" in front and of a unit in brackets behind; "Trong đó: nữ" is resolved by the
  row above it (the indicator it is a part of);
- the columns whose header names a campaign year ("2008", "Năm 2017", "2017 (người)");
- each value, through `read_figure` (`baocao.indicators.reading`: the same rule as the web
  form and the API), with a note whenever the figure was read with a doubt: an approximate
  figure ("khoảng 300") is kept with a warning; a percentage for a count, a negative figure,
  "N/A" or words are not kept and say so. A cell is never read as a silent zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from baocao.errors import InputError
from baocao.indicators.catalogue import Indicator
from baocao.indicators.numbers import format_number
from baocao.indicators.reading import read_figure
from baocao.ingest.result import ValueNote
from baocao.text import clean_line, fold

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_LABEL_PREFIX = re.compile(
    r"^(?:(?:[ivxlc]+|\d+(?:\.\d+)*|[a-z])\s*[.)\-:]\s*|[-+*•·–]\s*)?"
    r"(?:trong\s+do\s*[:,\-]?\s*)?(?:(?:tong\s+so|so\s+luong|so)\s+)?"
)
_BRACKETS = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*$")
# Abbreviations a report uses, spelled out before labels or texts are compared (both sides).
ABBREVIATIONS = {
    "tuldtt": "thoa uoc lao dong tap the",
    "cdcs": "cong doan co so",
    "cnvcld": "cong nhan vien chuc lao dong",
    "cnvc": "cong nhan vien chuc",
    "cnld": "cong nhan lao dong",
    "nld": "nguoi lao dong",
    "dv": "doan vien",
    "cd": "cong doan",
    "dn": "doanh nghiep",
    "nn": "nha nuoc",
    "ld": "lao dong",
    "ldld": "lien doan lao dong",
    "ldtt": "lao dong tap the",
}
# Labels of a table's own rows and columns, never an indicator.
_NOT_INDICATORS = frozenset(
    {
        "tong cong",
        "cong",
        "tong",
        "ghi chu",
        "chi tieu",
        "noi dung",
        "tt",
        "stt",
        "don vi",
        "dvt",
        "don vi tinh",
        "ten chi tieu",
        "so lieu",
        "ket qua",
    }
)
_STOPWORDS = frozenset({"cac", "nhung", "cua", "va", "duoc", "da", "la", "cho", "voi", "tai"})
_NO_FIGURE = frozenset({"-", "–", "—", "x", "...", "…", "../..", "./.", "_"})
_NOT_AVAILABLE = re.compile(
    r"^(?:n/?a|k/?c|khong|khong co|chua co|chua thong ke|khong co so lieu|chua co so lieu|"
    r"kxd|khong xac dinh|\?+|dang cap nhat|chua cap nhat)\.?$"
)
_APPROXIMATE = re.compile(
    r"^(?:khoang|gan|tren|hon|duoi|uoc tinh|uoc|xap xi|tam|tren duoi|chung|it nhat|toi thieu|"
    r"toi da|~|≈|>|<|>=|<=|≥|≤)\s*"
)


# --- one cell --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellValue:
    value: Decimal | None
    note: ValueNote | None = None


def read_value(
    raw: object, indicator: Indicator, year: int, locale: str = "vi", *, where: str = ""
) -> CellValue:
    """A cell's figure for `indicator` in `year`: the value, or None, and a note when in doubt.

    The figure itself is read by `read_figure`, the one rule for every way a figure is given;
    what it refuses becomes a warning here and the cell is not read. What only documents do
    is handled first: a date Excel made of a typed figure, "-" or "N/A" for no figure, and
    "khoảng 300", kept as 300 with a warning.
    """

    def note(message: str, severity: str = "warning", written: str = "") -> ValueNote:
        return ValueNote(
            code=indicator.code,
            year=year,
            written=written or _shown(raw),
            message=message,
            severity=severity,
            where=where,
        )

    if raw is None:
        return CellValue(None)
    figure: object = raw
    text, approximate = "", None
    if isinstance(raw, str):
        text = clean_line(raw)
        if not text:
            return CellValue(None)
        folded = fold(text)
        if text in _NO_FIGURE:
            return CellValue(
                None, note(f"“{text}” được hiểu là không có số liệu (để trống).", severity="note")
            )
        if _NOT_AVAILABLE.match(folded):
            return CellValue(None, note(f"“{text}” không phải số liệu; để trống chỉ tiêu này."))
        approximate = _APPROXIMATE.match(folded)
        figure = text[approximate.end() :].strip() if approximate else text
    elif not isinstance(raw, int | float | Decimal):  # a date or time Excel made of a figure
        return CellValue(
            None, note("Ô chứa ngày tháng, không phải số; hãy định dạng ô là số rồi nhập lại.")
        )
    try:
        reading = read_figure(indicator, figure, locale)
    except InputError as error:
        return CellValue(None, note(f"{error.message} Chưa đọc số liệu này."))
    if approximate:
        return CellValue(
            reading.value,
            note(
                f"“{text}” là số ước lượng; đã ghi {format_number(reading.value)}, hãy kiểm tra "
                "và ghi số chính xác nếu có."
            ),
        )
    if reading.note:
        return CellValue(reading.value, note(reading.note, severity="note"))
    return CellValue(reading.value)


def _shown(raw: object) -> str:
    return clean_line(str(raw))[:60] if raw is not None else ""


# --- rows: which indicator a label names -------------------------------------------------------


def label_key(text: str) -> str:
    """A row label as compared: no diacritics, numbering, "Tổng số", "Trong đó:" or unit."""
    folded = fold(text).strip(" :.;")
    folded = _BRACKETS.sub("", folded)
    return _LABEL_PREFIX.sub("", folded, count=1).strip(" :.;")


def _words(key: str) -> frozenset[str]:
    words: set[str] = set()
    for word in re.findall(r"\w+", key):
        words.update(ABBREVIATIONS.get(word, word).split())
    return frozenset(words - _STOPWORDS)


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice over words, or, when all of a label's two or more words are in the name, most of
    the way there ("Số buổi tuyên truyền" for a long official name)."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    dice = 2 * shared / (len(a) + len(b))
    covered = 0.85 * shared / len(a) if len(a) >= 2 else 0.0
    return max(dice, covered)


@dataclass
class IndicatorMatcher:
    """Finds the indicator a row label names. Ties ("Trong đó: doanh nghiệp ngoài nhà nước"
    fits three) go to the part of the indicator named in the rows above."""

    indicators: list[Indicator]
    threshold: float = 0.74
    _keys: list[tuple[str, str, frozenset[str]]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self._index: dict[str, list[int]] = {}
        for indicator in self.indicators:
            names = [indicator.name, indicator.label, *indicator.mentions]
            seen: set[str] = set()
            for name in names:
                key = label_key(name)
                if key and key not in seen:
                    seen.add(key)
                    words = _words(key)
                    for word in words:
                        self._index.setdefault(word, []).append(len(self._keys))
                    self._keys.append((indicator.code, key, words))
        self._by_code = {indicator.code: indicator for indicator in self.indicators}
        self._vocabulary = sorted(self._index)
        self._canonical: dict[str, str] = {}
        self._scores: dict[str, dict[str, float]] = {}

    def _canonical_words(self, words: frozenset[str]) -> frozenset[str]:
        """A typo within a word or two of its letters still names the word."""
        result = set()
        for word in words:
            if word not in self._index and len(word) >= 5:
                if word not in self._canonical:
                    if len(self._canonical) > 20_000:
                        self._canonical.clear()
                    found = process.extractOne(
                        word,
                        self._vocabulary,
                        scorer=Levenshtein.normalized_similarity,
                        score_cutoff=0.8,
                    )
                    self._canonical[word] = found[0] if found else word
                word = self._canonical[word]
            result.add(word)
        return frozenset(result)

    def scores(self, label: str) -> dict[str, float]:
        key = label_key(label)
        if key in self._scores:
            return self._scores[key]
        words = self._canonical_words(_words(key))
        best: dict[str, float] = {}
        if words and key not in _NOT_INDICATORS and fold(label).strip(" :.") not in _NOT_INDICATORS:
            near = {i for word in words for i in self._index.get(word, ())}
            for i in near:
                code, other, other_words = self._keys[i]
                score = (
                    1.0 if key == other or words == other_words else _similarity(words, other_words)
                )
                if score > best.get(code, 0.0):
                    best[code] = score
        if len(self._scores) < 5000:
            self._scores[key] = best
        return best

    def match(self, label: str, context: list[str] | None = None) -> str | None:
        """The code `label` names, or None; `context` is the codes matched in the rows above,
        nearest last."""
        if label in self._by_code:  # the template's code column
            return label
        scores = self.scores(label)
        if not scores:
            return None
        top = max(scores.values())
        if top < self.threshold:
            return None
        tied = [code for code, score in scores.items() if score >= top - 0.02]
        if len(tied) == 1:
            return tied[0]
        for code in reversed(context or []):
            whole = self._by_code[code].part_of or code
            fitting = [c for c in tied if self._by_code[c].part_of in (code, whole)]
            if len(fitting) == 1:
                return fitting[0]
        exact = [c for c in tied if scores[c] == 1.0]
        return exact[0] if len(exact) == 1 else None


# --- tables --------------------------------------------------------------------------------------


@dataclass
class TableReading:
    """What a table held: values by code and year, notes, and the rows it could not place."""

    values: dict[str, dict[int, Decimal]] = field(default_factory=dict)
    notes: list[ValueNote] = field(default_factory=list)
    unmatched_rows: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # indicators recognised, in row order

    @property
    def is_indicator_table(self) -> bool:
        return bool(self.codes)


def _text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, str):
        return clean_line(raw)
    return str(raw)


def _is_figure(raw: object) -> bool:
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return True
    text = _text(raw)
    return bool(text) and bool(re.fullmatch(r"[-+\u2212\u2013]?[\d.,\s]*\d\s*%?", text))


def year_columns(header: list[list[object]], years: list[int]) -> dict[int, int]:
    """{year: column} from the header row nearest the data that names campaign years: a cell
    that names exactly one ("Năm 2017", "2008 (người)"); the leftmost such column wins. Long
    cells (a title that mentions 2008) are not headers."""
    wanted = set(years)
    for row in reversed(header):
        found: dict[int, int] = {}
        for column, raw in enumerate(row):
            text = _text(raw)
            if not text or len(text) > 40:
                continue
            named = _YEAR.findall(text)  # "2008 - 2012" is a period, not a year
            if len(named) == 1 and int(named[0]) in wanted:
                found.setdefault(int(named[0]), column)
        if found:
            return found
    return {}


def read_table(
    grid: list[list[object]],
    matcher: IndicatorMatcher,
    years: list[int],
    locale: str = "vi",
    *,
    merged: set[tuple[int, int]] | None = None,
    where: str = "",
) -> TableReading:
    """Read indicator values from a grid of cells (rows of text or numbers).

    `merged` holds the (row, column) positions that repeat a merged cell. A table with no row
    naming an indicator, or no column naming a year, gives a reading with no codes: the caller
    keeps it as text.
    """
    merged = merged or set()
    reading = TableReading()
    labels: list[tuple[int, int, str]] = []  # (row, label column, code)
    context: list[str] = []
    for r, row in enumerate(grid):
        best: tuple[int, str] | None = None
        for c, raw in enumerate(row):
            if (r, c) in merged or _is_figure(raw):
                continue
            text = _text(raw)
            if not text or len(text) > 160 or (_YEAR.search(text) and len(text) < 20):
                continue
            code = matcher.match(text, context)
            if code is not None:
                best = (c, code)
                break
        if best is not None:
            labels.append((r, best[0], best[1]))
            context.append(best[1])
    if not labels:
        return reading
    first = labels[0][0]
    columns = year_columns(grid[:first], years)
    if not columns:
        if len(labels) >= 2:
            reading.warnings.append(
                f"Bảng{where and ' ' + where} có tên chỉ tiêu nhưng không có cột ghi năm "
                f"({', '.join(map(str, years))}) nên số liệu chưa được đọc; bảng được giữ "
                "nguyên trong nội dung. Hãy ghi năm ở dòng tiêu đề của bảng."
            )
        return reading
    label_rows = {r: (c, code) for r, c, code in labels}
    for r, row in enumerate(grid):
        if r < first:
            continue
        if r not in label_rows:
            figures = [
                row[c]
                for c in columns.values()
                if c < len(row) and (r, c) not in merged and _text(row[c])
            ]
            if figures:
                shown = " | ".join(
                    _text(v) for c, v in enumerate(row) if (r, c) not in merged and _text(v)
                )
                reading.unmatched_rows.append(shown)
                reading.warnings.append(
                    f"Dòng “{shown[:80]}” trong bảng số liệu không khớp chỉ tiêu nào của đề cương; "
                    "số liệu của dòng này chưa được nhập."
                )
            continue
        label_column, code = label_rows[r]
        indicator = matcher._by_code[code]
        if code in reading.codes:
            reading.warnings.append(
                f"Chỉ tiêu “{indicator.name}” có ở nhiều dòng của bảng; chỉ đọc dòng đầu tiên."
            )
            continue
        reading.codes.append(code)
        if indicator.derived or not indicator.numeric:
            continue
        for year, column in columns.items():
            if column >= len(row) or column == label_column:
                continue
            if (r, column) in merged:
                if _text(row[column]):
                    reading.notes.append(
                        ValueNote(
                            code,
                            year,
                            _text(row[column]),
                            "Ô số liệu gộp nhiều cột; chỉ đọc cho cột đầu tiên.",
                            "warning",
                            where,
                        )
                    )
                continue
            cell = read_value(row[column], indicator, year, locale, where=where)
            if cell.note is not None:
                reading.notes.append(cell.note)
            if cell.value is not None:
                reading.values.setdefault(code, {})[year] = cell.value
    return reading
