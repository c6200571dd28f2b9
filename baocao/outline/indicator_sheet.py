"""An outline's indicator catalogue as an Excel workbook, and back.

The workbook baocao writes (`indicators_xlsx`) holds everything the catalogue says, one sheet
each: "Chỉ tiêu" (a row per indicator: code, name, unit, type, roll-up, ratio parts, the
sections that ask for it, ...), "Năm" (the years compared) and "Quy tắc" (validation rules).
Read back (`apply_sheet`) it gives the same catalogue: export, edit in Excel, import.

A workbook of another shape, such as a guidance's appendix typed into Excel (TT | Chỉ tiêu |
Đơn vị tính | Năm 2019 | Năm 2024 | Ghi chú), is read as the appendix of a Word guidance is
(`appendix.take_appendix`), with what was guessed said in the outline's warnings.

The package is checked (`officefile.check_package`) before openpyxl reads a bounded window of
each sheet. Framework-free.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass

from baocao import officefile
from baocao.errors import InputError, gettext_noop
from baocao.indicators.catalogue import Indicator, Rule, raise_problems
from baocao.indicators.rules import compile_rule
from baocao.outline.appendix import ROW_WARNING, TableInput, take_appendix
from baocao.outline.editing import ROLLUP_LABELS, TYPE_LABELS, checked
from baocao.outline.model import Outline
from baocao.spreadsheet import neutralise
from baocao.text import clean_line, fold

SHEET, YEARS_SHEET, RULES_SHEET = "Chỉ tiêu", "Năm", "Quy tắc"
# (Indicator field or "sections", header): the header is what a person sees and what is read.
COLUMNS = (
    ("code", "Mã"),
    ("name", "Tên chỉ tiêu"),
    ("unit", "Đơn vị tính"),
    ("type", "Loại"),
    ("rollup", "Cách tổng hợp"),
    ("numerator", "Tử số (mã)"),
    ("denominator", "Mẫu số (mã)"),
    ("part_of", "Là một phần của (mã)"),
    ("sections", "Mục hỏi chỉ tiêu (mã mục)"),
    ("label", "Nhãn trong bảng"),
    ("description", "Mô tả"),
    ("mentions", "Cách gọi trong bài viết"),
    ("section_labels", "Tên mục (chỉ để đọc)"),
)
YEAR_ROLES = (("baseline", "Năm gốc"), ("current", "Năm hiện tại"))
SEVERITY_LABELS = {"hard": "Chặn nộp", "soft": "Cảnh báo"}
RULE_COLUMNS = ("Quy tắc (biểu thức)", "Mức", "Thông báo", "Năm áp dụng")
LIST_SEPARATOR = "; "
MAX_ROWS, MAX_COLUMNS, MAX_SHEETS = 2_000, 40, 20


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", fold(text or "").lower()))


# --- writing ---------------------------------------------------------------------------------


def indicators_xlsx(outline: Outline) -> bytes:
    """The catalogue as a workbook a person edits in Excel and imports back."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    attached: dict[str, list[tuple[str, str]]] = {}
    for section, _ in outline.walk():
        for code in section.indicators:
            attached.setdefault(code, []).append((section.id, section.label))
    workbook = Workbook()
    bold = Font(bold=True)
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append([header for _, header in COLUMNS])
    for indicator in outline.indicators:
        places = attached.get(indicator.code, [])
        values = {
            **indicator.to_dict(),
            "type": TYPE_LABELS.get(indicator.type, indicator.type),
            "rollup": ROLLUP_LABELS.get(indicator.rollup, indicator.rollup),
            "sections": LIST_SEPARATOR.join(section_id for section_id, _ in places),
            "mentions": LIST_SEPARATOR.join(indicator.mentions),
            "section_labels": LIST_SEPARATOR.join(label for _, label in places),
        }
        sheet.append([neutralise(str(values.get(field) or "")) for field, _ in COLUMNS])
    years = workbook.create_sheet(YEARS_SHEET)
    years.append(["Năm", "Giá trị"])
    for role, label in YEAR_ROLES:
        years.append([label, outline.years.get(role)])
    rules = workbook.create_sheet(RULES_SHEET)
    rules.append(list(RULE_COLUMNS))
    for rule in outline.rules:
        rules.append(
            [
                neutralise(rule.expr),
                SEVERITY_LABELS.get(rule.severity, rule.severity),
                neutralise(rule.message),
                LIST_SEPARATOR.join(rule.years),
            ]
        )
    for each in (sheet, years, rules):
        for cell in each[1]:
            cell.font = bold
        each.freeze_panes = "A2"
    widths = (22, 48, 14, 12, 30, 18, 18, 18, 22, 24, 30, 30, 40)
    for letter, width in zip("ABCDEFGHIJKLM", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    rules.column_dimensions["A"].width = 40
    rules.column_dimensions["C"].width = 60
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- reading ---------------------------------------------------------------------------------


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean_line(str(value))
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]  # the apostrophe `neutralise` put before a formula-like text
    return text


def _sheets(data: bytes, name: str) -> list[tuple[str, list[list[str]]]]:
    """Each visible sheet's cells as text, a bounded window of it."""
    subject = officefile.subject_of(name)
    officefile.check_package(data, subject, kind=officefile.EXCEL, noun="chỉ tiêu")
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():  # openpyxl warns about what it skips; nothing to act on
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheets = []
            for sheet in workbook.worksheets[:MAX_SHEETS]:
                if getattr(sheet, "sheet_state", "visible") != "visible":
                    continue
                rows = sheet.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLUMNS, values_only=True)
                grid = [[_cell(value) for value in row] for row in rows]
                sheets.append((sheet.title, [row for row in grid if any(row)]))
            return sheets
        finally:
            workbook.close()
    except InputError:
        raise
    except Exception as exc:  # any failure of openpyxl on a corrupt workbook
        raise officefile.corrupt(subject, exc, officefile.EXCEL) from exc


@dataclass
class _Reading:
    problems: list[str]

    def choice(self, value: str, labels: dict[str, str], what: str, where: str) -> str:
        """A type or roll-up written as its code ("sum") or its words ("Cộng dồn lên cấp trên")."""
        by_key = {_key(code): code for code in labels} | {
            _key(label): code for code, label in labels.items()
        }
        found = by_key.get(_key(value))
        if found is None:
            self.problems.append(
                f"{where}: {what} “{value}” không hiểu; hãy ghi một trong: "
                + ", ".join(labels.values())
            )
            return next(iter(labels))
        return found


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _is_ours(grid: list[list[str]]) -> bool:
    headers = {_key(cell) for cell in (grid[0] if grid else [])}
    return {_key("Mã"), _key("Tên chỉ tiêu")} <= headers


def apply_sheet(outline: Outline, data: bytes, name: str = "tệp") -> tuple[Outline, list[str]]:
    """A copy of the outline whose catalogue is the workbook's, checked whole, and what was
    done (to tell the person). InputError listing every problem; the outline given is left
    as it was."""
    sheets = _sheets(data, name)
    if not any(grid for _, grid in sheets):
        raise InputError(
            gettext_noop(
                "{subject} không có dữ liệu. Hãy chọn tệp Excel chỉ tiêu tải về từ trang sửa đề "
                "cương, hoặc một bảng có cột “Chỉ tiêu”, “Đơn vị tính” và các năm."
            ),
            subject=officefile.subject_of(name),
        )
    outline = checked(outline)
    by_title = {_key(title): grid for title, grid in sheets}
    ours = next((grid for _, grid in sheets if _is_ours(grid)), None)
    if ours is None:
        said = _as_appendix(outline, sheets)
        return checked(outline), said
    reading = _Reading([])
    indicators, attach = _indicators(ours, reading)
    known = {section.id for section, _ in outline.walk()}
    for code, sections in attach.items():
        for section_id in sections:
            if section_id not in known:
                reading.problems.append(
                    f"chỉ tiêu “{code}” gắn vào mục “{section_id}” không có trong đề cương"
                )
    years = _years(by_title.get(_key(YEARS_SHEET)), reading)
    rules = _rules(by_title.get(_key(RULES_SHEET)), reading)
    if reading.problems:
        raise_problems(reading.problems)
    outline.indicators = indicators
    for section, _ in outline.walk():
        section.indicators = [code for code, places in attach.items() if section.id in places]
    if years is not None:
        outline.years = years
    if rules is not None:
        outline.rules = rules
    said = f"Đã nhập {len(indicators)} chỉ tiêu"
    if rules is not None:
        said += f" và {len(rules)} quy tắc"
    return checked(outline), [f"{said} từ {officefile.subject_of(name).lower()}."]


def _indicators(grid: list[list[str]], reading: _Reading):
    column = {_key(header): index for index, header in enumerate(grid[0])}
    indicators: list[Indicator] = []
    attach: dict[str, list[str]] = {}
    for line, row in enumerate(grid[1:], start=2):

        def get(field: str, row: list[str] = row) -> str:
            header = dict(COLUMNS)[field]
            index = column.get(_key(header))
            return row[index] if index is not None and index < len(row) else ""

        where = f"trang “{SHEET}”, dòng {line}"
        if not get("code") and not get("name"):
            continue
        if not get("code") or not get("name"):
            reading.problems.append(f"{where}: cần cả mã và tên chỉ tiêu")
            continue
        indicators.append(
            Indicator(
                code=get("code"),
                name=get("name"),
                unit=get("unit"),
                type=reading.choice(get("type") or "count", TYPE_LABELS, "loại", where),
                rollup=reading.choice(
                    get("rollup") or "sum", ROLLUP_LABELS, "cách tổng hợp", where
                ),
                numerator=get("numerator") or None,
                denominator=get("denominator") or None,
                part_of=get("part_of") or None,
                description=get("description"),
                label=get("label"),
                mentions=tuple(_split(get("mentions"))),
            )
        )
        attach[get("code")] = _split(get("sections"))
    return indicators, attach


def _years(grid: list[list[str]] | None, reading: _Reading) -> dict[str, int] | None:
    if grid is None:
        return None
    by_label = {_key(label): role for role, label in YEAR_ROLES}
    years = {}
    for line, row in enumerate(grid[1:], start=2):
        role = by_label.get(_key(row[0])) if row else None
        value = row[1] if len(row) > 1 else ""
        if role and value:
            if not re.fullmatch(r"\d{4}", value):
                reading.problems.append(
                    f"trang “{YEARS_SHEET}”, dòng {line}: năm “{value}” phải có 4 chữ số"
                )
            else:
                years[role] = int(value)
    return years


def _rules(grid: list[list[str]] | None, reading: _Reading) -> list[Rule] | None:
    if grid is None:
        return None
    rules = []
    for line, row in enumerate(grid[1:], start=2):
        row = [*row, "", "", "", ""]
        if not row[0]:
            continue
        where = f"trang “{RULES_SHEET}”, dòng {line}"
        severity = reading.choice(row[1] or "hard", SEVERITY_LABELS, "mức", where)
        rules.append(Rule(row[0], severity, row[2], tuple(_split(row[3]))))
    return rules


def _as_appendix(outline: Outline, sheets: list[tuple[str, list[list[str]]]]) -> list[str]:
    """Sheets in a guidance's shape: read as its appendix tables, replacing the catalogue;
    rules that no longer read against it are dropped, and said."""
    before = [indicator.code for indicator in outline.indicators]
    outline.warnings = [
        warning
        for warning in outline.warnings
        if not ((found := ROW_WARNING.match(warning)) and found["code"] in before)
    ]
    rules, outline.indicators, outline.rules = outline.rules, [], []
    for section, _ in outline.walk():
        section.indicators = []
    appendix = take_appendix(outline, [TableInput(grid) for _, grid in sheets])
    if not appendix.rows:
        raise InputError(
            gettext_noop(
                "Không nhận ra bảng chỉ tiêu trong tệp Excel: cần một dòng tiêu đề có cột “Chỉ "
                "tiêu” cùng cột “Đơn vị tính” hoặc các cột năm (ví dụ Năm 2019, Năm 2024). Hãy "
                "sửa tệp, hoặc dùng tệp Excel chỉ tiêu tải về từ trang sửa đề cương."
            )
        )
    said = [f"Đã đọc {len(appendix.rows)} chỉ tiêu từ tệp Excel."]
    if before:
        said.append(
            f"Các chỉ tiêu trong tệp Excel thay cho {len(before)} chỉ tiêu đọc được từ tệp đề cương."
        )
    for rule in rules:
        try:
            compile_rule(rule, outline.indicators)
        except InputError:
            said.append(f"Quy tắc “{rule.expr}” bị bỏ vì dùng chỉ tiêu không còn trong danh mục.")
        else:
            outline.rules.append(rule)
    outline.warnings.extend(said[1:])
    return said
