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

from baocao.errors import InputError, gettext_noop
from baocao.indicators.catalogue import Indicator, Rule
from baocao.indicators.numbers import format_number
from baocao.outline.catalogue import catalogue_of
from baocao.outline.model import MAX_SECTIONS, Footnote, Outline, Section, too_many_sections
from baocao.text import clean_strings


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


def outline_contract(outline: Outline) -> dict[str, Any]:
    """The outline for other programs (`baocao outline show --format json`): as `outline_to_dict`,
    but each section lists its indicators whole ({code, name, unit, ...}) where they are asked
    for, and the top-level `indicators` holds only those attached to no section."""
    by_code = {indicator.code: indicator for indicator in outline.indicators}

    def section(item: Section) -> dict[str, Any]:
        data = section_to_dict(item)
        data["indicators"] = [by_code[c].to_dict() for c in item.indicators if c in by_code]
        data["children"] = [section(child) for child in item.children]
        return data

    data = outline_to_dict(outline)
    data["indicators"] = [i.to_dict() for i in outline.common_indicators()]
    data["sections"] = [section(item) for item in outline.sections]
    return data


def _strings(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(
            gettext_noop("Đề cương không hợp lệ: mục {where} phải là một danh sách."), where=where
        )
    return [str(item) for item in value]


def _footnotes(value: Any, where: str) -> list[Footnote]:
    notes = []
    for item in value or []:
        if not isinstance(item, dict) or "text" not in item:
            raise InputError(
                gettext_noop("Đề cương không hợp lệ: chú thích ở {where} phải có 'text'."),
                where=where,
            )
        notes.append(Footnote(text=str(item["text"]), anchor=str(item.get("anchor", "title"))))
    return notes


def section_from_dict(data: Any, path: str = "sections") -> Section:
    if not isinstance(data, dict) or "id" not in data:
        raise InputError(
            gettext_noop("Đề cương không hợp lệ: mỗi mục ở {where} phải có 'id' và 'title'."),
            where=path,
        )
    where = str(data["id"])
    return Section(
        id=where,
        number=str(data.get("number") or ""),
        title=str(data.get("title") or ""),
        guidance=_strings(data.get("guidance"), where),
        prompts=_strings(data.get("prompts"), where),
        footnotes=_footnotes(data.get("footnotes"), where),
        indicators=[str(code) for code in data.get("indicators") or []],
        children=[section_from_dict(child, where) for child in data.get("children") or []],
    )


def outline_from_dict(data: Any) -> Outline:
    if not isinstance(data, dict) or "sections" not in data:
        raise InputError(gettext_noop("Đề cương không hợp lệ: tệp phải có 'title' và 'sections'."))
    try:
        outline = Outline(
            title=str(data.get("title") or ""),
            preamble=_strings(data.get("preamble"), "preamble"),
            sections=[section_from_dict(s) for s in data.get("sections") or []],
            footnotes=_footnotes(data.get("footnotes"), "root"),
            warnings=_strings(data.get("warnings"), "warnings"),
            years={str(k): int(v) for k, v in (data.get("years") or {}).items()},
            indicators=[Indicator.from_dict(i) for i in data.get("indicators") or []],
            rules=[Rule.from_dict(r) for r in data.get("rules") or []],
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(
            gettext_noop("Đề cương không hợp lệ: thiếu trường bắt buộc hoặc sai kiểu dữ liệu."),
            detail=str(exc),
        ) from exc
    if sum(1 for _ in outline.walk()) > MAX_SECTIONS:
        raise too_many_sections()
    outline = clean_strings(outline)  # every text of the file, as typed text is: clean_text
    if outline.indicators or outline.rules:
        catalogue_of(outline)  # raises InputError naming every inconsistency
    return outline


# libyaml's C implementation when PyYAML was built with it (the wheels are): 10x faster.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_SafeDumper):
    """Block style, long lines kept whole, multi-line strings as literal blocks; never an
    anchor or alias (what `load_yaml` refuses), even for a value met twice."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


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


# An outline is a tree a few levels deep of a few thousand values (the built-in one: 1,241
# values, 11 levels); a file far past that is no outline. Anchors and aliases (& and *) let 452
# bytes stand for millions of sections ("billion laughs") or for a section inside itself.
MAX_YAML_VALUES = 100_000
MAX_YAML_DEPTH = 40


def _check_shape(text: str) -> None:
    """Refuse aliases, anchors and shapes no outline has, reading the parser's events (which
    builds nothing, never recurses and stops at the first problem) before the file is loaded."""
    depth = values = 0
    for event in yaml.parse(text, Loader=_SafeLoader):
        if not isinstance(event, yaml.NodeEvent):
            if isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            continue
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
            raise InputError(
                gettext_noop(
                    "Tệp YAML của đề cương dùng neo và bí danh (dấu & và *) ở dòng {line}; hệ "
                    "thống không nhận vì chúng có thể làm tệp phình to bất thường. Hãy viết đầy "
                    "đủ từng mục, không dùng & và *, rồi nhập lại."
                ),
                line=line,
            )
        values += 1
        if values > MAX_YAML_VALUES:
            raise InputError(
                gettext_noop(
                    "Tệp YAML của đề cương quá lớn (hơn {limit} giá trị), "
                    "không phải một đề cương. Hãy kiểm tra lại tệp đã chọn."
                ),
                limit=format_number(MAX_YAML_VALUES),
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise InputError(
                    gettext_noop(
                        "Tệp YAML của đề cương lồng nhau quá sâu (hơn {limit} cấp) ở dòng "
                        "{line}. Hãy kiểm tra thụt lề và các dấu ngoặc [ {{ ở dòng này rồi nhập "
                        "lại."
                    ),
                    limit=MAX_YAML_DEPTH,
                    line=line,
                )


def load_yaml(text: str) -> Outline:
    try:
        _check_shape(text)
        data = yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        raise InputError(
            gettext_noop(
                "Tệp YAML của đề cương bị lỗi cú pháp. Hãy kiểm tra thụt lề và dấu hai chấm "
                "ở dòng được chỉ ra."
            ),
            detail=str(exc),
        ) from exc
    return outline_from_dict(data)


def dump_json(outline: Outline) -> str:
    return json.dumps(outline_to_dict(outline), ensure_ascii=False, indent=2) + "\n"
