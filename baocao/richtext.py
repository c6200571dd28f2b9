"""A report section's text, as the one small, safe subset of HTML that every path stores.

Officers type plain lines, paste from Word or LibreOffice, or (later) use a rich-text editor; a
Word file's sections arrive through `baocao.ingest`; drafts are synthesised. Every path ends in
`clean_section_text`, so what is stored always has the same shape, and the DOCX/PDF/XLSX writers,
the history, the search, the numbers check and the synthesis read one format. Framework-free.

The stored format:

- blocks: ``<p>``; ``<h4>``, a sub-heading inside the section; ``<ul>``/``<ol>`` of ``<li>``,
  nested by a list inside an ``<li>``; ``<table>``;
- inline, inside a block: text, ``<strong>``, ``<em>``, ``<u>``, ``<br>``;
- a table: ``<thead>`` with the header rows (when it has any), then ``<tbody>``; rows ``<tr>``
  of ``<th>``/``<td>``; a cell holds inline content only (its paragraphs and list items become
  lines joined by ``<br>``; a table inside a cell becomes lines "a | b");
- attributes: none, but a cell's ``colspan`` and ``rowspan``, integers 2-50 (1 is the default
  and is not written; any other value is dropped), and a numbered list's ``type``: ``a``, ``A``,
  ``i`` or ``I`` (letters or Roman numerals; "1", the default, is not written; any other value
  is dropped).

A numbered list's marks follow the administrative style, `LIST_MARKS`: "1.", "a)", "A.", "i.",
"I.". The DOCX writes them so and the plain-text readers number so; a Word list is read by its
kind of number alone (")" or "." is not stored: a Word list "a." comes back as "a)"). A browser
draws "a." for ``type="a"``.

Sub-headings: h1-h6 all become ``<h4>``. A section already sits under the outline's headings
(Heading 1-5 in the DOCX), so one level of sub-heading inside it is enough; the DOCX writes it
as a bold body paragraph, not a Word heading, so it never enters the document map nor is taken
for an outline heading when the report comes back as a file.

What pasting from Word and LibreOffice brings reduces to this: b/i/u and spans styled bold,
italic or underlined become strong/em/u (a ``font-weight:normal`` wrapper, as Google Docs puts
round everything, is not bold); Word's list paragraphs (``mso-list: l0 level2``) become nested
ul/ol; a table's first row, bold throughout, becomes its header; Office namespaces (o:p), mso
classes, fonts, spans and every other attribute go; tracked insertions are kept and tracked
deletions dropped with their text; comments, their marks and hidden text are dropped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from html.parser import HTMLParser
from typing import NamedTuple

import nh3

from baocao.outline.numbering import to_roman
from baocao.text import clean_text, nfc

ALLOWED_TAGS = frozenset(
    {"p", "h4", "ul", "ol", "li", "br", "strong", "em", "u"}
    | {"table", "thead", "tbody", "tr", "th", "td"}
)
# colspan/rowspan: the only attributes kept, on th/td, as these exact values.
MAX_SPAN = 50
SPAN_VALUES = frozenset(str(number) for number in range(2, MAX_SPAN + 1))
# Columns a table may have; a wider one (or a merge reaching past it) is read as lines.
MAX_TABLE_COLUMNS = 63  # Word's own limit
# Texts longer than this (in lines, either side) are not compared line by line: past it a
# hostile order of repeated lines could make the comparison slow (0.14 s at most at this size).
MAX_COMPARED_LINES = 2_000
CELL_SEPARATOR = " | "
# A numbered list's kinds of number (the ol's `type`; "1" is not written) and each one's mark,
# "%1" standing for the number.
LIST_TYPES = frozenset({"a", "A", "i", "I"})
LIST_MARKS = {"1": "%1.", "a": "%1)", "A": "%1.", "i": "%1.", "I": "%1."}
# CSS list-style-type (LibreOffice, Google Docs, browsers) -> the ol's type.
_LIST_STYLE_TYPES = {
    "decimal": "1", "lower-alpha": "a", "lower-latin": "a", "upper-alpha": "A",
    "upper-latin": "A", "lower-roman": "i", "upper-roman": "I",
}  # fmt: skip

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!]")
_ANY_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")
_SOURCE_BREAK = re.compile(r"[ \t]*\n\s*")
_BULLET = re.compile(r"^\s*[-+•–]\s+")

# --- sanitising: what is read, then what is stored ---------------------------------------------

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_CONTAINERS = frozenset(
    {"div", "section", "article", "blockquote", "center", "main", "header", "footer", "aside",
     "nav", "address", "figure", "figcaption", "pre", "dl", "dt", "dd", "form", "fieldset",
     "details", "summary", "hgroup"}
)  # fmt: skip
_TABLE_PARTS = frozenset({"table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th"})
_BLOCKS = frozenset({"p", "li", "ul", "ol"}) | _HEADINGS | _CONTAINERS | _TABLE_PARTS
_INLINE = frozenset(
    {"br", "b", "strong", "i", "em", "cite", "dfn", "var", "u", "ins", "s", "strike", "span",
     "font", "a", "sub", "sup", "small", "big", "mark", "code", "kbd", "samp", "tt", "abbr",
     "q", "label", "time", "bdi", "nobr", "wbr", "hr", "img", "col", "colgroup"}
)  # fmt: skip
# Dropped with their content: code, embedded objects, form controls, tracked deletions.
_DROPPED = frozenset(
    {"script", "style", "template", "head", "title", "noscript", "iframe", "object", "embed",
     "svg", "math", "select", "textarea", "button", "del", "xml"}
)  # fmt: skip
# The style properties that say what Word and browsers meant; every other one goes.
_STYLE_PROPERTIES = frozenset(
    {"font-weight", "font-style", "text-decoration", "text-decoration-line", "display",
     "visibility", "mso-list", "mso-hide", "mso-element", "mso-special-character",
     "list-style-type", "list-style"}
)  # fmt: skip
# First pass (nh3, html5ever's parser): a well-formed tree of what we understand, with the
# style properties and classes the middle pass reads.
_READ = {
    "tags": set(_BLOCKS | _INLINE),
    "clean_content_tags": set(_DROPPED),
    "attributes": {
        "*": {"style", "class"},
        "td": {"colspan", "rowspan"},
        "th": {"colspan", "rowspan"},
        "ol": {"type"},
    },
    "filter_style_properties": set(_STYLE_PROPERTIES),
    "strip_comments": True,
    "link_rel": None,
}
_CELL_ATTRIBUTES = {"colspan": set(SPAN_VALUES), "rowspan": set(SPAN_VALUES)}
# Last pass (nh3 again): exactly the stored format, whatever the middle pass did.
_STORE = {
    "tags": set(ALLOWED_TAGS),
    "attributes": {},
    "tag_attribute_values": {
        "td": _CELL_ATTRIBUTES,
        "th": _CELL_ATTRIBUTES,
        "ol": {"type": set(LIST_TYPES)},
    },
    "strip_comments": True,
    "link_rel": None,
}
# Word's tracked deletions, comments and their marks: dropped with their text.
_HIDDEN_CLASSES = frozenset(
    {"msodel", "msocomanchor", "msocomoff", "msocomtxt", "msocommentreference", "msocommenttext"}
)
_NO_TEXT = frozenset({"hr", "img", "col", "colgroup", "wbr"})
_VOID = frozenset({"br", "hr", "img", "col", "wbr"})
_MAX_DEPTH = 100  # deeper elements are read as text of the one at this depth
_NOT_SIMPLE = re.compile(
    r'<(?!/?(?:p|h4|ul|ol|li|br|strong|em|u)>|ol type="[aAiI]">)', re.IGNORECASE
)
_BLOCK_IN_ITEM = re.compile(r"<li>(?:(?!</?li>).)*?<(?:p|h4)>", re.IGNORECASE | re.DOTALL)
_MSO_LIST = re.compile(r"\b(l\d+)\s+level(\d+)")
_ORDERED_MARKER = re.compile(
    r"\(?(?:(?:\d{1,4}\.)*\d{1,4}[.)]?|(?:[a-zA-Z]|[ivxlcdmIVXLCDM]{1,6})[.)])"
)


def clean_section_text(text: str | None) -> str:
    """The text as stored: `clean_text`, reduced to the stored format, plain lines turned into
    paragraphs and bullets.

    Text with no visible words ("<p><br></p>", spaces, an empty table) becomes "", so an empty
    section is always the empty string. A stored text comes back unchanged.
    """
    text = clean_text(text)
    if not _TAG.search(text):
        text = _from_plain(text)
    sanitised = ""
    if not (_NOT_SIMPLE.search(text) or _BLOCK_IN_ITEM.search(text)):
        # Typed lines, a stored text: only the format's own tags, no attribute, no paragraph in
        # a list item (as editors built on ProseMirror write them): nothing for the middle pass
        # to reduce (it costs ten times the sanitiser's time).
        sanitised = nh3.clean(text, **_STORE)
    if not _TAG.search(sanitised):  # (a text left with no tag would be read as plain lines)
        sanitised = nh3.clean(_normalise(nh3.clean(text, **_READ)), **_STORE)
    cleaned = clean_text(sanitised).strip()  # again: nh3 turns "&#1;" into the character
    return cleaned if plain_text(cleaned) else ""


def list_mark(list_type: str, number: int) -> str:
    """The mark of item `number` of a numbered list whose `type` is `list_type` ("" or "1":
    "3.", "a": "c)", "A": "C.", "i": "iii.", "I": "III."; `LIST_MARKS`)."""
    list_type = list_type if list_type in LIST_TYPES else "1"
    if list_type in ("a", "A") and number > 0:
        value, letters = number, ""
        while value > 0:  # a, b, ..., z, aa, ab: as browsers count
            value, rest = divmod(value - 1, 26)
            letters = chr(ord("a") + rest) + letters
        shown = letters.upper() if list_type == "A" else letters
    elif list_type in ("i", "I") and number > 0:
        roman = to_roman(number)
        shown = roman.lower() if list_type == "i" else roman
    else:
        shown = str(number)
    return LIST_MARKS[list_type].replace("%1", shown)


def _list_type(node: _Element) -> str:
    """A read ol's kind of number: its type attribute, else its CSS list-style-type; "" for
    numbers."""
    found = node.attrs.get("type", "").strip()
    if found in LIST_TYPES:
        return found
    # Google Docs styles each item rather than the list: the first item's style then.
    item = next((c for c in node.children if isinstance(c, _Element) and c.tag == "li"), None)
    for styled in (node, item):
        if styled is not None and "style" in styled.attrs:
            style = _styles(styled)
            declared = f"{style.get('list-style-type', '')} {style.get('list-style', '')}"
            for word in declared.split():
                if word in _LIST_STYLE_TYPES:
                    found = _LIST_STYLE_TYPES[word]
                    return found if found in LIST_TYPES else ""
    return ""


def _open_list(tag: str, list_type: str) -> str:
    return f'<ol type="{list_type}">' if tag == "ol" and list_type in LIST_TYPES else f"<{tag}>"


class _Format(NamedTuple):
    bold: bool = False
    italic: bool = False
    underline: bool = False


_PLAIN = _Format()


class _Element:
    __slots__ = ("attrs", "children", "has_block", "tag")

    def __init__(self, tag: str, attrs: dict[str, str]):
        self.tag = tag
        self.attrs = attrs
        self.children: list[_Element | str] = []
        self.has_block = False  # a block element somewhere inside


# nh3's output is well formed: lower-case tags, attribute values in double quotes with '"'
# escaped, "<" in text escaped. A regular expression reads it five times faster than HTMLParser.
_TOKEN = re.compile(r'<(/?)([a-z][^\s/>]*)((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*/?>|([^<]+)|<')
_ATTRIBUTE = re.compile(r'([^\s=>/]+)(?:="([^"]*)")?')


def _tree(read: str) -> _Element:
    """nh3's output as a tree; elements deeper than _MAX_DEPTH are read as text of their parent."""
    root = _Element("#root", {})
    stack = [root]
    for match in _TOKEN.finditer(read):
        closing, tag, attributes, text = match.groups()
        if tag is None:
            stack[-1].children.append(html.unescape(text if text is not None else "<"))
        elif closing:
            for index in range(len(stack) - 1, 0, -1):
                if stack[index].tag == tag:
                    del stack[index:]
                    break
        else:
            element = _Element(
                tag,
                {name: html.unescape(value or "") for name, value in _ATTRIBUTE.findall(attributes)}
                if attributes
                else {},
            )
            stack[-1].children.append(element)
            if tag in _BLOCKS:
                for ancestor in reversed(stack):
                    if ancestor.has_block:
                        break
                    ancestor.has_block = True
            if tag not in _VOID and len(stack) < _MAX_DEPTH:
                stack.append(element)
    return root


def _normalise(read: str) -> str:
    return "".join(_blocks(_tree(read).children, _PLAIN, "p", top=True))


def _styles(element: _Element) -> dict[str, str]:
    found = {}
    for declaration in element.attrs.get("style", "").split(";"):
        name, _, value = declaration.partition(":")
        if value:
            found[name.strip().lower()] = value.strip().lower()
    return found


def _hidden(node: _Element | str) -> bool:
    """Not text of the section: hidden, a tracked deletion, a comment or its mark, a Word list
    paragraph's own number (read by `_word_list`)."""
    if isinstance(node, str):
        return False
    if node.tag in _NO_TEXT:
        return True
    if "class" in node.attrs and _HIDDEN_CLASSES & set(node.attrs["class"].lower().split()):
        return True
    if "style" not in node.attrs:
        return False
    style = _styles(node)
    return (
        style.get("display") == "none"
        or style.get("visibility") == "hidden"
        or style.get("mso-hide") == "all"
        or style.get("mso-list") == "ignore"
        or style.get("mso-special-character") == "comment"
        or style.get("mso-element", "").startswith("comment")
    )


def _formatted(element: _Element, outer: _Format) -> _Format:
    """The formatting inside `element`: its tag's, then its style's."""
    bold, italic, underline = outer
    tag = element.tag
    bold = bold or tag in ("b", "strong")
    italic = italic or tag in ("i", "em", "cite", "dfn", "var")
    underline = underline or tag == "u"
    if "style" in element.attrs:
        style = _styles(element)
        weight = style.get("font-weight", "")
        if weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 600):
            bold = True
        elif weight in ("normal", "lighter") or weight.isdigit():
            bold = outer.bold
        font_style = style.get("font-style", "")
        if font_style in ("italic", "oblique"):
            italic = True
        elif font_style == "normal":
            italic = outer.italic
        decoration = style.get("text-decoration-line") or style.get("text-decoration", "")
        if "underline" in decoration:
            underline = True
        elif decoration == "none":
            underline = outer.underline
    return _Format(bold, italic, underline)


def _wrap(inner: str, outer: _Format, inside: _Format) -> str:
    """`inner` (written as if `inside` were in force) in the tags `outer` lacks."""
    if not inner:
        return ""
    for tag, on, already in (
        ("u", inside.underline, outer.underline),
        ("em", inside.italic, outer.italic),
        ("strong", inside.bold, outer.bold),
    ):
        if on and not already:
            inner = f"<{tag}>{inner}</{tag}>"
    return inner


def _visible(fragment: str) -> bool:
    return bool(html.unescape(_ANY_TAG.sub("", fragment)).strip())


def _is_block(node: _Element | str) -> bool:
    return isinstance(node, _Element) and (node.tag in _BLOCKS or node.has_block)


def _blocks(nodes: list, fmt: _Format, kind: str, *, top: bool = False) -> list[str]:
    """Block-level content: inline runs as `kind` paragraphs (p or h4), lists, tables."""
    out: list[str] = []
    run: list = []

    def flush() -> None:
        if run:
            out.append(_paragraph(run, fmt, kind, top))
            run.clear()

    index = 0
    while index < len(nodes):
        node = nodes[index]
        index += 1
        if not _is_block(node):
            run.append(node)
            continue
        flush()
        if _hidden(node):
            continue
        tag = node.tag
        if _word_list_entry(node) is not None:
            entries = [node]
            while index < len(nodes):
                following = nodes[index]
                if isinstance(following, str) and not following.strip():
                    index += 1
                elif _word_list_entry(following) is not None:
                    entries.append(following)
                    index += 1
                else:
                    break
            out.append(_word_list(entries, fmt))
        elif tag in ("ul", "ol"):
            out.append(_list(node, fmt))
        elif tag == "li":  # items with no list around them: a bullet list
            items = [node]
            while index < len(nodes):
                following = nodes[index]
                if isinstance(following, str) and not following.strip():
                    index += 1
                elif isinstance(following, _Element) and following.tag == "li":
                    items.append(following)
                    index += 1
                else:
                    break
            bare = _Element("ul", {})
            bare.children = items
            out.append(_list(bare, fmt))
        elif tag == "table":
            out.extend(_table(node, fmt))
        elif tag in _HEADINGS:
            out.extend(_blocks(node.children, _formatted(node, fmt), "h4"))
        else:
            out.extend(_blocks(node.children, _formatted(node, fmt), kind))
    flush()
    return [part for part in out if part]


def _paragraph(run: list, fmt: _Format, kind: str, top: bool) -> str:
    inner = _inline(run, fmt)
    if _visible(inner):
        return f"<{kind}>{_wrap(inner, _PLAIN, fmt)}</{kind}>"
    if top and all(isinstance(node, str) for node in run):
        spaces = "".join(run)
        if not spaces.strip(" \t\n"):
            return spaces  # the line breaks between stored blocks stay as they are
    return ""


def _inline(nodes: list, fmt: _Format) -> str:
    """Inline content as stored HTML, written as if `fmt` were already in force."""
    parts = []
    for node in nodes:
        if isinstance(node, str):
            # A line break in HTML source is a space (Word wraps its lines at 80 characters).
            parts.append(html.escape(_SOURCE_BREAK.sub(" ", node), quote=False))
        elif _hidden(node):
            continue
        elif node.tag == "br":
            parts.append("<br>")
        elif _is_block(node):
            lines = _lines([node], fmt)
            if lines:
                parts.append("<br>".join(lines))
        else:
            inside = _formatted(node, fmt)
            parts.append(_wrap(_inline(node.children, inside), fmt, inside))
    return "".join(parts)


def _lines(nodes: list, fmt: _Format) -> list[str]:
    """Any content as lines of inline HTML (for a table cell or a list item): a line per
    paragraph, "- "/"1. "/"a) " before list items, a table row as "a | b"."""
    lines: list[str] = []
    run: list = []

    def flush() -> None:
        if run:
            inner = _inline(run, fmt)
            if _visible(inner):
                lines.append(inner)
            run.clear()

    for node in nodes:
        if not _is_block(node):
            run.append(node)
            continue
        flush()
        if _hidden(node):
            continue
        inside = _formatted(node, fmt)
        if node.tag in ("ul", "ol"):
            found = _list_lines(node, inside)
        elif node.tag == "table":
            found = _table_lines(node, inside)
        else:
            found = _lines(node.children, inside)
        lines.extend(_wrap(line, fmt, inside) for line in found)
    flush()
    return lines


def _list_lines(node: _Element, fmt: _Format) -> list[str]:
    lines: list[str] = []
    number = 0
    list_type = _list_type(node)
    for child in node.children:
        if _hidden(child):
            continue
        if isinstance(child, _Element) and child.tag == "li":
            inside = _formatted(child, fmt)
            found = [_wrap(line, fmt, inside) for line in _lines(child.children, inside)]
            if found:
                number += 1
                prefix = f"{list_mark(list_type, number)} " if node.tag == "ol" else "- "
                lines.append(prefix + found[0])
                lines.extend(found[1:])
        else:
            lines.extend(_lines([child], fmt))
    return lines


def _rows(table: _Element):
    """(tr, in thead) of the table's own rows, in order (a nested table's are its own)."""
    for child in table.children:
        if not isinstance(child, _Element) or _hidden(child):
            continue
        if child.tag == "tr":
            yield child, False
        elif child.tag in ("thead", "tbody", "tfoot"):
            for row in child.children:
                if isinstance(row, _Element) and row.tag == "tr" and not _hidden(row):
                    yield row, child.tag == "thead"


def _cells(row: _Element) -> list[_Element]:
    return [
        cell
        for cell in row.children
        if isinstance(cell, _Element) and cell.tag in ("td", "th") and not _hidden(cell)
    ]


def _table_lines(table: _Element, fmt: _Format) -> list[str]:
    lines = []
    for row, _ in _rows(table):
        inside = _formatted(row, fmt)
        cells = []
        for cell in _cells(row):
            cell_fmt = _formatted(cell, inside)
            found = _lines(cell.children, cell_fmt)
            cells.append(" ".join(_wrap(line, fmt, cell_fmt) for line in found))
        if any(_visible(cell) for cell in cells):
            lines.append(html.escape(CELL_SEPARATOR, quote=False).join(cells))
    return lines


def _item(nodes: list, outer: _Format, fmt: _Format) -> str:
    """A list item's content: its text (paragraphs as lines joined by <br>) and nested lists."""
    pieces: list[tuple[str, str]] = []
    run: list = []

    def flush() -> None:
        if run:
            inner = _inline(run, fmt)
            if _visible(inner):
                pieces.append(("text", _wrap(inner, outer, fmt)))
            run.clear()

    for node in nodes:
        if isinstance(node, _Element) and node.tag in ("ul", "ol"):
            flush()
            if not _hidden(node):
                nested = _list(node, fmt)
                if nested:
                    pieces.append(("list", nested))
        elif _is_block(node):
            flush()
            if not _hidden(node):
                pieces.extend(("text", _wrap(line, outer, fmt)) for line in _lines([node], fmt))
        else:
            run.append(node)
    flush()
    parts: list[str] = []
    previous = ""
    for kind, piece in pieces:
        if kind == previous == "text":
            parts.append("<br>")
        parts.append(piece)
        previous = kind
    return "".join(parts)


def _list(node: _Element, fmt: _Format) -> str:
    """A ul/ol: li items (text straight inside the list is an item too; a list straight inside
    the list belongs to the item before it)."""
    inside = _formatted(node, fmt)
    parts: list[str] = []
    last_item: int | None = None
    loose: list = []

    def flush() -> None:
        nonlocal last_item
        if loose:
            content = _item(loose, inside, inside)
            if content:
                parts.append(f"<li>{content}</li>")
                last_item = len(parts) - 1
            loose.clear()

    for child in node.children:
        if isinstance(child, str) and not child.strip():
            if loose:
                loose.append(child)
            else:
                parts.append(child)
        elif isinstance(child, _Element) and child.tag in ("ul", "ol"):
            flush()
            nested = "" if _hidden(child) else _list(child, inside)
            if nested and last_item is not None:
                parts[last_item] = parts[last_item][: -len("</li>")] + nested + "</li>"
            elif nested:
                parts.append(f"<li>{nested}</li>")
                last_item = len(parts) - 1
        elif isinstance(child, _Element) and child.tag == "li":
            flush()
            if not _hidden(child):
                content = _item(child.children, inside, _formatted(child, inside))
                if content:
                    parts.append(f"<li>{content}</li>")
                    last_item = len(parts) - 1
        else:
            loose.append(child)
    flush()
    if last_item is None:
        return ""
    return f"{_open_list(node.tag, _list_type(node))}{''.join(parts)}</{node.tag}>"


def _word_list_entry(node: _Element | str) -> tuple[str, int] | None:
    """(list, level) of a Word list paragraph (style "mso-list: l0 level2 lfo1"), else None."""
    if not isinstance(node, _Element) or "style" not in node.attrs:
        return None
    if node.tag not in ("p", "div") and node.tag not in _HEADINGS:
        return None
    match = _MSO_LIST.search(_styles(node).get("mso-list", ""))
    return (match[1], min(int(match[2]), 9)) if match else None


def _marker(node: _Element) -> str:
    """The number or bullet Word wrote before a list paragraph's text (mso-list: Ignore)."""
    for child in node.children:
        if isinstance(child, _Element):
            if _styles(child).get("mso-list") == "ignore":
                return "".join(_texts(child)).replace("\xa0", " ").strip()
            found = _marker(child)
            if found:
                return found
    return ""


def _texts(node: _Element):
    for child in node.children:
        if isinstance(child, str):
            yield child
        else:
            yield from _texts(child)


@dataclass
class _Items:
    tag: str
    level: int
    key: str
    items: list[list] = field(default_factory=list)  # [content, nested lists]
    list_type: str = ""  # an ol's type, as its first number is written


def _word_list(entries: list[_Element], fmt: _Format) -> str:
    """Word's list paragraphs as nested ul/ol: numbered when Word's own number is one ("1.",
    "a)", "iv."), bullets otherwise ("·", "o", "§")."""
    top: list[_Items] = []
    path: list[_Items] = []
    for entry in entries:
        key, level = _word_list_entry(entry) or ("", 1)
        tag = "ol" if _ORDERED_MARKER.fullmatch(_marker(entry)) else "ul"
        content = _item(entry.children, fmt, _formatted(entry, fmt))
        while path and path[-1].level > level:
            path.pop()
        if path and path[-1].level == level and (path[-1].tag, path[-1].key) != (tag, key):
            path.pop()
        if not path or path[-1].level < level:
            new = _Items(tag, level, key, list_type=_marker_type(_marker(entry)))
            if path:
                parent = path[-1]
                if not parent.items:
                    parent.items.append(["", []])
                parent.items[-1][1].append(new)
            else:
                top.append(new)
            path.append(new)
        path[-1].items.append([content, []])
    return "".join(_items_html(items) for items in top)


def _items_html(items: _Items) -> str:
    inner = "".join(
        f"<li>{content}{''.join(_items_html(nested) for nested in lists)}</li>"
        for content, lists in items.items
        if content or lists
    )
    return f"{_open_list(items.tag, items.list_type)}{inner}</{items.tag}>" if inner else ""


_ROMAN_LOWER = re.compile(r"(?=[ivxlc])m*(?:c[md]|d?c{0,3})(?:x[cl]|l?x{0,3})(?:i[xv]|v?i{0,3})")


def _marker_type(marker: str) -> str:
    """The kind of number Word wrote as a list's first mark: "a)" letters, "i." or "IV."
    Roman numerals (a single letter other than i is a letter), "" digits or a bullet."""
    token = marker.strip("().\t ")
    if not token.isalpha() or not token.isascii():
        return ""
    roman = bool(_ROMAN_LOWER.fullmatch(token.lower())) and (len(token) > 1 or token in "iI")
    if token.islower():
        return "i" if roman else ("a" if len(token) == 1 else "")
    if token.isupper():
        return "I" if roman else ("A" if len(token) == 1 else "")
    return ""


def _span(value: str | None) -> int | None:
    value = (value or "").strip()
    if re.fullmatch(r"[0-9]{1,2}", value) and 2 <= int(value) <= MAX_SPAN:
        return int(value)
    return None


def _all_bold(cells: list[_Element], fmt: _Format) -> bool:
    states = [bold for cell in cells for _text, bold in _text_bold(cell, fmt)]
    return bool(states) and all(states)


def _text_bold(node: _Element, fmt: _Format):
    inside = _formatted(node, fmt)
    for child in node.children:
        if isinstance(child, str):
            if child.strip():
                yield child, inside.bold
        elif not _hidden(child):
            yield from _text_bold(child, inside)


def _table(node: _Element, fmt: _Format) -> list[str]:
    """A table in the stored shape: header rows (thead rows, rows of th only, or a first row
    bold throughout) in <thead> as th, the others in <tbody>; each cell's content as lines."""
    inside = _formatted(node, fmt)
    out: list[str] = []
    for child in node.children:
        if isinstance(child, _Element) and child.tag == "caption" and not _hidden(child):
            out.extend(_blocks(child.children, _formatted(child, inside), "p"))
    rows = [(row, head, cells) for row, head in _rows(node) if (cells := _cells(row))]
    header = 0
    for _row, head, cells in rows:
        if not (head or all(cell.tag == "th" for cell in cells)):
            break
        header += 1
    if header == 0 and len(rows) > 1 and _all_bold(rows[0][2], inside):
        header = 1
    written: list[str] = []
    shown = False
    for index, (row, _head, cells) in enumerate(rows):
        row_fmt = _formatted(row, inside)
        parts = []
        for cell in cells:
            tag = "th" if index < header or cell.tag == "th" else "td"
            base = _Format(bold=tag == "th")
            cell_fmt = _formatted(cell, row_fmt)
            if tag == "th":
                cell_fmt = cell_fmt._replace(bold=True)
            content = "<br>".join(
                _wrap(line, base, cell_fmt) for line in _lines(cell.children, cell_fmt)
            )
            shown = shown or _visible(content)
            spans = "".join(
                f' {name}="{value}"'
                for name in ("colspan", "rowspan")
                if (value := _span(cell.attrs.get(name)))
            )
            parts.append(f"<{tag}{spans}>{content}</{tag}>")
        written.append(f"<tr>{''.join(parts)}</tr>")
    if not shown:
        return out
    head_html = f"<thead>{''.join(written[:header])}</thead>" if header else ""
    body_html = f"<tbody>{''.join(written[header:])}</tbody>" if header < len(written) else ""
    out.append(f"<table>{head_html}{body_html}</table>")
    return out


# --- reading: the stored text as blocks ------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A run of text; `text == "\\n"` is a line break inside the paragraph or cell."""

    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False


@dataclass
class Block:
    """A paragraph (`marker` ""), a sub-heading (`heading`) or a list item: `marker` "-"/"+"
    for bullets, "1."/"a)"/"I." for numbers (`list_type` "", "a", "A", "i", "I": the ol's
    type), `level` 1 for a top list, `list_id` the list it belongs to (numbered from 1 in the
    text)."""

    spans: list[Span] = field(default_factory=list)
    marker: str = ""
    level: int = 0
    ordered: bool = False
    list_id: int = 0
    heading: bool = False
    list_type: str = ""

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)


@dataclass
class Cell:
    spans: list[Span] = field(default_factory=list)
    colspan: int = 1
    rowspan: int = 1
    header: bool = False

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)


@dataclass(frozen=True)
class Placement:
    """Where a cell sits in its table's grid: top-left corner and size (merges included)."""

    row: int
    column: int
    rowspan: int
    colspan: int
    cell: Cell


@dataclass
class TableBlock:
    """A table: rows of cells; the first `header_rows` rows are its header."""

    rows: list[list[Cell]] = field(default_factory=list)
    header_rows: int = 0

    def layout(self) -> tuple[int, list[Placement]] | None:
        """(columns, placements) as a browser lays the table out: each cell at the first grid
        position its row has free, merges shortened so that no two cells overlap. None when
        the table is wider than MAX_TABLE_COLUMNS."""
        busy_until = [0] * MAX_TABLE_COLUMNS  # per column: the first row not covered
        placements: list[Placement] = []
        width = 0
        count = len(self.rows)
        for row_index, row in enumerate(self.rows):
            column = 0
            for cell in row:
                while column < MAX_TABLE_COLUMNS and busy_until[column] > row_index:
                    column += 1
                if column + cell.colspan > MAX_TABLE_COLUMNS:
                    return None
                colspan = 1
                while colspan < cell.colspan and busy_until[column + colspan] <= row_index:
                    colspan += 1
                rowspan = max(1, min(cell.rowspan, count - row_index))
                for covered in range(column, column + colspan):
                    busy_until[covered] = row_index + rowspan
                placements.append(Placement(row_index, column, rowspan, colspan, cell))
                column += colspan
                width = max(width, column)
        return width, placements

    def lines(self, separator: str = CELL_SEPARATOR) -> list[str]:
        """A line per row, its cells' text joined by `separator` (a merged cell once)."""
        lines = []
        for row in self.rows:
            texts = [" ".join(cell.text.split()) for cell in row]
            if any(texts):
                lines.append(separator.join(texts))
        return lines


_PLAIN_BULLET = re.compile(r"^\s*(?P<marker>[-+•–*])\s+")
_READ_BLOCK_TAGS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section", "caption"}
)
_READ_HIDDEN_TAGS = frozenset({"script", "style", "template", "head", "title", "noscript"})


def section_blocks(text: str | None) -> list[Block | TableBlock]:
    """The text's paragraphs, list items and tables in order; empty ones left out.

    Reads the stored format; older or hand-made texts too: plain lines with "- " bullets ("+ "
    nested), and any HTML, tolerated, never trusted (unknown tags dropped with their text kept,
    script and style content dropped).
    """
    text = nfc(text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return []
    if not _TAG.search(text):
        return _plain_blocks(text)
    parser = _SectionParser()
    parser.feed(text)
    parser.close()
    return parser.blocks


def _plain_blocks(text: str) -> list[Block | TableBlock]:
    blocks: list[Block | TableBlock] = []
    for line in text.split("\n"):
        match = _PLAIN_BULLET.match(line)
        words = _SPACES.sub(" ", line[match.end() :] if match else line).strip()
        if not words:
            continue
        if match:
            level = 2 if match["marker"] == "+" else 1
            blocks.append(Block([Span(words)], marker="+" if level == 2 else "-", level=level))
        else:
            blocks.append(Block([Span(words)]))
    return blocks


@dataclass
class _TableState:
    table: TableBlock = field(default_factory=TableBlock)
    head: bool = False
    row: list[Cell] | None = None
    cell: Cell | None = None
    nested: int = 0  # tables open inside one of its cells: read as text of that cell
    nested_row_start: bool = True
    heads: list[bool] = field(default_factory=list)  # per row: in thead


class _SectionParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block | TableBlock] = []
        self._current: Block | None = None
        self._lists: list[list] = []  # [tag, items seen, list id, ol type]
        self._list_ids = 0
        self._bold = 0
        self._italic = 0
        self._underline = 0
        self._hidden = 0
        self._heading = 0
        self._table: _TableState | None = None

    # --- events --------------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _READ_HIDDEN_TAGS:
            self._hidden += 1
        elif tag in ("strong", "b"):
            self._bold += 1
        elif tag in ("em", "i"):
            self._italic += 1
        elif tag == "u":
            self._underline += 1
        elif tag == "br":
            self._add("\n")
        elif self._table is not None:
            self._table_start(tag, dict(attrs))
        elif tag == "table":
            self._flush()
            self._table = _TableState()
        elif tag in ("ul", "ol"):
            self._flush()
            self._list_ids += 1
            list_type = (dict(attrs).get("type") or "").strip() if tag == "ol" else ""
            list_type = list_type if list_type in LIST_TYPES else ""
            self._lists.append([tag, 0, self._list_ids, list_type])
        elif tag == "li":
            self._flush()
            self._current = self._list_item()
        elif tag in _READ_BLOCK_TAGS or tag in ("tr", "td", "th"):
            self._flush()
            if tag in _HEADINGS:
                self._heading += 1

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag == "br":
            self._add("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _READ_HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in ("strong", "b"):
            self._bold = max(0, self._bold - 1)
        elif tag in ("em", "i"):
            self._italic = max(0, self._italic - 1)
        elif tag == "u":
            self._underline = max(0, self._underline - 1)
        elif self._table is not None:
            self._table_end(tag)
        elif tag in ("ul", "ol"):
            self._flush()
            if self._lists:
                self._lists.pop()
        elif tag == "li" or tag in _READ_BLOCK_TAGS or tag in ("tr", "td", "th"):
            self._flush()
            if tag in _HEADINGS:
                self._heading = max(0, self._heading - 1)

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._add(_SPACES.sub(" ", data))

    def close(self) -> None:
        super().close()
        if self._table is not None:
            self._table.nested = 0
            self._table_end("table")
        self._flush()

    # --- tables --------------------------------------------------------------------------------

    def _table_start(self, tag: str, attrs: dict) -> None:
        state = self._table
        if state.nested:
            if tag == "table":
                state.nested += 1
            elif tag == "tr":
                self._add("\n")
                state.nested_row_start = True
            elif tag in ("td", "th"):
                if not state.nested_row_start:
                    self._add(CELL_SEPARATOR)
                state.nested_row_start = False
            elif tag in ("p", "div", "li") or tag in _HEADINGS:
                self._add("\n")
            return
        if tag == "table":
            state.nested = 1
            state.nested_row_start = True
            self._add("\n")
        elif tag == "thead":
            state.head = True
        elif tag in ("tbody", "tfoot"):
            state.head = False
        elif tag == "tr":
            self._end_row()
            state.row = []
            state.heads.append(state.head)
        elif tag in ("td", "th"):
            self._end_cell()
            if state.row is None:
                state.row = []
                state.heads.append(state.head)
            state.cell = Cell(
                colspan=_span(attrs.get("colspan")) or 1,
                rowspan=_span(attrs.get("rowspan")) or 1,
                header=tag == "th" or state.head,
            )
            state.row.append(state.cell)
        elif tag in ("p", "div", "li", "ul", "ol") or tag in _HEADINGS:
            self._add("\n")
            if tag == "li":
                self._add("- ")

    def _table_end(self, tag: str) -> None:
        state = self._table
        if state.nested:
            if tag == "table":
                state.nested -= 1
            return
        if tag == "thead":
            state.head = False
        elif tag == "tr":
            self._end_row()
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag == "table":
            self._end_row()
            table = state.table
            self._table = None
            header = 0
            for head, row in zip(state.heads, table.rows, strict=False):
                if not (head or all(cell.header for cell in row)):
                    break
                header += 1
            table.header_rows = header
            if any(cell.text.strip() for row in table.rows for cell in row):
                self.blocks.append(table)

    def _end_cell(self) -> None:
        state = self._table
        if state.cell is not None:
            state.cell.spans = _trimmed(state.cell.spans)
            state.cell = None

    def _end_row(self) -> None:
        state = self._table
        self._end_cell()
        if state.row is not None:
            if state.row:
                state.table.rows.append(state.row)
            else:
                state.heads.pop()
            state.row = None

    # --- paragraphs and list items -------------------------------------------------------------

    def _list_item(self) -> Block:
        if not self._lists:
            return Block(marker="-", level=1)
        kind = self._lists[-1]
        kind[1] += 1
        level = len(self._lists)
        if kind[0] == "ol":
            return Block(
                marker=list_mark(kind[3], kind[1]),
                level=level,
                ordered=True,
                list_id=kind[2],
                list_type=kind[3],
            )
        return Block(marker="-" if level == 1 else "+", level=level, list_id=kind[2])

    def _add(self, text: str) -> None:
        if not text:
            return
        span = Span(text, self._bold > 0, self._italic > 0, self._underline > 0)
        if self._table is not None:
            state = self._table
            if state.cell is None:
                if not text.strip():
                    return
                if state.row is None:
                    state.row = []
                    state.heads.append(state.head)
                state.cell = Cell(header=state.head)
                state.row.append(state.cell)
            _append(state.cell.spans, span)
            return
        if self._current is None:
            # Text straight inside a list (no <li>) is still a list item.
            self._current = self._list_item() if self._lists else Block(heading=self._heading > 0)
        _append(self._current.spans, span)

    def _flush(self) -> None:
        block, self._current = self._current, None
        if block is None:
            return
        block.spans = _trimmed(block.spans)
        if any(span.text.strip() for span in block.spans):
            self.blocks.append(block)


def _append(spans: list[Span], span: Span) -> None:
    last = spans[-1] if spans else None
    if (
        last is not None
        and "\n" not in (last.text, span.text)
        and (last.bold, last.italic, last.underline) == (span.bold, span.italic, span.underline)
    ):
        spans[-1] = Span(last.text + span.text, span.bold, span.italic, span.underline)
    else:
        spans.append(span)


def _trimmed(spans: list[Span]) -> list[Span]:
    """No spaces at the paragraph's ends or around its line breaks; no leading/trailing breaks."""
    result: list[Span] = []
    for index, span in enumerate(spans):
        if span.text == "\n":
            if result and result[-1].text != "\n":
                result.append(span)
            continue
        text = span.text
        if not result or result[-1].text == "\n":
            text = text.lstrip()
        following = spans[index + 1] if index + 1 < len(spans) else None
        if following is None or following.text == "\n":
            text = text.rstrip()
        if text:
            result.append(Span(text, span.bold, span.italic, span.underline))
    while result and result[-1].text == "\n":
        result.pop()
    return result


# --- reading: plain text and lines -----------------------------------------------------------


def plain_text(text: str) -> str:
    """The words of a stored text, tags dropped and spaces folded (for emptiness and search);
    a table's cells are read like any other text."""
    spaced = _ANY_TAG.sub(" ", text or "")
    return _SPACES.sub(" ", html.unescape(spaced)).strip()


_LINE_BREAK = re.compile(
    r"</?(?:p|h[1-6]|li|ul|ol|table|thead|tbody|tr|td|th|div)\b[^>]*>|<br\b[^>]*>", re.IGNORECASE
)


def plain_lines(text: str | None) -> list[str]:
    """The lines of a stored text, fast (a regular expression, no parser): a line per
    paragraph, sub-heading, list item, line break and table cell, spaces folded, no list
    marks (plain text: its lines as typed). For readers of many texts: the synthesis reads
    every passage below a province."""
    text = text or ""
    if _TAG.search(text):
        text = _LINE_BREAK.sub("\n", _SPACES.sub(" ", text))
        text = html.unescape(_ANY_TAG.sub("", text))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return [line for line in lines if line]


def text_lines(
    text: str | None, *, markers: bool = True, cells: str | None = CELL_SEPARATOR
) -> list[str]:
    """A stored text as lines of plain text: a line per paragraph, sub-heading, list item and
    line break; "- "/"+ "/"1. "/"a) " before list items (`markers`; a number as its list's
    kind of number: `list_mark`); a table row per line, its cells joined by `cells`, or with
    `cells` None every cell a line (or more) of its own."""
    lines: list[str] = []
    for block in section_blocks(text):
        if isinstance(block, TableBlock):
            if cells is not None:
                lines.extend(block.lines(cells))
                continue
            for row in block.rows:
                for cell in row:
                    lines.extend(line for line in cell.text.split("\n") if line.strip())
            continue
        first, *rest = block.text.split("\n")
        lines.append(f"{block.marker} {first}" if markers and block.marker else first)
        lines.extend(rest)
    return lines


def from_plain_lines(text: str | None) -> str:
    """Lines typed in the plain-text editor as stored HTML: a paragraph per line, "- " lines as
    bullets. Every "<" typed is text here, never a tag, so "a<b" keeps its line breaks."""
    return _from_plain(clean_text(text))


def editable_lines(text: str | None) -> str:
    """A stored text as plain lines for a <textarea>: one paragraph per line, "- " before each
    bullet, "1. " ("a) ", "I. ": `list_mark`) before each numbered item, a table row as
    "a | b | c"; bold, italics, underlining, nesting and merged cells are dropped, entities
    decoded.

    `clean_section_text(from_plain_lines(editable_lines(t)))` gives `t` back for any text that
    was typed as lines.
    """
    if not text:
        return ""
    if not _TAG.search(text):
        return "\n".join(line.strip() for line in text.splitlines() if line.strip())
    lines = []
    for block in section_blocks(text):
        if isinstance(block, TableBlock):
            lines.extend(block.lines())
            continue
        first, *rest = block.text.split("\n")
        marker = "- " if block.marker and not block.ordered else f"{block.marker} "
        lines.append(marker + first if block.marker else first)
        lines.extend(rest)
    return "\n".join(lines)


def changed_lines(before: str | None, after: str | None) -> list[tuple[str, str]] | None:
    """What changed from one stored text to the next, line by line, in order: ("removed", line)
    and ("added", line). None when either has more than MAX_COMPARED_LINES lines.

    Whole lines are compared (SequenceMatcher, with its heuristic that ignores lines repeated
    more than 1% of the time as anchors): ndiff's pairing of similar lines character by
    character took 47 s for two versions of 1,500 lines, this takes milliseconds. A table row
    is a line ("a | b | c").
    """
    old, new = editable_lines(before).splitlines(), editable_lines(after).splitlines()
    if max(len(old), len(new)) > MAX_COMPARED_LINES:
        return None
    changes: list[tuple[str, str]] = []
    for tag, old_from, old_to, new_from, new_to in SequenceMatcher(None, old, new).get_opcodes():
        if tag in ("replace", "delete"):
            changes.extend(("removed", line) for line in old[old_from:old_to])
        if tag in ("replace", "insert"):
            changes.extend(("added", line) for line in new[new_from:new_to])
    return changes


def word_count(text: str | None) -> int:
    """Words of a stored text, as a writer counts them (runs of non-space characters)."""
    return len(plain_text(text or "").split())


def _from_plain(text: str) -> str:
    """Plain lines as paragraphs; consecutive "- " or "+ " lines as one bullet list."""
    parts: list[str] = []
    bullets: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if _BULLET.match(line):
            bullets.append(f"<li>{html.escape(_BULLET.sub('', line), quote=False)}</li>")
            continue
        if bullets:
            parts.append(f"<ul>{''.join(bullets)}</ul>")
            bullets = []
        if line:
            parts.append(f"<p>{html.escape(line, quote=False)}</p>")
    if bullets:
        parts.append(f"<ul>{''.join(bullets)}</ul>")
    return "".join(parts)
