"""An uploaded Office file (Word .docx, Excel .xlsx) checked as a zip package before anything
parses it.

What is refused, each with an `InputError` saying what to do: a file over 20 MB; an old binary
.doc/.xls or a password-protected file (both are OLE containers, not zips); a file that is not a
zip (a text file renamed, a corrupt download); a zip bomb (the expanded size is capped); an
OpenDocument file; a macro-enabled file (.docm, .xlsm); a template (.dotx, .xltx); a zip that is
some other Office document. The outline importer, the report ingest and the indicator workbook
ingest all come through here, so a bad file gets the same answer wherever it is given.

Within those caps a small file can still hold a huge document (20 MB of tiny paragraphs packs
into 111 KB), so the XML the readers will parse is first counted in one streaming pass that
builds nothing (`xml_problem`): the unpacked size of each part, the nodes (elements, attributes,
pieces of text) of each part and of all parts, the paragraphs, runs and table cells of a Word
file, the cells, rows and shared strings of a workbook, the characters of a Word file's text.
Anything over its kind's `Limits` is refused in seconds, before a tree is built.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from baocao.errors import InputError, Said, gettext_noop
from baocao.indicators.numbers import format_number

MAX_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_MEMBERS = 10_000
MB = 1024 * 1024
WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"
_XML_SUFFIXES = (".xml", ".rels")
_CHUNK = 256 * 1024


@dataclass(frozen=True)
class Streamed:
    """A kind of part the reader streams rather than parses whole: openpyxl reads a worksheet
    row by row and the shared strings string by string, clearing each `item` once read. Such a
    part may be larger than `Limits.part_nodes` in its items, but not outside them (what is not
    cleared stays in memory) nor within one item (`item_nodes`). A part counts as streamed only
    if its root is `root`, it is named a .xml part, and the content types give it
    `content_type` and nothing else, in a package with no chartsheet (whose parts openpyxl
    parses whole)."""

    root: str
    item: str
    item_nodes: int
    content_type: str
    item_words: str  # what a message calls one item: "dòng"


@dataclass(frozen=True)
class Limits:
    """How much XML a reader may be given, counted before it parses anything.

    Nodes are what a parsed tree holds: elements, attributes and pieces of text (an lxml tree
    takes 120-250 bytes for each). `part_bytes`: one part, unpacked; `part_nodes`: one part;
    `total_nodes`: all parts together; `tags`: tag -> (most, what a message calls it) for what
    is counted on its own (paragraphs, runs, cells); `text_chars`: characters of text inside
    `text_tag` elements (none counted without one). `streamed`: the kinds of part the reader
    streams; `parsed_whole`: names the reader parses whole whatever the content types say.
    `any_name`: the reader may parse a member whatever its name (openpyxl follows the
    package's relationships), so every member that starts like XML is counted, not only the
    .xml and .rels parts.
    """

    part_bytes: int
    part_nodes: int
    total_nodes: int
    tags: Mapping[str, tuple[int, str]] = field(default_factory=dict)
    text_chars: int = 0
    text_tag: str = ""
    streamed: tuple[Streamed, ...] = ()
    parsed_whole: frozenset[str] = frozenset()
    any_name: bool = False


# docx_in parses the document, its styles and numbering whole: a Word file at these caps is at
# most about 250 MB of trees. A million nodes of dense formatting are about 20,000 paragraphs
# (700 pages); a 300-page report is about 400,000.
WORD_LIMITS = Limits(
    part_bytes=32 * MB,
    part_nodes=1_000_000,
    total_nodes=1_500_000,
    tags={
        f"{WORD_NS}p": (50_000, "đoạn văn"),
        f"{WORD_NS}r": (200_000, "đoạn chữ có định dạng riêng"),
        f"{WORD_NS}tc": (50_000, "ô bảng"),
    },
    text_chars=5_000_000,
    text_tag=f"{WORD_NS}t",
)
_SPREADSHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
# A list of 200,000 units (the unit import's cap) is one sheet of 83 MB and 6.6 million nodes
# as openpyxl writes it (inline strings), or a sheet and 600,000 shared strings as Excel does;
# every part openpyxl parses whole stays under a million nodes.
EXCEL_LIMITS = Limits(
    part_bytes=128 * MB,
    part_nodes=1_000_000,
    total_nodes=16_000_000,
    tags={
        f"{SHEET_NS}c": (2_000_000, "ô"),
        f"{SHEET_NS}row": (1_048_576, "dòng"),  # Excel's own last row
        f"{SHEET_NS}si": (1_000_000, "chuỗi chữ"),
    },
    streamed=(
        # 16,384 cells (Excel's widest row) of a few nodes each
        Streamed(
            f"{SHEET_NS}worksheet",
            f"{SHEET_NS}row",
            200_000,
            f"{_SPREADSHEETML}.worksheet+xml",
            "dòng",
        ),
        Streamed(
            f"{SHEET_NS}sst",
            f"{SHEET_NS}si",
            200_000,
            f"{_SPREADSHEETML}.sharedStrings+xml",
            "chuỗi chữ",
        ),
    ),
    parsed_whole=frozenset(
        {
            "[Content_Types].xml",
            "xl/workbook.xml",
            "xl/styles.xml",
            "docProps/core.xml",
            "docProps/custom.xml",
        }
    ),
    any_name=True,
)


@dataclass(frozen=True)
class Kind:
    """The words a message uses for one kind of Office file."""

    app: str  # "Word"
    document: str  # "tài liệu Word"
    suffix: str  # ".docx"
    save_as: str  # "Tài liệu Word (.docx)"
    old_suffix: str  # ".doc"
    open_suffix: str  # ".odt"
    open_name: str  # "văn bản OpenDocument"
    macro_suffix: str  # ".docm"
    template_suffix: str  # ".dotx"
    new_file: str  # "tài liệu mới"
    main_member: str  # "word/document.xml"
    main_type: bytes  # b"wordprocessingml.document.main"
    template_type: bytes  # b"wordprocessingml.template.main"
    limits: Limits


WORD = Kind(
    app="Word",
    document="tài liệu Word",
    suffix=".docx",
    save_as="Tài liệu Word (.docx)",
    old_suffix=".doc",
    open_suffix=".odt",
    open_name="văn bản OpenDocument",
    macro_suffix=".docm",
    template_suffix=".dotx",
    new_file="tài liệu mới",
    main_member="word/document.xml",
    main_type=b"wordprocessingml.document.main",
    template_type=b"wordprocessingml.template.main",
    limits=WORD_LIMITS,
)
EXCEL = Kind(
    app="Excel",
    document="bảng tính Excel",
    suffix=".xlsx",
    save_as="Sổ làm việc Excel (.xlsx)",
    old_suffix=".xls",
    open_suffix=".ods",
    open_name="bảng tính OpenDocument",
    macro_suffix=".xlsm",
    template_suffix=".xltx",
    new_file="sổ làm việc mới",
    main_member="xl/workbook.xml",
    main_type=b"spreadsheetml.sheet.main",
    template_type=b"spreadsheetml.template.main",
    limits=EXCEL_LIMITS,
)
_OTHER_KINDS = (
    ("word/document.xml", " (đây là tài liệu Word)"),
    ("xl/workbook.xml", " (đây là bảng tính Excel)"),
    ("ppt/presentation.xml", " (đây là tệp trình chiếu PowerPoint)"),
)


def subject_of(name: str) -> str:
    """How a message names the file: "Tệp bao_cao.docx", or "Tệp" when it has no name."""
    if name == "tệp":  # no name given (the CLI's bytes): "Tệp" alone, as it is
        return "Tệp"
    return Said(gettext_noop("Tệp {name}"), name=name)


def too_big(subject: str, size: int, kind: Kind = WORD, noun: str = "đề cương") -> InputError:
    return InputError(
        f"{subject} quá lớn ({size / MB:.0f} MB); tệp {kind.app} {noun} tối đa "
        f"{MAX_BYTES // MB} MB. Hãy xoá bớt hình ảnh hoặc chỉ giữ phần {noun} rồi nhập lại."
    )


def corrupt(subject: str, exc: BaseException, kind: Kind = WORD) -> InputError:
    return InputError(
        f"{subject} bị hỏng hoặc không đúng định dạng {kind.app} ({kind.suffix}) nên không đọc "
        f"được. Hãy mở tệp bằng {kind.app}, chọn Lưu thành (Save As) dạng {kind.save_as} rồi "
        "nhập lại.",
        detail=f"{type(exc).__name__}: {exc}"[:200],
    )


def too_complex(subject: str, what: str, kind: Kind = WORD, noun: str = "đề cương") -> InputError:
    """A file whose content is over a cap of what is parsed; `what` says which."""
    return InputError(
        f"{subject} quá lớn hoặc có cấu trúc bất thường nên không được nhập ({what}). Hãy mở "
        f"bằng {kind.app}, chỉ giữ phần {noun} (hoặc chia thành nhiều tệp nhỏ hơn), lưu dạng "
        f"{kind.suffix} rồi nhập lại."
    )


def check_package(data: bytes, subject: str, *, kind: Kind = WORD, noun: str = "đề cương") -> None:
    """Refuse, with a message saying what to do, anything that is not a safe `kind` package,
    and any package whose XML is over `kind.limits`.

    `noun` names what the file should hold ("đề cương", "báo cáo") in the messages.
    """
    if len(data) > MAX_BYTES:
        raise too_big(subject, len(data), kind, noun)
    if data[:4] == _OLE_SIGNATURE:
        raise InputError(
            f"Không đọc được {subject.lower()}: tệp {kind.app} được đặt mật khẩu hoặc là định "
            f"dạng {kind.old_suffix} cũ. Hãy mở tệp bằng {kind.app}, gỡ mật khẩu (nếu có) và "
            f"lưu lại dạng {kind.save_as} rồi nhập lại."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:
        raise _not_zip(data, subject, kind) from exc
    try:
        with archive:
            _check_members(archive, subject, kind, noun)
            over = xml_problem(archive, kind.limits)
    except InputError:
        raise
    except Exception as exc:
        raise corrupt(subject, exc, kind) from exc
    if over:
        raise too_complex(subject, over, kind, noun)


def _not_zip(data: bytes, subject: str, kind: Kind) -> InputError:
    head = data[:4096]
    if head and b"\x00" not in head:
        advice = (
            "Hãy đổi lại đuôi .txt rồi nhập, hoặc mở bằng Word và lưu dạng .docx."
            if kind is WORD
            else f"Hãy mở bằng {kind.app} và lưu dạng {kind.suffix} rồi nhập lại."
        )
        return InputError(
            f"{subject} không phải {kind.document} {kind.suffix} mà là tệp văn bản thường bị "
            f"đổi đuôi. {advice}"
        )
    return InputError(
        f"{subject} không phải {kind.document} {kind.suffix} (tệp hỏng hoặc sai định dạng). Hãy "
        f"mở tệp bằng {kind.app}, lưu lại dạng {kind.save_as} rồi nhập lại."
    )


def _check_members(archive: zipfile.ZipFile, subject: str, kind: Kind, noun: str) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS or sum(info.file_size for info in infos) > MAX_UNZIPPED:
        raise InputError(
            f"{subject} khi giải nén lớn bất thường (hơn {MAX_UNZIPPED // MB} MB), có thể là "
            f"tệp hỏng hoặc tệp độc hại, nên không được nhập. Hãy mở bằng {kind.app}, chép phần "
            f"{noun} sang một {kind.new_file}, lưu dạng {kind.suffix} rồi nhập lại."
        )
    if any(info.flag_bits & 0x1 for info in infos):
        raise InputError(
            f"Không đọc được {subject.lower()}: tệp {kind.app} được đặt mật khẩu. Hãy mở bằng "
            f"{kind.app}, gỡ mật khẩu, lưu lại dạng {kind.suffix} rồi nhập lại."
        )
    sizes = {info.filename: info.file_size for info in infos}
    names = {name.lower() for name in sizes}
    mimetype = small_member(archive, sizes, "mimetype")
    if mimetype.startswith(b"application/vnd.oasis.opendocument") or (
        "content.xml" in names and "meta-inf/manifest.xml" in names
    ):
        raise InputError(
            f"{subject} là {kind.open_name} ({kind.open_suffix}), không phải {kind.document}. "
            f"Hãy mở bằng LibreOffice hoặc {kind.app}, chọn Lưu thành dạng {kind.save_as} rồi "
            "nhập lại."
        )
    types = small_member(archive, sizes, "[Content_Types].xml")
    if b"macroEnabled" in types or any(name.endswith("vbaproject.bin") for name in names):
        raise InputError(
            f"{subject} là {kind.document} có macro ({kind.macro_suffix}); vì an toàn, hệ thống "
            f"không nhận tệp có macro. Hãy mở bằng {kind.app}, chọn Lưu thành dạng "
            f"{kind.save_as} rồi nhập lại."
        )
    if kind.template_type in types:
        raise InputError(
            f"{subject} là tệp mẫu {kind.app} ({kind.template_suffix}). Hãy mở bằng {kind.app}, "
            f"lưu lại dạng {kind.save_as} rồi nhập lại."
        )
    if kind.main_member not in names and kind.main_type not in types:
        other = next(
            (
                said
                for member, said in _OTHER_KINDS
                if member in names and member != kind.main_member
            ),
            "",
        )
        raise InputError(
            f"{subject} là tệp nén nhưng không phải {kind.document}{other}. Hãy chọn đúng tệp "
            f"{noun} dạng {kind.app} ({kind.suffix})."
        )


def small_member(archive: zipfile.ZipFile, sizes: dict[str, int], name: str) -> bytes:
    """A member of at most 1 MB (a mimetype, the content types), else b""."""
    if sizes.get(name, 1 << 30) > 1 * MB:
        return b""
    return archive.read(name)


# --- what the readers will parse, counted before they parse it --------------------------------


def xml_part(name: str) -> bool:
    """A member named as an XML part (.xml, .rels): always counted, and all that
    `baocao.docx_in` parses."""
    return name.lower().endswith(_XML_SUFFIXES)


def xml_problem(archive: zipfile.ZipFile, limits: Limits) -> str:
    """What in the XML of the package is over `limits`, as words for a message ("có hơn
    50.000 đoạn văn"), or "" when it is all within. Counted in one streaming pass that builds
    no tree, so a bomb costs the seconds it takes to reach a cap, not its size. XML that is not
    well formed raises lxml's XMLSyntaxError; a document type declaration raises ValueError
    (Office never writes one)."""
    counter = _Counter(limits)
    try:
        for info in archive.infolist():
            if info.is_dir() or not (
                xml_part(info.filename) or limits.any_name and _starts_like_xml(archive, info)
            ):
                continue
            if info.file_size > limits.part_bytes:
                return (
                    f"phần “{info.filename[:80]}” giải nén ra {info.file_size / MB:.0f} MB, "
                    f"tối đa {limits.part_bytes // MB} MB"
                )
            counter.begin(info.filename)
            parser = etree.XMLParser(
                target=counter,
                huge_tree=True,
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
            )
            with archive.open(info) as member:
                while chunk := member.read(_CHUNK):
                    parser.feed(chunk)
            parser.close()
        counter.settle_streamed()
    except _Over as over:
        return str(over)
    return ""


def _starts_like_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    with archive.open(info) as member:
        head = member.read(64)
    return head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")[:1] == b"<"


class _Over(Exception):
    """A cap passed while counting; the message says which."""


class _Doctype(ValueError):
    """A document type declaration: entities and DTDs are never part of an Office file."""


_CT_OVERRIDE = "{http://schemas.openxmlformats.org/package/2006/content-types}Override"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


@dataclass
class _Part:
    name: str
    root: str = ""
    may_stream: bool = False
    nodes: int = 0


class _Counter:
    """An lxml parser target that counts what `Limits` caps as the XML streams by, part after
    part (`begin`); `settle_streamed` then holds each part that turned out not to be streamed
    to the cap of a part parsed whole. Written for speed: most elements only pay for two
    subtractions and a set lookup."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.text_tag = limits.text_tag or None
        self.streamed = {kind.root: kind for kind in limits.streamed}
        self.watched = set(limits.tags) | {kind.item for kind in limits.streamed}
        if limits.text_tag:
            self.watched.add(limits.text_tag)
        if limits.streamed:
            self.watched |= {_CT_OVERRIDE, _RELATIONSHIP}
        self.counts = dict.fromkeys(limits.tags, 0)
        self.nodes_left = limits.total_nodes
        self.chars_left = limits.text_chars
        self.in_text = False
        self.parts: list[tuple[_Part, Streamed]] = []  # parts that may be streamed
        self.declared: dict[str, set[str]] = {}  # part name -> content types given to it
        self.chartsheets = False
        self.part = _Part("")
        self.part_start = self.nodes_left
        self.begin("")

    def begin(self, name: str) -> None:
        self.part.nodes = self.part_start - self.nodes_left
        self.part = _Part(name)
        self.part_start = self.nodes_left
        self.outside_left = self.limits.part_nodes  # nodes of this part outside its items
        self.item = None  # the item tag of a part that may be streamed
        self.item_depth = 0
        self.item_left = 0

    def _count(self, nodes: int) -> None:
        self.nodes_left -= nodes
        if self.item_depth:
            self.item_left -= nodes
            if self.item_left < 0:
                words = self.streamed[self.part.root].item_words
                raise _Over(f"một {words} của “{self.part.name[:80]}” quá lớn")
        else:
            self.outside_left -= nodes
            if self.outside_left < 0:
                raise self._part_over()
        if self.nodes_left < 0:
            raise _Over(f"có hơn {format_number(self.limits.total_nodes)} thành phần XML")

    def _part_over(self) -> _Over:
        return _Over(
            f"phần “{self.part.name[:80]}” có hơn {format_number(self.limits.part_nodes)} thành "
            "phần XML"
        )

    def start(self, tag: str, attrib) -> None:
        if not self.part.root:
            self._root(tag)
        if tag in self.watched:
            self._watched(tag, attrib)
        self._count(1 + len(attrib))

    def _root(self, tag: str) -> None:
        part = self.part
        part.root = tag
        kind = self.streamed.get(tag)
        if (
            kind is not None
            and part.name.endswith(".xml")
            and part.name not in self.limits.parsed_whole
        ):
            self.item = kind.item
            self.parts.append((part, kind))

    def _watched(self, tag: str, attrib) -> None:
        if tag in self.counts:
            self.counts[tag] += 1
            most, words = self.limits.tags[tag]
            if self.counts[tag] > most:
                raise _Over(f"có hơn {format_number(most)} {words}")
        if tag == self.text_tag:
            self.in_text = True
        if tag == self.item:
            if not self.item_depth:
                self.item_left = self.streamed[self.part.root].item_nodes
            self.item_depth += 1
        elif tag == _CT_OVERRIDE:
            name = (attrib.get("PartName") or "").removeprefix("/")
            self.declared.setdefault(name, set()).add(attrib.get("ContentType") or "")
        elif tag == _RELATIONSHIP and "chartsheet" in (attrib.get("Type") or ""):
            self.chartsheets = True

    def end(self, tag: str) -> None:
        if tag == self.text_tag:
            self.in_text = False
        elif tag == self.item and self.item_depth:
            self.item_depth -= 1

    def data(self, text: str) -> None:
        self._count(1)
        if self.in_text:
            self.chars_left -= len(text)
            if self.chars_left < 0:
                raise _Over(f"có hơn {format_number(self.limits.text_chars)} ký tự")

    def doctype(self, *_declaration) -> None:
        raise _Doctype("a document type declaration")

    def close(self) -> None:
        return None

    def settle_streamed(self) -> None:
        """A part whose items were let past the cap of one part must be one the reader
        streams: given its kind's content type, and no other, in a package without
        chartsheets."""
        self.begin("")
        for part, kind in self.parts:
            declared = self.declared.get(part.name, set())
            if not self.chartsheets and declared == {kind.content_type}:
                continue
            if part.nodes > self.limits.part_nodes:
                self.part = part
                raise self._part_over()
