"""The outline engine: model, importers (text, DOCX), YAML/JSON, built-in outlines.

Framework-free: nothing here imports Django.
"""

from baocao.outline.model import Footnote, Outline, Section

__all__ = ["Footnote", "Outline", "Section"]
