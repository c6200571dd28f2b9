"""Changes a person makes to an outline in the editor, one function per change.

Each function changes the outline it is given and raises InputError (Vietnamese, saying what to
do) for a change that cannot be made; `checked` then proves the whole outline still loads (ids
unique, catalogue consistent, rules valid) before anything is stored. Section ids never change
once made, whatever is renamed or moved: reports and campaigns refer to sections by id.

Framework-free: the web editor, the import preview and the tests call the same functions.
"""

from __future__ import annotations

import re
from dataclasses import replace

from baocao.errors import InputError, gettext_noop
from baocao.indicators.catalogue import Indicator, Rule
from baocao.indicators.rules import compile_rule
from baocao.outline.appendix import code_for
from baocao.outline.model import MAX_SECTIONS, Footnote, Outline, Section, too_many_sections
from baocao.outline.serialize import dump_yaml, load_yaml

# The words the editor and the indicators workbook use for an indicator's type and roll-up.
TYPE_LABELS = {
    "count": "Số lượng",
    "money": "Tiền",
    "percent": "Tỷ lệ (%)",
    "text": "Chữ",
}
ROLLUP_LABELS = {
    "sum": "Cộng dồn lên cấp trên",
    "ratio": "Tỷ lệ = tử số / mẫu số (tính tự động)",
    "none": "Không cộng dồn (nhập ở từng cấp)",
}
MOVES = ("up", "down", "in", "out")
MAX_ID = 200  # a report's section text keys on it (SectionText.section_id)


def checked(outline: Outline) -> Outline:
    """The outline as it would be stored and read back: InputError naming every problem."""
    return load_yaml(dump_yaml(outline))


# --- sections ------------------------------------------------------------------------------


def _siblings(outline: Outline, section_id: str) -> tuple[list[Section], Section | None]:
    """The list holding the section, and its parent (None at the root)."""

    def search(items: list[Section], parent: Section | None):
        for item in items:
            if item.id == section_id:
                return items, parent
            found = search(item.children, item)
            if found:
                return found
        return None

    found = search(outline.sections, None)
    if found is None:
        raise InputError(
            gettext_noop(
                "Không tìm thấy mục “{section}” trong đề cương (có thể vừa bị xoá). Hãy tải lại "
                "trang rồi làm lại."
            ),
            section=section_id,
        )
    return found


def new_section_id(outline: Outline, parent_id: str, number: str) -> str:
    """An id no section has: the parent's id and the number ("P1/II/5"), or "muc" without one."""
    token = re.sub(r"[\s/]+", "-", number.strip(" .:)-–(")) or "muc"
    base = (f"{parent_id}/{token}" if parent_id else token)[: MAX_ID - 4]
    taken = {section.id for section, _ in outline.walk()}
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def add_section(
    outline: Outline, *, number: str, title: str, parent_id: str = "", after_id: str = ""
) -> Section:
    """A new section: right after `after_id`, else last under `parent_id` (root when "")."""
    if not title.strip():
        raise InputError(
            gettext_noop("Hãy nhập tên mục (ví dụ: Kết quả thực hiện) rồi bấm Thêm mục.")
        )
    if sum(1 for _ in outline.walk()) >= MAX_SECTIONS:
        raise too_many_sections()
    if after_id:
        siblings, parent = _siblings(outline, after_id)
        position = next(i for i, s in enumerate(siblings) if s.id == after_id) + 1
    elif parent_id:
        _siblings(outline, parent_id)  # InputError when it is gone
        parent = outline.section(parent_id)
        siblings, position = parent.children, len(parent.children)
    else:
        siblings, parent, position = outline.sections, None, len(outline.sections)
    section = Section(
        id=new_section_id(outline, parent.id if parent else "", number),
        number=number.strip(),
        title=title.strip(),
    )
    siblings.insert(position, section)
    return section


def update_section(
    outline: Outline,
    section_id: str,
    *,
    number: str,
    title: str,
    guidance: list[str],
    prompts: list[str],
    footnotes: list[Footnote],
) -> None:
    """A section's heading, guidance, prompts and footnotes as the editor's form gives them."""
    _siblings(outline, section_id)
    if not title.strip() and not number.strip():
        raise InputError(gettext_noop("Mục phải có số thứ tự hoặc tên. Hãy nhập lại tên mục."))
    for index, note in enumerate(footnotes, start=1):
        kind, _, at = note.anchor.partition(":")
        if kind == "prompt" and (not at.isdigit() or int(at) >= len(prompts)):
            raise InputError(
                gettext_noop(
                    "Chú thích {index} gắn vào gợi ý không còn trong mục (mục còn {count} "
                    "gợi ý). Hãy chọn lại chỗ gắn chú thích."
                ),
                index=index,
                count=len(prompts),
            )
    section = outline.section(section_id)
    section.number, section.title = number.strip(), title.strip()
    section.guidance, section.prompts, section.footnotes = guidance, prompts, footnotes


def adopt_footnotes(outline: Outline, section_id: str, indexes: list[int]) -> None:
    """Move footnotes the importer could not place (kept on the root) to the section's title."""
    section = outline.section(section_id)
    chosen = [note for index, note in enumerate(outline.footnotes) if index in set(indexes)]
    outline.footnotes = [note for note in outline.footnotes if note not in chosen]
    section.footnotes.extend(Footnote(note.text, "title") for note in chosen)


def move_section(outline: Outline, section_id: str, how: str) -> None:
    """ "up"/"down" among its siblings, "in" under the section above it, "out" after its parent."""
    siblings, parent = _siblings(outline, section_id)
    index = next(i for i, s in enumerate(siblings) if s.id == section_id)
    section = siblings[index]
    if how == "up" or how == "down":
        other = index - 1 if how == "up" else index + 1
        if not 0 <= other < len(siblings):
            if how == "up":
                raise InputError(
                    gettext_noop("Mục “{label}” đã ở đầu nhóm của nó, không chuyển được."),
                    label=section.label,
                )
            raise InputError(
                gettext_noop("Mục “{label}” đã ở cuối nhóm của nó, không chuyển được."),
                label=section.label,
            )
        siblings[index], siblings[other] = siblings[other], siblings[index]
    elif how == "in":
        if index == 0:
            raise InputError(
                gettext_noop(
                    "Mục “{label}” không có mục nào ở trên cùng cấp để làm mục con. Hãy "
                    "chuyển nó xuống dưới một mục khác trước."
                ),
                label=section.label,
            )
        siblings.pop(index)
        siblings[index - 1].children.append(section)
    elif how == "out":
        if parent is None:
            raise InputError(
                gettext_noop("Mục “{label}” đã ở cấp cao nhất, không đưa ra ngoài được."),
                label=section.label,
            )
        outer, _ = _siblings(outline, parent.id)
        siblings.pop(index)
        outer.insert(next(i for i, s in enumerate(outer) if s.id == parent.id) + 1, section)
    else:
        raise InputError(
            gettext_noop("Không hiểu cách chuyển mục. Hãy dùng các nút lên, xuống, vào, ra.")
        )


def delete_section(outline: Outline, section_id: str) -> list[str]:
    """Remove the section and everything under it; the codes of its indicators, which stay in
    the catalogue attached nowhere (the editor says so)."""
    siblings, _ = _siblings(outline, section_id)
    if siblings is outline.sections and len(siblings) == 1:
        raise InputError(
            gettext_noop(
                "Đề cương phải còn ít nhất một mục. Hãy thêm mục khác trước khi xoá mục này."
            )
        )
    section = next(s for s in siblings if s.id == section_id)
    siblings.remove(section)
    gone = [code for item, _ in section.walk() for code in item.indicators]
    still = {code for item, _ in outline.walk() for code in item.indicators}
    return [code for code in dict.fromkeys(gone) if code not in still]


# --- indicators ------------------------------------------------------------------------------


def put_indicator(
    outline: Outline, indicator: Indicator, sections: list[str], *, new: bool = False
) -> Indicator:
    """Add (`new`; a code made from the name when it has none) or replace the indicator with
    the same code, attached to exactly `sections` (a section keeps its place in the table)."""
    codes = {item.code for item in outline.indicators}
    if new:
        if indicator.code and indicator.code in codes:
            raise InputError(
                gettext_noop(
                    "Mã chỉ tiêu “{code}” đã có trong danh mục. Hãy đặt mã khác, hoặc để "
                    "trống để hệ thống tự đặt."
                ),
                code=indicator.code,
            )
        if not indicator.code:
            indicator = replace(indicator, code=code_for(indicator.name, set(codes)))
        outline.indicators.append(indicator)
    else:
        if indicator.code not in codes:
            raise InputError(
                gettext_noop(
                    "Không tìm thấy chỉ tiêu “{code}” (có thể vừa bị xoá). Hãy tải lại "
                    "trang rồi làm lại."
                ),
                code=indicator.code,
            )
        outline.indicators = [
            indicator if item.code == indicator.code else item for item in outline.indicators
        ]
    wanted = set(sections)
    known = {section.id for section, _ in outline.walk()}
    unknown = sorted(wanted - known)
    if unknown:
        raise InputError(
            gettext_noop("Không có mục “{sections}” trong đề cương. Hãy chọn lại mục."),
            sections=", ".join(unknown),
        )
    for section, _ in outline.walk():
        attached = indicator.code in section.indicators
        if attached and section.id not in wanted:
            section.indicators.remove(indicator.code)
        elif not attached and section.id in wanted:
            section.indicators.append(indicator.code)
    return indicator


def users_of(outline: Outline, code: str) -> list[str]:
    """What else in the catalogue reads the indicator: ratios, parts, rules (in Vietnamese)."""
    found = []
    for item in outline.indicators:
        if code in (item.numerator, item.denominator):
            found.append(f"tỷ lệ “{item.name}”")
        if item.part_of == code:
            found.append(f"chỉ tiêu “{item.name}” (là một phần của nó)")
    for rule in outline.rules:
        try:
            used = compile_rule(rule, outline.indicators).codes
        except InputError:
            used = tuple(re.findall(r"[a-z][a-z0-9_]*", rule.expr))
        if code in used and not rule.expr.lstrip().startswith(("<", ">", "=")):
            found.append(f"quy tắc “{rule.expr}”")
    return found


def delete_indicator(outline: Outline, code: str) -> None:
    """Remove the indicator from the catalogue and its sections, unless something reads it."""
    indicator = next((item for item in outline.indicators if item.code == code), None)
    if indicator is None:
        raise InputError(
            gettext_noop("Không tìm thấy chỉ tiêu “{code}”. Hãy tải lại trang rồi làm lại."),
            code=code,
        )
    users = users_of(outline, code)
    if users:
        raise InputError(
            gettext_noop(
                "Chỉ tiêu “{name}” đang được dùng ở {users}. Hãy sửa hoặc xoá "
                "các chỗ đó trước rồi xoá chỉ tiêu này."
            ),
            name=indicator.name,
            users=", ".join(users),
        )
    outline.indicators = [item for item in outline.indicators if item.code != code]
    for section, _ in outline.walk():
        section.indicators = [item for item in section.indicators if item != code]


def set_years(outline: Outline, baseline: int | None, current: int | None) -> None:
    """The years the outline compares; none at all lets each campaign say them."""
    if (baseline is None) != (current is None):
        raise InputError(
            gettext_noop(
                "Hãy nhập cả năm gốc và năm hiện tại (ví dụ 2008 và 2017), hoặc để trống cả hai."
            )
        )
    if baseline is not None and current is not None and baseline >= current:
        raise InputError(
            gettext_noop(
                "Năm gốc ({baseline}) phải trước năm hiện tại ({current}). Hãy nhập lại hai năm."
            ),
            baseline=baseline,
            current=current,
        )
    outline.years = {} if baseline is None else {"baseline": baseline, "current": current}


# --- rules -----------------------------------------------------------------------------------


def rule_expression(left: str, op: str, right: str) -> str:
    """`members_women <= members`; left "" means every count and money figure (`>= 0`)."""
    if op not in ("<=", ">=", "<", ">", "=="):
        raise InputError(gettext_noop("Hãy chọn một phép so sánh: ≤, ≥, <, > hoặc =."))
    if not right.strip():
        raise InputError(gettext_noop("Hãy chọn chỉ tiêu hoặc nhập số ở vế phải của quy tắc."))
    return f"{op} {right.strip()}" if not left else f"{left} {op} {right.strip()}"


def add_rule(outline: Outline, rule: Rule) -> None:
    """Append a rule once it reads against the catalogue (InputError says what is wrong)."""
    compile_rule(rule, outline.indicators)
    if any(item.expr == rule.expr for item in outline.rules):
        raise InputError(
            gettext_noop("Quy tắc “{rule}” đã có. Không cần thêm lần nữa."), rule=rule.expr
        )
    outline.rules.append(rule)


def delete_rule(outline: Outline, index: int) -> Rule:
    if not 0 <= index < len(outline.rules):
        raise InputError(
            gettext_noop("Không tìm thấy quy tắc này (có thể vừa bị xoá). Hãy tải lại trang.")
        )
    return outline.rules.pop(index)
