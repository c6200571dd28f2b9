"""Open an outline from whatever file a user has: .txt, .docx or the YAML that baocao writes."""

from __future__ import annotations

from pathlib import Path

from baocao.errors import InputError
from baocao.outline.model import Outline
from baocao.outline.parse_text import import_text_file
from baocao.outline.serialize import load_yaml

YAML_SUFFIXES = (".yaml", ".yml")


def open_outline(path: Path) -> Outline:
    """Import a text or DOCX outline, or load an outline YAML, by what the file is."""
    if not path.is_file():
        raise InputError(f"Không tìm thấy tệp {path}. Hãy kiểm tra lại đường dẫn.")
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        return load_yaml(path.read_text(encoding="utf-8"))
    if suffix in (".docx", ".docm", ".doc", ".odt"):
        from baocao.outline.parse_docx import import_docx_file

        return import_docx_file(path)
    return import_text_file(path)
