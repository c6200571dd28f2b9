"""A small campaign in every state, built through the actions, for the dashboard, reminder and
campaign-page tests.

Over the conftest tree (Kon Tum: Đăk Hà with two CĐCS, Đăk Tô with one), the deadline two days
ago:
- KT-DH-01 (CĐCS UBND xã Đăk Mar): written, sent before the deadline, accepted;
- KT-DH-02 (CĐCS Trường TH Nguyễn Huệ): one section, sent late, returned with a remark on I.2;
- KT-DH (LĐLĐ huyện Đăk Hà): figures, sent late, waiting for the province;
- KT-DT-01 (CĐCS TTYT Đăk Tô): a draft whose figures break a hard rule (women > members);
- KT-DT (LĐLĐ huyện Đăk Tô): an untouched draft.

Besides: `open_nq20`, the plain campaign of the built-in outline that the page, browser, API
and English tests open over Kon Tum; `to_consolidate`, the province ready to consolidate; `url`
and `as_user` for the report pages' tests.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone

from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import Campaign, Report, ReportEvent, ReportStatus
from baocao.apps.orgs.models import UnitKind
from baocao.apps.outlines.services import install_builtin_outlines
from baocao.outline.builtin import DEFAULT_SLUG

NAME = "Tổng kết 10 năm Nghị quyết 20 (thử)"
SECTION = "P1/I/1"
REMARKED = "P1/I/2"


def nq20_document():
    return next(doc for doc, _ in install_builtin_outlines() if doc.slug == DEFAULT_SLUG)


NQ20_NAME = "Tổng kết 10 năm Nghị quyết 20"
DISTRICTS_AND_CDCS = (UnitKind.DISTRICT, UnitKind.GRASSROOTS)


def open_nq20(
    tree,
    actor,
    *,
    kinds=DISTRICTS_AND_CDCS,
    days: int = 5,
    deadline: datetime.date | None = None,
    name: str = NQ20_NAME,
    slug: str = "nq20-2017",
) -> Campaign:
    """The built-in outline sent down Kon Tum (the conftest tree) by `actor`: a report for each
    unit of `kinds` (its districts and CĐCS unless told), due in `days` days unless a
    `deadline` is given."""
    return actions.open_campaign(
        nq20_document(),
        tree.province,
        kinds=list(kinds),
        deadline=deadline or timezone.localdate() + datetime.timedelta(days=days),
        actor=actor,
        name=name,
        slug=slug,
    )


# Figures (2008, 2017) for the consolidation: Đăk Hà states 190 members in 2017 where its CĐCS
# add up to 185 (100 + 85).
CONSOLIDATION_FIGURES = {
    "cdcs_dh1": {"members": (40, 100), "workers": (50, 110)},
    "cdcs_dh2": {"members": (30, 85), "workers": (35, 90)},
    "dakha": {"members": (70, 190)},
    "cdcs_dt1": {"members": (20, 50), "workers": (25, 60)},
}


def to_consolidate(
    tree, admin, texts: dict[str, str], *, figure_texts=None, name=NQ20_NAME, slug: str
) -> Campaign:
    """Kon Tum to consolidate (the province has a report of its own): Đăk Hà and its two CĐCS
    accepted, Đăk Tô's CĐCS only submitted, each with CONSOLIDATION_FIGURES, `texts[unit]` in
    section I.1 and `figure_texts[unit]`, if any, in II.1; `admin` does it all. Keys are the
    conftest tree's attribute names ("dakha", "cdcs_dh1", ...)."""
    campaign = open_nq20(
        tree,
        admin,
        kinds=[UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.GRASSROOTS],
        name=name,
        slug=slug,
    )
    for unit, values in CONSOLIDATION_FIGURES.items():
        report = report_of(campaign, getattr(tree, unit))
        for code, (old, new) in values.items():
            actions.save_indicator(report, code, 2008, str(old), admin)
            actions.save_indicator(report, code, 2017, str(new), admin)
        actions.save_section(report, "P1/I/1", texts[unit], 0, admin)
        if figure_texts and unit in figure_texts:
            actions.save_section(report, "P1/II/1", figure_texts[unit], 0, admin)
        actions.submit(report, admin, report.version)
        if unit != "cdcs_dt1":
            report.refresh_from_db()
            actions.accept(report, admin, report.version)
    return campaign


def report_of(campaign, unit) -> Report:
    return Report.objects.select_related("campaign", "unit").get(campaign=campaign, unit=unit)


def url(name: str, report, *args) -> str:
    """The address of one of a report's pages: url("report", report), url("section_save",
    report, section_id)."""
    return reverse(f"campaigns:{name}", args=[report.campaign.slug, report.unit.code, *args])


def as_user(client, user):
    client.force_login(user)
    return client


def figures(report, actor, values: dict[tuple[str, int], str]) -> None:
    for (code, year), raw in values.items():
        actions.save_indicator(report, code, year, raw, actor)


def build(tree, member) -> SimpleNamespace:
    today = timezone.localdate()
    people = SimpleNamespace(
        province=member("tinh", tree.province, "consolidator", "reviewer", "viewer"),
        dak_ha=member("dakha", tree.dakha, "writer", "reviewer"),
        dak_to=member("dakto", tree.dakto, "writer", "reviewer"),
        mar=member("xa.dakmar", tree.cdcs_dh1, "writer"),
        school=member("truong.nguyenhue", tree.cdcs_dh2, "writer"),
        clinic=member("yte.dakto", tree.cdcs_dt1, "writer"),
        other=member("gialai", tree.other_province, "consolidator", "reviewer", "viewer"),
    )
    for user, email in (
        (people.mar, "chutich.dakmar@example.vn"),
        (people.school, "chutich.nguyenhue@example.vn"),
        (people.clinic, ""),
    ):
        user.email = email
        user.save(update_fields=["email"])
    campaign = actions.open_campaign(
        nq20_document(),
        tree.province,
        kinds=[UnitKind.DISTRICT, UnitKind.GRASSROOTS],
        deadline=today - datetime.timedelta(days=2),
        actor=people.province,
        name=NAME,
    )

    mar = report_of(campaign, tree.cdcs_dh1)
    actions.save_section(mar, SECTION, "Chi bộ đã quán triệt Nghị quyết.", 0, people.mar)
    figures(
        mar,
        people.mar,
        {("workers", 2017): "30", ("members", 2017): "28", ("members_women", 2017): "12"},
    )
    actions.submit(mar, people.mar, mar.version)
    ReportEvent.objects.filter(report=mar, to_status=ReportStatus.SUBMITTED).update(
        at=timezone.now() - datetime.timedelta(days=4)
    )
    actions.accept(mar, people.dak_ha, mar.version)

    school = report_of(campaign, tree.cdcs_dh2)
    actions.save_section(school, SECTION, "Nhà trường đã triển khai.", 0, people.school)
    actions.submit(school, people.school, school.version)
    actions.return_report(
        school,
        people.dak_ha,
        "Còn thiếu nội dung.",
        {REMARKED: "Hãy nêu các văn bản đã ban hành."},
        expected_version=school.version,
    )

    district = report_of(campaign, tree.dakha)
    figures(district, people.dak_ha, {("members", 2017): "28", ("workers", 2017): "30"})
    actions.submit(district, people.dak_ha, district.version)

    clinic = report_of(campaign, tree.cdcs_dt1)
    figures(clinic, people.clinic, {("members", 2017): "10", ("members_women", 2017): "12"})

    return SimpleNamespace(
        campaign=campaign,
        people=people,
        tree=tree,
        reports=SimpleNamespace(
            mar=mar,
            school=school,
            district=district,
            clinic=clinic,
            dakto=report_of(campaign, tree.dakto),
        ),
    )
