"""The import preview: an outline as read from a file, each indicator beside what the importer
understood and guessed about it, and the person's corrections applied before it is stored.

The importers say what they guessed in the outline's warnings (`appendix.row_warning`: one
line per indicator and note); the preview puts each note back beside its indicator and keeps
the rest (tables not read, group headings, years) for the whole file. Nothing read is dropped
unless the person drops it; after their review the per-indicator notes are settled and go.

Framework-free: the web's preview form hands in one `Fix` per indicator.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from baocao.errors import InputError, gettext_noop
from baocao.indicators.catalogue import Indicator
from baocao.outline.appendix import ROW_WARNING
from baocao.outline.editing import checked, put_indicator, set_years, users_of
from baocao.outline.model import Outline
from baocao.text import fold

NO_INDICATORS = (
    "Tệp không có bảng chỉ tiêu nào được nhận ra, nên đề cương chưa có chỉ tiêu. Nếu đề cương "
    "cần số liệu, hãy chọn lại tệp kèm bảng Excel chỉ tiêu, hoặc lưu rồi thêm chỉ tiêu ở trang "
    "sửa đề cương."
)


@dataclass
class Row:
    """One indicator as read: where it is attached and what to check about it."""

    indicator: Indicator
    sections: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def section_id(self) -> str:
        return self.sections[0] if self.sections else ""


@dataclass
class Preview:
    rows: list[Row]
    warnings: list[str]  # about the whole file, not one indicator


@dataclass(frozen=True)
class Fix:
    """The person's version of one indicator row (all of it, corrected or not)."""

    name: str
    unit: str
    type: str
    rollup: str
    numerator: str = ""
    denominator: str = ""
    section_id: str = ""
    drop: bool = False

    @classmethod
    def as_read(cls, row: Row) -> Fix:
        """The row left as the importer read it."""
        i = row.indicator
        return cls(
            i.name, i.unit, i.type, i.rollup, i.numerator or "", i.denominator or "", row.section_id
        )


def _row_notes(outline: Outline) -> tuple[list[str], dict[str, list[str]]]:
    """The warnings about the whole file, and the notes by indicator code."""
    codes = {indicator.code for indicator in outline.indicators}
    general: list[str] = []
    by_code: dict[str, list[str]] = {}
    for warning in outline.warnings:
        found = ROW_WARNING.match(warning)
        if found and found["code"] in codes:
            by_code.setdefault(found["code"], []).append(found["note"])
        else:
            general.append(warning)
    return general, by_code


def preview_of(outline: Outline) -> Preview:
    general, by_code = _row_notes(outline)
    attached: dict[str, list[str]] = {}
    for section, _ in outline.walk():
        for code in section.indicators:
            attached.setdefault(code, []).append(section.id)
    rows, seen = [], {}
    for indicator in outline.indicators:
        notes = list(by_code.get(indicator.code, []))
        row = Row(indicator, attached.get(indicator.code, []), notes)
        first = seen.setdefault(fold(indicator.name).lower(), indicator.code)
        if first != indicator.code:
            row.notes.append(
                f"Trùng tên với chỉ tiêu {first} ở trên (có thể cùng một chỉ tiêu ghi ở hai "
                "bảng). Nếu là một, hãy đánh dấu Bỏ dòng này."
            )
        if not row.sections and not any("chọn mục" in note for note in row.notes):
            row.notes.append(
                "Chưa gắn vào mục nào: sẽ báo cáo trong bảng “Chỉ tiêu chung”. Hãy chọn mục hỏi chỉ tiêu này, nếu có."
            )
        if len(row.sections) > 1:
            row.notes.append(
                f"Gắn vào {len(row.sections)} mục ({', '.join(row.sections)}); giữ nguyên nếu "
                "không chọn mục khác."
            )
        rows.append(row)
    if not outline.indicators:
        general.append(NO_INDICATORS)
    return Preview(rows=rows, warnings=general)


def apply_fixes(
    outline: Outline,
    fixes: list[Fix] | None,
    *,
    title: str,
    years: tuple[int | None, int | None],
) -> Outline:
    """The outline as the person confirmed it (`fixes` None: every indicator as read),
    checked whole (InputError listing what is wrong); the outline given is left as it was."""
    outline = checked(outline)
    rows = preview_of(outline).rows
    if fixes is None:
        fixes = [Fix.as_read(row) for row in rows]
    if len(fixes) != len(outline.indicators):
        raise InputError(
            gettext_noop(
                "Bảng chỉ tiêu gửi lên không khớp với bản xem trước. Hãy chọn tệp và xem trước lại."
            )
        )
    dropped = {row.indicator.code for row, fix in zip(rows, fixes, strict=True) if fix.drop}
    for row, fix in zip(rows, fixes, strict=True):
        if fix.drop:
            continue
        ratio = fix.rollup == "ratio"
        indicator = replace(
            row.indicator,
            name=fix.name.strip(),
            unit=fix.unit.strip(),
            type=fix.type,
            rollup=fix.rollup,
            numerator=(fix.numerator or None) if ratio else None,
            denominator=(fix.denominator or None) if ratio else None,
        )
        keep = fix.section_id == row.section_id
        sections = row.sections if keep else [fix.section_id] if fix.section_id else []
        put_indicator(outline, indicator, sections)
    outline.indicators = [item for item in outline.indicators if item.code not in dropped]
    problems = [
        f"{name}: đang được dùng ở {', '.join(users)}"
        for name, users in (
            (row.indicator.name, users_of(outline, row.indicator.code))
            for row in rows
            if row.indicator.code in dropped
        )
        if users
    ]
    if problems:
        raise InputError(
            "Không bỏ được chỉ tiêu mà chỉ tiêu khác hay quy tắc còn dùng ("
            + "; ".join(problems)
            + "). Hãy bỏ cả các chỉ tiêu đó, hoặc giữ lại chỉ tiêu này."
        )
    for section, _ in outline.walk():
        section.indicators = [code for code in section.indicators if code not in dropped]
    settled = {row.indicator.code for row in rows}
    outline.warnings = [
        warning
        for warning in outline.warnings
        if not ((found := ROW_WARNING.match(warning)) and found["code"] in settled)
    ]
    if title.strip():
        outline.title = title.strip()
    set_years(outline, *years)
    return checked(outline)
