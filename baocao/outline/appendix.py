"""The indicator catalogue of a guidance document, read from its appendix table(s) (biểu số
liệu): a row per indicator with its name and unit of measure (đơn vị tính), a column per year
("Năm 2016", "2020", "Giai đoạn 2019–2024"), and where it says so a reference column ("Mục
I.1", "Phần II mục 2") that attaches the indicator to its section.

Everything understood is said (`Appendix.rows`, one line per indicator with what was guessed)
and everything not understood is explained (`Appendix.warnings`, in Vietnamese): a table that is
no indicator table, a row without a unit, a third year column, years written as rows (the table
is read across instead). Nothing is dropped silently. What is only a guess is marked for the
person to confirm before saving: a ratio's parts ("Tỷ lệ đoàn viên trên CNVCLĐ" = members /
workers), an average that must not be added up the tree.

Framework-free: the outline importer hands in the tables' grids (`docx_in.Table.grid`, or rows
of an XLSX sheet) with the heading they sit under, and gets back what to put into the outline.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from baocao.indicators.catalogue import Indicator
from baocao.outline.model import Outline, Section
from baocao.text import clean_line, fold

_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
_PERIOD = re.compile(r"(19[5-9]\d|20\d\d)\s*[-–—/]\s*(19[5-9]\d|20\d\d)")
_NAME_HEADERS = ("chi tieu", "noi dung", "ten chi tieu", "danh muc")
_UNIT_HEADERS = ("don vi tinh", "dvt", "don vi")
_REFERENCE_HEADERS = ("muc", "thuoc muc", "ghi chu", "tham chieu", "de muc")
_NUMBER_HEADERS = ("tt", "stt", "so tt", "so thu tu")
_PART_WORDS = {"nhat": 1, "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9}
MAX_CODE = 40


@dataclass
class Row:
    """One indicator as read, for the preview: where it came from and what was guessed."""

    table: int  # 1-based, in the document's order
    line: int  # 1-based row of that table
    indicator: Indicator
    section_id: str = ""  # "" : at the outline's root
    reference: str = ""  # the reference cell as written
    notes: list[str] = field(default_factory=list)  # what was guessed, to confirm


@dataclass
class Appendix:
    rows: list[Row] = field(default_factory=list)
    years: dict[str, int] = field(default_factory=dict)  # {"baseline": 2016, "current": 2020}
    warnings: list[str] = field(default_factory=list)
    tables_read: int = 0

    @property
    def indicators(self) -> list[Indicator]:
        return [row.indicator for row in self.rows]


@dataclass(frozen=True)
class TableInput:
    """A table of the document: its cells' text row by row (merged cells repeated), and the
    id of the section whose heading it stands under ("" when before any)."""

    grid: Sequence[Sequence[str]]
    under: str = ""


# --- which table is an indicator table ------------------------------------------------------


def _folded(text: str) -> str:
    return " ".join(re.findall(r"\w+", fold(text or "")))


def _header_kind(text: str) -> str:
    folded = _folded(text)
    if not folded:
        return ""
    if _PERIOD.search(text) or (_YEAR.search(text) and len(folded.split()) <= 4):
        return "year"
    if folded in _NUMBER_HEADERS:
        return "number"
    if any(folded.startswith(h) for h in _UNIT_HEADERS):
        return "unit"
    if any(folded == h or folded.startswith(h + " ") for h in _NAME_HEADERS):
        return "name"
    if any(folded == h or folded.startswith(h + " ") for h in _REFERENCE_HEADERS):
        return "reference"
    return ""


def looks_like_indicator_table(grid: Sequence[Sequence[str]]) -> bool:
    """A header (in its first three rows) with a name column and a unit column or two year
    columns, or years down its first column under a row of names (the transposed form). A
    table with one year and no unit ("Chỉ tiêu | Năm 2008") stays text of its section."""
    for row in grid[:3]:
        kinds = [_header_kind(cell) for cell in row]
        if "name" in kinds and ("unit" in kinds or kinds.count("year") >= 2):
            return True
    return _transposed(grid) is not None


def _transposed(grid: Sequence[Sequence[str]]) -> list[tuple[int, int]] | None:
    """(row, year) of each year written down the first column, when there are two or more and
    the first row names indicators; else None."""
    if len(grid) < 3 or not grid[0] or len(grid[0]) < 2:
        return None
    years = []
    for index, row in enumerate(grid[1:], start=1):
        found = _year_of(row[0]) if row else None
        if found:
            years.append((index, found))
    named = [cell for cell in grid[0][1:] if _folded(cell) and not _year_of(cell)]
    return years if len(years) >= 2 and named else None


def _year_of(text: str) -> int | None:
    """2016 from "Năm 2016"; 2024 from "Giai đoạn 2019–2024" (a period counts at its end)."""
    period = _PERIOD.search(text or "")
    if period:
        return int(period.group(2))
    found = _YEAR.findall(text or "")
    if len(found) == 1 and len(_folded(text).split()) <= 4:
        return int(found[0])
    return None


# --- reading ------------------------------------------------------------------------------


def read_appendix(tables: Sequence[TableInput], outline: Outline) -> Appendix:
    """Every indicator table of the document, read into one catalogue (codes unique)."""
    result = Appendix()
    resolver = _Sections(outline)
    codes: set[str] = set()
    years_seen: list[int] = []
    for number, table in enumerate(tables, start=1):
        grid = [[clean_line(cell or "") for cell in row] for row in table.grid]
        if not looks_like_indicator_table(grid):
            if any(any(cell for cell in row) for row in grid):
                result.warnings.append(
                    f"Bảng {number} không phải bảng chỉ tiêu (không có cột “Chỉ tiêu” cùng cột "
                    "“Đơn vị tính” hay cột năm); nội dung của nó được giữ trong đề cương."
                )
            continue
        result.tables_read += 1
        transposed = _transposed(grid)
        if transposed is not None:
            rows = _read_transposed(grid, transposed, number, result)
        else:
            rows = _read_rows(grid, number, result)
        for row, year_columns in rows:
            years_seen.extend(year_columns)
            row.indicator = _with_code(row.indicator, codes)
            section = resolver.find(row.reference) if row.reference else None
            if row.reference and section is None:
                row.notes.append(
                    f"Không tìm thấy mục “{row.reference}” trong đề cương; chỉ tiêu để ở phần "
                    "chung, hãy chọn mục."
                )
            if section is None and table.under:
                section = table.under
                row.notes.append("Gắn vào mục có bảng này (theo vị trí của bảng).")
            row.section_id = section or ""
            result.rows.append(row)
    _settle_years(sorted(set(years_seen)), result)
    _suggest_ratios(result)
    if not result.tables_read and tables:
        result.warnings.append(
            "Tệp có bảng nhưng không có bảng chỉ tiêu nào: đề cương được nhập không có chỉ tiêu. "
            "Hãy thêm chỉ tiêu trong trang sửa đề cương, hoặc nhập kèm bảng Excel chỉ tiêu."
        )
    return result


def _columns(grid: list[list[str]]) -> tuple[int, dict[str, int], dict[int, int]]:
    """(first data row, {kind: column}, {column: year}) from the header rows."""
    kinds: dict[str, int] = {}
    years: dict[int, int] = {}
    last_header = 0
    for index, row in enumerate(grid[:3]):
        found = False
        for column, cell in enumerate(row):
            kind = _header_kind(cell)
            if kind == "year":
                year = _year_of(cell)
                if year and column not in years:
                    years[column] = year
                    found = True
            elif kind and kind not in kinds:
                kinds[kind] = column
                found = True
        if found:
            last_header = index
    return last_header + 1, kinds, years


def _read_rows(grid: list[list[str]], number: int, result: Appendix) -> list[tuple[Row, list[int]]]:
    start, kinds, years = _columns(grid)
    name_column = kinds.get("name", 1 if len(grid[0]) > 1 else 0)
    rows = []
    for index in range(start, len(grid)):
        cells = grid[index]
        name = cells[name_column] if name_column < len(cells) else ""
        if not name:
            if any(cells):
                result.warnings.append(
                    f"Bảng {number}, dòng {index + 1}: không có tên chỉ tiêu "
                    f"({' | '.join(c for c in cells if c)}); dòng này chưa được nhập."
                )
            continue
        unit = cells[kinds["unit"]] if "unit" in kinds and kinds["unit"] < len(cells) else ""
        if _is_group_heading(cells, name_column, unit):
            result.warnings.append(
                f"Bảng {number}, dòng {index + 1} (“{name}”) là tiêu đề nhóm, không phải chỉ tiêu."
            )
            continue
        reference = (
            cells[kinds["reference"]]
            if "reference" in kinds and kinds["reference"] < len(cells)
            else ""
        )
        row = Row(number, index + 1, _indicator(name, unit), reference=reference)
        if not unit:
            row.notes.append("Dòng này không ghi đơn vị tính; hãy bổ sung.")
        rows.append((row, list(years.values())))
    return rows


def _is_group_heading(cells: Sequence[str], name_column: int, unit: str) -> bool:
    """A row such as "I | Về đoàn viên | | |" groups the rows under it: no unit, and numbered
    with a Roman numeral or a capital letter, or written all in capitals."""
    number = cells[0].strip().rstrip(".") if name_column != 0 and cells else ""
    name = cells[name_column]
    grouped = bool(re.fullmatch(r"[IVXLC]+|[A-ZĐ]", number)) or (name.isupper() and len(name) > 3)
    return not unit and grouped


def _read_transposed(
    grid: list[list[str]], years: list[tuple[int, int]], number: int, result: Appendix
) -> list[tuple[Row, list[int]]]:
    result.warnings.append(
        f"Bảng {number} ghi năm theo dòng, chỉ tiêu theo cột: đã đọc theo chiều ngang."
    )
    rows = []
    for column in range(1, len(grid[0])):
        name = grid[0][column]
        if not name:
            continue
        name, unit = _split_unit(name)
        row = Row(number, column + 1, _indicator(name, unit))
        if not unit:
            row.notes.append("Không ghi đơn vị tính; hãy bổ sung.")
        rows.append((row, [year for _index, year in years]))
    return rows


def _split_unit(name: str) -> tuple[str, str]:
    """ "Số đoàn viên (người)" -> ("Số đoàn viên", "người")."""
    found = re.match(r"^(.*?)\s*\(([^()]{1,30})\)\s*$", name)
    return (found.group(1), found.group(2)) if found else (name, "")


def _indicator(name: str, unit: str) -> Indicator:
    """Type and roll-up from the words: a percentage is never added up; an average or a value
    "per person" is not either (a weighted figure: say so); money is money."""
    folded_name, folded_unit = _folded(name), _folded(unit)
    if "%" in unit or folded_name.startswith("ty le") or folded_unit in ("phan tram", "ty le"):
        kind, rollup = "percent", "none"
    elif "dong" in folded_unit.split():
        kind, rollup = "money", "sum"
    else:
        kind, rollup = "count", "sum"
    if "binh quan" in folded_name or "trung binh" in folded_name or "/" in unit:
        rollup = "none"
    return Indicator(code="", name=name, unit=unit, type=kind, rollup=rollup)


def code_for(name: str, taken: set[str]) -> str:
    """A code from the name ("doan_vien" for "Số đoàn viên"), not in `taken` (and added to
    it), never a Python word: for the importer and for an indicator added in the editor."""
    words = _folded(name).split()
    if words and words[0] == "so" and len(words) > 1:
        words = words[1:]
    base = "_".join(words)[:MAX_CODE].strip("_") or "chi_tieu"
    if not base[0].isalpha() or keyword.iskeyword(base):
        base = f"ct_{base}"
    code, n = base, 2
    while code in taken:
        code, n = f"{base[: MAX_CODE - 4]}_{n}", n + 1
    taken.add(code)
    return code


def _with_code(indicator: Indicator, taken: set[str]) -> Indicator:
    return Indicator(**{**indicator.__dict__, "code": code_for(indicator.name, taken)})


def _settle_years(years: list[int], result: Appendix) -> None:
    if len(years) >= 2:
        result.years = {"baseline": years[0], "current": years[-1]}
        if len(years) > 2:
            middle = ", ".join(str(y) for y in years[1:-1])
            result.warnings.append(
                f"Bảng có {len(years)} cột năm; đợt báo cáo so sánh năm {years[0]} với năm "
                f"{years[-1]}. Số liệu các năm {middle} không được thu thập: nếu cần, hãy thêm "
                "chỉ tiêu riêng cho các năm đó."
            )
    elif len(years) == 1:
        result.years = {"current": years[0]}
        result.warnings.append(
            f"Bảng chỉ có một cột năm ({years[0]}); hãy nhập năm gốc khi mở đợt báo cáo."
        )
    elif result.rows:
        result.warnings.append("Bảng chỉ tiêu không ghi năm; hãy nhập hai năm khi mở đợt báo cáo.")


def _suggest_ratios(result: Appendix) -> None:
    """ "Tỷ lệ A trên (tổng số) B": a ratio of two indicators of the table, to confirm."""
    by_words = {row.indicator.code: _core_words(row.indicator.name) for row in result.rows}
    for row in result.rows:
        indicator = row.indicator
        if indicator.type != "percent":
            continue
        found = re.match(
            r"^ty le (.+?) (?:tren|so voi) (?:tong so )?(.+)$", _folded(indicator.name)
        )
        if not found:
            row.notes.append(
                "Tỷ lệ nhập tay, không cộng dồn; nếu là phép chia hai chỉ tiêu, hãy khai báo."
            )
            continue
        numerator = _closest(found.group(1), by_words, exclude=indicator.code)
        denominator = _closest(found.group(2), by_words, exclude=indicator.code)
        if numerator and denominator and numerator != denominator:
            row.indicator = Indicator(
                **{
                    **indicator.__dict__,
                    "rollup": "ratio",
                    "numerator": numerator,
                    "denominator": denominator,
                }
            )
            row.notes.append(
                f"Đoán là tỷ lệ = {numerator} / {denominator} (tính tự động); hãy xác nhận."
            )
        else:
            row.notes.append(
                "Tỷ lệ nhập tay, không cộng dồn; nếu là phép chia hai chỉ tiêu, hãy khai báo."
            )


def _core_words(name: str) -> set[str]:
    words = _folded(name).split()
    if words[:1] == ["so"]:
        words = words[1:]
    return set(words)


def _closest(phrase: str, by_words: dict[str, set[str]], exclude: str) -> str | None:
    wanted = set(phrase.split())
    scored = sorted(
        (
            (len(wanted & words) / len(wanted | words), code)
            for code, words in by_words.items()
            if code != exclude and wanted & words
        ),
        reverse=True,
    )
    if not scored or scored[0][0] < 0.34 or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    return scored[0][1]


# --- references to sections -----------------------------------------------------------------


class _Sections:
    """Finds "Mục I.1", "Phần II mục 2", "II.4.1", "mục 4.1" in the outline."""

    def __init__(self, outline: Outline):
        self.by_path: dict[tuple[int, str], str] = {}  # (part, "II.4.1") -> id
        self.by_own: dict[tuple[int, str], list[str]] = {}
        for part_index, part in enumerate(outline.sections, start=1):
            is_part = part.number.lower().startswith("phần") or not part.number
            if is_part:
                self._walk(part.children, part_index, [])
            else:
                self._walk([part], 0, [])

    def _walk(self, sections: list[Section], part: int, path: list[str]) -> None:
        for section in sections:
            number = section.number.strip().rstrip(".").lower()
            own = number.split(".")
            full = path[: max(0, len(path) - len(own) + 1)] + own
            key = ".".join(full)
            self.by_path[(part, key)] = section.id
            self.by_path.setdefault((0, key), section.id)
            for scope in (part, 0):
                self.by_own.setdefault((scope, number), []).append(section.id)
            self._walk(section.children, part, full)

    def find(self, reference: str) -> str | None:
        text = fold(reference or "").lower()
        part = 0
        found_part = re.search(r"phan\s+(?:thu\s+)?(\w+)", text)
        if found_part:
            word = found_part.group(1)
            part = _PART_WORDS.get(word) or _ROMAN.get(word) or (int(word) if word.isdigit() else 0)
            text = text[found_part.end() :]
        numbers = re.findall(
            r"\b([ivx]+(?:\.\d+)*|\d+(?:\.\d+)*|[a-z])(?=\b|\.)", text.replace("muc", " ")
        )
        if not numbers:
            return None
        key = numbers[-1] if len(numbers) == 1 else ".".join(numbers)
        for candidate in (key, numbers[-1]):
            if (part, candidate) in self.by_path:
                return self.by_path[(part, candidate)]
            owners = self.by_own.get((part, candidate), [])
            if len(owners) == 1:
                return owners[0]
        return None


def with_appendix(outline: Outline, appendix: Appendix) -> Outline:
    """The outline carrying the appendix's catalogue: indicators (root ones too), each attached
    to its section's table, and the years."""
    outline.indicators = appendix.indicators
    if appendix.years:
        outline.years = dict(appendix.years)
    by_id = {section.id: section for section, _depth in outline.walk()}
    for row in appendix.rows:
        if row.section_id in by_id:
            by_id[row.section_id].indicators.append(row.indicator.code)
    return outline


def row_warning(indicator: Indicator, note: str) -> str:
    """How a note about one indicator reads among the outline's warnings; the import preview
    finds it again by this shape (`ROW_WARNING`) and shows it beside the indicator."""
    return f"Chỉ tiêu “{indicator.name}” ({indicator.code}): {note}"


ROW_WARNING = re.compile(
    r"^Chỉ tiêu “(?P<name>.*?)” \((?P<code>[a-z][a-z0-9_]*)\): (?P<note>.+)$", re.DOTALL
)


def take_appendix(outline: Outline, tables: Sequence[TableInput]) -> Appendix:
    """The tables' indicators into the outline, with what was understood and guessed said in
    its warnings (the import preview shows them beside each indicator)."""
    appendix = read_appendix(tables, outline)
    with_appendix(outline, appendix)
    outline.warnings.extend(appendix.warnings)
    if appendix.rows:
        outline.warnings.append(
            f"Đã đọc {len(appendix.rows)} chỉ tiêu từ {appendix.tables_read} bảng số liệu; hãy "
            "kiểm tra tên, đơn vị tính và mục của từng chỉ tiêu."
        )
    for row in appendix.rows:
        for note in row.notes:
            outline.warnings.append(row_warning(row.indicator, note))
    return appendix
