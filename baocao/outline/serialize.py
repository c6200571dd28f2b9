"""Outline <-> YAML (for people to read and edit) and JSON (for tools).

Both share one dict shape: {"title", "preamble", "sections": [node]} with node = {"id",
"number", "title", "guidance", "prompts", "footnotes", "indicators", "children"}; the catalogue
keys (years, indicators, rules) and the importer's leftovers (footnotes without a marker,
warnings) appear only when the outline has them. import -> YAML -> load -> YAML is identical.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from baocao.errors import InputError
from baocao.indicators.catalogue import Indicator, Rule
from baocao.outline.catalogue import catalogue_of
from baocao.outline.model import Footnote, Outline, Section
from baocao.text import nfc


def section_to_dict(section: Section) -> dict[str, Any]:
    return {
        "id": section.id,
        "number": section.number,
        "title": section.title,
        "guidance": list(section.guidance),
        "prompts": list(section.prompts),
        "footnotes": [{"text": f.text, "anchor": f.anchor} for f in section.footnotes],
        "indicators": list(section.indicators),
        "children": [section_to_dict(child) for child in section.children],
    }


def outline_to_dict(outline: Outline) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": outline.title,
        "preamble": list(outline.preamble),
    }
    if outline.years:
        data["years"] = dict(outline.years)
    if outline.indicators:
        data["indicators"] = [i.to_dict() for i in outline.indicators]
    if outline.rules:
        data["rules"] = [r.to_dict() for r in outline.rules]
    data["sections"] = [section_to_dict(s) for s in outline.sections]
    if outline.footnotes:
        data["footnotes"] = [{"text": f.text, "anchor": f.anchor} for f in outline.footnotes]
    if outline.warnings:
        data["warnings"] = list(outline.warnings)
    return data


def _strings(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"Đề cương không hợp lệ: mục {where} phải là một danh sách.")
    return [nfc(str(item)) for item in value]


def _footnotes(value: Any, where: str) -> list[Footnote]:
    notes = []
    for item in value or []:
        if not isinstance(item, dict) or "text" not in item:
            raise InputError(f"Đề cương không hợp lệ: chú thích ở {where} phải có 'text'.")
        notes.append(Footnote(text=nfc(str(item["text"])), anchor=str(item.get("anchor", "title"))))
    return notes


def section_from_dict(data: Any, path: str = "sections") -> Section:
    if not isinstance(data, dict) or "id" not in data:
        raise InputError(f"Đề cương không hợp lệ: mỗi mục ở {path} phải có 'id' và 'title'.")
    where = str(data["id"])
    return Section(
        id=where,
        number=nfc(str(data.get("number") or "")),
        title=nfc(str(data.get("title") or "")),
        guidance=_strings(data.get("guidance"), where),
        prompts=_strings(data.get("prompts"), where),
        footnotes=_footnotes(data.get("footnotes"), where),
        indicators=[str(code) for code in data.get("indicators") or []],
        children=[section_from_dict(child, where) for child in data.get("children") or []],
    )


def outline_from_dict(data: Any) -> Outline:
    if not isinstance(data, dict) or "sections" not in data:
        raise InputError("Đề cương không hợp lệ: tệp phải có 'title' và 'sections'.")
    try:
        outline = Outline(
            title=nfc(str(data.get("title") or "")),
            preamble=_strings(data.get("preamble"), "preamble"),
            sections=[section_from_dict(s) for s in data.get("sections") or []],
            footnotes=_footnotes(data.get("footnotes"), "root"),
            warnings=_strings(data.get("warnings"), "warnings"),
            years={str(k): int(v) for k, v in (data.get("years") or {}).items()},
            indicators=[Indicator.from_dict(i) for i in data.get("indicators") or []],
            rules=[Rule.from_dict(r) for r in data.get("rules") or []],
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(
            "Đề cương không hợp lệ: thiếu trường bắt buộc hoặc sai kiểu dữ liệu.", detail=str(exc)
        ) from exc
    if outline.indicators or outline.rules:
        catalogue_of(outline)  # raises InputError naming every inconsistency
    return outline


# libyaml's C implementation when PyYAML was built with it (the wheels are): 10x faster.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_SafeDumper):
    """Block style, long lines kept whole, multi-line strings as literal blocks."""


def _str_representer(dumper: _SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(outline: Outline) -> str:
    return yaml.dump(
        outline_to_dict(outline),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=10_000,
        default_flow_style=False,
    )


def load_yaml(text: str) -> Outline:
    try:
        data = yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        raise InputError(
            "Tệp YAML của đề cương bị lỗi cú pháp. Hãy kiểm tra thụt lề và dấu hai chấm "
            "ở dòng được chỉ ra.",
            detail=str(exc),
        ) from exc
    return outline_from_dict(data)


def dump_json(outline: Outline) -> str:
    return json.dumps(outline_to_dict(outline), ensure_ascii=False, indent=2) + "\n"
