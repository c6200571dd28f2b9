"""A report as a Word document in the format of Nghị định 30/2020/NĐ-CP.

The writer speaks in report terms: header block, title, headings numbered as in the outline,
section text (its lists as real Word lists, its tables as bordered Word tables: `write_text`),
indicator tables, footnotes, signature, appendix with the comparison table and chart. The unit's
report and the consolidated one are the same writer. Raw WordprocessingML lives in `oxml.py`;
the text and figures come ready from `sectiontext.py`, `figures.py` and `charts.py`.

Layout: A4; margins top 20, bottom 20, left 30, right 15 mm; Times New Roman everywhere; body
14 pt justified, first line indented 1.27 cm, 6 pt after, line spacing 1.2 (a "multiple" of
single); tables 12 pt; page numbers centred in the header from page 2.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Sequence

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import _Cell

from baocao.docx_out import oxml
from baocao.docx_out.charts import WIDTH_CM, ChartItem, comparison_chart
from baocao.docx_out.figures import Row, comparison_rows, has_values
from baocao.docx_out.model import ReportDocument
from baocao.docx_out.sectiontext import Block, Span, TableBlock, section_blocks
from baocao.indicators.catalogue import Indicator, main_indicators
from baocao.outline.model import Footnote, Section
from baocao.outline.numbering import roman_value
from baocao.text import clean_strings

FONT = "Times New Roman"
LANGUAGE = "vi-VN"
TEXT_WIDTH_CM = 21.0 - 3.0 - 1.5
BODY_SIZE = Pt(14)
FIRST_LINE_INDENT = Cm(1.27)
LINE_SPACING = 1.2
TABLE_SIZE = Pt(12)
MOTTO = "Độc lập - Tự do - Hạnh phúc"
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
BODY_STYLE = "Body Text"
# A sub-heading written inside a section's text (<h4>): a bold body paragraph kept with the
# next, not a Word heading (no outline level: the outline's headings stay the document's map).
SUBHEADING_STYLE = "Tiêu đề nhỏ"
HEADER_COLUMNS_CM = (6.0, 10.5)
SIGNATURE_COLUMNS_CM = (8.0, 8.5)
TABLE_COLUMNS_CM = (1.0, 5.6, 1.9, 2.0, 2.0, 2.1, 1.9)

_NUMBER_CELL = re.compile(r"[-+−]?[\d.,\s]*%?")

# Heading style per numbering form: (Word style, bold, italic, capitals).
_HEADINGS = {
    "part": ("Heading 1", True, False, True),
    "roman": ("Heading 2", True, False, True),
    "upper": ("Heading 2", True, False, False),
    "arabic": ("Heading 3", True, False, False),
    "multi": ("Heading 4", True, True, False),
    "letter": ("Heading 5", False, True, False),
    "plain": ("Heading 3", True, False, False),
}


def render_docx(report: ReportDocument) -> bytes:
    """The report as DOCX bytes; equal reports give equal bytes."""
    return ReportWriter(report).render()


def date_line(place: str, date: datetime.date) -> str:
    """ "Kon Tum, ngày 05 tháng 01 năm 2018": a leading zero for days below 10 and months 1-2."""
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    return f"{place}, ngày {date.day:02d} tháng {month} năm {date.year}"


def short_date(date: datetime.date) -> str:
    return f"{date.day:02d}/{date.month:02d}/{date.year}"


def heading_form(number: str) -> str:
    """How a section is numbered: part, roman, upper, multi (4.1), arabic, letter or plain."""
    number = number.strip()
    if not number:
        return "plain"
    if number.lower().startswith("phần"):
        return "part"
    if re.fullmatch(r"[IVXLC]+", number) and roman_value(number):
        return "roman"
    if re.fullmatch(r"\d+(?:\.\d+)+", number):
        return "multi"
    if re.fullmatch(r"\d+", number):
        return "arabic"
    if re.fullmatch(r"[A-Z]", number):
        return "upper"
    if re.fullmatch(r"[a-zđ]", number):
        return "letter"
    return "plain"


def heading_text(section: Section) -> str:
    """The heading as printed: "I. TÌNH HÌNH ...", "4.1. Kết quả ...", "a) ..."."""
    form = heading_form(section.number)
    title = section.title.strip()
    if form == "part":
        return f"{section.number.upper()}\n{title.upper()}" if title else section.number.upper()
    if form == "plain":
        return title
    if form == "letter":
        return f"{section.number}) {title}"
    if _HEADINGS[form][3]:
        title = title.upper()
    return f"{section.number}. {title}"


def recipient_lines(recipients: Sequence[str]) -> list[str]:
    """ "- Như trên;" per line, the last one ending with "."."""
    names = [name.strip().lstrip("-–").strip().rstrip(";.,").strip() for name in recipients]
    names = [name for name in names if name]
    return [f"- {name};" for name in names[:-1]] + [f"- {name}." for name in names[-1:]]


def _text_width_cm(text: str, size_pt: float) -> float:
    """About how wide a line of Times New Roman is (capitals ~0.62 em, mixed text ~0.46 em)."""
    em = 0.62 if text.upper() == text else 0.46
    return len(text) * em * size_pt / 72 * 2.54


class ReportWriter:
    """Writes one `ReportDocument` as DOCX, part by part, in the order `render` calls them.

    A subclass may change a part by overriding its `write_*` method (styles, title, a
    section's body, appendix, document properties), as the report template does
    (`baocao.docx_out.template`); `bordered_table` gives it the report's table style.
    """

    def __init__(self, report: ReportDocument):
        # Rows stored before text was cleaned at entry may hold characters XML cannot.
        self.report = clean_strings(report)
        self.document = Document()
        self.footnotes = oxml.Footnotes(self.document)
        self.lists = oxml.ListNumbering(self.document, FONT)
        self.catalogue: dict[str, Indicator] = {i.code: i for i in self.report.indicators}

    def render(self) -> bytes:
        self._page_setup()
        self.write_styles()
        self._page_numbers()
        self._header_block()
        self.write_title()
        for section, _ in self.report.outline.walk():
            self._section(section)
        self._signature()
        self.write_appendix()
        self.write_properties()
        buffer = io.BytesIO()
        self.document.save(buffer)
        return oxml.stable_zip(buffer.getvalue())

    # --- page and styles -----------------------------------------------------------------------

    def _page_setup(self) -> None:
        section = self.document.sections[0]
        section.start_type = WD_SECTION.NEW_PAGE
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        section.header_distance, section.footer_distance = Mm(10), Mm(10)

    def write_styles(self) -> None:
        """The document's styles: body, headings per numbering form, footnotes, header."""
        styles = self.document.styles
        oxml.set_document_defaults(self.document, FONT, LANGUAGE)
        oxml.ensure_footnote_styles(self.document)
        normal = styles["Normal"]
        set_font(normal, BODY_SIZE)
        fmt = normal.paragraph_format
        fmt.space_before, fmt.space_after = Pt(0), Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        fmt.widow_control = True

        body = styles[BODY_STYLE]
        set_font(body, BODY_SIZE)
        fmt = body.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.first_line_indent = FIRST_LINE_INDENT
        fmt.space_before, fmt.space_after = Pt(0), Pt(6)
        fmt.line_spacing = LINE_SPACING

        subheading = styles.add_style(SUBHEADING_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        subheading.base_style = body
        subheading.font.bold = True
        subheading.paragraph_format.space_before = Pt(6)
        subheading.paragraph_format.keep_with_next = True

        for name, bold, italic, _ in _HEADINGS.values():
            style = styles[name]
            set_font(style, BODY_SIZE, bold=bold, italic=italic)
            style.font.color.rgb = RGBColor(0, 0, 0)
            fmt = style.paragraph_format
            fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            fmt.first_line_indent = FIRST_LINE_INDENT
            fmt.left_indent = Cm(0)
            fmt.space_before, fmt.space_after = Pt(6), Pt(6)
            fmt.line_spacing = LINE_SPACING
            fmt.keep_with_next = True
        part = styles["Heading 1"].paragraph_format
        part.alignment = WD_ALIGN_PARAGRAPH.CENTER
        part.first_line_indent = Cm(0)
        part.space_before = Pt(12)

        note = styles[oxml.FOOTNOTE_TEXT]
        set_font(note, Pt(12))
        fmt = note.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.space_before, fmt.space_after = Pt(0), Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        set_font(styles["Header"], Pt(13))

    def _page_numbers(self) -> None:
        """The page number centred at the top from page 2; page 1 has an empty header."""
        section = self.document.sections[0]
        section.different_first_page_header_footer = True
        section.first_page_header.is_linked_to_previous = False
        section.header.is_linked_to_previous = False
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        oxml.add_page_number(paragraph)

    # --- header block and title ----------------------------------------------------------------

    def _header_block(self) -> None:
        header = self.report.header
        table = self._layout_table(2, HEADER_COLUMNS_CM)
        left, right = table.cell(0, 0), table.cell(0, 1)
        left_width = HEADER_COLUMNS_CM[0] - 0.4
        _line(left.paragraphs[0], header.superior_unit.upper(), 13)
        issuing = header.issuing_unit.upper()
        _line(left.add_paragraph(), issuing, 13, bold=True)
        rule = min(_text_width_cm(issuing, 13), left_width) * 0.4
        _rule(left.add_paragraph(), max(1.5, min(rule, 3.5)), left_width)

        right_width = HEADER_COLUMNS_CM[1] - 0.4
        _line(right.paragraphs[0], NATIONAL_NAME, 13, bold=True)
        _line(right.add_paragraph(), MOTTO, 14, bold=True)
        _rule(right.add_paragraph(), _text_width_cm(MOTTO, 14), right_width)

        number = table.cell(1, 0).paragraphs[0]
        _line(number, f"Số: {header.number}", 13)
        when = table.cell(1, 1).paragraphs[0]
        _line(when, date_line(header.place, header.date), 14, italic=True)
        for paragraph in (number, when):
            paragraph.paragraph_format.space_before = Pt(6)

    def write_title(self) -> None:
        """'BÁO CÁO', the report's title with its footnotes, a short rule under it."""
        kind = self._paragraph(align=WD_ALIGN_PARAGRAPH.CENTER)
        kind.paragraph_format.space_before = Pt(18)
        kind.add_run("BÁO CÁO").bold = True
        title = self._paragraph(align=WD_ALIGN_PARAGRAPH.CENTER)
        title.add_run(self.report.title).bold = True
        self._footnotes(title, self.report.outline.footnotes)
        length = min(_text_width_cm(self.report.title, 14), TEXT_WIDTH_CM) * 0.35
        _rule(self.document.add_paragraph(), max(2.0, min(length, 6.0)), TEXT_WIDTH_CM)
        for text in (self.report.synthetic_note, self.report.counting_note):
            if text:
                note = self._paragraph(align=WD_ALIGN_PARAGRAPH.CENTER)
                note.paragraph_format.space_before = Pt(6)
                _sized(note.add_run(text), 13, italic=True)
        self.document.paragraphs[-1].paragraph_format.space_after = Pt(12)

    # --- body ----------------------------------------------------------------------------------

    def _section(self, section: Section) -> None:
        self._heading(section)
        self.write_section_body(section)

    def _heading(self, section: Section) -> None:
        form = heading_form(section.number)
        heading = self.document.add_paragraph(style=_HEADINGS[form][0])
        lines = heading_text(section).split("\n")
        for index, line in enumerate(lines):
            run = heading.add_run(line)
            if index < len(lines) - 1:
                run.add_break()
        self._footnotes(heading, section.footnotes)

    def write_section_body(self, section: Section) -> None:
        """The section's text, then its indicator table when it has figures."""
        self.write_text(self.report.section_texts.get(section.id))
        indicators = [self.catalogue[c] for c in section.indicators if c in self.catalogue]
        values, years = self.report.indicator_values, self.report.years
        if indicators and has_values(indicators, values, years):
            self._indicator_table([(None, comparison_rows(indicators, values, years))])

    def _footnotes(self, paragraph, notes: Sequence[Footnote]) -> None:
        """Footnotes at the end of a heading, in the outline's order, marks separated by commas.

        Prompts and guidance are not printed, so notes anchored there go to their heading too.
        """
        for index, note in enumerate(notes):
            if index:
                paragraph.add_run(",", style=oxml.FOOTNOTE_REFERENCE)
            self.footnotes.add(paragraph, note.text)

    def write_text(self, text: str | None) -> None:
        """A stored section text (`baocao.richtext`): paragraphs and sub-headings, lists as
        Word lists (bullets and numbers, nested), tables as bordered Word tables."""
        numbered: dict[int, int] = {}  # the text's numbered lists -> their numId
        for block in section_blocks(text):
            if isinstance(block, TableBlock):
                self._text_table(block)
            else:
                self._text_block(block, numbered)

    def _text_block(self, block: Block, numbered: dict[int, int]) -> None:
        style = SUBHEADING_STYLE if block.heading and not block.marker else BODY_STYLE
        paragraph = self.document.add_paragraph(style=style)
        if block.marker:
            if not block.ordered:
                num_id = self.lists.bullets()
            elif block.list_id in numbered:
                num_id = numbered[block.list_id]
            else:
                num_id = numbered[block.list_id] = self.lists.numbered(block.list_type)
            self.lists.apply(paragraph, num_id, block.level - 1)
        add_spans(paragraph, block.spans)

    def _text_table(self, block: TableBlock) -> None:
        """A table of the text: bordered, as wide as the text, equal columns, the header rows
        bold, centred and repeated on every page, merged cells merged. One wider than Word
        allows is written as lines "a | b | c"."""
        layout = block.layout()
        if layout is None or not layout[0]:
            for line in block.lines():
                self.document.add_paragraph(line, style=BODY_STYLE)
            return
        width, placements = layout
        table = self.document.add_table(rows=len(block.rows), cols=width)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        oxml.set_table_borders(table, visible=True)
        column = Cm(TEXT_WIDTH_CM / width)
        for grid_column in table.columns:
            grid_column.width = column
        # Before any merge, a row's w:tc are its grid positions.
        grid = [list(tr.tc_lst) for tr in table._tbl.tr_lst]
        for row in grid:
            for tc in row:
                tc.width = column
        for index, row in enumerate(table.rows):
            if index < block.header_rows:
                oxml.repeat_as_header(row)
            else:
                oxml.keep_row_together(row)
        for place in placements:
            tc = oxml.merge_cells(grid, place.row, place.column, place.rowspan, place.colspan)
            cell = _Cell(tc, table)
            header = place.row < block.header_rows or place.cell.header
            text = place.cell.text.strip()
            if header:
                align = WD_ALIGN_PARAGRAPH.CENTER
            elif _NUMBER_CELL.fullmatch(text) and any(ch.isdigit() for ch in text):
                align = WD_ALIGN_PARAGRAPH.RIGHT
            else:
                align = WD_ALIGN_PARAGRAPH.LEFT
            paragraph = cell_text(cell, "", align)
            add_spans(paragraph, place.cell.spans, size=TABLE_SIZE, bold=header)
        spacer = self.document.add_paragraph()
        spacer.paragraph_format.space_after = Pt(6)

    def bordered_table(self, headers: Sequence[str]):
        """A centred, bordered table whose bold header row repeats on every page."""
        table = self.document.add_table(rows=1, cols=len(headers))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        oxml.set_table_borders(table, visible=True)
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell_text(cell, text, WD_ALIGN_PARAGRAPH.CENTER, bold=True)
        oxml.repeat_as_header(table.rows[0])
        return table

    def _indicator_table(self, groups: list[tuple[str | None, list[Row]]]) -> None:
        """A bordered comparison table; `groups` are (heading row or None, rows)."""
        baseline, current = self.report.years
        headers = ("TT", "Chỉ tiêu", "Đơn vị", f"Năm {baseline}", f"Năm {current}")
        headers += ("Tăng/giảm", "%")
        table = self.bordered_table(headers)
        aligns = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER)
        aligns += (WD_ALIGN_PARAGRAPH.RIGHT,) * 4
        for group, rows in groups:
            if group:
                row = table.add_row()
                set_widths(row, TABLE_COLUMNS_CM)
                merged = row.cells[0].merge(row.cells[-1])
                cell_text(merged, group, WD_ALIGN_PARAGRAPH.LEFT, bold=True)
                oxml.keep_row_together(row)
            for data in rows:
                row = table.add_row()
                # A unit such as "triệu đồng/người/tháng" may wrap after its slashes.
                unit = data.unit.replace("/", "/\u200b")
                texts = (data.number, data.label, unit, data.baseline, data.current)
                texts += (data.change, data.percent)
                for index, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
                    paragraph = cell_text(
                        cell, text, aligns[index], italic=data.indented and index == 1
                    )
                    if index == 1 and data.indented:
                        paragraph.paragraph_format.left_indent = Cm(0.4)
                oxml.keep_row_together(row)
        for index, width in enumerate(TABLE_COLUMNS_CM):
            table.columns[index].width = Cm(width)
        for row in table.rows:
            if len(row._tr.tc_lst) == len(TABLE_COLUMNS_CM):
                set_widths(row, TABLE_COLUMNS_CM)
        spacer = self.document.add_paragraph()
        spacer.paragraph_format.space_after = Pt(6)

    # --- signature and appendix ----------------------------------------------------------------

    def _signature(self) -> None:
        signature = self.report.signature
        table = self._layout_table(1, SIGNATURE_COLUMNS_CM)
        oxml.keep_row_together(table.rows[0])
        left, right = table.cell(0, 0), table.cell(0, 1)
        heading = left.paragraphs[0]
        heading.paragraph_format.space_before = Pt(12)
        _sized(heading.add_run("Nơi nhận:"), 12, bold=True, italic=True)
        for line in recipient_lines(self.report.recipients):
            _sized(left.add_paragraph().add_run(line), 11)

        lines = [text.upper() for text in (signature.on_behalf, signature.position) if text]
        first = right.paragraphs[0]
        first.paragraph_format.space_before = Pt(12)
        for index, text in enumerate(lines):
            paragraph = first if index == 0 else right.add_paragraph()
            _line(paragraph, text, 14, bold=True)
        for _ in range(4):
            right.add_paragraph()
        if signature.name:
            _line(right.add_paragraph(), signature.name, 14, bold=True)

    def write_appendix(self) -> None:
        """Every indicator compared over the two years, and the chart of the main ones."""
        indicators = list(self.catalogue.values())
        values, years = self.report.indicator_values, self.report.years
        if not has_values(indicators, values, years):
            return
        baseline, current = years
        title = self.document.add_paragraph("PHỤ LỤC", style=_HEADINGS["part"][0])
        title.paragraph_format.page_break_before = True
        subtitle = self._paragraph(align=WD_ALIGN_PARAGRAPH.CENTER)
        subtitle.add_run(f"SỐ LIỆU SO SÁNH NĂM {baseline} - NĂM {current}").bold = True
        header = self.report.header
        source = self._paragraph(align=WD_ALIGN_PARAGRAPH.CENTER)
        attached = (
            f"(Kèm theo Báo cáo số {header.number} ngày {short_date(header.date)} "
            f"của {header.issuing_unit})"
        )
        _sized(source.add_run(attached), 14, italic=True)
        for text in (self.report.synthetic_note, self.report.counting_note):
            if text:
                note = self._paragraph(align=WD_ALIGN_PARAGRAPH.CENTER)
                _sized(note.add_run(text), 13, italic=True)
        self.document.paragraphs[-1].paragraph_format.space_after = Pt(12)
        self._indicator_table(self._appendix_groups())
        if self.report.charts:
            self._chart()

    def _appendix_groups(self) -> list[tuple[str | None, list[Row]]]:
        groups: list[tuple[str | None, list[Indicator]]] = []
        placed: set[str] = set()
        roman = ""
        for section, _ in self.report.outline.walk():
            if heading_form(section.number) == "roman":
                roman = section.number
            elif heading_form(section.number) == "part":
                roman = ""
            codes = [c for c in section.indicators if c in self.catalogue and c not in placed]
            if codes:
                placed.update(codes)
                number = section.number
                if heading_form(number) == "arabic" and roman:
                    number = f"{roman}.{number}"
                label = f"{number}. {section.title}" if number else section.title
                groups.append((label, [self.catalogue[c] for c in codes]))
        rest = [i for code, i in self.catalogue.items() if code not in placed]
        if rest:
            groups.append(("Chỉ tiêu chung" if groups else None, rest))
        result: list[tuple[str | None, list[Row]]] = []
        start = 1
        for label, indicators in groups:
            rows = comparison_rows(
                indicators, self.report.indicator_values, self.report.years, start=start
            )
            start += sum(1 for row in rows if row.number)
            result.append((label, rows))
        return result

    def _chart(self) -> None:
        values, years = self.report.indicator_values, self.report.years
        items = []
        for indicator in main_indicators(self.catalogue.values()):
            baseline, current = (values.get(indicator.code, {}).get(year) for year in years)
            if baseline is None and current is None:
                continue
            items.append(ChartItem(indicator.name, indicator.unit, baseline, current))
        if not items:
            return
        png = comparison_chart(items, years)
        self.document.add_picture(io.BytesIO(png), width=Cm(WIDTH_CM))
        picture = self.document.paragraphs[-1]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.space_before = Pt(12)
        picture.paragraph_format.keep_with_next = True
        caption = self._paragraph(align=WD_ALIGN_PARAGRAPH.CENTER)
        _sized(
            caption.add_run(
                f"Biểu đồ: So sánh một số chỉ tiêu chủ yếu năm {years[0]} và năm {years[1]}"
            ),
            13,
            italic=True,
        )

    # --- helpers -------------------------------------------------------------------------------

    def _paragraph(self, align=None):
        paragraph = self.document.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        return paragraph

    def _layout_table(self, rows: int, widths: Sequence[float]):
        """A borderless table that only places blocks side by side (header, signature)."""
        table = self.document.add_table(rows=rows, cols=len(widths))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        oxml.set_table_borders(table, visible=False)
        for index, width in enumerate(widths):
            table.columns[index].width = Cm(width)
        for row in table.rows:
            set_widths(row, widths)
        return table

    def write_properties(self) -> None:
        """Core document properties, dated by the report's date so equal reports are equal."""
        props = self.document.core_properties
        header = self.report.header
        moment = datetime.datetime.combine(header.date, datetime.time(), datetime.UTC)
        props.title = self.report.title
        props.subject = f"Báo cáo số {header.number}"
        props.author = header.issuing_unit
        props.last_modified_by = header.issuing_unit
        props.created = props.modified = moment
        props.last_printed = moment
        props.revision = 1
        props.comments = props.keywords = ""
        props.category = "Báo cáo"
        props.language = LANGUAGE


def set_font(style, size, *, bold: bool | None = None, italic: bool | None = None) -> None:
    """Give a Word style the report's font (Times New Roman for every script) and `size`."""
    style.font.name = FONT
    oxml.set_fonts(style.element, FONT)
    style.font.size = size
    if bold is not None:
        style.font.bold = bold
    if italic is not None:
        style.font.italic = italic


def add_spans(paragraph, spans: Sequence[Span], *, size=None, bold: bool = False) -> None:
    """Runs for a text's spans: bold, italic, underlined as written; "\\n" a line break."""
    for span in spans:
        if span.text == "\n":
            paragraph.add_run().add_break()
            continue
        run = paragraph.add_run(span.text)
        run.bold = (span.bold or bold) or None
        run.italic = span.italic or None
        run.underline = span.underline or None
        if size is not None:
            run.font.size = size


def _sized(run, size: float, *, bold: bool = False, italic: bool = False):
    run.font.size = Pt(size)
    run.bold = bold or None
    run.italic = italic or None
    return run


def _line(paragraph, text: str, size: float, *, bold: bool = False, italic: bool = False):
    """A centred, single-spaced line of the header or signature block."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    _sized(paragraph.add_run(text), size, bold=bold, italic=italic)
    return paragraph


def _rule(paragraph, length_cm: float, available_cm: float) -> None:
    """A short centred horizontal line: the bottom border of an empty, 5 pt high paragraph."""
    side = max(0.0, (available_cm - length_cm) / 2)
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm(side)
    fmt.first_line_indent = Cm(0)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(5)
    oxml.bottom_rule(paragraph)


def cell_text(cell, text: str, align, *, bold: bool = False, italic: bool = False):
    """Write `text` in a table cell at the table size, vertically centred; the paragraph."""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(2)
    cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    if text:
        _sized(paragraph.add_run(text), TABLE_SIZE.pt, bold=bold, italic=italic)
    return paragraph


def set_widths(row, widths: Sequence[float]) -> None:
    """Set each cell of a table row to its width in cm (Word reads cell widths, not columns)."""
    for cell, width in zip(row.cells, widths, strict=True):
        cell.width = Cm(width)
