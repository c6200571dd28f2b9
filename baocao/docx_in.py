"""Read a Word document (.docx) as blocks: paragraphs and tables, in reading order.

One reader for every importer of Word files (the outline importer, the report ingest), so what
Word knows and plain text loses is read once and the same way: the heading level of a
paragraph's style or its own outline level, the number Word draws from its automatic numbering
(rendered here, since it is not in the text), list bullets, list levels and kinds of number,
bold, italic and underline (each line also as inline HTML), footnotes and endnotes with the
place of each reference, content controls, text boxes, tables with merged cells and header rows,
and the document's custom properties. What a block means is decided by its reader.

The package is checked first (`baocao.officefile`): a file that is not a readable .docx, a zip
bomb, a macro document, a password-protected file or XML over the caps of what is parsed (its
size, paragraphs, runs, cells) is an `InputError` before any XML is parsed. The parts are read
straight from the zip with lxml (entities never resolved, no network, no huge trees); what the
walk builds is capped too (lines after splitting at line breaks, table grid positions).
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from lxml import etree

from baocao import officefile
from baocao.errors import InputError
from baocao.indicators.numbers import format_number
from baocao.outline.numbering import to_roman
from baocao.text import clean_line

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_PROPS = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_RT_DOCUMENT = _RT + "officeDocument"
_RT_FOOTNOTES = _RT + "footnotes"
_RT_ENDNOTES = _RT + "endnotes"
_RT_STYLES = _RT + "styles"
_RT_NUMBERING = _RT + "numbering"
_RT_CUSTOM = _RT + "custom-properties"

# Stands in a paragraph's text where a footnote or endnote is referenced.
NOTE_MARK = "\ue000"
_BREAKS = re.compile(r"[\n\v\r\f\x85\u2028\u2029]")
_SPACE_RUN = re.compile(r"\s+")
# Word's built-in names are stored in English ("heading 1"); copies made in a Vietnamese Word
# may carry the localized name.
_HEADING_NAME = re.compile(r"^(?:heading|tiêu đề|đầu đề|đề mục)\s*([1-9])$", re.IGNORECASE)
_TITLE_NAME = re.compile(r"^(?:title|tiêu đề)$", re.IGNORECASE)
_TOC_NAME = re.compile(r"^(?:toc|mục lục)\s*(?:heading|[1-9])$", re.IGNORECASE)
_BULLET_NAME = re.compile(r"^list bullet(?:\s*([2-9]))?$", re.IGNORECASE)
# Word's numFmt -> an HTML ol's type (`baocao.richtext.LIST_TYPES`); other formats are numbers.
_LIST_TYPES = {"lowerLetter": "a", "upperLetter": "A", "lowerRoman": "i", "upperRoman": "I"}
_VI_COUNTING = ("một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười")
# What the text walker never reads: deleted text, field codes, the fallback copy of a drawing.
_SKIP = {
    f"{W}del", f"{W}moveFrom", f"{W}delText", f"{W}instrText", f"{W}pPr", f"{W}rPr",
    f"{_MC}Fallback",
}  # fmt: skip
_CONTAINERS = (f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}ins")
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
# What the walk may build: lines (a paragraph split at its line breaks) and the grid positions of
# all tables (a cell spanning 60 columns is 60).
MAX_LINES = 100_000
MAX_GRID_CELLS = 200_000
MAX_SPAN = 64  # grid columns one cell (or a row's gridBefore) may take; Word's own limit is 63


# --- blocks --------------------------------------------------------------------------------------


@dataclass
class Paragraph:
    """One paragraph of the document, with what Word says about it.

    `pieces` is the text split at its line breaks, each piece cleaned (NFC, single spaces), with
    `NOTE_MARK` where a note is referenced; `notes` holds those notes' texts, in order. `level`
    is the heading level of its style or its own outline level; `number` the number Word draws
    before it (automatic numbering), `bullet` whether it is a list bullet (`deep`: nested).
    `bold`/`italic`: every letter is; `bold_prefix`: the bold words it starts with when the rest
    is not bold ("Ưu điểm: nhìn chung ..."). Text boxes anchored in it are read as `boxes`.
    """

    pieces: list[str]
    style: str = ""
    level: int | None = None
    number: str | None = None
    bullet: bool = False
    deep: bool = False
    title: bool = False
    bold: bool = False
    italic: bool = False
    bold_prefix: str = ""
    notes: list[str] = field(default_factory=list)
    boxes: list[list[Block]] = field(default_factory=list)
    # Each piece as inline HTML (bold, italic, underline kept: strong/em/u), note marks left
    # out; `list_level` Word's list level (w:ilvl, 0 the top) when the paragraph is an item of
    # a Word list, `ordered` whether that level is numbered rather than bulleted, `list_type`
    # its kind of number as an HTML ol's type ("" numbers, "a"/"A" letters, "i"/"I" Roman).
    rich: list[str] = field(default_factory=list)
    list_level: int | None = None
    ordered: bool = False
    list_type: str = ""

    @property
    def text(self) -> str:
        """The words, line breaks as spaces, note references left out."""
        return clean_line(" ".join(self.pieces).replace(NOTE_MARK, ""))


@dataclass
class Cell:
    """A table cell as Word stores it: `span` grid columns wide; `merge` is "restart" or
    "continue" when it is part of a vertically merged cell, "" otherwise."""

    blocks: list[Block]
    span: int = 1
    merge: str = ""

    @property
    def text(self) -> str:
        return "\n".join(text for text in _block_texts(self.blocks) if text)


@dataclass(frozen=True)
class GridCell:
    text: str
    merged: bool = False  # a continuation of a merged cell (to its left or above)


@dataclass
class Table:
    rows: list[list[Cell]]
    header_rows: int = 0  # the rows at the top Word repeats as the header (w:tblHeader)

    def grid(self) -> list[list[GridCell]]:
        """The table as a rectangle: a merged cell's text repeated in every grid position it
        covers (the repeats flagged `merged`), short rows padded with empty cells."""
        grid: list[list[GridCell]] = []
        above: dict[int, str] = {}
        for row in self.rows:
            line: list[GridCell] = []
            for cell in row:
                column = len(line)
                if cell.merge == "continue":
                    text, merged = above.get(column, ""), True
                else:
                    text, merged = cell.text, False
                    above[column] = text
                line.append(GridCell(text, merged))
                for offset in range(1, max(1, min(cell.span, MAX_SPAN))):
                    above[column + offset] = text
                    line.append(GridCell(text, True))
            grid.append(line)
        width = max((len(line) for line in grid), default=0)
        return [line + [GridCell("")] * (width - len(line)) for line in grid]


Block = Paragraph | Table


def _block_texts(blocks: list[Block]) -> Iterator[str]:
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block.text
            for box in block.boxes:
                yield from _block_texts(box)
        else:
            for row in block.rows:
                for cell in row:
                    yield from _block_texts(cell.blocks)


@dataclass
class DocxContent:
    """What `read_docx` found: the body's blocks in reading order and facts about the file."""

    blocks: list[Block]
    has_images: bool = False
    missing_notes: int = 0  # references to notes whose text is not in the file
    properties: dict[str, str] = field(default_factory=dict)  # custom document properties

    def paragraphs(self) -> Iterator[Paragraph]:
        """Every paragraph, in reading order: table cells row by row, text boxes after the
        paragraph that anchors them."""
        yield from iter_paragraphs(self.blocks)


def iter_paragraphs(blocks: list[Block]) -> Iterator[Paragraph]:
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block
            for box in block.boxes:
                yield from iter_paragraphs(box)
        else:
            for row in block.rows:
                for cell in row:
                    yield from iter_paragraphs(cell.blocks)


class _TooLarge(Exception):
    """The walk passed one of its caps; the message says which."""


def read_docx(data: bytes, *, name: str = "tệp", noun: str = "đề cương") -> DocxContent:
    """The blocks of a .docx; InputError (Vietnamese, saying what to do) for anything else.

    `noun` says what the file should hold ("đề cương", "báo cáo") in the messages.
    """
    subject = officefile.subject_of(name)
    officefile.check_package(data, subject, kind=officefile.WORD, noun=noun)
    try:
        package = _Package(data)
        body = package.main.find(f"{W}body")
        if body is None:
            raise ValueError("the document has no body")
        walker = _Walker(package)
        blocks = list(walker.blocks(body))
        has_images = next(body.iter(f"{W}drawing", f"{W}pict", f"{W}object"), None) is not None
        properties = package.custom_properties()
    except InputError:
        raise
    except _TooLarge as over:
        raise officefile.too_complex(subject, str(over), officefile.WORD, noun) from over
    except Exception as exc:  # any failure of zipfile/lxml on a corrupt file
        raise officefile.corrupt(subject, exc) from exc
    return DocxContent(blocks, has_images, walker.missing_notes, properties)


# --- the package -----------------------------------------------------------------------------------


class _Package:
    """The main document part and the parts it is related to, read from the zip on demand."""

    def __init__(self, data: bytes):
        self._zip = zipfile.ZipFile(io.BytesIO(data))
        self._names = set(self._zip.namelist())
        package_rels = self._rels("")
        self.main_name = package_rels.get(_RT_DOCUMENT, "word/document.xml")
        self._package_rels = package_rels
        self._main_rels = self._rels(self.main_name)
        self.main = self._xml(self.main_name)
        if self.main is None:
            raise ValueError(f"missing part {self.main_name}")

    def _xml(self, name: str | None) -> etree._Element | None:
        """The part `name` parsed; only .xml and .rels parts, the ones counted before."""
        if not name or name not in self._names or not officefile.xml_part(name):
            return None
        return etree.fromstring(self._zip.read(name), _XML_PARSER)

    def _rels(self, part: str) -> dict[str, str]:
        """The first internal target of each relationship type of `part` ("" = the package)."""
        folder, base = posixpath.split(part)
        root = self._xml(posixpath.join(folder, "_rels", f"{base}.rels"))
        found: dict[str, str] = {}
        if root is None:
            return found
        for rel in root.iterchildren(f"{_REL}Relationship"):
            target = rel.get("Target") or ""
            if rel.get("TargetMode") == "External" or not target:
                continue
            path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
            found.setdefault(rel.get("Type") or "", posixpath.normpath(path))
        return found

    def related(self, reltype: str) -> etree._Element | None:
        return self._xml(self._main_rels.get(reltype))

    def styles(self) -> etree._Element | None:
        """The styles part without its table styles and latent styles, which nothing here
        reads and which make most of its size (a template's can be 350 KB)."""
        name = self._main_rels.get(_RT_STYLES)
        if not name or name not in self._names or not officefile.xml_part(name):
            return None
        data = self._zip.read(name)
        try:
            return etree.fromstring(
                _cut(
                    _cut(data, b"<w:latentStyles", b"</w:latentStyles>"),
                    b'<w:style w:type="table"',
                    b"</w:style>",
                ),
                _XML_PARSER,
            )
        except etree.XMLSyntaxError:
            return etree.fromstring(data, _XML_PARSER)

    def custom_properties(self) -> dict[str, str]:
        root = self._xml(self._package_rels.get(_RT_CUSTOM))
        properties: dict[str, str] = {}
        if root is None:
            return properties
        for prop in root.iterchildren(f"{_PROPS}property"):
            value = next(iter(prop), None)
            if prop.get("name") and value is not None:
                properties[prop.get("name")] = (value.text or "").strip()
        return properties


def _cut(data: bytes, start: bytes, end: bytes) -> bytes:
    """`data` without every span from `start` to the next `end` (both included)."""
    if start not in data:
        return data
    parts, position = [], 0
    while True:
        begin = data.find(start, position)
        if begin < 0:
            break
        finish = data.find(end, begin)
        if finish < 0:
            break
        parts.append(data[position:begin])
        position = finish + len(end)
    parts.append(data[position:])
    return b"".join(parts)


# --- styles and numbering --------------------------------------------------------------------


def _val(element: etree._Element | None, child: str) -> str | None:
    """The w:val of `element`'s child w:<child>, or None."""
    if element is None:
        return None
    found = element.find(f"{W}{child}")
    return None if found is None else found.get(f"{W}val")


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _toggle(rpr: etree._Element | None, child: str) -> bool | None:
    """A run property such as w:b: True, False, or None when the element does not say."""
    if rpr is None:
        return None
    found = rpr.find(f"{W}{child}")
    if found is None:
        return None
    return found.get(f"{W}val", "true").lower() not in ("0", "false", "off", "none")


@dataclass
class _Style:
    name: str
    based_on: str | None
    outline_level: int | None  # 0-based w:outlineLvl; 9 means body text
    num_id: str | None
    ilvl: int | None
    bold: bool | None
    italic: bool | None


@dataclass(frozen=True)
class _StyleInfo:
    """What a paragraph style (with the styles it is based on) says about its paragraphs."""

    name: str = ""
    level: int | None = None
    title: bool = False
    toc: bool = False
    bullet: bool = False
    deep: bool = False  # "List Bullet 2": a nested bullet
    num_id: str | None = None
    ilvl: int | None = None
    bold: bool = False
    italic: bool = False


class _Styles:
    def __init__(self, root: etree._Element | None):
        self._styles: dict[str, _Style] = {}
        self._characters: dict[str, _Style] = {}
        self.default: str | None = None
        self._info: dict[str | None, _StyleInfo] = {}
        self._run_info: dict[str, tuple[bool | None, bool | None]] = {}
        for style in () if root is None else root.iterchildren(f"{W}style"):
            kind = style.get(f"{W}type")
            if kind not in ("paragraph", "character"):
                continue
            style_id = style.get(f"{W}styleId") or ""
            ppr = style.find(f"{W}pPr")
            rpr = style.find(f"{W}rPr")
            num_pr = None if ppr is None else ppr.find(f"{W}numPr")
            entry = _Style(
                name=clean_line(_val(style, "name") or style_id),
                based_on=_val(style, "basedOn"),
                outline_level=_int(_val(ppr, "outlineLvl")),
                num_id=_val(num_pr, "numId"),
                ilvl=_int(_val(num_pr, "ilvl")),
                bold=_toggle(rpr, "b"),
                italic=_toggle(rpr, "i"),
            )
            if kind == "character":
                self._characters[style_id] = entry
                continue
            self._styles[style_id] = entry
            if style.get(f"{W}default") in ("1", "true", "on") and self.default is None:
                self.default = style_id

    def num_id(self, style_id: str) -> str | None:
        style = self._styles.get(style_id)
        return style.num_id if style else None

    def chain(self, style_id: str | None, styles=None) -> Iterator[tuple[str, _Style]]:
        styles = self._styles if styles is None else styles
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in styles:
            seen.add(style_id)
            style = styles[style_id]
            yield style_id, style
            style_id = style.based_on

    def info(self, style_id: str | None) -> _StyleInfo:
        if style_id not in self._info:
            self._info[style_id] = self._resolve(style_id)
        return self._info[style_id]

    def run_format(self, style_id: str) -> tuple[bool | None, bool | None]:
        """Bold and italic as a character style (and the styles it is based on) set them."""
        if style_id not in self._run_info:
            chain = [style for _, style in self.chain(style_id, self._characters)]
            bold = next((s.bold for s in chain if s.bold is not None), None)
            italic = next((s.italic for s in chain if s.italic is not None), None)
            self._run_info[style_id] = (bold, italic)
        return self._run_info[style_id]

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
            name=names[0] if names else "",
            level=level,
            title=any(_TITLE_NAME.match(n) for n in names[:1]),
            toc=any(_TOC_NAME.match(n) for n in names),
            bullet=bullet is not None,
            deep=bool(bullet and bullet[1]),
            num_id=num_id,
            ilvl=ilvl,
            bold=next((s.bold for _, s in chain if s.bold is not None), False),
            italic=next((s.italic for _, s in chain if s.italic is not None), False),
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
        legal=lvl.find(f"{W}isLgl") is not None,
        style=_val(lvl, "pStyle"),
    )


class _Numbering:
    """Word's automatic numbering: definitions, running counters, rendered numbers."""

    def __init__(self, root: etree._Element | None, styles: _Styles):
        self._styles = styles
        self._nums: dict[str, etree._Element] = {}
        self._abstracts: dict[str, etree._Element] = {}
        if root is not None:
            for num in root.iterchildren(f"{W}num"):
                self._nums.setdefault(num.get(f"{W}numId") or "", num)
            for abstract in root.iterchildren(f"{W}abstractNum"):
                self._abstracts.setdefault(abstract.get(f"{W}abstractNumId") or "", abstract)
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
        for lvl in abstract.iterchildren(f"{W}lvl"):
            ilvl = _int(lvl.get(f"{W}ilvl"))
            if ilvl is not None and 0 <= ilvl < 9:
                levels[ilvl] = _level(lvl)
        for override in self._nums[num_id].iterchildren(f"{W}lvlOverride"):
            ilvl = _int(override.get(f"{W}ilvl"))
            if ilvl is None or not 0 <= ilvl < 9:
                continue
            lvl = override.find(f"{W}lvl")
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


# --- the text of a paragraph -------------------------------------------------------------------


_TEXT_TAGS = {f"{W}t": None, f"{W}tab": "\t", f"{W}ptab": "\t", f"{W}br": "\n",
              f"{W}cr": "\n", f"{W}noBreakHyphen": "-"}  # fmt: skip
_NOTE_TAGS = {f"{W}footnoteReference": "footnote", f"{W}endnoteReference": "endnote"}


@dataclass
class _Runs:
    """A paragraph's text as it is walked: (text, bold, italic) segments and text boxes met."""

    styles: _Styles | None = None
    bold: bool = False
    italic: bool = False
    underline: bool = False
    segments: list[tuple[str, bool, bool, bool]] = field(default_factory=list)
    boxes: list[etree._Element] = field(default_factory=list)
    # Bold and italic as the runs set them (directly or by a character style), the paragraph's
    # style left out: what `rich` shows. The template's grey italic guidance style, typed
    # over, is no emphasis of the writer's.
    own: tuple[bool, bool] = (False, False)
    own_segments: list[tuple[str, bool, bool, bool]] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.segments.append((text, self.bold, self.italic, self.underline))
        self.own_segments.append((text, *self.own, self.underline))

    def rich(self) -> list[str]:
        """Each line (the text split at its line breaks, as `pieces`) as inline HTML."""
        lines: list[list[tuple[str, bool, bool, bool]]] = [[]]
        for text, *fmt in self.own_segments:
            parts = _BREAKS.split(text.replace(NOTE_MARK, ""))
            for index, part in enumerate(parts):
                if index:
                    lines.append([])
                if part:
                    lines[-1].append((part, *fmt))
        return [_inline_html(line) for line in lines]

    @property
    def text(self) -> str:
        return "".join(segment[0] for segment in self.segments)

    def emphasis(self) -> tuple[bool, bool, str]:
        """(all bold, all italic, leading bold words when the rest is not bold)."""
        letters = all_bold = all_italic = False
        prefix: list[str] = []
        in_prefix, prefix_done = True, False
        for text, is_bold, is_italic, _ in self.segments:
            words = any(ch.isalnum() for ch in text)
            if words:
                all_bold = (all_bold or not letters) and is_bold
                all_italic = (all_italic or not letters) and is_italic
                letters = True
            if in_prefix:
                if "\n" in text or (words and not is_bold):
                    in_prefix, prefix_done = False, words and not is_bold
                else:
                    prefix.append(text)
        lead = clean_line("".join(prefix).replace(NOTE_MARK, "")) if prefix_done else ""
        return all_bold, all_italic, lead


def _walk(element: etree._Element, runs: _Runs, note: Callable[[str, str], str | None]) -> None:
    """The text of a paragraph's runs in order, with `NOTE_MARK` where a note is referenced;
    text boxes met on the way are collected, to be read as paragraphs of their own."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag in _TEXT_TAGS:
            text = _TEXT_TAGS[tag]
            runs.add((child.text or "").replace(NOTE_MARK, "") if text is None else text)
        elif tag in _NOTE_TAGS:
            found = note(_NOTE_TAGS[tag], child.get(f"{W}id") or "")
            if found is not None:
                runs.add(NOTE_MARK)
        elif tag == f"{W}txbxContent":
            runs.boxes.append(child)
        elif tag == f"{W}r" and runs.styles is not None:
            outer = runs.bold, runs.italic, runs.underline, runs.own
            runs.bold, runs.italic = _run_format(child, runs.styles, outer[:2])
            runs.own = _run_format(child, runs.styles, runs.own)
            underline = _toggle(child.find(f"{W}rPr"), "u")
            if underline is not None:
                runs.underline = underline
            _walk(child, runs, note)
            runs.bold, runs.italic, runs.underline, runs.own = outer
        else:
            _walk(child, runs, note)


def _inline_html(segments: list[tuple[str, bool, bool, bool]]) -> str:
    """Segments of one line as HTML: spaces folded (as `clean_line` does), runs of the same
    format joined, each wrapped in strong/em/u as it is bold, italic, underlined."""
    joined: list[list] = []
    for text, *fmt in segments:
        text = _SPACE_RUN.sub(" ", unicodedata.normalize("NFC", text))
        if not text.strip() and joined:
            fmt = joined[-1][1]  # spaces take the format before them
        if joined and joined[-1][1] == fmt:
            joined[-1][0] += text
        else:
            joined.append([text, fmt])
    if joined:
        joined[0][0] = joined[0][0].lstrip()
        joined[-1][0] = joined[-1][0].rstrip()
    out = []
    for text, (bold, italic, underline) in joined:
        if not text:
            continue
        piece = html.escape(text, quote=False)
        stripped = piece.strip()
        if stripped and (bold or italic or underline):
            lead = piece[: len(piece) - len(piece.lstrip())]
            tail = piece[len(piece.rstrip()) :]
            for tag, on in (("u", underline), ("em", italic), ("strong", bold)):
                if on:
                    stripped = f"<{tag}>{stripped}</{tag}>"
            piece = lead + stripped + tail
        out.append(piece)
    return "".join(out)


def _run_format(
    run: etree._Element, styles: _Styles, outer: tuple[bool, bool]
) -> tuple[bool, bool]:
    rpr = run.find(f"{W}rPr")
    bold, italic = _toggle(rpr, "b"), _toggle(rpr, "i")
    if bold is None or italic is None:
        char_bold, char_italic = styles.run_format(_val(rpr, "rStyle") or "")
        bold = char_bold if bold is None else bold
        italic = char_italic if italic is None else italic
    return (outer[0] if bold is None else bold), (outer[1] if italic is None else italic)


def _read_notes(root: etree._Element | None, tag: str) -> dict[str, str]:
    notes: dict[str, str] = {}
    if root is None:
        return notes
    for note in root.iterchildren(f"{W}{tag}"):
        if note.get(f"{W}type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        runs = _Runs()
        _walk(note, runs, lambda _tag, _id: None)
        text = clean_line(_BREAKS.sub(" ", runs.text.replace(NOTE_MARK, "")))
        if text:
            notes[note.get(f"{W}id") or ""] = text
    return notes


# --- the body ----------------------------------------------------------------------------------


class _Walker:
    """Blocks in reading order; numbering counters run in that order, as Word draws them."""

    def __init__(self, package: _Package):
        self.styles = _Styles(package.styles())
        self.numbering = _Numbering(package.related(_RT_NUMBERING), self.styles)
        self._notes = {
            "footnote": _read_notes(package.related(_RT_FOOTNOTES), "footnote"),
            "endnote": _read_notes(package.related(_RT_ENDNOTES), "endnote"),
        }
        self.missing_notes = 0
        self.lines = 0
        self.grid_cells = 0

    def blocks(self, container: etree._Element) -> Iterator[Block]:
        for child in container:
            tag = child.tag
            if tag == f"{W}p":
                paragraph = self._paragraph(child)
                if paragraph is not None:
                    yield paragraph
            elif tag == f"{W}tbl":
                yield self._table(child)
            elif tag in _CONTAINERS:
                yield from self.blocks(child)

    def _table(self, table: etree._Element) -> Table:
        """Rows in order, cells in order within their row (content controls around rows or
        cells looked through); a nested table belongs to its cell."""
        rows: list[list[Cell]] = []
        header_rows = 0
        for row in table.iter(f"{W}tr"):
            if next(row.iterancestors(f"{W}tbl"), None) is not table:
                continue
            cells: list[Cell] = []
            trpr = row.find(f"{W}trPr")
            if header_rows == len(rows) and _toggle(trpr, "tblHeader"):
                header_rows += 1
            before = min(max(_int(_val(trpr, "gridBefore"), 0) or 0, 0), MAX_SPAN)
            self._add_grid(before)
            cells.extend(Cell([]) for _ in range(before))
            for cell in row.iter(f"{W}tc"):
                if next(cell.iterancestors(f"{W}tr"), None) is not row:
                    continue
                tcpr = cell.find(f"{W}tcPr")
                merge = None if tcpr is None else tcpr.find(f"{W}vMerge")
                span = max(1, _int(_val(tcpr, "gridSpan"), 1) or 1)
                self._add_grid(min(span, MAX_SPAN))
                cells.append(
                    Cell(
                        list(self.blocks(cell)),
                        span=span,
                        merge="" if merge is None else merge.get(f"{W}val", "continue"),
                    )
                )
            rows.append(cells)
        return Table(rows, header_rows)

    def _add_grid(self, positions: int) -> None:
        """Count grid positions as `Table.grid` will build them."""
        self.grid_cells += positions
        if self.grid_cells > MAX_GRID_CELLS:
            raise _TooLarge(f"các bảng có hơn {format_number(MAX_GRID_CELLS)} ô")

    def _note(self, kind: str, note_id: str, found: list[str]) -> str | None:
        text = self._notes[kind].get(note_id)
        if text is None:
            self.missing_notes += 1
        else:
            found.append(text)
        return text

    def _paragraph(self, p: etree._Element) -> Paragraph | None:
        ppr = p.find(f"{W}pPr")
        style_id = _val(ppr, "pStyle") or self.styles.default
        info = self.styles.info(style_id)
        if info.toc:  # a table of contents repeats the headings: not content
            return None
        level = info.level
        own_level = _int(_val(ppr, "outlineLvl"))
        if own_level is not None:
            level = own_level + 1 if 0 <= own_level < 9 else None
        number, bullet, deep, list_level, ordered, list_type = self._number(ppr, style_id, info)
        notes: list[str] = []
        runs = _Runs(self.styles, info.bold, info.italic)
        _walk(p, runs, lambda kind, note_id: self._note(kind, note_id, notes))
        bold, italic, bold_prefix = runs.emphasis()
        pieces = _BREAKS.split(runs.text)
        self.lines += len(pieces)
        if self.lines > MAX_LINES:
            raise _TooLarge(f"có hơn {format_number(MAX_LINES)} dòng")
        return Paragraph(
            pieces=[clean_line(piece) for piece in pieces],
            style=info.name,
            level=level,
            number=number,
            bullet=bullet,
            deep=deep,
            title=info.title,
            bold=bold,
            italic=italic,
            bold_prefix=bold_prefix,
            notes=notes,
            boxes=[list(self.blocks(box)) for box in runs.boxes],
            rich=runs.rich(),
            list_level=list_level,
            ordered=ordered,
            list_type=list_type,
        )

    def _number(
        self, ppr: etree._Element | None, style_id: str | None, info: _StyleInfo
    ) -> tuple[str | None, bool, bool, int | None, bool, str]:
        """Word's number for the paragraph (not in its text), whether it is a bullet, nested;
        its Word list level (None: not in a Word list), whether that level is numbered and its
        kind of number (`Paragraph.list_type`)."""
        num_pr = None if ppr is None else ppr.find(f"{W}numPr")
        num_id, ilvl = info.num_id, info.ilvl
        if num_pr is not None:
            num_id = _val(num_pr, "numId") or num_id
            ilvl = _int(_val(num_pr, "ilvl"), ilvl)
        if not num_id or num_id == "0":
            return None, info.bullet, info.deep, None, False, ""
        if ilvl is None:
            ilvl = self.numbering.level_of_style(num_id, style_id)
        rendered = self.numbering.advance(num_id, ilvl)
        if rendered is None:
            return None, info.bullet, info.deep, None, False, ""
        number, bullet = rendered
        if bullet:
            return None, True, info.deep or ilvl > 0, ilvl, False, ""
        if number.startswith("(") and number.endswith(")"):
            number = number[1:]
        list_type = _LIST_TYPES.get(self.numbering.levels(num_id)[ilvl].fmt, "") if number else ""
        return (
            number or None,
            info.bullet,
            info.deep,
            (ilvl if number else None),
            bool(number),
            list_type,
        )
