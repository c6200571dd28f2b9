"""The outline editor: one page per stored outline for those who may import outlines.

Every change is one small form posted to the page (`thao_tac` says which), made by a function
of `baocao.outline.editing` on the stored outline, checked whole and stored as the next version
(`services.save_version`). Each form carries the version the page was made from: a change made
on a page older than the stored outline is refused, never written over someone else's save.
Campaigns snapshot the outline when they open, so nothing here moves a report being written;
the page says so when open campaigns use the outline.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baocao.apps.outlines.forms import (
    ROLLUP_CHOICES,
    TYPE_CHOICES,
    IndicatorForm,
    OutlineFileForm,
    RuleForm,
    SectionAddForm,
    SectionForm,
    TitleForm,
    YearsForm,
    indicator_initial,
)
from baocao.apps.outlines.models import OutlineDocument
from baocao.apps.outlines.services import StaleVersion, copy_outline, save_version
from baocao.apps.outlines.views import may_import_outlines
from baocao.errors import InputError
from baocao.outline import editing
from baocao.outline.files import YAML_SUFFIXES, read_outline, size_limit
from baocao.outline.indicator_sheet import apply_sheet, indicators_xlsx
from baocao.outline.model import Outline
from baocao.outline.serialize import load_yaml
from baocao.web.bodylimit import accepts_file
from baocao.web.downloads import download
from baocao.web.said import shown


class Refused(Exception):
    """A form the person must correct: shown again, bound, with its errors."""

    def __init__(self, key: str, form):
        super().__init__(key)
        self.key, self.form = key, form


def _editable(request, slug: str) -> OutlineDocument:
    if not may_import_outlines(request.user):
        raise PermissionDenied
    return get_object_or_404(OutlineDocument, slug=slug)


def _valid(key: str, form):
    if not form.is_valid():
        raise Refused(key, form)
    return form


# --- one function per change: (request data, outline) -> what changed, for the history --------


def _title(data, outline: Outline) -> str:
    form = _valid("title", TitleForm(data))
    outline.title = form.cleaned_data["title"].strip()
    outline.preamble = form.cleaned_data["preamble"]
    return _("Sửa tên đề cương")


def _section_add(data, outline: Outline) -> str:
    form = _valid("section_add", SectionAddForm(data, outline=outline))
    section = editing.add_section(
        outline,
        number=form.cleaned_data["number"],
        title=form.cleaned_data["title"],
        parent_id=form.cleaned_data["parent"],
    )
    return _("Thêm mục “%s”") % section.label


def _section_save(data, outline: Outline) -> str:
    section = _section(data, outline)
    form = _valid("section", SectionForm(data, section=section, unplaced=outline.footnotes))
    clean = form.cleaned_data
    editing.update_section(
        outline,
        section.id,
        number=clean["number"],
        title=clean["title"],
        guidance=clean["guidance"],
        prompts=clean["prompts"],
        footnotes=form.footnotes(),
    )
    editing.adopt_footnotes(outline, section.id, [int(i) for i in clean["adopt"]])
    return _("Sửa mục “%s”") % outline.section(section.id).label


def _section_move(data, outline: Outline) -> str:
    section = _section(data, outline)
    editing.move_section(outline, section.id, data.get("huong", ""))
    return _("Chuyển mục “%s”") % section.label


def _section_delete(data, outline: Outline) -> str:
    section = _section(data, outline)
    detached = editing.delete_section(outline, section.id)
    note = _("Xoá mục “%s”") % section.label
    if detached:
        note += _(" (các chỉ tiêu %s còn trong danh mục, chưa gắn vào mục nào)") % ", ".join(
            detached
        )
    return note


def _indicator_save(data, outline: Outline) -> str:
    code = data.get("ma", "")
    base = next((i for i in outline.indicators if i.code == code), None) if code else None
    if code and base is None:
        raise InputError(_("Không tìm thấy chỉ tiêu “%s”. Hãy tải lại trang rồi làm lại.") % code)
    form = _valid("indicator", IndicatorForm(data, outline=outline, editing=base))
    saved = editing.put_indicator(
        outline, form.indicator(base), form.cleaned_data["sections"], new=base is None
    )
    return (_("Thêm chỉ tiêu “%s”") if base is None else _("Sửa chỉ tiêu “%s”")) % saved.name


def _indicator_delete(data, outline: Outline) -> str:
    code = data.get("ma", "")
    name = next((i.name for i in outline.indicators if i.code == code), code)
    editing.delete_indicator(outline, code)
    return _("Xoá chỉ tiêu “%s”") % name


def _rule_add(data, outline: Outline) -> str:
    form = _valid("rule", RuleForm(data, outline=outline))
    rule = form.rule()
    editing.add_rule(outline, rule)
    return _("Thêm quy tắc “%s”") % rule.expr


def _rule_delete(data, outline: Outline) -> str:
    index = data.get("quy_tac", "")
    rule = editing.delete_rule(outline, int(index) if index.isdigit() else -1)
    return _("Xoá quy tắc “%s”") % rule.expr


def _years(data, outline: Outline) -> str:
    form = _valid("years", YearsForm(data))
    editing.set_years(outline, form.cleaned_data["baseline"], form.cleaned_data["current"])
    return _("Sửa năm so sánh")


def _section(data, outline: Outline):
    try:
        return outline.section(data.get("muc", ""))
    except KeyError:
        raise InputError(
            _("Không tìm thấy mục này (có thể vừa bị xoá). Hãy tải lại trang rồi làm lại.")
        ) from None


CHANGES: dict[str, Callable] = {
    "title": _title,
    "section_add": _section_add,
    "section_save": _section_save,
    "section_move": _section_move,
    "section_delete": _section_delete,
    "indicator_save": _indicator_save,
    "indicator_delete": _indicator_delete,
    "rule_add": _rule_add,
    "rule_delete": _rule_delete,
    "years": _years,
}


# --- the page --------------------------------------------------------------------------------


def outline_edit(request, slug):
    doc = _editable(request, slug)
    if request.method != "POST":
        return _page(request, doc)
    change = request.POST.get("thao_tac", "")
    if change == "copy":
        copy = copy_outline(doc, request.user)
        messages.success(
            request, _("Đã tạo bản sao “%s”; các thay đổi sẽ lưu vào bản sao này.") % copy.title
        )
        return redirect("outlines:edit", copy.slug)
    if change == "restore":
        return _restore(request, doc)
    if change not in CHANGES:
        return _page(
            request, doc, error=_("Không hiểu thao tác này. Hãy tải lại trang."), status=400
        )
    try:
        outline = doc.outline()
        note = CHANGES[change](request.POST, outline)
        return _saved(request, doc, outline, note)
    except Refused as refused:
        error = _("Chưa lưu: hãy sửa những ô được đánh dấu.")
        return _page(request, doc, error=error, bound={refused.key: refused.form}, status=400)
    except InputError as exc:
        status = 409 if isinstance(exc, StaleVersion) else 400
        return _page(request, doc, error=shown(exc), status=status)


def _base_version(request) -> int:
    value = request.POST.get("phien_ban", "")
    return int(value) if value.isdigit() else 0


def _saved(request, doc: OutlineDocument, outline: Outline, note: str) -> HttpResponse:
    doc, changed = save_version(
        doc, outline, request.user, note=note, base_version=_base_version(request)
    )
    if changed:
        messages.success(
            request, _("Đã lưu phiên bản %(n)d: %(note)s.") % {"n": doc.version, "note": note}
        )
    else:
        messages.info(request, _("Không có gì thay đổi."))
    query = {}
    if request.POST.get("thao_tac") not in ("section_delete", "indicator_delete"):
        query = {
            name: request.POST[key]
            for key, name in (("muc", "muc"), ("ma", "chi_tieu"))
            if request.POST.get(key)
        }
    back = reverse("outlines:edit", args=[doc.slug])
    if query:
        back += "?" + urlencode(query)
    return redirect(back)


def _restore(request, doc: OutlineDocument) -> HttpResponse:
    number = request.POST.get("phien_ban_cu", "")
    version = doc.versions.filter(number=int(number) if number.isdigit() else 0).first()
    if version is None:
        return _page(request, doc, error=_("Không tìm thấy phiên bản này."), status=400)
    try:
        return _saved(
            request, doc, load_yaml(version.yaml_text), _("Khôi phục phiên bản %d") % version.number
        )
    except InputError as exc:
        status = 409 if isinstance(exc, StaleVersion) else 400
        return _page(request, doc, error=shown(exc), status=status)


def _page(request, doc: OutlineDocument, *, error=None, bound=None, status=200) -> HttpResponse:
    """The editor: the forms filled from the stored outline, or `bound` ones shown again."""
    bound = bound or {}
    try:
        outline = doc.outline()
    except InputError as exc:
        outline, error = None, error or shown(exc)
    context = {
        "doc": doc,
        "outline": outline,
        "error": error,
        "open_campaigns": [c for c in doc.campaigns.all() if c.is_open],
        "versions": doc.versions.select_related("saved_by")[:100],
        "file_form": OutlineFileForm(),
    }
    if outline is not None:
        context.update(_forms(request, outline, bound))
    return render(request, "outlines/edit.html", context, status=status)


def _forms(request, outline: Outline, bound: dict) -> dict:
    chosen_id = request.POST.get("muc") or request.GET.get("muc", "")
    chosen = next((s for s, _ in outline.walk() if s.id == chosen_id), None)
    code = request.POST.get("ma") or request.GET.get("chi_tieu", "")
    indicator = next((i for i in outline.indicators if i.code == code), None)
    section_form = bound.get("section")
    if section_form is None and chosen is not None:
        section_form = SectionForm(
            section=chosen,
            unplaced=outline.footnotes,
            initial={
                "number": chosen.number,
                "title": chosen.title,
                "guidance": chosen.guidance,
                "prompts": chosen.prompts,
            },
        )
    indicator_form = bound.get("indicator") or IndicatorForm(
        outline=outline,
        editing=indicator,
        initial=indicator_initial(indicator, outline) if indicator else {"type": "count"},
    )
    by_code: dict[str, list[str]] = {}
    for section, _depth in outline.walk():
        for attached in section.indicators:
            by_code.setdefault(attached, []).append(section.label)
    return {
        "sections": list(outline.walk()),
        "chosen": chosen,
        "section_form": section_form,
        "add_form": bound.get("section_add")
        or SectionAddForm(outline=outline, initial={"parent": chosen.id if chosen else ""}),
        "title_form": bound.get("title")
        or TitleForm(initial={"title": outline.title, "preamble": outline.preamble}),
        "indicator": indicator,
        "indicator_form": indicator_form,
        "indicators": [(i, by_code.get(i.code, [])) for i in outline.indicators],
        "rule_form": bound.get("rule") or RuleForm(outline=outline, initial={"number": None}),
        "rules": list(enumerate(outline.rules)),
        "years_form": bound.get("years")
        or YearsForm(
            initial={
                "baseline": outline.years.get("baseline"),
                "current": outline.years.get("current"),
            }
        ),
        "type_labels": dict(TYPE_CHOICES),
        "rollup_labels": dict(ROLLUP_CHOICES),
    }


# --- files ------------------------------------------------------------------------------------


@accepts_file(
    size_limit("x.docx"),
    gettext_lazy("Tệp quá lớn: tệp đề cương tối đa %(mb)d MB. Hãy kiểm tra lại tệp đã chọn."),
)
def outline_upload(request, slug):
    """A YAML file replacing the whole outline, or a workbook replacing its indicators: stored
    as the next version, like any change of the editor."""
    doc = _editable(request, slug)
    form = OutlineFileForm(request.POST, request.FILES)
    if not form.is_valid():
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _page(request, doc, error=error, status=400)
    upload = form.cleaned_data["file"]
    suffix = Path(upload.name).suffix.lower()
    try:
        data = upload.read()  # within the body limit; each reader checks its own size
        if suffix in YAML_SUFFIXES:
            outline, note = read_outline(data, upload.name), _("Nhập tệp YAML %s") % upload.name
        elif suffix == ".xlsx":
            outline, said = apply_sheet(doc.outline(), data, upload.name)
            note = _("Nhập chỉ tiêu từ tệp Excel %s") % upload.name
            for line in said:
                messages.info(request, line)
        else:
            raise InputError(
                _(
                    "Ở đây chỉ nhận tệp YAML (.yaml) của đề cương hoặc tệp Excel (.xlsx) chỉ "
                    "tiêu. Để nhập đề cương từ tệp Word hay văn bản, hãy dùng trang Nhập đề cương."
                )
            )
        return _saved(request, doc, outline, note)
    except InputError as exc:
        status = 409 if isinstance(exc, StaleVersion) else 400
        return _page(request, doc, error=shown(exc), status=status)


def outline_export_yaml(request, slug):
    """The outline as YAML (`?phien_ban=N`: a saved version), to edit and import back."""
    doc = get_object_or_404(OutlineDocument, slug=slug)
    number = request.GET.get("phien_ban", "")
    if not number:
        return download(doc.yaml_text.encode("utf-8"), f"{doc.slug}.yaml")
    version = doc.versions.filter(number=int(number) if number.isdigit() else 0).first()
    if version is None:
        raise Http404
    return download(version.yaml_text.encode("utf-8"), f"{doc.slug}-phien-ban-{number}.yaml")


def outline_export_xlsx(request, slug):
    """The indicator catalogue as a workbook, to edit in Excel and import back."""
    doc = get_object_or_404(OutlineDocument, slug=slug)
    try:
        outline = doc.outline()
    except InputError as exc:
        return render(
            request,
            "outlines/detail.html",
            {"doc": doc, "view": None, "error": shown(exc)},
            status=400,
        )
    return download(indicators_xlsx(outline), f"{doc.slug}-chi-tieu.xlsx")
