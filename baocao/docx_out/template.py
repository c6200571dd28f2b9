"""A unit's report as a Word template to fill: the official layout with nothing written yet.

The same writer as the report (`render.ReportWriter`): page, styles, header block with the
unit's names, title, headings numbered as in the outline, signature. Under each heading, in
place of text, the outline's guidance and prompts in grey italics, to be written over; under a
section that asks for figures, its indicator table with the label cells shaded and the value
cells white and empty. The unit's code and the outline's key are stored as custom document
properties, so that the file uploaded back finds its report (`baocao.ingest` reads them).
"""

from __future__ import annotations

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from baocao.docx_out import oxml
from baocao.docx_out.model import Header, ReportDocument, Signature
from baocao.docx_out.render import (
    BODY_STYLE,
    FIRST_LINE_INDENT,
    ReportWriter,
    cell_text,
    set_font,
    set_widths,
)
from baocao.outline.model import Outline, Section
from baocao.templatemark import (
    REPORT_TEMPLATE,
    TABLE_INSTRUCTION,
    TEXT_INSTRUCTION,
    TemplateMark,
    outline_key,
)
from baocao.text import clean_strings

GUIDANCE_STYLE = "Hướng dẫn"
GUIDANCE_COLOUR = RGBColor(0x80, 0x80, 0x80)
LABEL_FILL = "D9D9D9"  # the shading of the cells not to be written in
TEMPLATE_COLUMNS_CM = (1.0, 8.4, 2.2, 2.2, 2.2)


def report_template_docx(
    outline: Outline,
    header: Header,
    *,
    unit_code: str,
    unit_name: str = "",
    campaign: str = "",
    signature: Signature | None = None,
) -> bytes:
    """The DOCX template of one unit's report: equal arguments give equal bytes."""
    report = ReportDocument(
        outline=outline,
        header=header,
        section_texts={},
        indicator_values={},
        charts=False,
        signature=signature or Signature(),
    )
    mark = TemplateMark(
        kind=REPORT_TEMPLATE,
        unit_code=unit_code,
        unit_name=unit_name or header.issuing_unit,
        outline_key=outline_key(outline),
        outline_title=outline.title[:200],
        campaign=campaign,
    )
    return _TemplateWriter(report, mark).render()


class _TemplateWriter(ReportWriter):
    def __init__(self, report: ReportDocument, mark: TemplateMark):
        super().__init__(report)
        self.mark = clean_strings(mark)

    def write_styles(self) -> None:
        super().write_styles()
        style = self.document.styles.add_style(GUIDANCE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = self.document.styles[BODY_STYLE]
        set_font(style, Pt(13), italic=True)
        style.font.color.rgb = GUIDANCE_COLOUR
        style.paragraph_format.first_line_indent = FIRST_LINE_INDENT

    def write_title(self) -> None:
        super().write_title()
        self._guidance(TEXT_INSTRUCTION)

    def write_section_body(self, section: Section) -> None:
        """Guidance and prompts to write over, then the section's table to fill."""
        for text in section.guidance:
            self._guidance(text)
        for prompt in section.prompts:
            nested = prompt.startswith("+ ")
            self._guidance(prompt if nested else f"- {prompt}")
        indicators = [
            self.catalogue[code]
            for code in section.indicators
            if code in self.catalogue
            and self.catalogue[code].numeric
            and not self.catalogue[code].derived
        ]
        if indicators:
            self._guidance(TABLE_INSTRUCTION)
            self._fill_table(indicators)

    def _guidance(self, text: str) -> None:
        self.document.add_paragraph(text, style=GUIDANCE_STYLE)

    def _fill_table(self, indicators) -> None:
        """TT | Chỉ tiêu | Đơn vị tính | Năm <baseline> | Năm <current>: labels shaded."""
        baseline, current = self.report.years
        headers = ("TT", "Chỉ tiêu", "Đơn vị tính", f"Năm {baseline}", f"Năm {current}")
        table = self.bordered_table(headers)
        for cell in table.rows[0].cells:
            oxml.shade(cell, LABEL_FILL)
        for number, indicator in enumerate(indicators, start=1):
            row = table.add_row()
            texts = (str(number), indicator.name, indicator.unit)
            aligns = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER)
            for cell, text, align in zip(row.cells[:3], texts, aligns, strict=True):
                cell_text(cell, text, align)
                oxml.shade(cell, LABEL_FILL)
            for cell in row.cells[3:]:
                cell_text(cell, "", WD_ALIGN_PARAGRAPH.RIGHT)
            oxml.keep_row_together(row)
        for index, width in enumerate(TEMPLATE_COLUMNS_CM):
            table.columns[index].width = Cm(width)
        for row in table.rows:
            set_widths(row, TEMPLATE_COLUMNS_CM)
        spacer = self.document.add_paragraph()
        spacer.paragraph_format.space_after = Pt(6)

    def write_appendix(self) -> None:
        """A template has no figures yet: no appendix."""

    def write_properties(self) -> None:
        super().write_properties()
        props = self.document.core_properties
        props.category = "Mẫu báo cáo"
        props.subject = f"Mẫu báo cáo của {self.mark.unit_name}"[:250]
        oxml.set_custom_properties(self.document, self.mark.to_properties())
