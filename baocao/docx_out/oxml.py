"""The few places where the report writer needs raw WordprocessingML that python-docx lacks.

python-docx 1.2 has no footnotes, fields, table or paragraph borders, repeated header rows, or
East Asian / complex-script font slots; these helpers add them so `render.py` can speak only in
report terms. Each function takes python-docx objects and changes their XML in place.
"""

from __future__ import annotations

import io
import zipfile

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph

from baocao.richtext import LIST_MARKS

FOOTNOTE_TEXT = "footnote text"
FOOTNOTE_REFERENCE = "footnote reference"
_STYLE_IDS = {FOOTNOTE_TEXT: "FootnoteText", FOOTNOTE_REFERENCE: "FootnoteReference"}
_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_BORDER_EDGES = ("top", "left", "bottom", "right", "insideH", "insideV")


# --- fonts and language ------------------------------------------------------------------------


def set_fonts(element, name: str) -> None:
    """Give a style, run or docDefaults rPr the font in all four slots, theme fonts removed.

    python-docx sets only the ascii/hAnsi slots; Word picks the eastAsia or cs slot for some
    Vietnamese characters, and a theme attribute beside an explicit font wins over it.
    """
    rpr = element if element.tag == qn("w:rPr") else element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in _THEME_FONT_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def set_document_defaults(document: Document, font: str, language: str) -> None:
    """The font and proofing language every run falls back to (docDefaults), and every style
    that names a theme font re-pointed to `font`."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    set_fonts(rpr, font)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)
    for fonts in styles.iter(qn("w:rFonts")):
        if any(fonts.get(qn(attr)) for attr in _THEME_FONT_ATTRS):
            set_fonts(fonts.getparent(), font)


# --- borders -----------------------------------------------------------------------------------


def set_table_borders(table: Table, *, visible: bool, size_eighths: int = 4) -> None:
    """All borders of a table single lines (`visible`) or explicitly none (a layout table)."""
    tbl_pr = table._tbl.tblPr
    old = tbl_pr.find(qn("w:tblBorders"))
    if old is not None:
        tbl_pr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for edge in _BORDER_EDGES:
        line = OxmlElement(f"w:{edge}")
        if visible:
            line.set(qn("w:val"), "single")
            line.set(qn("w:sz"), str(size_eighths))
            line.set(qn("w:space"), "0")
            line.set(qn("w:color"), "000000")
        else:
            line.set(qn("w:val"), "nil")
        borders.append(line)
    _insert_in_order(tbl_pr, borders, _TBLPR_ORDER)


def bottom_rule(paragraph: Paragraph, size_eighths: int = 6) -> None:
    """A solid line under the paragraph, as long as the paragraph is wide (indents shorten it)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        _insert_in_order(ppr, borders, _PPR_ORDER)
    line = OxmlElement("w:bottom")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size_eighths))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), "000000")
    borders.append(line)


def repeat_as_header(row: _Row) -> None:
    """Repeat the row at the top of every page the table runs onto; never split it."""
    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        if tr_pr.find(qn(tag)) is None:
            tr_pr.append(OxmlElement(tag))


def merge_cells(grid: list[list], row: int, column: int, rowspan: int, colspan: int):
    """Merge a rectangle of a new table as Word writes a merge, in time linear in its size
    (python-docx's `merge` searches the whole table for each one): w:gridSpan on the first
    w:tc of each row and the row's others removed, w:vMerge "restart" on the top row and
    "continue" below. `grid` holds each row's w:tc as they were before any merge; the
    rectangles merged must not overlap. Returns the top-left w:tc."""
    for index in range(row, row + rowspan):
        first = grid[index][column]
        width = first.width
        for other in grid[index][column + 1 : column + colspan]:
            if other.width is not None and width is not None:
                width += other.width
            other.getparent().remove(other)
        if colspan > 1:
            first.grid_span = colspan
            if width is not None:
                first.width = width
        if rowspan > 1:
            first.vMerge = "restart" if index == row else "continue"
    return grid[row][column]


def keep_row_together(row: _Row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.insert(0, OxmlElement("w:cantSplit"))


def shade(cell, fill: str) -> None:
    """A table cell's background colour (hex RGB, e.g. "D9D9D9")."""
    tc_pr = cell._tc.get_or_add_tcPr()
    old = tc_pr.find(qn("w:shd"))
    if old is not None:
        tc_pr.remove(old)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    _insert_in_order(tc_pr, shading, _TCPR_ORDER)


# --- lists -------------------------------------------------------------------------------------

BULLETS = ("-", "+", "•")  # level 1, 2, 3, then again: the administrative "-" and "+"
LIST_LEVELS = 9  # Word's w:ilvl 0-8
_LEVEL_INDENT_TWIPS = 357  # 0.63 cm more per level
_FIRST_LINE_TWIPS = 720  # 1.27 cm, the body's first-line indent: the mark sits where text would
# Each definition's w:nsid, fixed: equal reports, equal bytes.
_NSIDS = {"bullet": "B40CA001", "decimal": "B40CA002", "a": "B40CA003", "A": "B40CA004",
          "i": "B40CA005", "I": "B40CA006"}  # fmt: skip
# A numbered list's type (`baocao.richtext`: "" numbers, "a", "A", "i", "I") -> Word's numFmt.
_NUMBER_FORMATS = {"decimal": "decimal", "a": "lowerLetter", "A": "upperLetter",
                   "i": "lowerRoman", "I": "upperRoman"}  # fmt: skip


class ListNumbering:
    """Real Word lists for a section's list items.

    Multi-level definitions, added to the numbering part on first use: bullets ("-", "+", "•"
    by level) and, one per kind of number, numbers ("1." at every level), letters ("a)", "A.")
    or Roman numerals ("i.", "I."), the marks of `richtext.LIST_MARKS`. Each level puts its
    mark at the body's
    first-line indent (0.63 cm further per level), a space after it, and wraps lines back to the
    level's left edge, as a typed "- " paragraph looks. Bullet lists share one w:num; every
    numbered list gets a w:num of its own that restarts at 1 (w:startOverride), so two lists
    never continue each other's numbers.
    """

    def __init__(self, document: Document, font: str):
        self._document = document
        self._font = font
        self._abstracts: dict[str, int] = {}
        self._bullets: int | None = None

    def bullets(self) -> int:
        """The numId of every bullet list."""
        if self._bullets is None:
            self._bullets = self._numbering().add_num(self._abstract("bullet")).numId
        return self._bullets

    def numbered(self, list_type: str = "") -> int:
        """A numId for a new numbered list, counting from 1; `list_type` its kind of number
        (an ol's type: "" or "1" numbers, "a", "A", "i", "I")."""
        kind = list_type if list_type in _NUMBER_FORMATS else "decimal"
        num = self._numbering().add_num(self._abstract(kind))
        for level in range(LIST_LEVELS):
            num.add_lvlOverride(ilvl=level).add_startOverride(1)
        return num.numId

    @staticmethod
    def apply(paragraph: Paragraph, num_id: int, level: int) -> None:
        """Make `paragraph` an item of list `num_id` at `level` (0: a top list)."""
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = max(0, min(level, LIST_LEVELS - 1))
        num_pr.get_or_add_numId().val = num_id

    def _numbering(self):
        return self._document.part.numbering_part.element

    def _abstract(self, kind: str) -> int:
        if kind in self._abstracts:
            return self._abstracts[kind]
        numbering = self._numbering()
        existing = numbering.findall(qn("w:abstractNum"))
        abstract_id = 1 + max((int(a.get(qn("w:abstractNumId"))) for a in existing), default=-1)
        levels = []
        for level in range(LIST_LEVELS):
            if kind == "bullet":
                number_format, text = "bullet", BULLETS[level % len(BULLETS)]
            else:
                mark = LIST_MARKS["1" if kind == "decimal" else kind]
                number_format, text = _NUMBER_FORMATS[kind], mark.replace("%1", f"%{level + 1}")
            levels.append(
                f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/>'
                f'<w:numFmt w:val="{number_format}"/><w:suff w:val="space"/>'
                f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                f'<w:pPr><w:ind w:left="{level * _LEVEL_INDENT_TWIPS}"'
                f' w:firstLine="{_FIRST_LINE_TWIPS}"/></w:pPr>'
                f'<w:rPr><w:rFonts w:ascii="{self._font}" w:hAnsi="{self._font}"'
                f' w:eastAsia="{self._font}" w:cs="{self._font}"/></w:rPr></w:lvl>'
            )
        abstract = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            f'<w:nsid w:val="{_NSIDS[kind]}"/><w:multiLevelType w:val="multilevel"/>'
            f"{''.join(levels)}</w:abstractNum>"
        )
        if existing:
            existing[-1].addnext(abstract)
        else:
            numbering.insert(0, abstract)
        self._abstracts[kind] = abstract_id
        return abstract_id


# --- fields ------------------------------------------------------------------------------------


def add_page_number(paragraph: Paragraph) -> None:
    """A PAGE field (the current page number), one run per part as Word writes it."""

    def field_char(kind: str):
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        return char

    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    shown = OxmlElement("w:t")
    shown.text = "1"
    parts = (field_char("begin"), instruction, field_char("separate"), shown, field_char("end"))
    for part in parts:
        paragraph.add_run()._r.append(part)


# --- footnotes ---------------------------------------------------------------------------------


def ensure_footnote_styles(document: Document) -> None:
    """Word's built-in "footnote text" / "footnote reference" styles, added when missing."""
    names = {style.name for style in document.styles}
    if FOOTNOTE_TEXT not in names:
        style = document.styles.add_style(FOOTNOTE_TEXT, WD_STYLE_TYPE.PARAGRAPH, builtin=True)
        style.style_id = _STYLE_IDS[FOOTNOTE_TEXT]
        style.base_style = document.styles["Normal"]
    if FOOTNOTE_REFERENCE not in names:
        style = document.styles.add_style(FOOTNOTE_REFERENCE, WD_STYLE_TYPE.CHARACTER, builtin=True)
        style.style_id = _STYLE_IDS[FOOTNOTE_REFERENCE]
        style.font.superscript = True


class Footnotes:
    """The document's footnotes part, created on the first footnote.

    Holds Word's separator (-1) and continuation separator (0), then notes numbered 1, 2, ...
    in the order they are added, which is the order their references appear in the body.
    """

    def __init__(self, document: Document):
        self._document = document
        self._root = None
        self._next_id = 1

    def add(self, paragraph: Paragraph, text: str) -> int:
        """Append a footnote reference to the paragraph and the note's text to the part."""
        root = self._part_root()
        note_id = self._next_id
        self._next_id += 1
        root.append(_footnote_element(note_id, text))
        run = paragraph.add_run()
        run.style = self._document.styles[FOOTNOTE_REFERENCE]
        reference = OxmlElement("w:footnoteReference")
        reference.set(qn("w:id"), str(note_id))
        run._r.append(reference)
        return note_id

    def _part_root(self):
        if self._root is not None:
            return self._root
        ensure_footnote_styles(self._document)
        xml = (
            f"<w:footnotes {nsdecls('w', 'r')}>"
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0"'
            ' w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p>'
            "</w:footnote>"
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing'
            ' w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/>'
            "</w:r></w:p></w:footnote></w:footnotes>"
        )
        document_part = self._document.part
        part = XmlPart(
            PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, parse_xml(xml), document_part.package
        )
        document_part.relate_to(part, RT.FOOTNOTES)
        _declare_special_footnotes(self._document)
        self._root = part.element
        return self._root


def _footnote_element(note_id: int, text: str):
    note = OxmlElement("w:footnote")
    note.set(qn("w:id"), str(note_id))
    paragraph = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    style = OxmlElement("w:pStyle")
    style.set(qn("w:val"), _STYLE_IDS[FOOTNOTE_TEXT])
    ppr.append(style)
    paragraph.append(ppr)
    mark = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    rstyle = OxmlElement("w:rStyle")
    rstyle.set(qn("w:val"), _STYLE_IDS[FOOTNOTE_REFERENCE])
    rpr.append(rstyle)
    mark.append(rpr)
    mark.append(OxmlElement("w:footnoteRef"))
    paragraph.append(mark)
    body = OxmlElement("w:r")
    words = OxmlElement("w:t")
    words.set(qn("xml:space"), "preserve")
    words.text = " " + text
    body.append(words)
    paragraph.append(body)
    note.append(paragraph)
    return note


def _declare_special_footnotes(document: Document) -> None:
    """settings.xml names the separator footnotes, as Word writes it."""
    settings = document.settings.element
    if settings.find(qn("w:footnotePr")) is not None:
        return
    props = OxmlElement("w:footnotePr")
    for note_id in ("-1", "0"):
        note = OxmlElement("w:footnote")
        note.set(qn("w:id"), note_id)
        props.append(note)
    _insert_in_order(settings, props, _SETTINGS_AFTER_FOOTNOTEPR, before=True)


# --- document properties -----------------------------------------------------------------------

_CUSTOM_PROPERTIES_URI = "/docProps/custom.xml"
_PROPERTY_FORMAT = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def set_custom_properties(document: Document, properties: dict[str, str]) -> None:
    """Custom document properties (File > Properties > Custom in Word), as text values."""
    from xml.sax.saxutils import escape, quoteattr

    items = "".join(
        f'<property fmtid="{_PROPERTY_FORMAT}" pid="{pid}" name={quoteattr(name)}>'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(sorted(properties.items()), start=2)
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'docPropsVTypes">{items}</Properties>'
    )
    package = document.part.package
    part = Part(
        PackURI(_CUSTOM_PROPERTIES_URI), CT.OFC_CUSTOM_PROPERTIES, xml.encode("utf-8"), package
    )
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


# --- package -----------------------------------------------------------------------------------


def stable_zip(docx_bytes: bytes) -> bytes:
    """The same package with fixed member dates, so equal documents give equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(docx_bytes))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, source.read(info.filename))
    return out.getvalue()


# --- schema order ------------------------------------------------------------------------------

# Word rejects children out of schema order; these are the successors that matter here.
_TBLPR_ORDER = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders",
    "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
)  # fmt: skip
_PPR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
    "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
    "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
    "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
    "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
    "w:sectPr", "w:pPrChange",
)  # fmt: skip
_TCPR_ORDER = (
    "w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd",
    "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
)  # fmt: skip
_SETTINGS_AFTER_FOOTNOTEPR = (
    "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema",
    "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown",
    "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags",
    "w:decimalSymbol", "w:listSeparator",
)  # fmt: skip


def _insert_in_order(parent, child, order: tuple[str, ...], *, before: bool = False) -> None:
    """Insert `child` where the schema wants it.

    With `before`, `order` lists the tags that must follow the child; otherwise it is the whole
    sequence the child belongs to.
    """
    if before:
        successors = {qn(tag) for tag in order}
    else:
        position = order.index(_prefixed(child.tag))
        successors = {qn(tag) for tag in order[position + 1 :]}
    for index, existing in enumerate(parent):
        if existing.tag in successors:
            parent.insert(index, child)
            return
    parent.append(child)


def _prefixed(tag: str) -> str:
    namespace, _, local = tag[1:].partition("}")
    prefix = "w" if namespace.endswith("wordprocessingml/2006/main") else "m"
    return f"{prefix}:{local}"
