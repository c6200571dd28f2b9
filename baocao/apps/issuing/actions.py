"""Issuing a unit's report: the one write of this app, audited like every action.

`issue_report` makes the document outside any transaction (the DOCX, LibreOffice's PDF, the
signature: seconds, during which no lock is held), then, in one short transaction, locks the
unit's register row for the year, checks that the number is still free, stores the copy and
moves the register on. A number taken meanwhile by someone else is refused when it was typed,
and taken again (the document made again with the next one) when it was the register's
suggestion. The unique constraint on (unit, year, number) stands behind both, on SQLite (whose
write lock serialises the transactions anyway) and on PostgreSQL (SELECT ... FOR UPDATE).
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baocao import libreoffice
from baocao.apps.audit.log import record
from baocao.apps.campaigns.actions import ActionError, NotAllowed
from baocao.apps.campaigns.consolidation import header_of, report_document
from baocao.apps.campaigns.models import Campaign, Report
from baocao.apps.campaigns.permissions import can_issue
from baocao.apps.issuing.models import IssuedDocument, OutgoingRegister
from baocao.apps.orgs.models import Unit
from baocao.docx_out import pdf as docx_pdf
from baocao.docx_out.model import ReportDocument, Signature
from baocao.docx_out.render import render_docx
from baocao.errors import InputError
from baocao.text import clean_line

if TYPE_CHECKING:  # pyHanko weighs some 45 MB: loaded by the processes that sign only
    from baocao.signing import SigningKey

ATTEMPTS = 3  # a suggested number taken meanwhile: made again with the next one, this often
DEFAULT_POSITION = "CHỦ TỊCH"
NOT_ISSUER = gettext_lazy("Chỉ người tổng hợp của đơn vị mới được ban hành báo cáo của đơn vị.")


class NumberTaken(ActionError):
    """The number typed was given to another document of the unit this year."""


def next_number(unit: Unit, year: int) -> int:
    """The number the unit's register gives next in `year` (1 in a new year)."""
    last = (
        OutgoingRegister.objects.filter(unit=unit, year=year)
        .values_list("last_number", flat=True)
        .first()
    )
    return (last or 0) + 1


@dataclass
class Signer:
    """Who signs, as printed under the report: "TM. BAN THƯỜNG VỤ" (empty: in their own
    right), "CHỦ TỊCH", the name."""

    name: str
    position: str = DEFAULT_POSITION
    on_behalf: str | None = None  # None: the committee of the unit's kind (`header_of`)


@dataclass
class Files:
    """The issued document, made: what it says, and its files."""

    document: ReportDocument
    include_submitted: bool
    docx: bytes
    pdf: bytes | None = None
    pdf_missing: str = ""  # why there is no PDF
    signed_pdf: bytes | None = None
    certificate: str = ""  # the name of the certificate that signed


def _render(
    campaign: Campaign,
    unit: Unit,
    number: int,
    day: datetime.date,
    signer: Signer,
    recipients: list[str],
    include_submitted: bool,
    key: tuple[SigningKey, bytes | None] | None,
) -> Files:
    document, _subtree = report_document(
        campaign, unit, include_submitted=include_submitted, date=day
    )
    header, committee = header_of(unit, number_blank=f"{number:02d}", date=day)
    on_behalf = committee.on_behalf if signer.on_behalf is None else signer.on_behalf
    document = replace(
        document,
        header=header,
        signature=Signature(on_behalf=on_behalf, position=signer.position, name=signer.name),
        recipients=recipients or document.recipients,
    )
    docx = render_docx(document)
    try:
        pdf = docx_pdf.docx_to_pdf(docx)
    except libreoffice.Busy:
        raise  # nothing issued: try again in a minute
    except InputError as error:  # no LibreOffice, or it failed: issued as DOCX, saying why
        if key is not None:
            raise ActionError(
                _("Chưa ký số được vì chưa có bản PDF: %(why)s") % {"why": error.message}
            ) from error
        return Files(document, include_submitted, docx, pdf_missing=error.message)
    from baocao import signing

    lines = tuple(text.upper() for text in (on_behalf, signer.position) if text)
    block = signing.SignatureBlock(lines, signer.name)
    pdf = signing.prepare(pdf, block)
    files = Files(document, include_submitted, docx, pdf=pdf)
    if key is not None:
        signing_key, seal = key
        files.signed_pdf = signing.sign(
            pdf,
            signing_key,
            reason=_("Ban hành báo cáo số %(number)s") % {"number": header.number},
            location=header.place,
            seal=seal,
        )
        files.certificate = signing_key.subject
    return files


def _sha256(data: bytes | None) -> str:
    return hashlib.sha256(data).hexdigest() if data is not None else ""


def issue_report(
    campaign: Campaign,
    unit: Unit,
    actor: Any,
    *,
    signer: Signer,
    recipients: list[str] | None = None,
    number: int | None = None,
    include_submitted: bool = False,
    key: tuple[SigningKey, bytes | None] | None = None,
    day: datetime.date | None = None,
) -> IssuedDocument:
    """Issue the unit's report in `campaign` as it stands: number `number` (None: the next of
    the register), dated `day` (today), signed by `signer`, sent to `recipients` ("Nơi nhận":
    the superior unit and the archive when empty), digitally signed with `key` (a key and a
    seal image) if given. The copy is stored and never changes; issuing again gives a new
    number. NotAllowed unless the actor consolidates the unit; NumberTaken for a typed number
    already given; `libreoffice.Busy` when no PDF can be made now."""
    if not can_issue(actor, unit):
        raise NotAllowed(str(NOT_ISSUER))
    if not Report.objects.filter(campaign=campaign, unit=unit).exists():
        raise ActionError(
            _("%(unit)s không có báo cáo trong đợt “%(campaign)s”.")
            % {"unit": unit.name, "campaign": campaign.name}
        )
    signer = Signer(
        name=clean_line(signer.name),
        position=clean_line(signer.position) or DEFAULT_POSITION,
        on_behalf=None if signer.on_behalf is None else clean_line(signer.on_behalf),
    )
    if not signer.name:
        raise ActionError(_("Hãy ghi họ tên người ký."))
    if number is not None and number < 1:
        raise ActionError(_("Số văn bản phải là số nguyên dương (1, 2, 3...)."))
    lines = [clean_line(line).lstrip("-–").strip() for line in recipients or []]
    lines = [line for line in lines if line]
    day = day or timezone.localdate()
    for _attempt in range(ATTEMPTS):
        chosen = number or next_number(unit, day.year)
        files = _render(campaign, unit, chosen, day, signer, lines, include_submitted, key=key)
        try:
            issued = _store(campaign, unit, actor, chosen, day, files, suggested=number is None)
        except IntegrityError as error:  # the constraint caught a race the lock did not
            if number is not None:
                raise _taken(unit, day.year, chosen) from error
            continue
        if issued is not None:
            return issued
    raise ActionError(_("Nhiều người đang ban hành văn bản của đơn vị cùng lúc; hãy thử lại."))


def _taken(unit: Unit, year: int, number: int) -> NumberTaken:
    return NumberTaken(
        _(
            "Số %(number)02d năm %(year)s đã cấp cho một văn bản khác của đơn vị; hãy dùng số "
            "%(next)02d (số tiếp theo trong sổ văn bản đi) hoặc một số chưa dùng."
        )
        % {"number": number, "year": year, "next": next_number(unit, year)}
    )


@transaction.atomic
def _store(
    campaign: Campaign,
    unit: Unit,
    actor: Any,
    number: int,
    day: datetime.date,
    files: Files,
    *,
    suggested: bool,
) -> IssuedDocument | None:
    """Store the copy under `number` and move the register on; None when the register's
    suggestion was taken meanwhile (the caller makes the document again)."""
    OutgoingRegister.objects.get_or_create(unit=unit, year=day.year)
    register = OutgoingRegister.objects.select_for_update().get(unit=unit, year=day.year)
    if suggested and number != register.last_number + 1:
        return None
    if IssuedDocument.objects.filter(unit=unit, year=day.year, number=number).exists():
        raise _taken(unit, day.year, number)
    document = files.document
    issued = IssuedDocument.objects.create(
        campaign=campaign,
        unit=unit,
        year=day.year,
        number=number,
        number_text=document.header.number,
        issued_on=day,
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
        on_behalf=document.signature.on_behalf,
        signer_title=document.signature.position,
        signer_name=document.signature.name,
        recipients=list(document.recipients),
        include_submitted=files.include_submitted,
        docx=files.docx,
        docx_sha256=_sha256(files.docx),
        pdf=files.pdf,
        pdf_sha256=_sha256(files.pdf),
        pdf_missing=files.pdf_missing,
        signed_pdf=files.signed_pdf,
        signed_pdf_sha256=_sha256(files.signed_pdf),
        certificate=files.certificate,
    )
    register.last_number = max(register.last_number, number)
    register.save(update_fields=["last_number"])
    record(
        actor,
        "report.issue",
        issued,
        campaign=campaign.slug,
        unit=unit.code,
        number=issued.number_text,
        issued_on=day.isoformat(),
        docx_sha256=issued.docx_sha256,
        pdf_sha256=issued.pdf_sha256,
        signed_pdf_sha256=issued.signed_pdf_sha256,
        certificate=issued.certificate,
    )
    return issued
