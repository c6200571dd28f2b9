"""Open an outline from whatever file a user has: .txt, .docx or the YAML that baocao writes.

The web upload and the CLI both come through `read_outline`, so a file gets the same answer,
and the same message when it is bad, wherever it is given.
"""

from __future__ import annotations

from pathlib import Path

from baocao.errors import InputError, gettext_noop
from baocao.outline import parse_docx, parse_text
from baocao.outline.model import Outline
from baocao.outline.serialize import load_yaml

YAML_SUFFIXES = (".yaml", ".yml")
WORD_SUFFIXES = (".docx", ".docm", ".dotx", ".doc", ".odt")
# Zip (docx, odt, xlsx) and OLE (old .doc, password-protected .docx): the Word reader explains.
_CONTAINER_MAGIC = (b"PK", b"\xd0\xcf\x11\xe0")
ACCEPTED = ".txt, .docx, .yaml"


def size_limit(name: str) -> int:
    return (
        parse_docx.MAX_BYTES if Path(name).suffix.lower() in WORD_SUFFIXES else parse_text.MAX_BYTES
    )


def check_size(size: int, name: str) -> None:
    """Refuse a file that is too big before anything reads it."""
    limit = size_limit(name)
    if size > limit:
        raise InputError(
            gettext_noop(
                "Tệp {name} quá lớn ({size} MB); đề cương tối đa {limit} MB. Hãy kiểm tra lại "
                "tệp đã chọn."
            ),
            name=name,
            size=f"{size / (1024 * 1024):.1f}",
            limit=limit // (1024 * 1024),
        )


def read_outline(data: bytes, name: str) -> Outline:
    """An outline from a file's bytes, by what the file is, not only by what it is called."""
    check_size(len(data), name)
    suffix = Path(name).suffix.lower()
    if data.startswith(_CONTAINER_MAGIC) or suffix in WORD_SUFFIXES:
        return parse_docx.parse_docx(data, name)
    text = parse_text.decode_text(data, name)
    if suffix in YAML_SUFFIXES:
        return load_yaml(text)
    return parse_text.parse_text(text)


def open_outline(path: Path) -> Outline:
    if not path.is_file():
        raise InputError(
            gettext_noop("Không tìm thấy tệp {path}. Hãy kiểm tra lại đường dẫn."), path=path
        )
    check_size(path.stat().st_size, path.name)
    return read_outline(path.read_bytes(), path.name)
