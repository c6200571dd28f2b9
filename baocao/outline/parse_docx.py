"""Import an outline from a Word document (.docx), with python-docx and lxml.

What Word knows and plain text loses is kept on each `Line` for the builder: the heading level of
a paragraph's style (or its own outline level), the number Word draws from its automatic
numbering (rendered here, since it is not in the text), list bullets, and real footnotes with
the place of each reference. A document made of plain paragraphs (text pasted into Word) goes
through the plain-text importer's conventions instead: the footnote block after a dashed line,
and footnote markers lost at a line break.

Everything that is not a readable Word document becomes an `InputError` saying what to do:
an old .doc or a password-protected file, an .odt, a macro-enabled .docm, a zip bomb, a corrupt
file, a document without text.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import docx
from lxml import etree

from baocao.errors import InputError
from baocao.outline.builder import Line, build_outline
from baocao.outline.model import Outline
from baocao.outline.numbering import to_roman
from baocao.outline.parse_text import merge_markers, split_footnotes
from baocao.text import clean_line

MAX_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_MEMBERS = 10_000
_MB = 1024 * 1024

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_RT_ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"
_RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
_RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"
# Stands in the text for a footnote reference until the line's markers are counted.
_MARK = "\ue000"
_MARKERS = re.compile(rf"\s*\(\s*{_MARK}\s*\)|{_MARK}")
_BREAKS = re.compile(r"[\n\v\r\f\x85\u2028\u2029]")
# Word's built-in names are stored in English ("heading 1"); copies made in a Vietnamese Word
# may carry the localized name.
_HEADING_NAME = re.compile(r"^(?:heading|tiêu đề|đầu đề|đề mục)\s*([1-9])$", re.IGNORECASE)
_TITLE_NAME = re.compile(r"^(?:title|tiêu đề)$", re.IGNORECASE)
_TOC_NAME = re.compile(r"^(?:toc|mục lục)\s*(?:heading|[1-9])$", re.IGNORECASE)
_BULLET_NAME = re.compile(r"^list bullet(?:\s*([2-9]))?$", re.IGNORECASE)
_VI_COUNTING = ("một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười")
# What the text walker never reads: deleted text, field codes, the fallback copy of a drawing.
_SKIP = {
    f"{_W}del", f"{_W}moveFrom", f"{_W}delText", f"{_W}instrText", f"{_W}pPr", f"{_W}rPr",
    f"{_MC}Fallback",
}  # fmt: skip
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def parse_docx(data: bytes, name: str = "tệp") -> Outline:
    """Import an outline from the bytes of a .docx. Raises InputError for anything else."""
    subject = f"Tệp {name}" if name != "tệp" else "Tệp"
    if len(data) > MAX_BYTES:
        raise _too_big(subject, len(data))
    _check_package(data, subject)
    try:
        document = docx.Document(io.BytesIO(data))
        reader = _Reader(document.part)
        reader.read_body(document.element.body)
        lines, footnotes = reader.lines()
    except InputError:
        raise
    except Exception as exc:  # any failure of python-docx/lxml on a corrupt file
        raise _corrupt(subject, exc) from exc
    if not any(line.text for line in lines):
        if reader.has_images:
            raise InputError(
                f"{subject} chỉ có hình ảnh, không có chữ (có thể là bản chụp/scan). Hãy nhập "
                "tệp Word có nội dung dạng chữ, hoặc gõ lại đề cương."
            )
        raise InputError(
            f"{subject} không có nội dung chữ nào. Hãy kiểm tra lại tệp đã chọn: đề cương phải "
            "có các đề mục và nội dung dạng chữ."
        )
    outline = build_outline(lines, footnotes, title=reader.title or Path(name).stem)
    if reader.missing_notes:
        outline.warnings.append(
            f"Có {reader.missing_notes} dấu chú thích trong tệp Word không tìm thấy nội dung "
            "chú thích; các dấu này được bỏ qua."
        )
    return outline


# --- the package: refuse what is not a .docx before python-docx opens it ---------------------


def _too_big(subject: str, size: int) -> InputError:
    return InputError(
        f"{subject} quá lớn ({size / _MB:.0f} MB); tệp Word đề cương tối đa "
        f"{MAX_BYTES // _MB} MB. Hãy xoá bớt hình ảnh hoặc chỉ giữ phần đề cương rồi nhập lại."
    )


def _corrupt(subject: str, exc: BaseException) -> InputError:
    return InputError(
        f"{subject} bị hỏng hoặc không đúng định dạng Word (.docx) nên không đọc được. Hãy mở "
        "tệp bằng Word, chọn Lưu thành (Save As) dạng Tài liệu Word (.docx) rồi nhập lại.",
        detail=f"{type(exc).__name__}: {exc}"[:200],
    )


def _check_package(data: bytes, subject: str) -> None:
    if data[:4] == _OLE_SIGNATURE:
        raise InputError(
            f"Không đọc được {subject.lower()}: tệp Word được đặt mật khẩu hoặc là định dạng "
            ".doc cũ. Hãy mở tệp bằng Word, gỡ mật khẩu (nếu có) và lưu lại dạng Tài liệu Word "
            "(.docx) rồi nhập lại."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:
        raise _not_zip(data, subject) from exc
    try:
        with archive:
            _check_members(archive, subject)
    except InputError:
        raise
    except Exception as exc:
        raise _corrupt(subject, exc) from exc


def _not_zip(data: bytes, subject: str) -> InputError:
    head = data[:4096]
    if head and b"\x00" not in head:
        return InputError(
            f"{subject} không phải tài liệu Word .docx mà là tệp văn bản thường bị đổi đuôi. "
            "Hãy đổi lại đuôi .txt rồi nhập, hoặc mở bằng Word và lưu dạng .docx."
        )
    return InputError(
        f"{subject} không phải tài liệu Word .docx (tệp hỏng hoặc sai định dạng). Hãy mở tệp "
        "bằng Word, lưu lại dạng Tài liệu Word (.docx) rồi nhập lại."
    )


def _check_members(archive: zipfile.ZipFile, subject: str) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS or sum(info.file_size for info in infos) > MAX_UNZIPPED:
        raise InputError(
            f"{subject} khi giải nén lớn bất thường (hơn {MAX_UNZIPPED // _MB} MB), có thể là "
            "tệp hỏng hoặc tệp độc hại, nên không được nhập. Hãy mở bằng Word, chép phần đề "
            "cương sang một tài liệu mới, lưu dạng .docx rồi nhập lại."
        )
    sizes = {info.filename: info.file_size for info in infos}
    names = {name.lower() for name in sizes}
    mimetype = _small_member(archive, sizes, "mimetype")
    if mimetype.startswith(b"application/vnd.oasis.opendocument") or (
        "content.xml" in names and "meta-inf/manifest.xml" in names
    ):
        raise InputError(
            f"{subject} là văn bản OpenDocument (.odt), không phải tài liệu Word. Hãy mở bằng "
            "LibreOffice hoặc Word, chọn Lưu thành dạng Tài liệu Word (.docx) rồi nhập lại."
        )
    types = _small_member(archive, sizes, "[Content_Types].xml")
    if b"macroEnabled" in types or any(name.endswith("vbaproject.bin") for name in names):
        raise InputError(
            f"{subject} là tài liệu Word có macro (.docm); vì an toàn, hệ thống không nhận tệp "
            "có macro. Hãy mở bằng Word, chọn Lưu thành dạng Tài liệu Word (.docx) rồi nhập lại."
        )
    if any(info.flag_bits & 0x1 for info in infos):
        raise InputError(
            f"Không đọc được {subject.lower()}: tệp Word được đặt mật khẩu. Hãy mở bằng Word, "
            "gỡ mật khẩu, lưu lại dạng .docx rồi nhập lại."
        )
    if b"wordprocessingml.template.main" in types:
        raise InputError(
            f"{subject} là tệp mẫu Word (.dotx). Hãy mở bằng Word, lưu lại dạng Tài liệu Word "
            "(.docx) rồi nhập lại."
        )
    if "word/document.xml" not in names and b"wordprocessingml.document.main" not in types:
        kind = ""
        if "xl/workbook.xml" in names:
            kind = " (đây là bảng tính Excel)"
        elif "ppt/presentation.xml" in names:
            kind = " (đây là tệp trình chiếu PowerPoint)"
        raise InputError(
            f"{subject} là tệp nén nhưng không phải tài liệu Word{kind}. Hãy chọn đúng tệp đề "
            "cương dạng Word (.docx)."
        )


def _small_member(archive: zipfile.ZipFile, sizes: dict[str, int], name: str) -> bytes:
    if sizes.get(name, 1 << 30) > 1 * _MB:
        return b""
    return archive.read(name)


# --- styles and numbering --------------------------------------------------------------------


def _val(element: etree._Element | None, child: str) -> str | None:
    """The w:val of `element`'s child w:<child>, or None."""
    if element is None:
        return None
    found = element.find(f"{_W}{child}")
    return None if found is None else found.get(f"{_W}val")


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


@dataclass
class _Style:
    name: str
    based_on: str | None
    outline_level: int | None  # 0-based w:outlineLvl; 9 means body text
    num_id: str | None
    ilvl: int | None


@dataclass(frozen=True)
class _StyleInfo:
    """What a paragraph style (with the styles it is based on) says about its paragraphs."""

    level: int | None = None
    title: bool = False
    toc: bool = False
    bullet: bool = False
    deep: bool = False  # "List Bullet 2": a nested bullet
    num_id: str | None = None
    ilvl: int | None = None


class _Styles:
    def __init__(self, root: etree._Element | None):
        self._styles: dict[str, _Style] = {}
        self.default: str | None = None
        self._info: dict[str | None, _StyleInfo] = {}
        for style in () if root is None else root.iterchildren(f"{_W}style"):
            if style.get(f"{_W}type") != "paragraph":
                continue
            style_id = style.get(f"{_W}styleId") or ""
            ppr = style.find(f"{_W}pPr")
            num_pr = None if ppr is None else ppr.find(f"{_W}numPr")
            self._styles[style_id] = _Style(
                name=clean_line(_val(style, "name") or style_id),
                based_on=_val(style, "basedOn"),
                outline_level=_int(_val(ppr, "outlineLvl")),
                num_id=_val(num_pr, "numId"),
                ilvl=_int(_val(num_pr, "ilvl")),
            )
            if style.get(f"{_W}default") in ("1", "true", "on") and self.default is None:
                self.default = style_id

    def num_id(self, style_id: str) -> str | None:
        style = self._styles.get(style_id)
        return style.num_id if style else None

    def chain(self, style_id: str | None) -> Iterator[tuple[str, _Style]]:
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self._styles:
            seen.add(style_id)
            style = self._styles[style_id]
            yield style_id, style
            style_id = style.based_on

    def info(self, style_id: str | None) -> _StyleInfo:
        if style_id not in self._info:
            self._info[style_id] = self._resolve(style_id)
        return self._info[style_id]

    def _resolve(self, style_id: str | None) -> _StyleInfo:
        chain = list(self.chain(style_id))
        level: int | None = None
        for sid, style in chain:
            if style.outline_level is not None:
                level = style.outline_level + 1 if 0 <= style.outline_level < 9 else None
                break
            match = _HEADING_NAME.match(style.name) or _HEADING_NAME.match(sid)
            if match:
                level = int(match[1])
                break
        names = [style.name for _, style in chain]
        bullet = next((m for m in map(_BULLET_NAME.match, names) if m), None)
        num_id, ilvl = None, None
        for _, style in chain:
            if style.num_id is not None:
                # No ilvl: the level is the one whose w:pStyle names the paragraph's style.
                num_id, ilvl = style.num_id, style.ilvl
                break
        return _StyleInfo(
            level=level,
            title=any(_TITLE_NAME.match(n) for n in names[:1]),
            toc=any(_TOC_NAME.match(n) for n in names),
            bullet=bullet is not None,
            deep=bool(bullet and bullet[1]),
            num_id=num_id,
            ilvl=ilvl,
        )


@dataclass(frozen=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str | None = None
    legal: bool = False
    style: str | None = None


def _level(lvl: etree._Element) -> _Level:
    return _Level(
        start=_int(_val(lvl, "start"), 1) or 0,
        fmt=_val(lvl, "numFmt") or "decimal",
        text=_val(lvl, "lvlText"),
        legal=lvl.find(f"{_W}isLgl") is not None,
        style=_val(lvl, "pStyle"),
    )


class _Numbering:
    """Word's automatic numbering: definitions, running counters, rendered numbers."""

    def __init__(self, root: etree._Element | None, styles: _Styles):
        self._styles = styles
        self._nums: dict[str, etree._Element] = {}
        self._abstracts: dict[str, etree._Element] = {}
        if root is not None:
            for num in root.iterchildren(f"{_W}num"):
                self._nums.setdefault(num.get(f"{_W}numId") or "", num)
            for abstract in root.iterchildren(f"{_W}abstractNum"):
                self._abstracts.setdefault(abstract.get(f"{_W}abstractNumId") or "", abstract)
        self._levels: dict[str, dict[int, _Level]] = {}
        self._counters: dict[str, list[int | None]] = {}

    def levels(self, num_id: str) -> dict[int, _Level]:
        if num_id not in self._levels:
            self._levels[num_id] = self._resolve(num_id)
        return self._levels[num_id]

    def _resolve(self, num_id: str) -> dict[int, _Level]:
        num = self._nums.get(num_id)
        abstract = None
        for _ in range(4):  # w:numStyleLink: the list is defined by a numbering style
            if num is None:
                return {}
            abstract = self._abstracts.get(_val(num, "abstractNumId") or "")
            link = _val(abstract, "numStyleLink")
            if link is None:
                break
            num = self._nums.get(self._styles.num_id(link) or "")
        if abstract is None:
            return {}
        levels: dict[int, _Level] = {}
        for lvl in abstract.iterchildren(f"{_W}lvl"):
            ilvl = _int(lvl.get(f"{_W}ilvl"))
            if ilvl is not None and 0 <= ilvl < 9:
                levels[ilvl] = _level(lvl)
        for override in self._nums[num_id].iterchildren(f"{_W}lvlOverride"):
            ilvl = _int(override.get(f"{_W}ilvl"))
            if ilvl is None or not 0 <= ilvl < 9:
                continue
            lvl = override.find(f"{_W}lvl")
            level = _level(lvl) if lvl is not None else levels.get(ilvl, _Level())
            start = _int(_val(override, "startOverride"))
            if start is not None:
                level = _Level(start, level.fmt, level.text, level.legal, level.style)
            levels[ilvl] = level
        return levels

    def level_of_style(self, num_id: str, style_id: str | None) -> int:
        for ilvl, level in self.levels(num_id).items():
            if style_id and level.style == style_id:
                return ilvl
        return 0

    def advance(self, num_id: str, ilvl: int) -> tuple[str, bool] | None:
        """Count the paragraph at (num_id, ilvl); its rendered number and whether it is a bullet."""
        levels = self.levels(num_id)
        if ilvl not in levels:
            return None
        counters = self._counters.setdefault(num_id, [None] * 9)
        current = counters[ilvl]
        counters[ilvl] = levels[ilvl].start if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None
        level = levels[ilvl]
        if level.fmt == "bullet":
            return "", True
        if level.fmt == "none" or not level.text:
            return None

        def placeholder(match: re.Match[str]) -> str:
            index = int(match[1]) - 1
            shown = levels.get(index, _Level())
            value = counters[index] if counters[index] is not None else shown.start
            return _format(value or 0, "decimal" if level.legal else shown.fmt)

        return re.sub(r"%([1-9])", placeholder, level.text).strip(), False


def _format(value: int, fmt: str) -> str:
    if fmt == "none":
        return ""
    if value <= 0:
        return str(value)
    if fmt in ("upperRoman", "lowerRoman"):
        roman = to_roman(value) if value < 400 else str(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "vietnameseCounting" and value <= len(_VI_COUNTING):
        return _VI_COUNTING[value - 1]
    return str(value)


# --- the body ----------------------------------------------------------------------------------


def _related_root(part, reltype: str) -> etree._Element | None:
    try:
        related = part.part_related_by(reltype)
    except KeyError:
        return None
    return etree.fromstring(related.blob, _XML_PARSER)


def _read_notes(root: etree._Element | None, tag: str) -> dict[str, str]:
    notes: dict[str, str] = {}
    if root is None:
        return notes
    for note in root.iterchildren(f"{_W}{tag}"):
        if note.get(f"{_W}type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        parts: list[str] = []
        _walk(note, parts, lambda _tag, _id: None, [])
        text = clean_line(_BREAKS.sub(" ", "".join(parts).replace(_MARK, "")))
        if text:
            notes[note.get(f"{_W}id") or ""] = text
    return notes


_TEXT_TAGS = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}br": "\n",
              f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}  # fmt: skip
_NOTE_TAGS = {f"{_W}footnoteReference": "footnote", f"{_W}endnoteReference": "endnote"}


def _walk(
    element: etree._Element,
    out: list[str],
    note: Callable[[str, str], str | None],
    boxes: list[etree._Element],
) -> None:
    """The text of a paragraph's runs in order, with `_MARK` where a footnote is referenced;
    text boxes met on the way are collected, to be read as paragraphs of their own."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag in _TEXT_TAGS:
            text = _TEXT_TAGS[tag]
            out.append((child.text or "").replace(_MARK, "") if text is None else text)
        elif tag in _NOTE_TAGS:
            found = note(_NOTE_TAGS[tag], child.get(f"{_W}id") or "")
            if found is not None:
                out.append(_MARK)
        elif tag == f"{_W}txbxContent":
            boxes.append(child)
        else:
            _walk(child, out, note, boxes)


@dataclass
class _Reader:
    part: object
    segments: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing_notes: int = 0
    has_images: bool = False
    title: str = ""

    def __post_init__(self) -> None:
        part = self.part
        self.styles = _Styles(_related_root(part, _RT_STYLES))
        self.numbering = _Numbering(_related_root(part, _RT_NUMBERING), self.styles)
        self._notes = {
            "footnote": _read_notes(_related_root(part, _RT_FOOTNOTES), "footnote"),
            "endnote": _read_notes(_related_root(part, _RT_ENDNOTES), "endnote"),
        }

    def read_body(self, body: etree._Element) -> None:
        self.has_images = (
            next(body.iter(f"{_W}drawing", f"{_W}pict", f"{_W}object"), None) is not None
        )
        self._blocks(body)

    def _blocks(self, container: etree._Element) -> None:
        for child in container:
            tag = child.tag
            if tag == f"{_W}p":
                self._paragraph(child)
            elif tag == f"{_W}tbl":
                self._table(child)
            elif tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}ins"):
                self._blocks(child)

    def _table(self, table: etree._Element) -> None:
        """Cell by cell in row order; a blank line after each cell keeps cells apart."""
        for cell in table.iter(f"{_W}tc"):
            if next(cell.iterancestors(f"{_W}tbl"), None) is table:
                self._blocks(cell)
                self._blank()
        self._blank()

    def _blank(self) -> None:
        if self.segments and self.segments[-1].text:
            self.segments.append(Line(""))

    def _note(self, kind: str, note_id: str) -> str | None:
        text = self._notes[kind].get(note_id)
        if text is None:
            self.missing_notes += 1
        else:
            self.notes.append(text)
        return text

    def _paragraph(self, p: etree._Element) -> None:
        ppr = p.find(f"{_W}pPr")
        style_id = _val(ppr, "pStyle") or self.styles.default
        info = self.styles.info(style_id)
        if info.toc:  # a table of contents repeats the headings: not part of the outline
            return
        level = info.level
        own_level = _int(_val(ppr, "outlineLvl"))
        if own_level is not None:
            level = own_level + 1 if 0 <= own_level < 9 else None
        number, bullet, deep = self._number(ppr, style_id, info)
        parts: list[str] = []
        boxes: list[etree._Element] = []
        _walk(p, parts, self._note, boxes)
        pieces = [clean_line(piece) for piece in _BREAKS.split("".join(parts))]
        if info.title and not self.title:
            self.title = " ".join(piece for piece in pieces if piece).replace(_MARK, "")
        first = True
        for piece in pieces:
            if first and piece.replace(_MARK, "").strip():
                if bullet and deep and not piece.startswith(("-", "+", "•")):
                    piece = f"+ {piece}"
                self.segments.append(Line(piece, level=level, number=number, bullet=bullet))
                first = False
            else:
                self.segments.append(Line(piece))
        for box in boxes:
            self._blank()
            self._blocks(box)

    def _number(
        self, ppr: etree._Element | None, style_id: str | None, info: _StyleInfo
    ) -> tuple[str | None, bool, bool]:
        """Word's number for the paragraph (not in its text), whether it is a bullet, nested."""
        num_pr = None if ppr is None else ppr.find(f"{_W}numPr")
        num_id, ilvl = info.num_id, info.ilvl
        if num_pr is not None:
            num_id = _val(num_pr, "numId") or num_id
            ilvl = _int(_val(num_pr, "ilvl"), ilvl)
        if not num_id or num_id == "0":
            return None, info.bullet, info.deep
        if ilvl is None:
            ilvl = self.numbering.level_of_style(num_id, style_id)
        rendered = self.numbering.advance(num_id, ilvl)
        if rendered is None:
            return None, info.bullet, info.deep
        number, bullet = rendered
        if bullet:
            return None, True, info.deep or ilvl > 0
        if number.startswith("(") and number.endswith(")"):
            number = number[1:]
        return number or None, info.bullet, info.deep

    def lines(self) -> tuple[list[Line], list[str]]:
        """The builder's lines and footnote texts: Word's own footnotes when the document has
        them, else the plain-text conventions (dashed footnote block, markers lost at breaks)."""
        segments = self.segments
        if self.notes:
            return _count_markers(segments), self.notes
        body, footnotes = split_footnotes([line.text for line in segments])
        return _merge_plain(segments[: len(body)]), footnotes


def _count_markers(segments: list[Line]) -> list[Line]:
    """Turn each footnote reference into a marker on its line; a reference alone on a line
    (after a line break) belongs to the text before it."""
    lines: list[Line] = []
    carry = 0
    for line in segments:
        line.text, count = _MARKERS.subn("", line.text)
        line.text = clean_line(line.text)
        if not line.text:
            if lines:
                lines[-1].markers += count
            else:
                carry += count
            continue
        line.markers += count + carry
        carry = 0
        lines.append(line)
    return lines


def _merge_plain(segments: list[Line]) -> list[Line]:
    """The text importer's marker merging, run from each paragraph Word marks as a heading,
    numbered or list item (never merged into what precedes it) through the plain paragraphs
    after it, which keeps what Word said about the paragraph on the merged line."""
    lines: list[Line] = []
    head: Line | None = None
    texts: list[str] = []

    def flush() -> None:
        merged = merge_markers(texts)
        if head is not None and merged:
            merged[0].level, merged[0].number, merged[0].bullet = (
                head.level,
                head.number,
                head.bullet,
            )
        lines.extend(merged)

    for segment in segments:
        if segment.text and (segment.level is not None or segment.number or segment.bullet):
            flush()
            head, texts = segment, [segment.text]
        else:
            texts.append(segment.text)
    flush()
    return lines
