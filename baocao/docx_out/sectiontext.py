"""A section's text read into paragraphs, list items and tables, ready to be written in Word.

The reader lives with the stored format in `baocao.richtext` (one place for the format and
everything that reads it); this module keeps the DOCX writer's import path.
"""

from __future__ import annotations

from baocao.richtext import Block, Cell, Placement, Span, TableBlock, section_blocks

__all__ = ["Block", "Cell", "Placement", "Span", "TableBlock", "section_blocks"]
