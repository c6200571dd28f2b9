"""Get an indicator catalogue, checked whole, from a catalogue YAML file or text.

Any catalogue goes through the same checks (codes, types, roll-ups, rules, attach map), so a
mistake in a hand-edited file is reported once, in Vietnamese, with every problem named,
instead of surfacing later as a wrong total. An outline's own catalogue (the outline's YAML is
its one source) is `baocao.outline.catalogue.catalogue_of`; this package knows nothing of
outlines.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from baocao.errors import InputError
from baocao.indicators.catalogue import Catalogue
from baocao.indicators.rules import CompiledRule, check_rules


def load_catalogue(path: str | Path) -> Catalogue:
    """The catalogue at `path`; InputError if unreadable or wrong."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            f'Không tìm thấy tệp danh mục chỉ tiêu "{path}". Hãy kiểm tra lại đường dẫn.'
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(
            f'Không đọc được tệp danh mục chỉ tiêu "{path}". Hãy lưu tệp dạng văn bản UTF-8.',
            detail=str(error),
        ) from None
    return catalogue_from_yaml(text, str(path))


def catalogue_from_yaml(text: str, source: str = "") -> Catalogue:
    """Parse and validate catalogue YAML text (`years`, `indicators`, `rules`, `attach`)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (dòng {mark.line + 1})" if mark else ""
        raise InputError(
            f'Tệp danh mục chỉ tiêu "{source}" viết sai định dạng YAML{where}. Hãy sửa rồi nạp lại.',
            detail=str(getattr(error, "problem", "") or error),
        ) from None
    catalogue = Catalogue.from_dict(data)
    validate_catalogue(catalogue)
    return catalogue


def validate_catalogue(catalogue: Catalogue) -> list[CompiledRule]:
    """Check everything (InputError listing all problems) and return the compiled rules."""
    return check_rules(catalogue.rules, catalogue)
