"""The unit-tree spreadsheet (CSV or XLSX), read and written without Django.

A province keeps its list of units in Excel: one row per unit with its code, name, kind, the code
of the unit above it and an e-mail. Reading checks the whole file before anything is stored and
raises one `UnitFileError` that names every row to fix, so an officer never ends up with half a
tree: duplicate codes, unknown parents, loops, unknown kinds, a missing column, an unreadable
encoding (a CSV saved by Excel in Windows-1258/1252), an empty file, a file that is not a
spreadsheet. Writing neutralises cells that a spreadsheet would run as formulas.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePath

from lxml import etree

from baocao import officefile
from baocao.errors import InputError
from baocao.indicators.numbers import format_number
from baocao.spreadsheet import neutralise, text_cell
from baocao.text import clean_line, fold

MAX_BYTES = 30 * 1024 * 1024
MAX_ROWS = 200_000
MAX_UNZIPPED = 300 * 1024 * 1024
# What is read of a row: a unit needs five columns; a hostile sheet may claim 16,384 of them
# (every row padded to that width) or a million rows, a CSV a line of millions of commas.
MAX_COLUMNS = 100
MAX_LINE_CHARS = 100_000
MAX_SHEET_ROWS = 1_048_576  # Excel's own last row: openpyxl fills the gaps up to a row's number
MAX_LISTED = 100  # problems listed in the message; the rest are counted
CODE_MAX = 50
NAME_MAX = 255
EMAIL_MAX = 254

# The kinds, as in baocao.apps.orgs.models.UnitKind (a test keeps the two equal).
KIND_LABELS: dict[str, str] = {
    "national": "Tổng LĐLĐ",
    "province": "LĐLĐ tỉnh, thành phố",
    "national_sector": "Công đoàn ngành Trung ương",
    "district": "LĐLĐ huyện, thành phố thuộc tỉnh",
    "sector": "Công đoàn ngành địa phương",
    "zone": "Công đoàn khu kinh tế, khu công nghiệp",
    "grassroots": "Công đoàn cơ sở",
}
# How far down the tree each kind sits: a unit must sit lower than the unit above it.
KIND_LEVEL = {
    "national": 0,
    "province": 1,
    "national_sector": 1,
    "district": 2,
    "sector": 2,
    "zone": 2,
    "grassroots": 3,
}
# The spellings people type for each kind, besides its code and label (compared after _key).
_KIND_ALIASES = {
    "national": ["Tổng Liên đoàn Lao động Việt Nam", "Tổng Liên đoàn", "TLĐ"],
    "province": ["LĐLĐ tỉnh", "LĐLĐ thành phố", "Liên đoàn Lao động tỉnh", "tỉnh"],
    "national_sector": ["CĐ ngành TW", "CĐ ngành Trung ương", "Công đoàn ngành TW"],
    "district": [
        "LĐLĐ huyện",
        "LĐLĐ quận",
        "LĐLĐ thị xã",
        "LĐLĐ thành phố thuộc tỉnh",
        "Liên đoàn Lao động huyện",
        "huyện",
    ],
    "sector": ["Công đoàn ngành", "CĐ ngành", "CĐ ngành địa phương"],
    "zone": [
        "Công đoàn khu kinh tế",
        "Công đoàn khu công nghiệp",
        "CĐ khu kinh tế",
        "CĐ KKT",
        "CĐ KCN",
    ],
    "grassroots": ["CĐCS", "cơ sở"],
}

COLUMNS = ("code", "name", "kind", "parent_code", "email")
REQUIRED = ("code", "name", "kind", "parent_code")
# What each column is called in the files we write, and in the messages.
COLUMN_LABELS = {
    "code": "Mã đơn vị",
    "name": "Tên đơn vị",
    "kind": "Loại",
    "parent_code": "Mã cấp trên",
    "email": "Email",
}
_COLUMN_ALIASES = {
    "code": ["code", "mã", "mã đơn vị", "unit code", "mã số"],
    "name": ["name", "tên", "tên đơn vị", "unit name"],
    "kind": ["kind", "loại", "loại đơn vị", "type"],
    "parent_code": [
        "parent_code",
        "parent",
        "mã cấp trên",
        "mã đơn vị cấp trên",
        "cấp trên",
        "đơn vị cấp trên",
    ],
    "email": ["email", "e-mail", "thư điện tử", "địa chỉ email", "địa chỉ thư điện tử", "mail"],
}
HEADER_SEARCH_ROWS = 10  # a title line or two above the header is common in Excel files

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
# UTF-8 Vietnamese read as Windows-1252 and saved again ("Ä‘" for "đ", "Æ°" for "ư").
_MOJIBAKE = re.compile(r"Ä‘|Ä\u0090|Æ°|Æ¡|áº|á»|Ã¡|Ã³|Ãª|Ã´|Ã¢")
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"
_MB = 1024 * 1024


def _key(text: str) -> str:
    """Compare headers and kinds loosely: no accents, no case, punctuation as spaces."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text)).split())


_KIND_BY_KEY = {
    _key(spelling): code
    for code, label in KIND_LABELS.items()
    for spelling in (code, label, *_KIND_ALIASES[code])
}
_COLUMN_BY_KEY = {
    _key(spelling): column
    for column, spellings in _COLUMN_ALIASES.items()
    for spelling in (*spellings, COLUMN_LABELS[column])
}


def kind_code(value: str) -> str | None:
    """The kind's code for a code, a label or a common spelling of it; None if unknown."""
    return _KIND_BY_KEY.get(_key(value))


def has_email_shape(value: str) -> bool:
    """One address-like word: something, @, a dotted domain; no space, comma or semicolon."""
    return bool(_EMAIL.match(value))


@dataclass(frozen=True)
class UnitRow:
    """One unit as read from a file; `row` is its line (CSV) or row (Excel) number, 1-based.
    `email` is None when the file has no e-mail column (an update then keeps the e-mail)."""

    code: str
    name: str
    kind: str
    parent_code: str | None = None
    email: str | None = ""
    row: int = 0


@dataclass(frozen=True)
class KnownUnit:
    """A unit already stored, as the checks need it: where it hangs and what it is."""

    parent_code: str | None
    kind: str


@dataclass(frozen=True)
class RowProblem:
    row: int | None  # None: the whole file
    message: str

    def __str__(self) -> str:
        return f"Dòng {self.row}: {self.message}" if self.row else self.message


class UnitFileError(InputError):
    """A file that cannot be imported; `problems` holds each row's problem for display."""

    def __init__(self, problems: list[RowProblem], name: str = ""):
        self.problems = sorted(problems, key=lambda p: p.row or 0)
        subject = f"Tệp {name}" if name else "Tệp"
        shown = self.problems[:MAX_LISTED]
        lines = "\n".join(f"- {problem}" for problem in shown)
        more = len(self.problems) - len(shown)
        if more:
            lines += f"\n- ... và {more} lỗi khác."
        count = len(self.problems)
        super().__init__(
            f"{subject} có {count} lỗi nên chưa nhập đơn vị nào. Hãy sửa rồi nhập lại:\n{lines}"
        )


def _fail(message: str, name: str, row: int | None = None) -> UnitFileError:
    return UnitFileError([RowProblem(row, message)], name)


# --- reading ---------------------------------------------------------------------------------


def read_units(
    data: bytes,
    filename: str = "",
    known: Collection[str] | Mapping[str, KnownUnit] = (),
    *,
    email_valid: Callable[[str], bool] = has_email_shape,
) -> list[UnitRow]:
    """The units in a CSV or XLSX file, in file order, after checking all of them.

    `known` are the codes of units already stored, which rows may name as their parent; give a
    mapping code -> KnownUnit to also catch loops and kind mistakes that pass through them
    (a row that moves a stored unit under its own descendant). `email_valid` is the rule for
    an address: the web and the CLI give Django's, the one mail is sent with (`a@b..c` has the
    shape of an address, and a mail server refuses it). Raises UnitFileError.
    """
    name = PurePath(filename).name if filename else ""
    table = _read_table(data, name)
    columns, header_row = _find_header(table, name)
    rows, problems, flawed = _rows(table, columns, header_row, email_valid)
    if not rows and not problems:
        raise _fail(
            "Tệp chỉ có dòng tiêu đề, chưa có đơn vị nào. Hãy thêm mỗi đơn vị một dòng.", name
        )
    problems += check_units(rows, known, flawed=flawed)
    if problems:
        raise UnitFileError(problems, name)
    return rows


def _read_table(data: bytes, name: str) -> list[tuple[int, list[str]]]:
    """(row number, cells) of every non-blank row of the first sheet or of the CSV."""
    suffix = PurePath(name).suffix.lower()
    if not data.strip():
        raise _fail(
            "Tệp trống, không có dữ liệu. Hãy chọn tệp Excel (.xlsx) hoặc CSV có danh sách đơn vị.",
            name,
        )
    if len(data) > MAX_BYTES:
        raise _fail(f"Tệp quá lớn ({len(data) / _MB:.0f} MB); tối đa {MAX_BYTES // _MB} MB.", name)
    if data[:4] == _OLE_SIGNATURE:
        raise _fail(
            "Tệp là bảng tính Excel cũ (.xls) hoặc được đặt mật khẩu. Hãy mở bằng Excel, gỡ "
            "mật khẩu (nếu có) và lưu lại dạng Sổ làm việc Excel (.xlsx) rồi nhập lại.",
            name,
        )
    if data[:2] == b"PK":
        return _read_xlsx(data, name)
    if suffix in {".xlsx", ".xlsm", ".xltx", ".ods"}:
        raise _fail(
            "Tệp không phải bảng tính Excel .xlsx (tệp hỏng hoặc bị đổi đuôi). Hãy mở bằng "
            "Excel, lưu lại dạng .xlsx (hoặc CSV UTF-8) rồi nhập lại.",
            name,
        )
    return _read_csv(data, name)


def _read_csv(data: bytes, name: str) -> list[tuple[int, list[str]]]:
    text = _decode(data, name)
    lines = text.splitlines()
    if len(lines) > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise _fail(f"Tệp có quá nhiều dòng (tối đa {MAX_ROWS:,} đơn vị).", name)
    longest = max(range(len(lines)), key=lambda index: len(lines[index]), default=0)
    if lines and len(lines[longest]) > MAX_LINE_CHARS:
        raise _fail(
            f"Dòng dài bất thường (hơn {format_number(MAX_LINE_CHARS)} ký tự), có thể là tệp "
            "hỏng. Hãy mở tệp, kiểm tra dòng này, lưu lại dạng CSV UTF-8 hoặc .xlsx rồi nhập lại.",
            name,
            longest + 1,
        )
    first = next((line for line in lines if line.strip()), "")
    # Excel writes ";" where the decimal mark is a comma (Vietnamese settings), tabs for "Unicode".
    delimiter = max(",;\t", key=first.count)
    table = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                table.append((start, [_cell(cell) for cell in cells[:MAX_COLUMNS]]))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise _fail(
            f"Không đọc được tệp CSV ({exc}). Hãy kiểm tra dấu ngoặc kép trong dòng này.",
            name,
            start,
        ) from exc
    return table


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data[:4096]:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise _fail(
                "Tệp CSV không được lưu bằng bảng mã UTF-8 nên chữ tiếng Việt không đọc được "
                "(có thể tệp được lưu bằng bảng mã Windows-1258/1252 hoặc TCVN3). Trong Excel, "
                "chọn Lưu thành (Save As), loại tệp “CSV UTF-8 (Comma delimited) (*.csv)”, "
                "hoặc lưu dạng .xlsx, rồi nhập lại.",
                name,
                line,
            ) from exc
        if match := _MOJIBAKE.search(text):
            line = text[: match.start()].count("\n") + 1
            raise _fail(
                f"Chữ tiếng Việt trong tệp bị lỗi phông (có “{match.group()}” thay cho chữ có "
                "dấu): tệp đã bị mở sai bảng mã rồi lưu lại. Hãy lấy lại tệp gốc, hoặc sửa các "
                "chữ này, lưu dạng CSV UTF-8 hoặc .xlsx rồi nhập lại.",
                name,
                line,
            )
        return text
    raise _fail(
        "Tệp không phải bảng tính (CSV hoặc Excel .xlsx). Hãy chọn đúng tệp danh sách đơn vị.",
        name,
    )


def _read_xlsx(data: bytes, name: str) -> list[tuple[int, list[str]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            members = {info.filename.lower() for info in infos}
            if sum(info.file_size for info in infos) > MAX_UNZIPPED:
                raise _fail(
                    "Tệp Excel khi giải nén lớn bất thường (có thể là tệp hỏng hoặc độc hại) "
                    "nên không được nhập. Hãy chép danh sách sang một sổ làm việc mới rồi nhập lại.",
                    name,
                )
            mimetype = archive.read("mimetype")[:100] if "mimetype" in members else b""
            if "xl/workbook.xml" in members and b"opendocument" not in mimetype:
                over = officefile.xml_problem(archive, officefile.EXCEL_LIMITS)
                if over:
                    raise _fail(
                        f"Tệp Excel quá lớn hoặc có cấu trúc bất thường nên không được nhập "
                        f"({over}). Hãy chép danh sách đơn vị sang một sổ làm việc mới (hoặc chia "
                        "thành nhiều tệp nhỏ hơn), lưu dạng .xlsx rồi nhập lại.",
                        name,
                    )
    except UnitFileError:
        raise
    except etree.LxmlError as exc:
        raise _fail(
            "Tệp Excel bị hỏng nên không đọc được. Hãy mở bằng Excel, lưu lại dạng .xlsx rồi "
            "nhập lại.",
            name,
        ) from exc
    except Exception as exc:
        raise _fail(
            "Tệp là tệp nén hỏng, không phải bảng tính Excel .xlsx. Hãy mở bằng Excel, lưu lại "
            "dạng .xlsx rồi nhập lại.",
            name,
        ) from exc
    if b"opendocument" in mimetype:
        raise _fail(
            "Tệp là bảng tính OpenDocument (.ods). Hãy mở bằng LibreOffice hoặc Excel, lưu lại "
            "dạng Sổ làm việc Excel (.xlsx) rồi nhập lại.",
            name,
        )
    if "xl/workbook.xml" not in members:
        other = " (đây là tài liệu Word)" if "word/document.xml" in members else ""
        raise _fail(
            f"Tệp là tệp nén nhưng không phải bảng tính Excel .xlsx{other}. Hãy chọn đúng tệp "
            "danh sách đơn vị.",
            name,
        )
    from openpyxl import load_workbook  # imported here: CSV-only callers never pay for it

    table: list[tuple[int, list[str]]] = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise _fail(
            "Tệp Excel bị hỏng nên không đọc được. Hãy mở bằng Excel, lưu lại dạng .xlsx rồi "
            "nhập lại.",
            name,
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(max_row=MAX_SHEET_ROWS, max_col=MAX_COLUMNS, values_only=True)
        for number, values in enumerate(rows, start=1):
            if all(value is None for value in values):
                continue  # a gap openpyxl filled in, or a blank row: nothing to convert
            cells = [_cell(value) for value in values]
            if any(cells):
                table.append((number, cells))
            if len(table) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise _fail(f"Tệp có quá nhiều dòng (tối đa {MAX_ROWS:,} đơn vị).", name)
    except UnitFileError:
        raise
    except Exception as exc:
        raise _fail(
            "Tệp Excel bị hỏng nên không đọc được. Hãy mở bằng Excel, lưu lại dạng .xlsx rồi "
            "nhập lại.",
            name,
        ) from exc
    finally:
        workbook.close()
    return table


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a numeric code typed into Excel: 1001, not 1001.0
    text = clean_line(str(value))
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]  # the apostrophe our own export put before a formula-like value
    return text


def _find_header(table: list[tuple[int, list[str]]], name: str) -> tuple[dict[str, int], int]:
    if not table:
        raise _fail(
            "Tệp trống, không có dữ liệu. Hãy chọn tệp Excel (.xlsx) hoặc CSV có danh sách đơn vị.",
            name,
        )
    headers = [
        (number, [_COLUMN_BY_KEY.get(_key(cell)) for cell in cells])
        for number, cells in table[:HEADER_SEARCH_ROWS]
    ]
    number, found = next(
        ((n, found) for n, found in headers if "code" in found and "name" in found), headers[0]
    )
    columns: dict[str, int] = {}
    problems = []
    for index, column in enumerate(found):
        if column is None:
            continue
        if column in columns:
            problems.append(
                RowProblem(
                    number,
                    f"cột “{COLUMN_LABELS[column]}” có hai lần (cột {columns[column] + 1} và "
                    f"cột {index + 1}); hãy giữ một cột.",
                )
            )
        else:
            columns[column] = index
    missing = [column for column in REQUIRED if column not in columns]
    if missing:
        listed = ", ".join(f"“{COLUMN_LABELS[c]}” ({c})" for c in missing)
        problems.append(
            RowProblem(
                number,
                f"thiếu cột {listed}. Dòng tiêu đề phải có các cột: Mã đơn vị, Tên đơn vị, "
                "Loại, Mã cấp trên, Email (hoặc code, name, kind, parent_code, email).",
            )
        )
    if problems:
        raise UnitFileError(problems, name)
    return columns, number


def _rows(
    table: list[tuple[int, list[str]]],
    columns: dict[str, int],
    header_row: int,
    email_valid: Callable[[str], bool],
) -> tuple[list[UnitRow], list[RowProblem], set[str]]:
    """The rows that are complete, the problems of the others, and the codes of the others
    (a child of a flawed row is not told that its parent is unknown)."""
    rows: list[UnitRow] = []
    problems: list[RowProblem] = []
    flawed: set[str] = set()
    for number, cells in table:
        if number <= header_row:
            continue

        def get(column: str, cells: list[str] = cells) -> str:
            index = columns.get(column)
            return cells[index] if index is not None and index < len(cells) else ""

        code, name, kind_text, parent = get("code"), get("name"), get("kind"), get("parent_code")
        email = get("email") if "email" in columns else None
        said = []
        if not code:
            said.append("thiếu mã đơn vị")
        elif len(code) > CODE_MAX:
            said.append(f"mã “{code[:20]}…” dài quá {CODE_MAX} ký tự")
        elif not _CODE.match(code):
            said.append(
                f"mã “{code}” chỉ được gồm chữ cái không dấu, chữ số và các dấu - _ . "
                "(không dấu cách, không dấu /), bắt đầu bằng chữ cái hoặc chữ số"
            )
        if not name:
            said.append("thiếu tên đơn vị")
        elif len(name) > NAME_MAX:
            said.append(f"tên đơn vị dài quá {NAME_MAX} ký tự")
        kind = kind_code(kind_text) if kind_text else None
        if not kind_text:
            said.append("thiếu loại đơn vị (ví dụ: Công đoàn cơ sở)")
        elif kind is None:
            said.append(
                f"loại “{kind_text}” không hợp lệ; hãy dùng một trong: "
                + ", ".join(f"{label} ({code_})" for code_, label in KIND_LABELS.items())
            )
        if email and (len(email) > EMAIL_MAX or not email_valid(email)):
            said.append(f"email “{email}” không hợp lệ (ví dụ đúng: ldld@kontum.gov.vn)")
        if said:
            problems.append(RowProblem(number, "; ".join(said) + "."))
            flawed.add(code)
            continue
        rows.append(UnitRow(code, name, kind or "", parent or None, email, number))
    return rows, problems, flawed


def check_units(
    rows: list[UnitRow],
    known: Collection[str] | Mapping[str, KnownUnit] = (),
    *,
    flawed: Collection[str] = (),
) -> list[RowProblem]:
    """Problems between rows: duplicate codes, unknown parents, loops, kinds out of order.
    `flawed` are codes of rows already reported, which are not reported again as unknown."""
    problems: list[RowProblem] = []
    first_row: dict[str, UnitRow] = {}
    by_code: dict[str, UnitRow] = {}
    folded: dict[str, str] = {}
    for row in rows:
        if row.code in first_row:
            problems.append(
                RowProblem(
                    row.row,
                    f"mã “{row.code}” trùng với dòng {first_row[row.code].row}; mỗi đơn vị "
                    "chỉ một dòng, mỗi mã chỉ dùng cho một đơn vị.",
                )
            )
            continue
        first_row[row.code] = row
        by_code[row.code] = row
    known_info = known if isinstance(known, Mapping) else {}
    for code in [*by_code, *known]:
        folded.setdefault(code.casefold(), code)

    parent_of: dict[str, str | None] = {c: k.parent_code for c, k in known_info.items()}
    parent_of.update({code: row.parent_code for code, row in by_code.items()})
    kind_of: dict[str, str] = {c: k.kind for c, k in known_info.items()}
    kind_of.update({code: row.kind for code, row in by_code.items()})

    for code, row in by_code.items():
        parent = row.parent_code
        if parent is None:
            continue
        if parent == code:
            problems.append(
                RowProblem(row.row, f"đơn vị “{code}” không thể là cấp trên của chính nó.")
            )
            continue
        if parent in flawed and parent not in by_code:
            continue
        if parent not in by_code and parent not in known:
            hint = folded.get(parent.casefold())
            suggestion = f" Có phải là “{hint}”?" if hint else ""
            problems.append(
                RowProblem(
                    row.row,
                    f"mã cấp trên “{parent}” không có trong tệp cũng như trong hệ thống.{suggestion} "
                    "Hãy thêm dòng cho đơn vị cấp trên hoặc sửa mã.",
                )
            )
            continue
        parent_kind = kind_of.get(parent)
        if parent_kind and KIND_LEVEL[parent_kind] >= KIND_LEVEL[row.kind]:
            problems.append(
                RowProblem(
                    row.row,
                    f"{KIND_LABELS[row.kind]} “{code}” không thể trực thuộc "
                    f"{KIND_LABELS[parent_kind]} “{parent}”; hãy kiểm tra cột Loại hoặc Mã cấp trên.",
                )
            )
    problems += _loops(by_code, parent_of)
    return problems


def _loops(by_code: dict[str, UnitRow], parent_of: dict[str, str | None]) -> list[RowProblem]:
    problems = []
    reported: set[str] = set()
    settled: set[str] = set()  # codes known to reach a root
    for start in by_code:
        trail: list[str] = []
        on_trail: set[str] = set()
        code: str | None = start
        while code is not None and code not in settled and code not in reported:
            if code in on_trail:
                loop = trail[trail.index(code) :]
                reported.update(loop)
                rows = sorted(by_code[c].row for c in loop if c in by_code) or [0]
                chain = " → ".join([*loop, code])
                where = ", ".join(str(r) for r in rows[1:])
                problems.append(
                    RowProblem(
                        rows[0] or None,
                        f"vòng lặp cấp trên: {chain}"
                        + (
                            f" (cùng {'các ' if len(rows) > 2 else ''}dòng {where})"
                            if where
                            else ""
                        )
                        + ". Một đơn vị không thể nằm dưới đơn vị cấp dưới của chính nó; hãy "
                        "sửa cột Mã cấp trên.",
                    )
                )
                break
            trail.append(code)
            on_trail.add(code)
            code = parent_of.get(code)
        else:
            if code is None or code in settled:
                settled.update(trail)
    return problems


# --- writing ---------------------------------------------------------------------------------


def _export_cells(row: UnitRow) -> list[str]:
    return [
        neutralise(value)
        for value in (
            row.code,
            row.name,
            KIND_LABELS.get(row.kind, row.kind),
            row.parent_code or "",
            row.email or "",
        )
    ]


def write_csv(rows: Iterable[UnitRow]) -> bytes:
    """UTF-8 with a BOM, so Excel shows the Vietnamese letters; the header in Vietnamese."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([COLUMN_LABELS[column] for column in COLUMNS])
    for row in rows:
        writer.writerow(_export_cells(row))
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(rows: Iterable[UnitRow], title: str = "Đơn vị") -> bytes:
    """One sheet of units (the one read back) and one listing the kinds that may be typed."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDE", (16, 60, 34, 16, 36), strict=True):
        sheet.column_dimensions[letter].width = width
    header = []
    for column in COLUMNS:
        cell = text_cell(sheet, COLUMN_LABELS[column])
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([text_cell(sheet, value) for value in _export_cells(row)])
    kinds = workbook.create_sheet("Loại đơn vị")
    kinds.append(["Loại (ghi vào cột Loại)", "Mã loại"])
    for code, label in KIND_LABELS.items():
        kinds.append([label, code])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
