"""A campaign's life: opened, given the units added to the tree later, closed, archived."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from baocao.apps.audit.log import record
from baocao.apps.campaigns import live_rollup
from baocao.apps.campaigns.actions.errors import CLOSED, ActionError, NotAllowed
from baocao.apps.campaigns.models import Campaign, CampaignStatus, Report
from baocao.apps.campaigns.permissions import can_open_campaign
from baocao.apps.campaigns.queries import units_without_report
from baocao.apps.notices import notify
from baocao.apps.orgs.models import Unit, UnitKind
from baocao.errors import gettext_noop
from baocao.outline.catalogue import catalogue_of
from baocao.outline.serialize import dump_yaml
from baocao.text import clean_line, fold

__all__ = ["add_units", "archive_campaign", "close_campaign", "open_campaign"]


SLUG_TAKEN = gettext_noop('Mã "{slug}" đã được dùng cho một đợt báo cáo khác.')


@transaction.atomic
def open_campaign(
    outline_document: Any,
    root_unit: Unit,
    *,
    kinds: list[str],
    deadline: datetime.date,
    actor: Any,
    name: str = "",
    slug: str = "",
    baseline_year: int | None = None,
    current_year: int | None = None,
) -> Campaign:
    """Send an outline down `root_unit`'s subtree: one draft report per unit of `kinds`.

    The outline is copied into the campaign (as YAML, with the campaign's years), so later
    edits of the outline never move the sections under reports already being written. Years
    given here win over the outline's, which are the default.
    """
    if not can_open_campaign(actor, root_unit):
        raise NotAllowed(
            gettext_noop(
                "Chỉ cán bộ tổng hợp hoặc quản trị của đơn vị chủ trì mới được mở đợt báo cáo."
            )
        )
    kinds = _checked_kinds(kinds)
    outline = outline_document.outline()  # InputError: the outline must be fixed first
    baseline = baseline_year or outline.years.get("baseline")
    current = current_year or outline.years.get("current")
    if not baseline or not current:
        raise ActionError(
            gettext_noop("Hãy nhập năm gốc và năm hiện tại của đợt báo cáo (ví dụ 2008 và 2017).")
        )
    if int(baseline) >= int(current):
        raise ActionError(gettext_noop("Năm gốc phải trước năm hiện tại."))
    # The campaign's years are its snapshot's: an outline imported without years (or with
    # others) is checked, and later read, with the years the campaign was opened for.
    outline.years = {"baseline": int(baseline), "current": int(current)}
    catalogue_of(outline)  # InputError: its indicators and rules must be fixed first
    snapshot = dump_yaml(outline)
    if not isinstance(deadline, datetime.date):
        raise ActionError(gettext_noop("Hãy nhập hạn nộp báo cáo (ngày/tháng/năm)."))
    name = clean_line(name)[:500] or clean_line(outline.title)[:500]  # one line: a mail subject
    slug = _campaign_slug(slug, name, int(current))

    unit_ids = list(
        Unit.objects.subtree(root_unit).filter(kind__in=kinds).values_list("pk", flat=True)
    )
    if not unit_ids:
        raise ActionError(
            gettext_noop(
                "Không có đơn vị nào thuộc loại đã chọn trong {unit}; "
                "hãy chọn loại đơn vị khác hoặc nhập danh sách đơn vị trước."
            ),
            unit=root_unit.name,
        )
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                slug=slug,
                name=name,
                outline=outline_document,
                outline_yaml=snapshot,
                root_unit=root_unit,
                reporting_kinds=kinds,
                baseline_year=int(baseline),
                current_year=int(current),
                deadline=deadline,
                created_by=actor,
            )
    except IntegrityError:
        raise ActionError(SLUG_TAKEN, slug=slug) from None
    reports = Report.objects.bulk_create(
        [Report(campaign=campaign, unit_id=unit_id) for unit_id in unit_ids], batch_size=1000
    )
    live_rollup.apply_reports_added(campaign, reports, fresh=True)
    record(
        actor, "campaign.open", campaign, root=root_unit.code, kinds=kinds, reports=len(unit_ids)
    )
    notify.campaign_opened(campaign, unit_ids, actor)
    return campaign


@transaction.atomic
def add_units(campaign: Campaign, root_unit: Unit, actor: Any) -> int:
    """Units added to the tree after the campaign opened get their report: every unit of the
    campaign's kinds under `root_unit` (within the campaign's root) that has none. Returns how
    many were added; running it again adds nothing. A unit moved or removed from the tree
    keeps its report and history (reports hold their unit).

    The live roll-up (`live_rollup`) counts the new reports (drafts without figures) in every
    unit above them, in this transaction: nothing else of it changes, so no rebuild is needed."""
    if not can_open_campaign(actor, campaign.root_unit):
        raise NotAllowed(
            gettext_noop(
                "Chỉ cán bộ tổng hợp hoặc quản trị của đơn vị chủ trì mới được thêm đơn vị vào "
                "đợt báo cáo."
            )
        )
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status != CampaignStatus.OPEN:
        raise ActionError(CLOSED)
    if not root_unit.is_within(locked.root_unit):
        raise ActionError(
            gettext_noop("{unit} không thuộc {root}, đơn vị chủ trì của đợt báo cáo."),
            unit=root_unit.name,
            root=locked.root_unit.name,
        )
    missing = list(units_without_report(locked, root_unit).values_list("pk", flat=True))
    reports = Report.objects.bulk_create(
        [Report(campaign=locked, unit_id=unit_id) for unit_id in missing], batch_size=1000
    )
    live_rollup.apply_reports_added(locked, reports)
    if missing:
        record(actor, "campaign.add_units", locked, root=root_unit.code, reports=len(missing))
        notify.campaign_opened(locked, missing, actor)
    return len(missing)


@transaction.atomic
def close_campaign(campaign: Campaign, actor: Any) -> Campaign:
    """Make the campaign read-only: no report can be edited, submitted or reviewed after. An
    archived campaign stays archived."""
    if not can_open_campaign(actor, campaign.root_unit):
        raise NotAllowed(
            gettext_noop(
                "Chỉ cán bộ tổng hợp hoặc quản trị của đơn vị chủ trì mới được kết thúc đợt báo "
                "cáo."
            )
        )
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status == CampaignStatus.OPEN:
        now = timezone.now()
        _set_status(locked, CampaignStatus.CLOSED, closed_by=actor, closed_at=now)
        record(actor, "campaign.close", locked)
    return _refreshed(campaign, locked)


@transaction.atomic
def archive_campaign(campaign: Campaign, actor: Any) -> Campaign:
    """Put a closed campaign away: out of the default campaign list, still readable (reports,
    dashboard, downloads). Only a closed campaign: an open one is still being written."""
    if not can_open_campaign(actor, campaign.root_unit):
        raise NotAllowed(
            gettext_noop(
                "Chỉ cán bộ tổng hợp hoặc quản trị của đơn vị chủ trì mới được lưu trữ đợt báo cáo."
            )
        )
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status == CampaignStatus.OPEN:
        raise ActionError(
            gettext_noop("Đợt báo cáo còn đang mở: hãy kết thúc đợt trước khi lưu trữ.")
        )
    if locked.status == CampaignStatus.CLOSED:
        _set_status(locked, CampaignStatus.ARCHIVED)
        record(actor, "campaign.archive", locked)
    return _refreshed(campaign, locked)


def _set_status(locked: Campaign, status: str, **fields: Any) -> None:
    Campaign.objects.filter(pk=locked.pk).update(status=status, **fields)
    locked.status = status
    for name, value in fields.items():
        setattr(locked, name, value)


def _refreshed(campaign: Campaign, locked: Campaign) -> Campaign:
    """The caller's object brought up to date with the locked row."""
    campaign.status, campaign.closed_by_id, campaign.closed_at = (
        locked.status,
        locked.closed_by_id,
        locked.closed_at,
    )
    return campaign


def _checked_kinds(kinds: list[str]) -> list[str]:
    valid = dict(UnitKind.choices)
    kinds = list(dict.fromkeys(str(kind) for kind in kinds or ()))
    unknown = [kind for kind in kinds if kind not in valid]
    if not kinds or unknown:
        names = "; ".join(f"{value} ({label})" for value, label in valid.items())
        raise ActionError(
            gettext_noop("Hãy chọn loại đơn vị phải báo cáo trong số: {names}."), names=names
        )
    return kinds


def _campaign_slug(slug: str, name: str, year: int) -> str:
    if slug:
        slug = slug.strip()
        if not re.fullmatch(r"[-a-zA-Z0-9_]{1,100}", slug):
            raise ActionError(
                gettext_noop(
                    'Mã "{slug}" không hợp lệ: chỉ dùng chữ không dấu, số và "-", ví dụ nq20-2017.'
                ),
                slug=slug,
            )
        if Campaign.objects.filter(slug=slug).exists():
            raise ActionError(SLUG_TAKEN, slug=slug)
        return slug
    base = f"{slugify(fold(name))[:80].strip('-') or 'dot-bao-cao'}-{year}"
    taken = set(Campaign.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate
