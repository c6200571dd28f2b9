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
from baocao.indicators.units import conversion, convert, implausible
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
    "bq": "binh quan",
    "tb": "trung binh",
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
# A column's own header that says only "the total" of the merged header above it.
_TOTALS = frozenset({"", "tong so", "tong", "tong cong", "cong", "so luong", "so", "chung"})
_STOPWORDS = frozenset({"cac", "nhung", "cua", "va", "duoc", "da", "la", "cho", "voi", "tai"})
_NO_FIGURE = frozenset({"-", "–", "—", "x", "...", "…", "../..", "./.", "_"})
_NOT_AVAILABLE = re.compile(
    r"^(?:n/?a|k/?c|khong|khong co|chua co|chua thong ke|khong co so lieu|chua co so lieu|"
    r"kxd|khong xac dinh|\?+|dang cap nhat|chua cap nhat)\.?$"
)
# A figure followed by its unit in the cell ("5.800.000 đồng", "1,25 tỷ đồng").
_FIGURE_AND_UNIT = re.compile(r"^(?P<figure>[\d.,\s]*\d)\s*(?P<unit>[^\W\d_][^\d]*)$")
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
    raw: object,
    indicator: Indicator,
    year: int,
    locale: str = "vi",
    *,
    where: str = "",
    unit: str = "",
) -> CellValue:
    """A cell's figure for `indicator` in `year`: the value, or None, and a note when in doubt.

    The figure itself is read by `read_figure`, the one rule for every way a figure is given;
    what it refuses becomes a warning here and the cell is not read. What only documents do
    is handled first: a date Excel made of a typed figure, "-" or "N/A" for no figure, and
    "khoảng 300", kept as 300 with a warning. `unit` is the unit the table gives the figure
    in (its "ĐVT" column, brackets after the label); a money unit other than the catalogue's
    ("2.100.000" in đồng, "5.800.000 đồng" in the cell itself) is converted, and said. A
    figure its indicator cannot plausibly have (an income per person of two million "triệu
    đồng") is kept with a warning, never silently rescaled.
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
        trailing = _FIGURE_AND_UNIT.match(str(figure))
        if trailing and conversion(trailing["unit"], indicator.unit) is not None:
            figure, unit = trailing["figure"], trailing["unit"]  # "5.800.000 đồng"
    elif not isinstance(raw, int | float | Decimal):  # a date or time Excel made of a figure
        return CellValue(
            None, note("Ô chứa ngày tháng, không phải số; hãy định dạng ô là số rồi nhập lại.")
        )
    factor = conversion(unit, indicator.unit) if unit else None
    try:
        reading = read_figure(indicator, figure, locale)
        value = reading.value
        if factor is not None and factor != 1:
            value = convert(value, unit, indicator.unit)
            reading = read_figure(indicator, value, locale)._replace(note=reading.note)
    except InputError as error:
        return CellValue(None, note(f"{error.message} Chưa đọc số liệu này."))
    notes: list[str] = []
    severity = "note"
    if reading.note:
        notes.append(reading.note)
    if factor is not None and factor != 1:
        notes.append(
            f"Đã đổi {_shown(figure)} {unit} thành {format_number(reading.value)} "
            f"{indicator.unit} (đơn vị của đề cương)."
        )
    if approximate:
        severity = "warning"
        notes.append(
            f"“{text}” là số ước lượng; đã ghi {format_number(reading.value)}, hãy kiểm tra "
            "và ghi số chính xác nếu có."
        )
    doubt = implausible(indicator, reading.value)
    if doubt:
        severity = "warning"
        notes.append(doubt)
    if notes:
        return CellValue(reading.value, note(" ".join(notes), severity=severity))
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

    def by_code(self, code: str) -> Indicator:
        return self._by_code[code]


# --- tables --------------------------------------------------------------------------------------


@dataclass
class TableReading:
    """What a table held: values by code and year, notes, and the rows it could not place.

    `codes`: the indicators recognised (rows, or columns of a table with the years as rows),
    in order; none for a table that is not read as figures. `unmatched_rows`: the rows of a
    figures table that are not understood (no indicator, a year of no campaign), as text
    ("cell | cell"), each said in `warnings` too. `partial`: the table names indicators in
    some rows only, too few to be read as figures without guessing (kept as text, said).
    `transposed`: the years are its rows and the indicators its columns."""

    values: dict[str, dict[int, Decimal]] = field(default_factory=dict)
    notes: list[ValueNote] = field(default_factory=list)
    unmatched_rows: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # indicators recognised, in row order
    partial: bool = False
    transposed: bool = False

    @property
    def is_indicator_table(self) -> bool:
        return bool(self.codes) and not self.partial


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


# A date ("14/3/2008", "5/2008", "14-3-2008", "20.11.2012"): names a year, is no year column.
_DATE = re.compile(r"\b\d{1,2}\s*[/.\-]\s*(?:\d{1,2}\s*[/.\-]\s*)?(?:19|20)\d\d\b")
# A figure with its unit or noun ("45 CĐCS", "200 đại biểu", "1.245 đoàn viên"): a cell of
# figures, never the label of a row.
_COUNTED = re.compile(r"^\d+(?:[.,]\d+)*\s+[^\W\d_]")
_UNIT_HEADERS = frozenset({"dvt", "don vi tinh", "don vi", "dv tinh"})
_BRACKETED = re.compile(r"[(\[]([^)\]]*)[)\]]\s*$")


def _names_year(text: str) -> int | None:
    """The one year a header or a row's first cell names ("2008", "Năm 2017", "2017 (người)"),
    not as part of a date or a period ("2008 - 2012"); long cells are no headers."""
    if not text or len(text) > 40:
        return None
    named = _YEAR.findall(_DATE.sub(" ", text))
    return int(named[0]) if len(named) == 1 else None


def _year_label(raw: object) -> int | None:
    """The year a row of a turned-over table is about: its first cell "2008", "Năm 2017"."""
    text = _text(raw)
    if isinstance(raw, float) or (_is_figure(raw) and not _YEAR.fullmatch(text)):
        return None
    return _names_year(text)


def _table_name(where: str) -> str:
    """ "Bảng 2" for "bảng 2", "Bảng ở trang tính “Số liệu”" for a sheet, "Bảng" alone."""
    if not where:
        return "Bảng"
    return where[:1].upper() + where[1:] if where.startswith("bảng") else f"Bảng ở {where}"


def _could_label(raw: object) -> bool:
    """Whether a cell may be a row's label: text, not a figure, a date or a counted figure."""
    if _is_figure(raw):
        return False
    text = _text(raw)
    if not text or len(text) > 160 or _COUNTED.match(text) or _DATE.search(text):
        return False
    return not (_YEAR.search(text) and len(text) < 20)


def year_columns(header: list[list[object]], years: list[int]) -> dict[int, int]:
    """{year: column} from the header row nearest the data that names campaign years: a cell
    that names exactly one ("Năm 2017", "2008 (người)"); the leftmost such column wins. Long
    cells (a title that mentions 2008) and dates ("14/3/2008") are not headers."""
    return _year_header(header, years)[1]


def _year_header(header: list[list[object]], years: list[int]) -> tuple[int, dict[int, int]]:
    """(the row, {year: column}) of `year_columns`; (-1, {}) when no row names a year."""
    wanted = set(years)
    for r in range(len(header) - 1, -1, -1):
        found: dict[int, int] = {}
        for column, raw in enumerate(header[r]):
            year = _names_year(_text(raw))
            if year in wanted:
                found.setdefault(year, column)
        if found:
            return r, found
    return -1, {}


def _row_text(row: list[object], r: int, merged: set[tuple[int, int]]) -> str:
    return " | ".join(_text(v) for c, v in enumerate(row) if (r, c) not in merged and _text(v))


def _unit_of(label: str, unit_cell: str) -> str:
    """The unit a row's figures are written in: its "ĐVT" cell, else brackets after its label
    ("Thu nhập bình quân (đồng/người/tháng)")."""
    if unit_cell:
        return unit_cell
    bracket = _BRACKETED.search(label)
    return bracket.group(1).strip() if bracket else ""


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

    `merged` holds the (row, column) positions that repeat a merged cell. Two shapes are read:
    a row per indicator with a column per year, and the same turned over (a row per year, a
    column per indicator: `transposed`). A table with no row or column naming an indicator, or
    no year, gives a reading with no codes: the caller keeps it as text. Nothing is dropped
    in silence: a row of a figures table that is not understood is in `unmatched_rows` and
    `warnings`, and a table that names indicators in too few rows to be read without guessing
    is `partial` (kept as text, said)."""
    merged = merged or set()
    by_rows = _read_by_rows(grid, matcher, years, locale, merged, where)
    if by_rows.is_indicator_table:
        return by_rows
    by_columns = _read_by_columns(grid, matcher, years, locale, merged, where)
    if by_columns.codes:
        return by_columns
    return by_rows


def _read_by_rows(
    grid: list[list[object]],
    matcher: IndicatorMatcher,
    years: list[int],
    locale: str,
    merged: set[tuple[int, int]],
    where: str,
) -> TableReading:
    reading = TableReading()
    labels: dict[int, tuple[int, str]] = {}  # row -> (label column, code)
    context: list[str] = []
    for r, row in enumerate(grid):
        for c, raw in enumerate(row):
            if (r, c) in merged or not _could_label(raw):
                continue
            code = matcher.match(_text(raw), context)
            if code is not None:
                labels[r] = (c, code)
                context.append(code)
                break
    if not labels:
        return reading
    first = min(labels)
    header_row, columns = _year_header(grid[:first], years)
    if not columns:
        if len(labels) >= 2:
            reading.codes = [code for _, code in labels.values()]
            reading.warnings.append(
                f"{_table_name(where)} có tên chỉ tiêu nhưng không có cột ghi năm "
                f"({', '.join(map(str, years))}) nên số liệu chưa được đọc; bảng được giữ "
                "nguyên trong nội dung. Hãy ghi năm ở dòng tiêu đề của bảng."
            )
            reading.partial = True
        return reading
    unit_column = next(
        (
            c
            for row in grid[: header_row + 1]
            for c, raw in enumerate(row)
            if fold(_text(raw)).strip(" .:") in _UNIT_HEADERS
        ),
        None,
    )
    year_cells = set(columns.values())
    data_rows = [
        r
        for r in range(header_row + 1, len(grid))
        if any(_text(v) for c, v in enumerate(grid[r]) if (r, c) not in merged)
    ]
    not_understood = []
    for r in data_rows:
        if r in labels:
            continue
        row = grid[r]
        # A row that only names a group ("II. Kết quả ...") holds nothing to lose.
        others = [
            _text(v)
            for c, v in enumerate(row)
            if (r, c) not in merged and _text(v) and (c in year_cells or _is_figure(v))
        ]
        if others:
            not_understood.append(r)
    if len(labels) < len(not_understood):
        names = "; ".join(
            f"“{matcher.by_code(code).name}”" for _, code in list(labels.values())[:3]
        )
        reading.codes = [code for _, code in labels.values()]
        reading.partial = True
        reading.warnings.append(
            f"{_table_name(where)} chỉ có {len(labels)}/{len(labels) + len(not_understood)} "
            f"dòng giống chỉ tiêu của đề cương ({names}); bảng được giữ nguyên trong nội dung, "
            "số liệu chưa được đọc. Nếu đây là bảng số liệu, hãy ghi tên chỉ tiêu như đề cương "
            "rồi nộp lại, hoặc nhập số liệu bằng tay."
        )
        return reading
    empty: set[str] = set()  # codes whose row so far held no figure
    for r in data_rows:
        row = grid[r]
        if r not in labels:
            if r in not_understood:
                shown = _row_text(row, r, merged)
                reading.unmatched_rows.append(shown)
                reading.warnings.append(
                    f"Dòng “{shown[:80]}” trong bảng số liệu không khớp chỉ tiêu nào của đề "
                    "cương; số liệu của dòng này chưa được nhập (dòng được giữ lại, chưa xếp "
                    "vào mục nào)."
                )
            continue
        label_column, code = labels[r]
        indicator = matcher.by_code(code)
        if code in reading.codes and code in empty:
            reading.codes.remove(code)  # the row before only named a group ("A. ĐOÀN VIÊN")
        if code in reading.codes:
            shown = _row_text(row, r, merged)
            reading.unmatched_rows.append(shown)
            reading.warnings.append(
                f"Chỉ tiêu “{indicator.name}” có ở nhiều dòng của bảng; chỉ đọc dòng đầu tiên, "
                f"dòng “{shown[:80]}” được giữ lại chưa xếp vào mục nào."
            )
            continue
        reading.codes.append(code)
        if indicator.derived or not indicator.numeric:
            continue
        unit_cell = (
            _text(row[unit_column])
            if unit_column is not None and unit_column < len(row) and unit_column != label_column
            else ""
        )
        unit = _unit_of(_text(row[label_column]), unit_cell)
        read_before = (len(reading.notes), sum(len(v) for v in reading.values.values()))
        for year, column in columns.items():
            if column >= len(row) or column == label_column:
                continue
            _read_cell(reading, row[column], (r, column) in merged, indicator, year, locale,
                       where, unit)  # fmt: skip
        if (len(reading.notes), sum(len(v) for v in reading.values.values())) == read_before:
            empty.add(code)
        else:
            empty.discard(code)
    return reading


def _read_cell(
    reading: TableReading,
    raw: object,
    is_merged: bool,
    indicator: Indicator,
    year: int,
    locale: str,
    where: str,
    unit: str,
) -> None:
    code = indicator.code
    if is_merged:
        if _text(raw):
            reading.notes.append(
                ValueNote(
                    code,
                    year,
                    _text(raw),
                    "Ô số liệu gộp nhiều cột; chỉ đọc cho cột đầu tiên.",
                    "warning",
                    where,
                )
            )
        return
    cell = read_value(raw, indicator, year, locale, where=where, unit=unit)
    if cell.note is not None:
        reading.notes.append(cell.note)
    if cell.value is not None:
        reading.values.setdefault(code, {})[year] = cell.value


def _read_by_columns(
    grid: list[list[object]],
    matcher: IndicatorMatcher,
    years: list[int],
    locale: str,
    merged: set[tuple[int, int]],
    where: str,
) -> TableReading:
    """A table turned over: a row per year ("Năm 2008", "2017"), a column per indicator, its
    header in one row or two (a merged "Đoàn viên" over "Tổng số" and "Nữ": the lower cell is
    read in the context of the columns to its left, then with the cell above it)."""
    reading = TableReading(transposed=True)
    year_rows = {
        r: year for r, row in enumerate(grid) if row and (year := _year_label(row[0])) is not None
    }
    if not year_rows:
        return reading
    first = min(year_rows)
    if first == 0:
        return reading
    width = max(len(row) for row in grid)
    columns: dict[int, str] = {}  # column -> code
    headers: dict[int, str] = {}  # column -> its header as written
    context: list[str] = []
    for c in range(1, width):
        cells = []
        for r in range(first):
            text = _text(grid[r][c]) if c < len(grid[r]) else ""
            if text and text not in cells:
                cells.append(text)
        if not cells:
            continue
        headers[c] = " ".join(cells)
        code = None
        # The lower cell, then with the one above ("Đoàn viên" over "Nữ"), then the one above
        # alone; under a merged "Đoàn viên", a "Tổng số" is the members themselves.
        above = cells[-2::-1]
        tries = (
            [cells[-1], *above]
            if label_key(cells[-1]) in _TOTALS
            else [cells[-1], " ".join(cells), *above]
        )
        for text in tries:
            if _could_label(text) or _BRACKETED.search(text):
                code = matcher.match(text, context)
            if code is not None:
                break
        if code is not None and code not in columns.values():
            columns[c] = code
            context.append(code)
    if not columns:
        return reading
    unknown = [c for c in headers if c not in columns]
    wanted = set(years)
    if len(columns) < len(unknown):
        reading.codes = list(columns.values())
        reading.partial = True
        reading.warnings.append(
            f"{_table_name(where)} có các năm ở cột đầu nhưng chỉ {len(columns)}/"
            f"{len(headers)} cột giống chỉ tiêu của đề cương; bảng được giữ nguyên trong nội "
            "dung, số liệu chưa được đọc. Hãy ghi tên chỉ tiêu như đề cương rồi nộp lại, hoặc "
            "nhập số liệu bằng tay."
        )
        return reading
    reading.codes = list(columns.values())
    for c in unknown:
        shown = f"{headers[c]}: " + "; ".join(
            f"{_text(grid[r][0])}: {_text(grid[r][c])}"
            for r in sorted(year_rows)
            if c < len(grid[r]) and _text(grid[r][c])
        )
        reading.unmatched_rows.append(shown)
        reading.warnings.append(
            f"Cột “{headers[c][:60]}” của bảng số liệu không khớp chỉ tiêu nào của đề cương; "
            "số liệu của cột này chưa được nhập (được giữ lại, chưa xếp vào mục nào)."
        )
    for r in range(first, len(grid)):
        row = grid[r]
        if not any(_text(v) for cc, v in enumerate(row) if (r, cc) not in merged):
            continue
        year = year_rows.get(r)
        if year not in wanted:
            shown = _row_text(row, r, merged)
            reading.unmatched_rows.append(shown)
            reading.warnings.append(
                f"Dòng “{shown[:80]}” trong bảng số liệu không phải năm của đợt báo cáo "
                f"({', '.join(map(str, years))}); số liệu của dòng này chưa được nhập (dòng "
                "được giữ lại, chưa xếp vào mục nào)."
            )
            continue
        for c, code in columns.items():
            indicator = matcher.by_code(code)
            if indicator.derived or not indicator.numeric or c >= len(row):
                continue
            unit = _unit_of(headers[c], "")
            _read_cell(reading, row[c], (r, c) in merged, indicator, year, locale, where, unit)
    return reading
