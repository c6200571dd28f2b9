"""Word and Excel round trip for one report: templates out, filled files in.

- Templates: the unit's report as a DOCX to fill (header block filled, headings numbered as in
  the outline, guidance in grey italics, indicator tables) and the indicators as an XLSX; both
  carry the unit's code, so a file sent back says whose it is. Anyone who sees the report may
  download them.
- Upload: a writer of the unit sends a file (Word, Excel; .doc/.odt/.xls/.ods through
  LibreOffice where installed). It is read by the core (`baocao.ingest.ingest_file`) and kept,
  pending, with what was found; nothing is written into the report yet. A bad file is refused
  with the core's Vietnamese message (400), a file over 20 MB before its body is read (413),
  and nothing is stored for either. A file larger than BAOCAO_BACKGROUND_INGEST_BYTES is read
  by a background job (`baocao.apps.jobs`) whose page leads to the preview once it is read.
- Preview: per section, the text found, how sure the match is and with which heading, beside
  the section's current text; the figures beside the current ones; the content that could not
  be placed, each with a choice of section (or "leave it out", said explicitly). The writer
  ticks what to import and confirms.
- Confirm: each chosen section becomes a new version (`actions.save_section`, note "Nhập từ
  tệp ...") if nobody saved it since the preview was shown; a section saved meanwhile is not
  overwritten, and the preview comes back naming it, with both texts. Figures likewise go
  through `actions.save_indicator`, and one changed meanwhile is left alone. The file stays
  as the report's attachment, downloadable by those who see the report.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from baocao import filetypes, libreoffice, officefile
from baocao.apps.campaigns import actions
from baocao.apps.campaigns.actions.uploads import SKIP, UploadChoices, UploadDecided
from baocao.apps.campaigns.consolidation import header_of
from baocao.apps.campaigns.models import (
    Report,
    SectionText,
    Upload,
    UploadStatus,
)
from baocao.apps.campaigns.permissions import can_download_upload, can_edit_report, can_write_now
from baocao.apps.campaigns.queries import report_figures
from baocao.apps.campaigns.views.common import (
    forbidden,
    report_part_url,
    report_url,
    report_view,
    section_labels,
)
from baocao.apps.jobs import actions as jobs
from baocao.apps.jobs.models import JobKind, JobState
from baocao.apps.jobs.views import job_url
from baocao.apps.jobs.work import ingest_in_background
from baocao.apps.orgs.people import display_name
from baocao.docx_out.template import report_template_docx
from baocao.errors import InputError
from baocao.indicators.numbers import format_number
from baocao.ingest import ingest_file
from baocao.ingest.files import (
    MAX_PROPOSALS,
    UPLOAD_ACCEPT,
    kind_of,
    looks_like_office,
    result_json,
)
from baocao.ingest.result import decimal_of
from baocao.richtext import clean_section_text, plain_text
from baocao.templatemark import TemplateMark
from baocao.text import clean_line
from baocao.web.bodylimit import accepts_file
from baocao.web.downloads import download
from baocao.web.said import shown
from baocao.xlsx_out import indicators_template_xlsx

logger = logging.getLogger(__name__)

MAX_BYTES = officefile.MAX_BYTES
MB = 1024 * 1024
TOO_BIG = gettext_lazy(
    "Tệp quá lớn: tệp nộp tối đa %(mb)d MB. Hãy xoá bớt hình ảnh trong tệp (hoặc chỉ giữ "
    "phần báo cáo) rồi nộp lại."
)

# The unplaced paragraphs are shown this many to a page, each with its choice of section; those
# on other pages are placed together by one choice (a huge file must not make a huge page).
LOOSE_PAGE = 50
# The numbers of unplaced paragraphs a message lists before it says "..." instead.
LISTED_NUMBERS = 20

# How sure the match of a section's heading is: 1 when number and title agree.
HIGH, MEDIUM = 0.85, 0.6
CONFIDENCE_LABELS = {
    "high": gettext_lazy("Cao"),
    "medium": gettext_lazy("Trung bình"),
    "low": gettext_lazy("Thấp"),
}


# --- Small helpers ---------------------------------------------------------------------------


def _clean_filename(name: str) -> str:
    """The name the browser sent, as a name only: no folders, no control or bidi characters
    (U+202E makes "hoso\u202excod.docx" read as "hosodocx.exe")."""
    name = clean_line(PurePath(name.replace("\\", "/")).name) or "tep"
    if len(name) > 200:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: 190 - len(suffix)] + dot + suffix) if dot and len(suffix) <= 8 else name
        name = name[:200]
    return name


def _size(size: int) -> str:
    if size >= MB:
        return f"{format_number(Decimal(size) / MB, 1)} MB"
    return f"{format_number(max(1, round(size / 1024)))} KB"


def _not_editable_message(report: Report) -> str:
    if not report.campaign.is_open:
        return actions.CLOSED
    return _(
        "Báo cáo đang ở trạng thái “%(status)s”, không nhận tệp. Nếu cần sửa, hãy đề nghị cấp "
        "trên trả lại báo cáo."
    ) % {"status": report.get_status_display()}


def _upload_of(report: Report, upload_id: int) -> Upload:
    upload = (
        Upload.objects.defer("data")
        .select_related("uploaded_by", "decided_by")
        .filter(pk=upload_id, report=report)
        .first()
    )
    if upload is None:
        raise Http404(_("Không có tệp này trong báo cáo."))
    return upload


# --- Templates out ---------------------------------------------------------------------------


@require_GET
@report_view
def report_template(request, report: Report) -> HttpResponse:
    """The unit's report as a Word template to fill and send back."""
    campaign, unit = report.campaign, report.unit
    header, signature = header_of(report.unit, number_blank="…")
    data = report_template_docx(
        campaign.outline_tree,
        header,
        unit_code=unit.code,
        unit_name=unit.name,
        campaign=campaign.slug,
        signature=signature,
    )
    return download(data, f"Mẫu báo cáo - {unit.name}.docx")


@require_GET
@report_view
def indicators_template(request, report: Report) -> HttpResponse:
    """The unit's indicators as an Excel sheet to fill and send back."""
    campaign, unit = report.campaign, report.unit
    data = indicators_template_xlsx(
        campaign.outline_tree, unit_code=unit.code, unit_name=unit.name, campaign=campaign.slug
    )
    return download(data, f"Mẫu số liệu - {unit.name}.xlsx")


# --- Upload ----------------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp báo cáo (Word) hoặc số liệu (Excel)"),
        error_messages={
            "required": gettext_lazy("Hãy chọn tệp cần nộp (.docx hoặc .xlsx)."),
            "empty": gettext_lazy(
                "Tệp đã chọn rỗng (0 byte), không có nội dung. Hãy kiểm tra lại tệp rồi nộp lại."
            ),
            "invalid": gettext_lazy("Không nhận được tệp. Hãy chọn lại tệp rồi nộp lại."),
            "missing": gettext_lazy("Không nhận được tệp. Hãy chọn lại tệp rồi nộp lại."),
        },
        widget=forms.FileInput(attrs={"accept": UPLOAD_ACCEPT}),
    )


def _foreign(data: bytes, filename: str) -> str:
    """A message for a file that is plainly no Word or Excel file at all (a PDF, a photo, a
    .txt): named by its suffix and not an Office package inside. Anything else goes to the
    core, which reads files by content (an .xlsx named .docx is still read)."""
    if looks_like_office(data, filename):
        return ""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".pdf":
        return _(
            "Tệp %(name)s là tệp PDF; nội dung PDF không nhập được vào các mục. Hãy nộp bản "
            "Word (.docx) của báo cáo, hoặc bản Excel (.xlsx) của số liệu."
        ) % {"name": filename}
    return _(
        "Tệp %(name)s (%(suffix)s) không phải tệp Word hay Excel. Hãy nộp báo cáo dạng Word "
        "(.docx) hoặc số liệu dạng Excel (.xlsx)."
    ) % {"name": filename, "suffix": suffix}


def _upload_page(request, report: Report, form: UploadForm, error: str = "", status: int = 200):
    converting = libreoffice.available()
    pending = (
        Upload.objects.filter(report=report, status=UploadStatus.PENDING)
        .defer("data", "result")
        .order_by("-uploaded_at", "-pk")
        .first()
    )
    return render(
        request,
        "campaigns/ingest/upload.html",
        {
            "report": report,
            "campaign": report.campaign,
            "unit": report.unit,
            "form": form,
            "error": error,
            "may_upload": can_write_now(request.user, report),
            "not_editable": "" if report.is_editable else _not_editable_message(report),
            "converting": converting,
            "max_mb": MAX_BYTES // MB,
            "pending": pending,
        },
        status=status,
    )


# A request longer than a file of MAX_BYTES is refused (413) before anything of it is read.
@accepts_file(MAX_BYTES, TOO_BIG)
@require_http_methods(["GET", "POST"])
@report_view
def report_upload(request, report: Report) -> HttpResponse:
    if not can_edit_report(request.user, report):
        return forbidden(
            request,
            report,
            _("Chỉ người viết báo cáo của đơn vị mới được nộp tệp cho báo cáo này."),
        )
    if request.method == "GET":
        return _upload_page(request, report, UploadForm())
    if not report.is_editable:
        return _upload_page(request, report, UploadForm(), _not_editable_message(report), 400)
    return _receive(request, report)


def _receive(request, report: Report) -> HttpResponse:
    """The upload itself, read, checked by the core and kept (pending) for the preview."""
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        error = " ".join(form.errors.get("file", [])) or _("Hãy chọn tệp cần nộp.")
        return _upload_page(request, report, form, error, 400)
    uploaded = form.cleaned_data["file"]
    if uploaded.size > MAX_BYTES:
        too_big = str(TOO_BIG) % {"mb": MAX_BYTES // MB}
        return _upload_page(request, report, UploadForm(), too_big, 413)
    filename = _clean_filename(uploaded.name or "")
    data = uploaded.read()
    foreign = _foreign(data, filename)
    if foreign:
        return _upload_page(request, report, UploadForm(), foreign, 400)
    if ingest_in_background(len(data)):
        return _read_in_background(request, report, filename, data)
    try:
        result = ingest_file(data, filename, report.campaign.outline_tree)
    except InputError as error:
        return _upload_page(request, report, UploadForm(), shown(error), 400)
    except Exception:  # the core is fuzzed; still, a file must never become a server error
        logger.exception("ingest of %r for report %s failed", filename, report.pk)
        message = _(
            "Không đọc được tệp %(name)s. Hãy mở tệp bằng Word hoặc Excel, lưu lại dạng .docx "
            "hoặc .xlsx rồi nộp lại."
        ) % {"name": filename}
        return _upload_page(request, report, UploadForm(), message, 400)
    kind = kind_of(data, filename)
    try:
        upload = actions.store_upload(
            report,
            request.user,
            filename=filename,
            data=data,
            content_type=filetypes.content_type(kind),
            found=result_json(result, kind),
        )
    except actions.UploadQuotaExceeded as error:
        return _upload_page(request, report, UploadForm(), shown(error), 400)
    return redirect(report_part_url("upload_preview", report, upload.pk))


def _read_in_background(request, report: Report, filename: str, data: bytes) -> HttpResponse:
    """A large file read by a background job (`baocao.apps.jobs`): its progress page, which
    links to the preview when the file is read; read at once (no worker), the preview itself,
    or the upload page with why the file could not be read."""
    job = jobs.start(
        JobKind.INGEST,
        report,
        request.user,
        {"filename": filename, "size": len(data)},
        input_data=data,
        reuse=False,
    )
    if job.state == JobState.DONE:
        return redirect(job.result_url)
    if job.state == JobState.FAILED:
        return _upload_page(request, report, UploadForm(), job.error, 400)
    return redirect(job_url(job))


# --- Preview ---------------------------------------------------------------------------------


@dataclass
class SectionRow:
    """One section of the outline as the preview shows it."""

    id: str
    dom: str
    label: str
    anchor: str
    found: str = ""  # the text in the file (cleaned HTML)
    current: str = ""  # the section's text in the report now (cleaned HTML)
    version: int = 0
    current_by: str = ""
    current_at: Any = None
    confidence: float | None = None
    level: str = ""  # high, medium, low
    heading: str = ""  # the heading as written in the file
    merged: bool = False  # its heading was merged into another section's
    same: bool = False  # the file says what the report already says
    checked: bool = False
    done: bool = False  # imported by this upload already
    conflict: dict[str, Any] | None = None  # saved by someone else since the preview

    @property
    def level_label(self) -> str:
        return str(CONFIDENCE_LABELS.get(self.level, ""))


@dataclass
class ValueRow:
    key: str  # "code:year"
    dom: str
    name: str
    unit: str
    year: int
    found: str = ""  # the value as the report prints it
    current: str = ""  # what the report holds now, as typed
    notes: list[dict[str, str]] = field(default_factory=list)
    importable: bool = True
    reason: str = ""  # why it cannot be imported
    same: bool = False
    checked: bool = False
    done: bool = False
    conflict: str = ""

    @property
    def has_notes(self) -> bool:
        return bool(self.done or self.same or self.reason or self.notes or self.conflict)


@dataclass
class ProposalRow:
    """A figure read from a sentence of the file: offered, never ticked by the page itself."""

    index: int  # its place in the upload's proposals (the form's value)
    dom: str
    key: str  # "code:year"
    name: str
    unit: str
    year: int
    found: str  # the value in the catalogue's unit, as the report prints it
    written: str  # as the sentence writes it ("2.200.000 đồng")
    sentence: str
    level: str  # high, medium, low: how sure the reading is
    note: str = ""
    section: str = ""  # the section the sentence was placed in
    current: str = ""
    importable: bool = True
    reason: str = ""
    same: bool = False
    checked: bool = False
    done: bool = False
    conflict: str = ""

    @property
    def level_label(self) -> str:
        return str(CONFIDENCE_LABELS.get(self.level, ""))


@dataclass
class Loose:
    """A piece of content the ingest could not place: the writer chooses where it goes."""

    index: int
    text: str
    choice: str = ""
    done: str = ""  # placed by this upload already: the section's label, or "bỏ qua"


@dataclass
class Posted(UploadChoices):
    """What the preview's form chose (and, after a refused confirm, is shown again).

    `rest`: the section (or SKIP) for every unplaced paragraph not on the page shown (`page`).
    """

    rest: str = ""
    page: int = 0
    other_unit: bool = False
    errors: list[str] = field(default_factory=list)
    conflicts: dict[str, dict[str, Any]] = field(default_factory=dict)
    value_conflicts: dict[str, str] = field(default_factory=dict)
    proposal_conflicts: dict[int, str] = field(default_factory=dict)

    @classmethod
    def from_post(cls, post) -> Posted:
        posted = cls(
            sections=set(post.getlist("section")),
            values=set(post.getlist("value")),
            proposals={int(v) for v in post.getlist("proposal") if v.isdigit() and len(v) < 6},
            rest=post.get("place_rest", ""),
            page=loose_page(post.get("doan")),
            other_unit=post.get("other_unit") == "1",
        )
        for key, value in post.items():
            if key.startswith("base:"):
                try:
                    posted.bases[key[5:]] = int(value)
                except ValueError:
                    posted.bases[key[5:]] = -1  # never a version: saving it is a conflict
            elif key.startswith("was:"):
                posted.was[key[4:]] = value
            elif key.startswith("place:"):
                try:
                    posted.places[int(key[6:])] = value
                except ValueError:
                    continue
        return posted

    def place_the_rest(self, count: int, done: set[int]) -> None:
        """Give `rest` to each of the `count` unplaced paragraphs that the form did not show
        (those it showed have a choice of their own, even an empty one)."""
        if self.rest:
            for index in range(count):
                if index not in done and index not in self.places:
                    self.places[index] = self.rest


def loose_page(value: str | None) -> int:
    """The page of unplaced paragraphs asked for (?doan=2 is the second), 0-based."""
    try:
        return max(int(value or 1), 1) - 1
    except ValueError:
        return 0


def _level(confidence: float | None) -> str:
    if confidence is None:
        return "low"
    if confidence >= HIGH:
        return "high"
    return "medium" if confidence >= MEDIUM else "low"


def wrong_unit(report: Report, data: dict[str, Any]) -> TemplateMark | None:
    """The template mark when the file was downloaded for another unit's report."""
    mark = TemplateMark.from_properties(data.get("template") or {})
    if mark is None or not mark.unit_code or mark.unit_code == report.unit.code:
        return None
    return mark


def preview_context(
    request, report: Report, upload: Upload, posted: Posted | None = None, page: int = 0
) -> dict[str, Any]:
    """Everything the preview shows: a fixed number of queries whatever the outline's size,
    and one page (`page`, or the page the form was posted from) of the unplaced paragraphs."""
    campaign = report.campaign
    outline = campaign.outline_tree
    data = upload.result or {}
    outcome = upload.outcome or {}
    done_sections = set(outcome.get("sections", {}))
    done_values = set(outcome.get("values", {}))
    done_places = {int(k): v for k, v in (outcome.get("places") or {}).items()}
    labels = section_labels(outline)
    texts = {
        text.section_id: text
        for text in SectionText.objects.filter(report=report).select_related("updated_by")
    }
    editable = upload.is_pending and can_write_now(request.user, report)
    found_sections = data.get("sections") or {}
    confidence = data.get("confidence") or {}
    headings = data.get("headings") or {}

    sections: list[SectionRow] = []
    missing: list[SectionRow] = []
    for index, (section, _depth) in enumerate(outline.walk()):
        sid = section.id
        anchor, label = labels.get(sid, ("", section.label))
        stored = texts.get(sid)
        row = SectionRow(id=sid, dom=f"m{index}", label=label, anchor=anchor)
        if stored is not None:
            row.current = clean_section_text(stored.text)
            row.version = stored.version
            row.current_by = display_name(stored.updated_by)
            row.current_at = timezone.localtime(stored.updated_at) if stored.updated_at else None
        row.found = clean_section_text(found_sections.get(sid, ""))
        row.confidence = confidence.get(sid)
        row.heading = headings.get(sid, "")
        row.merged = row.confidence == 0 and not row.found
        row.level = _level(row.confidence)
        row.same = bool(row.found) and plain_text(row.found) == plain_text(row.current)
        row.done = sid in done_sections
        if posted is not None and sid in posted.conflicts:
            row.conflict = posted.conflicts[sid]
        if posted is not None and not posted.conflicts.get(sid):
            row.checked = sid in posted.sections
        else:
            row.checked = (
                row.conflict is None
                and not row.done
                and bool(row.found)
                and not row.same
                and (row.confidence or 0) >= MEDIUM
            )
        (sections if row.found else missing).append(row)

    figures = report_figures(report)
    values = _value_rows(report, data, done_values, posted, figures)
    proposals = _proposal_rows(report, data, outcome, posted, labels, figures)
    section_choices = [
        (section.id, labels.get(section.id, ("", section.label))[1])
        for section, _ in outline.walk()
    ]
    unassigned = data.get("unassigned") or []
    pages = max(1, -(-len(unassigned) // LOOSE_PAGE))
    page = min(posted.page if posted is not None else page, pages - 1)
    first = page * LOOSE_PAGE
    loose = []
    for index in range(first, min(first + LOOSE_PAGE, len(unassigned))):
        item = Loose(index=index, text=unassigned[index])
        if index in done_places:
            target = done_places[index]
            item.done = _("không nhập") if target == SKIP else labels.get(target, ("", target))[1]
        elif posted is not None:
            item.choice = posted.places.get(index, "")
        loose.append(item)
    open_elsewhere = len(unassigned) - len(done_places) - sum(1 for i in loose if not i.done)

    notes = [n for n in data.get("value_notes") or [] if n.get("severity") == "warning"]
    other = wrong_unit(report, data)
    mark = TemplateMark.from_properties(data.get("template") or {})
    other_campaign = (
        mark is not None and bool(mark.campaign) and mark.campaign != campaign.slug and not other
    )
    same_file = (
        Upload.objects.filter(report=report, sha256=upload.sha256, status=UploadStatus.CONFIRMED)
        .exclude(pk=upload.pk)
        .defer("data", "result")
        .order_by("-uploaded_at")
        .first()
    )
    return {
        "report": report,
        "campaign": campaign,
        "unit": report.unit,
        "upload": upload,
        "size": _size(upload.size),
        "uploaded_at": timezone.localtime(upload.uploaded_at),
        "decided_at": timezone.localtime(upload.decided_at) if upload.decided_at else None,
        "uploader": display_name(upload.uploaded_by),
        "decider": display_name(upload.decided_by),
        "is_excel": data.get("kind") == "xlsx",
        "sections": sections,
        "missing": [row for row in missing if row.heading and not row.merged],
        "not_found": [row for row in missing if not row.heading],
        "merged": [row for row in missing if row.merged],
        "missing_count": len(missing),
        "values": values,
        "proposals": proposals,
        "loose": loose,
        "loose_open": [item for item in loose if not item.done],
        "loose_page": {
            "number": page + 1,
            "pages": pages,
            "first": first + 1,
            "last": first + len(loose),
            "previous": page if page > 0 else None,
            "next": page + 2 if page + 1 < pages else None,
            "open_elsewhere": open_elsewhere,
            "rest": posted.rest if posted is not None else "",
        },
        "section_choices": section_choices,
        "skip": SKIP,
        "warnings": data.get("warnings") or [],
        "value_warnings": len(notes),
        "front_matter": data.get("front_matter") or [],
        "guidance": data.get("guidance") or 0,
        "other_unit": other,
        "from_template": mark is not None,
        "other_campaign": mark.campaign if other_campaign else "",
        "same_file": same_file,
        "editable": editable,
        "not_editable": "" if report.is_editable else _not_editable_message(report),
        "may_write": can_edit_report(request.user, report),
        "posted": posted,
        "errors": posted.errors if posted else [],
        "conflicted": [row for row in sections if row.conflict]
        + [row for row in missing if row.conflict],
        "value_conflicts": [row for row in values if row.conflict]
        + [row for row in proposals if row.conflict],
        "bases": [(row.id, row.version) for row in sections + missing],
        "counts": {
            "sections": len(sections),
            "total": len(sections) + len(missing),
            "values": sum(1 for row in values if row.found),
            "proposals": len(proposals),
            "loose": len(unassigned),
        },
        "file_url": report_part_url("upload_file", report, upload.pk),
        "confirm_url": report_part_url("upload_confirm", report, upload.pk),
        "discard_url": report_part_url("upload_discard", report, upload.pk),
        "list_url": report_part_url("report_uploads", report),
        "upload_url": report_part_url("report_upload", report),
        "report_url": report_url(report),
    }


def _value_rows(
    report: Report,
    data: dict[str, Any],
    done: set[str],
    posted: Posted | None,
    figures: dict | None = None,
) -> list[ValueRow]:
    campaign = report.campaign
    catalogue = campaign.catalogue
    found = data.get("indicators") or {}
    notes: dict[str, list[dict[str, str]]] = {}
    for note in data.get("value_notes") or []:
        notes.setdefault(f"{note.get('code')}:{note.get('year')}", []).append(note)
    figures = report_figures(report) if figures is None else figures
    current = {f"{code}:{year}": value for (code, year), value in figures.items()}
    keys: list[tuple[str, int]] = []
    for code, by_year in found.items():
        keys.extend((code, int(year)) for year in by_year)
    for key in notes:
        code, _sep, year = key.rpartition(":")
        if year.isdigit() and (code, int(year)) not in keys:
            keys.append((code, int(year)))
    order = {indicator.code: n for n, indicator in enumerate(catalogue.indicators)}
    keys.sort(key=lambda k: (order.get(k[0], len(order)), k[1]))
    rows = []
    for n, (code, year) in enumerate(keys):
        indicator = catalogue.by_code.get(code)
        key = f"{code}:{year}"
        stored = current.get(key)
        row = ValueRow(
            key=key,
            dom=f"v{n}",
            name=indicator.name if indicator else code,
            unit=indicator.unit if indicator else "",
            year=year,
            current=stored.raw if stored else "",
            notes=notes.get(key, []),
            done=key in done,
        )
        text = (found.get(code) or {}).get(str(year))
        value = decimal_of(text) if text is not None else None
        if value is not None:
            row.found = format_number(value)
        if indicator is None:
            row.importable, row.reason = False, _("Đề cương không có chỉ tiêu này.")
        elif indicator.derived:
            row.importable, row.reason = False, _("Được tính tự động từ các chỉ tiêu khác.")
        elif year not in campaign.years:
            row.importable, row.reason = False, _("Đợt báo cáo không có năm này.")
        elif value is None:
            row.importable, row.reason = False, _("Không đọc được số liệu.")
        row.same = (
            value is not None and stored is not None and stored.value is not None
        ) and stored.value == value
        if posted is not None and key in posted.value_conflicts:
            row.conflict = posted.value_conflicts[key]
        warned = any(note.get("severity") == "warning" for note in row.notes)
        if posted is not None and key not in posted.value_conflicts:
            row.checked = key in posted.values
        else:
            row.checked = row.importable and not row.same and not row.done and not warned
        if row.conflict:
            row.checked = False
        rows.append(row)
    return rows


def _proposal_rows(
    report: Report,
    data: dict[str, Any],
    outcome: dict[str, Any],
    posted: Posted | None,
    labels: dict[str, tuple[str, str]],
    figures: dict,
) -> list[ProposalRow]:
    """The figures read from the file's sentences, each with its sentence: unticked unless
    the writer ticked it (a refused confirm shows their choice again)."""
    campaign = report.campaign
    catalogue = campaign.catalogue
    current = {f"{code}:{year}": value for (code, year), value in figures.items()}
    done = {int(k) for k in (outcome.get("proposals") or {})}
    rows = []
    for index, proposal in enumerate((data.get("proposals") or [])[:MAX_PROPOSALS]):
        code, year = str(proposal.get("code", "")), proposal.get("year")
        if not isinstance(year, int):
            continue
        indicator = catalogue.by_code.get(code)
        key = f"{code}:{year}"
        value = decimal_of(proposal.get("value"))
        stored = current.get(key)
        confidence = proposal.get("confidence")
        row = ProposalRow(
            index=index,
            dom=f"d{index}",
            key=key,
            name=indicator.name if indicator else code,
            unit=indicator.unit if indicator else "",
            year=year,
            found=format_number(value) if value is not None else "",
            written=str(proposal.get("written", "")),
            sentence=str(proposal.get("sentence", "")),
            level=_level(confidence if isinstance(confidence, int | float) else None),
            note=str(proposal.get("note") or ""),
            section=labels.get(str(proposal.get("section") or ""), ("", ""))[1],
            current=stored.raw if stored else "",
            done=index in done,
        )
        if indicator is None:
            row.importable, row.reason = False, _("Đề cương không có chỉ tiêu này.")
        elif indicator.derived:
            row.importable, row.reason = False, _("Được tính tự động từ các chỉ tiêu khác.")
        elif year not in campaign.years:
            row.importable, row.reason = False, _("Đợt báo cáo không có năm này.")
        elif value is None:
            row.importable, row.reason = False, _("Không đọc được số liệu.")
        row.same = value is not None and stored is not None and stored.value == value
        if posted is not None:
            row.conflict = posted.proposal_conflicts.get(index, "")
            row.checked = index in posted.proposals and not row.conflict
        rows.append(row)
    return rows


def _render_preview(
    request,
    report: Report,
    upload: Upload,
    posted: Posted | None = None,
    status: int = 200,
    page: int = 0,
) -> HttpResponse:
    return render(
        request,
        "campaigns/ingest/preview.html",
        preview_context(request, report, upload, posted, page),
        status=status,
    )


@require_GET
@report_view
def upload_preview(request, report: Report, upload_id: int) -> HttpResponse:
    if not can_edit_report(request.user, report):
        return forbidden(
            request, report, _("Chỉ người viết báo cáo của đơn vị mới xem trước được tệp nộp.")
        )
    page = loose_page(request.GET.get("doan"))
    return _render_preview(request, report, _upload_of(report, upload_id), page=page)


# --- Confirm and discard ---------------------------------------------------------------------


def _check_choices(report: Report, upload: Upload, posted: Posted) -> list[str]:
    data = upload.result or {}
    section_ids = set(report.campaign.section_ids)
    done_places = {int(k) for k in (upload.outcome or {}).get("places", {})}
    errors = []
    unknown = [sid for sid in posted.sections if sid not in (data.get("sections") or {})]
    if unknown:
        errors.append(_("Có mục được chọn không có trong tệp; hãy tải lại trang xem trước."))
    missing = []
    for index in range(len(data.get("unassigned") or [])):
        if index in done_places:
            continue
        choice = posted.places.get(index, "")
        if choice != SKIP and choice not in section_ids:
            missing.append(index + 1)
    if missing:
        errors.append(
            _(
                "Còn %(count)d đoạn chưa xếp vào mục nào (đoạn số %(numbers)s): hãy chọn mục cho "
                "từng đoạn, hoặc chọn “Không nhập đoạn này”."
            )
            % {
                "count": len(missing),
                "numbers": ", ".join(str(n) for n in missing[:LISTED_NUMBERS])
                + (", …" if len(missing) > LISTED_NUMBERS else ""),
            }
        )
    chosen: dict[str, set[str]] = {}
    for key in posted.values:
        code, _sep, year = key.rpartition(":")
        found = ((data.get("indicators") or {}).get(code) or {}).get(year)
        if found is not None:
            chosen.setdefault(key, set()).add(str(found))
    proposals = data.get("proposals") or []
    for index in posted.proposals:
        if 0 <= index < len(proposals):
            proposal = proposals[index]
            key = f"{proposal.get('code')}:{proposal.get('year')}"
            chosen.setdefault(key, set()).add(str(proposal.get("value")))
    twice = sorted(key for key, found in chosen.items() if len(found) > 1)
    if twice:
        names = {
            indicator.code: indicator.name for indicator in report.campaign.catalogue.indicators
        }
        errors.append(
            _(
                "Có số liệu được chọn hai lần với hai số khác nhau (%(names)s): hãy chỉ đánh dấu "
                "một số cho mỗi chỉ tiêu và năm."
            )
            % {
                "names": "; ".join(
                    f"{names.get(key.rpartition(':')[0], key)}, năm {key.rpartition(':')[2]}"
                    for key in twice
                )
            }
        )
    if wrong_unit(report, data) is not None and not posted.other_unit:
        errors.append(
            _(
                "Tệp này là mẫu của đơn vị khác: hãy đánh dấu ô xác nhận ở đầu trang nếu vẫn "
                "muốn nhập vào báo cáo của %(unit)s."
            )
            % {"unit": report.unit.name}
        )
    return errors


@require_POST
@report_view
def upload_confirm(request, report: Report, upload_id: int) -> HttpResponse:
    if not can_edit_report(request.user, report):
        return forbidden(
            request, report, _("Chỉ người viết báo cáo của đơn vị mới được nhập tệp vào báo cáo.")
        )
    upload = _upload_of(report, upload_id)
    if upload.status != UploadStatus.PENDING:
        return _already(request, report, upload)
    if not report.is_editable:
        messages.error(request, _not_editable_message(report))
        return redirect(report_url(report))
    posted = Posted.from_post(request.POST)
    posted.place_the_rest(
        len((upload.result or {}).get("unassigned") or []),
        {int(k) for k in (upload.outcome or {}).get("places", {})},
    )
    posted.errors = _check_choices(report, upload, posted)
    if posted.errors:
        return _render_preview(request, report, upload, posted, status=400)
    try:
        applied = actions.confirm_upload(report, upload, posted, request.user)
    except UploadDecided as decided:
        return _already(request, report, decided.upload)
    except actions.NotAllowed:
        raise
    except actions.ActionError as error:
        messages.error(request, shown(error))
        return redirect(report_url(report))
    saved = _("Đã nhập từ tệp %(name)s: %(sections)d mục, %(values)d số liệu.") % {
        "name": upload.filename,
        "sections": len(applied.sections),
        "values": len(applied.values),
    }
    if applied.conflicts or applied.value_conflicts or applied.proposal_conflicts:
        labels = section_labels(report.campaign.outline_tree)
        names = "; ".join(f"“{labels.get(sid, ('', sid))[1]}”" for sid in applied.conflicts)
        posted.conflicts = applied.conflicts
        posted.value_conflicts = applied.value_conflicts
        posted.proposal_conflicts = applied.proposal_conflicts
        if applied.conflicts:
            posted.errors.append(
                _(
                    "Chưa ghi đè %(count)d mục vì vừa có người lưu sau khi bạn mở trang xem trước: "
                    "%(names)s. Nội dung trong tệp và nội dung mới lưu đều còn nguyên, xem ở từng "
                    "mục bên dưới; đánh dấu lại mục nào vẫn muốn nhập rồi bấm “Nhập vào báo cáo”."
                )
                % {"count": len(applied.conflicts), "names": names}
            )
        if applied.value_conflicts or applied.proposal_conflicts:
            posted.errors.append(
                _("Có %(count)d số liệu chưa nhập; xem lời nhắn ở từng số liệu bên dưới.")
                % {"count": len(applied.value_conflicts) + len(applied.proposal_conflicts)}
            )
        if applied.sections or applied.values:
            messages.success(request, saved)
        posted.sections -= set(applied.sections) | set(applied.conflicts)
        posted.values -= set(applied.values) | set(applied.value_conflicts)
        posted.proposals -= set(applied.proposals)
        return _render_preview(request, report, upload, posted, status=409)
    messages.success(
        request,
        saved + " " + _("Phiên bản trước của từng mục vẫn còn trong lịch sử sửa."),
    )
    return redirect(report_url(report))


def _already(request, report: Report, upload: Upload) -> HttpResponse:
    if upload.status == UploadStatus.CONFIRMED:
        when = timezone.localtime(upload.decided_at) if upload.decided_at else None
        messages.info(
            request,
            _("Tệp %(name)s đã được nhập %(when)s; không nhập lại lần nữa.")
            % {
                "name": upload.filename,
                "when": f"lúc {when:%H:%M ngày %d/%m/%Y}" if when else _("trước đó"),
            },
        )
        return redirect(report_url(report))
    messages.error(
        request,
        _("Tệp %(name)s đã bị bỏ, không nhập được. Hãy nộp lại tệp nếu cần.")
        % {"name": upload.filename},
    )
    return redirect(report_part_url("report_upload", report))


@require_POST
@report_view
def upload_discard(request, report: Report, upload_id: int) -> HttpResponse:
    if not can_edit_report(request.user, report):
        return forbidden(
            request, report, _("Chỉ người viết báo cáo của đơn vị mới được bỏ tệp đã nộp.")
        )
    upload = _upload_of(report, upload_id)
    if upload.status == UploadStatus.CONFIRMED:
        return _already(request, report, upload)
    try:
        discarded = actions.discard_upload(report, upload, request.user)
    except UploadDecided as decided:
        return _already(request, report, decided.upload)
    if discarded:
        messages.success(
            request,
            _("Đã bỏ tệp %(name)s; báo cáo không thay đổi.") % {"name": upload.filename}
            if not (upload.outcome or {}).get("sections")
            and not (upload.outcome or {}).get("values")
            else _("Đã bỏ tệp %(name)s; những gì đã nhập trước đó vẫn giữ.")
            % {"name": upload.filename},
        )
    return redirect(report_part_url("report_upload", report))


# --- The kept files --------------------------------------------------------------------------


@require_GET
@report_view
def upload_file(request, report: Report, upload_id: int) -> HttpResponse:
    upload = Upload.objects.filter(pk=upload_id, report=report).first()
    if upload is None:
        raise Http404(_("Không có tệp này trong báo cáo."))
    if not can_download_upload(request.user, report, upload):
        return forbidden(
            request,
            report,
            _("Tệp này chưa được nhập vào báo cáo; chỉ người viết báo cáo xem được."),
        )
    return download(bytes(upload.data), upload.filename, content_type=upload.content_type)


@require_GET
@report_view
def report_uploads(request, report: Report) -> HttpResponse:
    uploads = list(
        Upload.objects.filter(report=report)
        .defer("data", "result")
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-pk")
    )
    writer = can_edit_report(request.user, report)
    rows = []
    for upload in uploads:
        outcome = upload.outcome or {}
        rows.append(
            {
                "upload": upload,
                "who": display_name(upload.uploaded_by) or _("Không rõ"),
                "at": timezone.localtime(upload.uploaded_at),
                "size": _size(upload.size),
                "sections": len(outcome.get("sections", {})),
                "values": len(outcome.get("values", {})),
                "file_url": report_part_url("upload_file", report, upload.pk)
                if can_download_upload(request.user, report, upload)
                else "",
                "preview_url": report_part_url("upload_preview", report, upload.pk)
                if writer
                else "",
            }
        )
    return render(
        request,
        "campaigns/ingest/list.html",
        {
            "report": report,
            "campaign": report.campaign,
            "unit": report.unit,
            "rows": rows,
            "may_upload": can_write_now(request.user, report),
        },
    )
