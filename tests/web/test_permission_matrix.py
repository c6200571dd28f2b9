"""The permission matrix: every named URL of the site × every role × whose object it is.

Generated from the URLconf, so that a new view nobody wrote a permission rule for fails here,
and judged against RULES, the one table that says who may read and do what. Every person under
test sits in the district LĐLĐ huyện Đăk Hà (KT-DH) with one set of roles; the object of a
request belongs to that unit ("own"), to its CĐCS ("child"), to the neighbouring district
("sibling"), to the province above ("parent") or to a district of another province ("other").

Refused means 403 or 404 for a signed-in person (never a 500, never a page with the data), the
login page for an anonymous visitor, 401 for the API without a key; and a refused POST leaves
the database exactly as it was. Allowed means the view does its job: the page is shown, or the
action happens (a POST with realistic form data changes what it should). The Django admin is
checked apart, from the admin site's registry.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django_tasks_db.models import DBTaskResult

from baocao.apps.api.models import Token
from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import (
    Campaign,
    IndicatorValue,
    ReminderLog,
    Report,
    ReportEvent,
    ReportStatus,
    ReviewDraft,
    SectionText,
    SectionVersion,
    Upload,
    UploadStatus,
)
from baocao.apps.campaigns.tasks import start_reminders
from baocao.apps.issuing.models import IssuedDocument
from baocao.apps.jobs.models import Job
from baocao.apps.notices.models import Notice
from baocao.apps.orgs.models import Membership, Unit, UnitKind
from baocao.apps.outlines.forms import sign_draft
from baocao.apps.outlines.models import OutlineDocument
from baocao.apps.outlines.services import copy_outline
from baocao.outline.files import read_outline
from baocao.outline.serialize import dump_yaml
from baocao.xlsx_out import indicators_template_xlsx

from .campaign_scenario import SECTION, nq20_document, report_of
from .samples import PASSWORD

# --- the tree, the people, the relations --------------------------------------------------------

UNITS = (  # code, name, kind, parent code
    ("TLD", "Tổng Liên đoàn Lao động Việt Nam", UnitKind.NATIONAL, None),
    ("KT", "LĐLĐ tỉnh Kon Tum", UnitKind.PROVINCE, "TLD"),
    ("KT-DH", "LĐLĐ huyện Đăk Hà", UnitKind.DISTRICT, "KT"),
    ("KT-DH-01", "CĐCS UBND xã Đăk Mar", UnitKind.GRASSROOTS, "KT-DH"),
    ("KT-DT", "LĐLĐ huyện Đăk Tô", UnitKind.DISTRICT, "KT"),
    ("KT-DT-01", "CĐCS Trung tâm Y tế huyện Đăk Tô", UnitKind.GRASSROOTS, "KT-DT"),
    ("GL", "LĐLĐ tỉnh Gia Lai", UnitKind.PROVINCE, "TLD"),
    ("GL-PK", "LĐLĐ thành phố Pleiku", UnitKind.DISTRICT, "GL"),
    ("GL-PK-01", "CĐCS Công ty Cà phê Gia Lai", UnitKind.GRASSROOTS, "GL-PK"),
)
HOME = "KT-DH"  # every person under test is placed here

RELATIONS = ("own", "child", "sibling", "parent", "other")
NO_RELATION = "none"  # a URL about no unit's object (the home page, the own password)
# The unit whose object a request is about (a report, a unit, an export of a subtree) ...
UNIT_OF = {
    "own": "KT-DH",
    "child": "KT-DH-01",
    "sibling": "KT-DT",
    "parent": "KT",
    "other": "GL-PK",
}
# ... and, for a campaign's own pages, the campaign's root unit.
ROOT_OF = {"own": "KT-DH", "child": "KT-DH-01", "sibling": "KT-DT", "parent": "KT", "other": "GL"}

ANONYMOUS = "anonymous"
INACTIVE = "inactive_writer"  # a writer whose account was switched off: as good as signed out
NO_UNIT = "no_unit"  # signed in, placed in no unit (a new account)
STAFF = "staff"  # Django's staff flag, no unit and no admin permission
SUPERUSER = "superuser"  # the system administrator, placed nowhere
WRITER, REVIEWER, CONSOLIDATOR, VIEWER, ADMIN = (
    "writer",
    "reviewer",
    "consolidator",
    "viewer",
    "admin",
)
WRITER_CONSOLIDATOR = "writer_consolidator"  # the district officer who writes and consolidates
UNIT_ROLES = {
    WRITER: ["writer"],
    REVIEWER: ["reviewer"],
    CONSOLIDATOR: ["consolidator"],
    VIEWER: ["viewer"],
    ADMIN: ["admin"],
    WRITER_CONSOLIDATOR: ["writer", "consolidator"],
}
ROLES = (ANONYMOUS, INACTIVE, NO_UNIT, STAFF, *UNIT_ROLES, SUPERUSER)
SIGNED_OUT = (ANONYMOUS, INACTIVE)
SIGNED_IN = tuple(role for role in ROLES if role not in SIGNED_OUT)
SUBTREE_ROLES = (REVIEWER, CONSOLIDATOR, VIEWER, ADMIN, WRITER_CONSOLIDATOR)

TABLE_SECTION = "P1/II/1"  # the built-in outline's section whose table holds INDICATOR
INDICATOR, YEAR = "members", 2017
NEW_PASSWORD = "Ma-tran-quyen-2025!"
# MD5 for the people; issued logins keep their own (cheaper) one-time hasher.
FAST_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "baocao.apps.orgs.accounts.OneTimePasswordHasher",
]

# --- the rules ------------------------------------------------------------------------------------

# Which relations a role is allowed for. For a URL about no unit's object only whether the role
# is listed counts.
Grant = Mapping[str, tuple[str, ...]]

OWN = ("own",)
CHILD = ("child",)
SUBTREE = ("own", "child")
ABOVE_OR_BELOW = ("own", "child", "parent")  # campaigns a district officer takes part in
ALL = RELATIONS
NOT_OWN = ("child", "sibling", "parent", "other")


def grant(roles: tuple[str, ...], relations: tuple[str, ...] = ALL) -> dict[str, tuple[str, ...]]:
    return dict.fromkeys(roles, relations)


EVERYONE = grant(ROLES)
SIGNED_IN_ONLY = grant(SIGNED_IN)
SEES = {WRITER: OWN, **grant(SUBTREE_ROLES, SUBTREE), SUPERUSER: ALL}  # scope.can_view_unit
SEES_BELOW = {**grant(SUBTREE_ROLES, SUBTREE), SUPERUSER: ALL}  # a subtree, not only the unit
WRITES = {WRITER: OWN, WRITER_CONSOLIDATOR: OWN, SUPERUSER: ALL}
REVIEWS = {REVIEWER: CHILD, SUPERUSER: ALL}
CONSOLIDATES = {WRITER_CONSOLIDATOR: OWN, SUPERUSER: ALL}
ISSUES = {CONSOLIDATOR: OWN, WRITER_CONSOLIDATOR: OWN, SUPERUSER: ALL}  # permissions.can_issue
CAMPAIGN_OWNERS = (CONSOLIDATOR, ADMIN, WRITER_CONSOLIDATOR)
RUNS_CAMPAIGNS = grant((*CAMPAIGN_OWNERS, SUPERUSER))
DASHBOARD = {**grant(SUBTREE_ROLES, ABOVE_OR_BELOW), SUPERUSER: ALL}
TAKES_PART = {WRITER: ("own", "parent"), **DASHBOARD}  # queries.visible_campaigns
REMINDS = {**grant((REVIEWER, CONSOLIDATOR, WRITER_CONSOLIDATOR), ABOVE_OR_BELOW), SUPERUSER: ALL}
CLOSES = {**grant(CAMPAIGN_OWNERS, SUBTREE), SUPERUSER: ALL}
ADMINISTERS = {ADMIN: SUBTREE, SUPERUSER: ALL}

# Targets: what a URL's parameters point at, and so what "relation" means for it.
NONE = "none"
OUTLINE = "outline"  # outlines belong to no unit: readable by everyone signed in
UNIT = "unit"
CAMPAIGN = "campaign"  # the relation is the campaign's root unit
REPORT = "report"  # a report of the national campaign; the relation is the report's unit
RELATIONLESS = (NONE, OUTLINE)


@dataclass(frozen=True)
class Access:
    """Who may use one method of a URL, and the refusals that are not a plain 403/404."""

    allow: Grant
    # Refused as a form error (400, the form shown again with the reason), nothing saved: the
    # choice offered (a root unit, a unit file's row) is out of the person's reach.
    form_error: Grant = field(default_factory=dict)
    # Sent on to their own unit's report in the campaign (a writer has no dashboard).
    own_report: Grant = field(default_factory=dict)
    # Allowed, but there is nothing there to act on (404): a CĐCS has no unit below it.
    not_found: Grant = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    target: str
    get: Access | Grant | None = None
    post: Access | Grant | None = None
    put: Access | Grant | None = None
    variant: str = ""  # one URL, several kinds of request (formats, pending/confirmed files)
    # A list answers 200 to everyone signed in; allowed means the object is in it.
    listed: bool = False

    def methods(self) -> Iterator[tuple[str, Access]]:
        for method in ("get", "post", "put"):
            access = getattr(self, method)
            if access is not None:
                yield method.upper(), access if isinstance(access, Access) else Access(access)


RULES: dict[str, Rule | tuple[Rule, ...]] = {
    # Site pages
    "home": Rule(NONE, get=SIGNED_IN_ONLY),
    "login": Rule(NONE, get=EVERYONE, post=EVERYONE),
    "logout": Rule(NONE, post=SIGNED_IN_ONLY),
    "password_change": Rule(NONE, get=SIGNED_IN_ONLY, post=SIGNED_IN_ONLY),  # own account only
    "password_change_done": Rule(NONE, get=SIGNED_IN_ONLY),
    "set_language": Rule(NONE, post=EVERYONE),
    "healthz": Rule(NONE, get=EVERYONE),  # for a proxy: no login, says nothing about any data
    # One's own notices: every query starts from the person, so there is no one else's to reach
    "notices:list": Rule(NONE, get=SIGNED_IN_ONLY),
    "notices:read": Rule(NONE, post=SIGNED_IN_ONLY),
    # Outlines: read by all, imported by those who run campaigns
    "outlines:list": Rule(NONE, get=SIGNED_IN_ONLY),
    "outlines:detail": Rule(OUTLINE, get=SIGNED_IN_ONLY),
    "outlines:import": Rule(NONE, get=RUNS_CAMPAIGNS, post=RUNS_CAMPAIGNS),
    "outlines:edit": Rule(OUTLINE, get=RUNS_CAMPAIGNS, post=RUNS_CAMPAIGNS),
    "outlines:upload": Rule(OUTLINE, post=RUNS_CAMPAIGNS),
    "outlines:export_yaml": Rule(OUTLINE, get=SIGNED_IN_ONLY),
    "outlines:export_xlsx": Rule(OUTLINE, get=SIGNED_IN_ONLY),
    # Units
    "orgs:tree": Rule(UNIT, get=SEES, listed=True),
    "orgs:import": (
        Rule(NONE, get=grant((ADMIN, SUPERUSER)), variant="form"),
        # A file renaming the unit: a unit admin reaches its own subtree only.
        Rule(
            UNIT,
            post=Access(ADMINISTERS, form_error={ADMIN: ("sibling", "parent", "other")}),
            variant="rename",
        ),
    ),
    "orgs:export_xlsx": Rule(UNIT, get=SEES),
    "orgs:export_csv": Rule(UNIT, get=SEES),
    # Logins: unit admins and consolidators issue and reset within their subtree (as they open
    # campaigns); the issue form offers no CĐCS as the root.
    "orgs:accounts": (
        Rule(NONE, get=RUNS_CAMPAIGNS, variant="form"),
        Rule(
            UNIT,
            post=Access(
                {**grant(CAMPAIGN_OWNERS, OWN), SUPERUSER: ("own", "sibling", "parent", "other")},
                form_error={**grant(CAMPAIGN_OWNERS, NOT_OWN), SUPERUSER: CHILD},
            ),
            variant="root",
        ),
    ),
    "orgs:reset_password": Rule(UNIT, get=CLOSES, post=CLOSES),
    # Campaigns
    "campaigns:list": Rule(CAMPAIGN, get=TAKES_PART, listed=True),
    "campaigns:open": (
        Rule(NONE, get=RUNS_CAMPAIGNS, variant="form"),
        # Opening over a unit: only the owners' own subtree is offered, never a CĐCS.
        Rule(
            UNIT,
            post=Access(
                {**grant(CAMPAIGN_OWNERS, OWN), SUPERUSER: ("own", "sibling", "parent", "other")},
                form_error={**grant(CAMPAIGN_OWNERS, NOT_OWN), SUPERUSER: CHILD},
            ),
            variant="root",
        ),
    ),
    "campaigns:detail": Rule(
        CAMPAIGN, get=Access(DASHBOARD, own_report={WRITER: ("own", "parent")})
    ),
    "campaigns:export": Rule(
        CAMPAIGN, get=Access(DASHBOARD, own_report={WRITER: ("own", "parent")})
    ),
    "campaigns:remind": Rule(CAMPAIGN, get=REMINDS, post=REMINDS),
    # A batch confirmed by KT-DH's reviewer: for whoever sees the campaign as that reviewer
    # does (the same dashboard), and superusers
    "campaigns:remind_progress": Rule(CAMPAIGN, get=DASHBOARD),
    "campaigns:close": Rule(CAMPAIGN, get=CLOSES, post=CLOSES),
    "campaigns:archive": Rule(CAMPAIGN, post=CLOSES),
    "campaigns:add_units": Rule(CAMPAIGN, post=CLOSES),
    # One report: reading, writing, reviewing
    "campaigns:report": Rule(REPORT, get=SEES),
    "campaigns:section_history": Rule(REPORT, get=SEES),
    "campaigns:section_save": Rule(REPORT, post=WRITES),
    "campaigns:section_restore": Rule(REPORT, post=WRITES),
    "campaigns:indicators_save": Rule(REPORT, post=WRITES),
    "campaigns:indicator_save": Rule(REPORT, post=WRITES),
    "campaigns:report_submit": Rule(REPORT, post=WRITES),
    "campaigns:report_return": Rule(REPORT, post=REVIEWS),
    "campaigns:report_accept": Rule(REPORT, post=REVIEWS),
    "campaigns:report_reopen": Rule(REPORT, post=REVIEWS),
    "campaigns:review_draft_save": Rule(REPORT, post=REVIEWS),  # the reviewer's own draft
    "campaigns:report_changes": Rule(REPORT, get=SEES),  # as the sections' history
    # Consolidation: the workspace reads the units below, so it needs the subtree
    "campaigns:consolidate": Rule(REPORT, get=SEES_BELOW),
    "campaigns:consolidate_insert": Rule(
        REPORT,
        post=Access(
            {WRITER_CONSOLIDATOR: OWN, SUPERUSER: ("own", "sibling", "parent", "other")},
            not_found={SUPERUSER: CHILD},
        ),
    ),
    "campaigns:consolidate_draft": Rule(REPORT, post=CONSOLIDATES),
    "campaigns:consolidate_draft_step": Rule(REPORT, post=CONSOLIDATES),
    # The differences between the unit's figures and the roll-up: read with the workspace
    "campaigns:consolidate_adopt": Rule(REPORT, get=SEES_BELOW, post=CONSOLIDATES),
    "campaigns:report_download": (
        Rule(REPORT, get=SEES, variant="docx"),
        Rule(REPORT, get=SEES, variant="pdf"),
        # The sheet lists every unit below one by one: not for a writer of a unit with units
        # below it (KT-DH), who downloads the DOCX instead.
        Rule(REPORT, get=SEES_BELOW, variant="xlsx"),
    ),
    # Word and Excel round trip
    "campaigns:report_template": Rule(REPORT, get=SEES),
    "campaigns:indicators_template": Rule(REPORT, get=SEES),
    "campaigns:report_upload": Rule(REPORT, get=WRITES, post=WRITES),
    "campaigns:report_uploads": Rule(REPORT, get=SEES),
    "campaigns:upload_preview": Rule(REPORT, get=WRITES),
    "campaigns:upload_confirm": Rule(REPORT, post=WRITES),
    "campaigns:upload_discard": Rule(REPORT, post=WRITES),
    "campaigns:upload_file": (
        Rule(REPORT, get=WRITES, variant="pending"),  # not yet part of the report
        Rule(REPORT, get=SEES, variant="confirmed"),  # the report's attachment
    ),
    # Issuing: the page, the issued copies and the signature check for whoever sees the
    # report; issuing (numbering, signing) for the unit's consolidators
    # A background job's page and file: only for the person who asked, while they see the
    # report (a DOCX made in the background here); someone else's job is nobody else's.
    "jobs:detail": (
        Rule(REPORT, get=SEES, variant="own"),
        Rule(REPORT, get={}, variant="others"),
    ),
    "jobs:file": (
        Rule(REPORT, get=SEES, variant="own"),
        Rule(REPORT, get={}, variant="others"),
    ),
    "issuing:page": Rule(REPORT, get=SEES),
    "issuing:issue": Rule(REPORT, post=ISSUES),
    "issuing:verify": Rule(REPORT, post=SEES),
    "issuing:download": (
        Rule(REPORT, get=SEES, variant="docx"),
        Rule(REPORT, get=SEES, variant="pdf"),
        Rule(REPORT, get=SEES, variant="ky-so"),
    ),
    # The JSON API (token only)
    "api:openapi": Rule(NONE, get=EVERYONE),
    "api:not_found": Rule(NONE, get={}),  # a JSON 404 for everyone, key or not
    "api:units": (
        Rule(UNIT, get=SEES, variant="under"),
        Rule(UNIT, get=SEES, variant="listing", listed=True),
    ),
    "api:unit": Rule(UNIT, get=SEES),
    "api:campaigns": Rule(CAMPAIGN, get=TAKES_PART, listed=True),
    "api:campaign": Rule(CAMPAIGN, get=TAKES_PART),
    "api:reports": (
        Rule(CAMPAIGN, get=TAKES_PART, variant="campaign"),
        Rule(REPORT, get=SEES, variant="listing", listed=True),
    ),
    "api:report": Rule(REPORT, get=SEES),
    "api:values": Rule(REPORT, get=SEES, post=WRITES),
    "api:value": Rule(REPORT, get=SEES, put=WRITES),
}

# Registered models whose admin refuses "add" even to the superuser: their rows are made by the
# actions (campaigns, reports and their history) or by the audit log, never typed in.
ADMIN_WITHOUT_ADD = frozenset(
    {
        "campaigns.Campaign",
        "campaigns.Report",
        "campaigns.SectionText",
        "campaigns.SectionVersion",
        "campaigns.IndicatorValue",
        "campaigns.IndicatorChange",
        "campaigns.ReportEvent",
        "audit.AuditEntry",
        "issuing.IssuedDocument",
        "issuing.OutgoingRegister",
        "django_tasks_database.DBTaskResult",  # the task queue's results: written by workers only
    }
)

# --- the URLconf, walked ---------------------------------------------------------------------------


def walk(patterns: list, namespace: tuple[str, ...] = ()) -> Iterator[tuple[str, URLPattern]]:
    """Every URL pattern with its full name ("campaigns:section_save"); the admin's are left to
    test_admin_pages, unnamed ones are yielded as "<unnamed …>" so they fail the rule check."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == admin.site.name:
                continue
            inner = (*namespace, pattern.namespace) if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, inner)
        elif pattern.name:
            yield ":".join((*namespace, pattern.name)), pattern
        else:
            yield f"<unnamed {pattern.pattern}>", pattern


URLS = dict(walk(get_resolver().url_patterns))


def url_params(name: str) -> set[str]:
    pattern = URLS[name].pattern
    if isinstance(pattern, RoutePattern):
        return set(pattern.converters)
    return set(pattern.regex.groupindex)


def rules_of(name: str) -> tuple[Rule, ...]:
    found = RULES[name]
    return found if isinstance(found, tuple) else (found,)


# --- the cases ---------------------------------------------------------------------------------------

ALLOWED = "allowed"
REFUSED = "refused"
FORM_ERROR = "form error"
OWN_REPORT = "own report"
NOT_FOUND = "not found"


@dataclass(frozen=True)
class Case:
    name: str
    variant: str
    method: str
    role: str
    relation: str
    expected: str

    def __str__(self) -> str:
        variant = f"@{self.variant}" if self.variant else ""
        return f"{self.name}{variant}-{self.method}-{self.role}-{self.relation}"

    @property
    def rule(self) -> Rule:
        return next(rule for rule in rules_of(self.name) if rule.variant == self.variant)

    @property
    def api(self) -> bool:
        return self.name.startswith("api:")


def expected(access: Access, target: str, role: str, relation: str) -> str:
    for outcome, granted in (
        (NOT_FOUND, access.not_found),
        (FORM_ERROR, access.form_error),
        (OWN_REPORT, access.own_report),
        (ALLOWED, access.allow),
    ):
        if role in granted and (target in RELATIONLESS or relation in granted[role]):
            return outcome
    return REFUSED


def cases() -> Iterator[Case]:
    """URLconf × RULES × roles × relations: the names come from the URLconf, the answers
    from RULES (a name without a rule fails test_every_view_has_a_rule)."""
    for name in URLS:
        if name not in RULES:
            continue
        for rule in rules_of(name):
            relations = (NO_RELATION,) if rule.target in RELATIONLESS else RELATIONS
            for method, access in rule.methods():
                for role in ROLES:
                    for relation in relations:
                        outcome = expected(access, rule.target, role, relation)
                        yield Case(name, rule.variant, method, role, relation, outcome)


CASES = list(cases())

# --- the data, built once for the module ------------------------------------------------------------


@dataclass
class World:
    units: dict[str, Unit]
    users: dict[str, Any]  # by role
    sessions: dict[str, str]  # session key by role
    keys: dict[str, str]  # API key by role
    outline: OutlineDocument
    national: Campaign  # rooted at TLD: a report for every unit
    campaigns: dict[str, Campaign]  # by relation of the root unit
    first_text: dict[int, str]  # report pk -> SECTION's text at version 1
    pending: dict[int, Upload]  # report pk -> its pending upload
    confirmed: dict[int, Upload]  # report pk -> its confirmed upload
    xlsx: bytes  # the indicators template, a file an upload reads
    client: Client = field(default_factory=Client)
    issued: dict[int, IssuedDocument] = field(default_factory=dict)  # report pk -> its copy

    def report(self, relation: str) -> Report:
        return report_of(self.national, self.units[UNIT_OF[relation]])


UPLOAD_RESULT = {
    "kind": "xlsx",
    "sections": {},
    "confidence": {},
    "headings": {},
    "indicators": {INDICATOR: {str(YEAR): "4321"}},
    "value_notes": [],
    "unassigned": [],
    "warnings": [],
    "front_matter": [],
    "guidance": 0,
    "template": None,
}


def build_world() -> World:
    """The conftest's `tree` (same codes) with one person per role in KT-DH, as `member` makes
    them; built here because those fixtures live per test and the matrix needs them once."""
    user_model = get_user_model()
    units: dict[str, Unit] = {}
    for code, name, kind, parent in UNITS:
        units[code] = Unit.objects.create(
            code=code,
            name=name,
            kind=kind,
            parent=units.get(parent),
            email=f"{code.lower()}@example.vn",
        )
    users = {}
    for role in (*SIGNED_IN, INACTIVE):
        user = user_model.objects.create_user(
            f"mt.{role}",
            email=f"{role}@example.vn",
            password=PASSWORD,
            is_staff=role in (STAFF, SUPERUSER),
            is_superuser=role == SUPERUSER,
            is_active=role != INACTIVE,
        )
        if role in UNIT_ROLES or role == INACTIVE:
            roles = UNIT_ROLES.get(role, ["writer"])
            Membership.objects.create(user=user, unit=units[HOME], roles=roles)
        users[role] = user
    sessions, keys = {}, {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        keys[role] = Token.issue(user)[1]

    actor = users[SUPERUSER]
    outline = nq20_document()
    national = actions.open_campaign(
        outline,
        units["TLD"],
        kinds=[UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.GRASSROOTS],
        deadline=datetime.date(2030, 12, 31),
        actor=actor,
        name="Ma trận quyền: toàn quốc",
        slug="mt-toan-quoc",
    )
    campaigns = {}
    for relation, code in ROOT_OF.items():
        kinds = (
            [UnitKind.GRASSROOTS]
            if relation == "child"
            else [UnitKind.DISTRICT, UnitKind.GRASSROOTS]
        )
        campaigns[relation] = actions.open_campaign(
            outline,
            units[code],
            kinds=kinds,
            deadline=datetime.date(2020, 1, 31),  # past: drafts are due a reminder
            actor=actor,
            name=f"Ma trận quyền: {relation}",
            slug=f"mt-{relation}",
        )
    first_text, pending, confirmed = {}, {}, {}
    for report in national.reports.select_related("campaign", "unit"):
        first = f"Bản đầu của {report.unit.name}."
        actions.save_section(report, SECTION, first, 0, actor)
        actions.save_section(report, SECTION, f"Bản sửa của {report.unit.name}.", 1, actor)
        first_text[report.pk] = SectionVersion.objects.get(
            report=report, section_id=SECTION, version=1
        ).text
        for status, kept in ((UploadStatus.PENDING, pending), (UploadStatus.CONFIRMED, confirmed)):
            kept[report.pk] = Upload.objects.create(
                report=report,
                uploaded_by=actor,
                filename=f"so-lieu-{status}.xlsx",
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                size=4,
                sha256="0" * 64,
                data=b"PK\x03\x04",
                status=status,
                result=UPLOAD_RESULT,
            )
    xlsx = indicators_template_xlsx(
        national.outline_tree, unit_code=HOME, unit_name=units[HOME].name, campaign=national.slug
    )
    issued = {
        report.pk: IssuedDocument.objects.create(
            campaign=national,
            unit=report.unit,
            year=2020,
            number=1,
            number_text="01/BC-LĐLĐ",
            issued_on=datetime.date(2020, 1, 6),
            issued_by=actor,
            signer_title="CHỦ TỊCH",
            signer_name="Nguyễn Văn A",
            docx=b"PK\x03\x04",
            docx_sha256="0" * 64,
            pdf=b"%PDF-1.4",
            pdf_sha256="1" * 64,
            signed_pdf=b"%PDF-1.4 signed",
            signed_pdf_sha256="2" * 64,
        )
        for report in national.reports.select_related("unit")
    }
    return World(
        units=units,
        users=users,
        sessions=sessions,
        keys=keys,
        outline=outline,
        national=national,
        campaigns=campaigns,
        first_text=first_text,
        pending=pending,
        confirmed=confirmed,
        xlsx=xlsx,
        issued=issued,
    )


@pytest.fixture(autouse=True)
def _tasks_wait_in_the_queue(database_queue):
    """The database queue and no worker, as deployed: a confirmed reminder is enqueued, not
    sent, and a refused request enqueues nothing (the fingerprint counts the queue's rows)."""


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Built once, inside a transaction rolled back when the module ends; each test runs in its
    own savepoint (the `db` fixture), so what an allowed POST changes is undone after it."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def fingerprint() -> dict[str, list]:
    """What a POST could change, as plain rows: equal before and after means nothing changed."""
    user_model = get_user_model()

    def rows(queryset, *fields) -> list:
        return list(queryset.order_by("pk").values_list(*fields))

    return {
        "users": rows(user_model.objects, "pk", "username", "password", "is_active", "is_staff"),
        "units": rows(Unit.objects, "pk", "code", "name", "kind", "parent_id", "email"),
        "memberships": rows(Membership.objects, "user_id", "unit_id", "roles"),
        "outlines": rows(OutlineDocument.objects, "pk", "slug", "title"),
        "campaigns": rows(Campaign.objects, "pk", "slug", "status", "deadline"),
        "reports": rows(Report.objects, "pk", "status", "version"),
        "texts": rows(SectionText.objects, "report_id", "section_id", "version", "text"),
        "versions": rows(SectionVersion.objects, "pk"),
        "values": rows(IndicatorValue.objects, "report_id", "code", "year", "raw"),
        "events": rows(ReportEvent.objects, "pk"),
        "review_drafts": rows(ReviewDraft.objects, "report_id", "reviewer_id", "reason"),
        "reminders": rows(ReminderLog.objects, "pk"),
        "uploads": rows(Upload.objects, "pk", "status"),
        "tokens": rows(Token.objects, "user_id", "key_hash"),
        "issued": rows(IssuedDocument.objects, "pk", "unit_id", "year", "number"),
        "tasks": rows(DBTaskResult.objects, "pk", "task_path"),
        "jobs": rows(Job.objects, "pk", "kind", "state"),
    }


# --- how each URL is called ----------------------------------------------------------------------------


@dataclass
class Target:
    """One case's world: who asks, and the object the request is about."""

    world: World
    case: Case
    unit: Unit | None = None
    campaign: Campaign | None = None
    report: Report | None = None

    @property
    def user(self):
        return self.world.users.get(self.case.role)


@dataclass
class Call:
    """A realistic request: its form data or JSON, and what an allowed one must have done."""

    data: dict[str, Any] | None = None
    json: Any = None
    query: dict[str, str] = field(default_factory=dict)
    kwargs: dict[str, Any] = field(default_factory=dict)
    changes_db: bool | None = True  # for POST/PUT when allowed; None: depends, not checked
    effect: Callable[[HttpResponse], None] | None = None
    listed: Callable[[HttpResponse], bool] | None = None


def _set_status(report: Report, status: str) -> int:
    """Put the report in the state an action needs (undone after the test); its version."""
    Report.objects.filter(pk=report.pk).update(status=status)
    return Report.objects.get(pk=report.pk).version


def _status_becomes(report: Report, status: str) -> Callable[[HttpResponse], None]:
    def check(response: HttpResponse) -> None:
        assert Report.objects.get(pk=report.pk).status == status

    return check


def _value_becomes(report: Report, raw: str) -> Callable[[HttpResponse], None]:
    def check(response: HttpResponse) -> None:
        value = IndicatorValue.objects.get(report=report, code=INDICATOR, year=YEAR)
        assert value.raw == raw

    return check


def _text_of(report: Report) -> str:
    return SectionText.objects.get(report=report, section_id=SECTION).text


def _json_codes(key: str) -> Callable[[HttpResponse], set[str]]:
    def codes(response: HttpResponse) -> set[str]:
        return {row[key] for row in response.json()["results"]}

    return codes


def section_save(t: Target) -> Call:
    typed = f"Đoạn viết của {t.case.role}."

    def saved(response: HttpResponse) -> None:
        assert typed in _text_of(t.report)

    return Call(data={"text": typed, "base_version": "2"}, effect=saved)


def section_restore(t: Target) -> Call:
    def restored(response: HttpResponse) -> None:
        assert _text_of(t.report) == t.world.first_text[t.report.pk]

    return Call(data={"version": "1"}, effect=restored)


def indicators_save(t: Target) -> Call:
    name = f"v-{INDICATOR}-{YEAR}"
    return Call(data={name: "1.234", f"o-{name}": ""}, effect=_value_becomes(t.report, "1.234"))


def indicator_save(t: Target) -> Call:
    return Call(
        data={f"v-{INDICATOR}-{YEAR}": "1.234"},
        query={"muc": TABLE_SECTION},
        effect=_value_becomes(t.report, "1.234"),
    )


def report_submit(t: Target) -> Call:
    return Call(
        data={"expected_version": str(t.report.version)},
        effect=_status_becomes(t.report, ReportStatus.SUBMITTED),
    )


def report_return(t: Target) -> Call:
    version = _set_status(t.report, ReportStatus.SUBMITTED)
    return Call(
        data={"reason": "Còn thiếu số liệu năm 2017.", "expected_version": str(version)},
        effect=_status_becomes(t.report, ReportStatus.RETURNED),
    )


def report_accept(t: Target) -> Call:
    version = _set_status(t.report, ReportStatus.SUBMITTED)
    return Call(
        data={"expected_version": str(version)},
        effect=_status_becomes(t.report, ReportStatus.ACCEPTED),
    )


def report_reopen(t: Target) -> Call:
    version = _set_status(t.report, ReportStatus.ACCEPTED)
    return Call(
        data={"reason": "Cần sửa số đoàn viên.", "expected_version": str(version)},
        effect=_status_becomes(t.report, ReportStatus.RETURNED),
    )


def review_draft_save(t: Target) -> Call:
    _set_status(t.report, ReportStatus.SUBMITTED)

    def kept(response: HttpResponse) -> None:
        draft = ReviewDraft.objects.get(report=t.report, reviewer=t.user)
        assert draft.section_comments == {SECTION: "Viết rõ hơn."}

    return Call(data={"reason": "Còn thiếu.", f"comment:{SECTION}": "Viết rõ hơn."}, effect=kept)


def consolidate_insert(t: Target) -> Call:
    """A passage of a unit below, inserted into the unit's own section (none below a CĐCS)."""
    below = (
        SectionText.objects.filter(
            report__campaign=t.world.national,
            report__unit__path__startswith=t.report.unit.path,
            section_id=SECTION,
        )
        .exclude(report=t.report)
        .first()
    )

    def inserted(response: HttpResponse) -> None:
        assert below is not None and below.text.removeprefix("<p>")[:20] in _text_of(t.report)

    return Call(
        data={"doan": str(below.pk if below else 0), "base_version": "2"},
        query={"muc": SECTION},
        effect=inserted,
    )


def consolidate_draft(t: Target) -> Call:
    def job_queued(response: HttpResponse) -> None:
        """A background job, queued (no worker here); the person is shown its page."""
        job = Job.objects.get(report=t.report, requested_by=t.user, kind="draft")
        assert job.state == "waiting" and job.task_id
        assert response.status_code == 302 and response["Location"] == f"/viec-nen/{job.pk}/"

    return Call(data={}, effect=job_queued)


def consolidate_draft_step(t: Target) -> Call:
    def progress_shown(response: HttpResponse) -> None:
        assert response.status_code == 200 and "Đang soạn mục 1/" in response.content.decode()

    return Call(data={}, changes_db=False, effect=progress_shown)


def consolidate_adopt(t: Target) -> Call:
    if t.case.method == "GET":
        return Call()

    def back_to_the_list(response: HttpResponse) -> None:
        assert response.status_code == 302 and "/tong-hop/lay-so-lieu/" in response["Location"]

    # Nothing below the unit counts in this world: nothing to take, whatever is chosen.
    data = {"chon": f"{INDICATOR}:{YEAR}", "expected_version": str(t.report.version)}
    return Call(data=data, changes_db=None, effect=back_to_the_list)


def report_upload(t: Target) -> Call:
    if t.case.method == "GET":
        return Call()
    before = Upload.objects.filter(report=t.report).count()

    def kept(response: HttpResponse) -> None:
        assert Upload.objects.filter(report=t.report).count() == before + 1
        assert "/nop-tep/" in response["Location"]

    upload = SimpleUploadedFile("so-lieu.xlsx", t.world.xlsx)
    return Call(data={"file": upload}, effect=kept)


def upload_confirm(t: Target) -> Call:
    upload = t.world.pending[t.report.pk]

    def confirmed(response: HttpResponse) -> None:
        assert Upload.objects.get(pk=upload.pk).status == UploadStatus.CONFIRMED
        _value_becomes(t.report, "4.321")(response)

    key = f"{INDICATOR}:{YEAR}"
    return Call(data={"value": key, f"was:{key}": ""}, effect=confirmed)


def upload_discard(t: Target) -> Call:
    upload = t.world.pending[t.report.pk]

    def discarded(response: HttpResponse) -> None:
        assert Upload.objects.get(pk=upload.pk).status == UploadStatus.DISCARDED

    return Call(data={}, effect=discarded)


def upload_file(t: Target) -> Call:
    uploads = t.world.pending if t.case.variant == "pending" else t.world.confirmed
    return Call(kwargs={"upload_id": uploads[t.report.pk].pk})


def report_download(t: Target) -> Call:
    return Call(kwargs={"fmt": t.case.variant})


def job_call(t: Target) -> Call:
    """A DOCX made in the background for the report: asked for by the person under test
    ("own"), or by someone else ("others"); waiting for the page, made for the file."""
    asker = t.user if t.case.variant == "own" and t.user is not None else None
    if asker is None:
        asker, _made = get_user_model().objects.get_or_create(username="mt.nguoi-khac")
    made = t.case.name == "jobs:file"
    job = Job.objects.create(
        kind="report_file",
        report=t.report,
        requested_by=asker,
        params={"fmt": "docx", "submitted_too": False},
        state="done" if made else "waiting",
        result_data=b"PK\x03\x04 ma tran" if made else None,
        result_name="Báo cáo thử.docx" if made else "",
    )

    def shown(response: HttpResponse) -> None:
        if made:
            assert response.content == b"PK\x03\x04 ma tran"
        else:
            assert "Bản DOCX của báo cáo" in response.content.decode()

    return Call(kwargs={"job_id": job.pk}, effect=shown)


def issue(t: Target) -> Call:
    def issued(response: HttpResponse) -> None:
        assert response.status_code == 302 and "/ban-hanh/" in response["Location"]
        assert IssuedDocument.objects.filter(unit=t.report.unit, number=9).exists()

    form = {
        "number": "9",
        "on_behalf": "TM. BAN THƯỜNG VỤ",
        "signer_title": "CHỦ TỊCH",
        "signer_name": "Nguyễn Văn A",
    }
    return Call(data=form, effect=issued)


def verify_pdf(t: Target) -> Call:
    def judged(response: HttpResponse) -> None:
        assert "Không đọc được tệp PDF" in response.content.decode()

    upload = SimpleUploadedFile("van-ban.pdf", b"%PDF-1.4", "application/pdf")
    return Call(data={"file": upload}, changes_db=False, effect=judged)


def issued_download(t: Target) -> Call:
    return Call(kwargs={"kind": t.case.variant})


def campaign_remind(t: Target) -> Call:
    if t.case.method == "GET":  # the preview, listing who would be reminded
        return Call()
    before = set(DBTaskResult.objects.values_list("pk", flat=True))

    def enqueued(response: HttpResponse) -> None:
        """On the queue (no worker here), and the person is shown its progress."""
        batch = DBTaskResult.objects.exclude(pk__in=before).get()
        assert batch.task_path == "baocao.apps.campaigns.tasks.send_reminders"
        assert response["Location"].endswith(f"/nhac-nho/{batch.pk}/")

    return Call(data={"confirm": "1"}, effect=enqueued)


def remind_progress(t: Target) -> Call:
    """A batch of the campaign's due reports, confirmed by KT-DH's reviewer, still queued."""
    due = list(t.campaign.reports.exclude(status="accepted").values_list("pk", flat=True))
    started = start_reminders(t.campaign, t.world.users[REVIEWER], due, len(due))

    def shown(response: HttpResponse) -> None:
        assert f"Đã gửi 0/{len(due)} thư" in response.content.decode()

    return Call(kwargs={"task_id": str(started.id)}, effect=shown)


def notices_read(t: Target) -> Call:
    def all_read(response: HttpResponse) -> None:
        assert not Notice.objects.filter(recipient=t.user, read_at=None).exists()

    return Call(data={}, changes_db=None, effect=all_read)  # notices: not in the fingerprint


def campaign_close(t: Target) -> Call:
    if t.case.method == "GET":  # the confirmation, listing who has not sent
        return Call()

    def closed(response: HttpResponse) -> None:
        assert Campaign.objects.get(pk=t.campaign.pk).status == "closed"

    return Call(data={}, effect=closed)


def campaign_archive(t: Target) -> Call:
    Campaign.objects.filter(pk=t.campaign.pk).update(status="closed")  # only a closed one

    def archived(response: HttpResponse) -> None:
        assert Campaign.objects.get(pk=t.campaign.pk).status == "archived"

    return Call(data={}, effect=archived)


def campaign_add_units(t: Target) -> Call:
    root = t.campaign.root_unit
    new = Unit.objects.create(
        code=f"{root.code}-MOI", name="CĐCS mới", kind="grassroots", parent=root
    )

    def added(response: HttpResponse) -> None:
        assert Report.objects.filter(campaign=t.campaign, unit=new).exists()

    return Call(data={}, effect=added)


def accounts_issue(t: Target) -> Call:
    if t.case.method == "GET":
        return Call()

    def issued(response: HttpResponse) -> None:
        assert response["Content-Disposition"].startswith("attachment")
        below = Membership.objects.filter(
            unit__path__startswith=t.unit.path, unit__kind=UnitKind.GRASSROOTS
        )
        assert below.filter(user__username__startswith=t.unit.code.lower()).exists()

    return Call(data={"root_unit": str(t.unit.pk), "kinds": [UnitKind.GRASSROOTS]}, effect=issued)


def reset_password(t: Target) -> Call:
    if t.case.method == "GET":
        return Call()
    account = get_user_model().objects.create_user(t.unit.code.lower())  # no usable password
    before = account.password

    def reset(response: HttpResponse) -> None:
        assert get_user_model().objects.get(pk=account.pk).password != before
        assert "mat-khau-moi" in response.content.decode()

    return Call(data={}, effect=reset)


def campaign_open(t: Target) -> Call:
    if t.case.method == "GET":
        return Call()

    def opened(response: HttpResponse) -> None:
        assert Campaign.objects.filter(root_unit=t.unit, name="Đợt mở thử").exists()

    return Call(
        data={
            "name": "Đợt mở thử",
            "outline": str(t.world.outline.pk),
            "root_unit": str(t.unit.pk),
            "kinds": [UnitKind.GRASSROOTS],
            "deadline": "31/12/2030",
        },
        effect=opened,
    )


def unit_import(t: Target) -> Call:
    if t.case.method == "GET":
        return Call()
    unit = t.unit
    line = f"{unit.code},{unit.name} (đổi tên),{unit.kind},{unit.parent.code},{unit.email}"
    data = f"code,name,kind,parent_code,email\n{line}\n".encode()

    def renamed(response: HttpResponse) -> None:
        assert response.status_code == 200, response.status_code
        assert Unit.objects.get(pk=unit.pk).name == f"{unit.name} (đổi tên)"

    return Call(data={"file": SimpleUploadedFile("don-vi.csv", data)}, effect=renamed)


def unit_export(t: Target) -> Call:
    return Call(query={"ma": t.unit.code})


def unit_tree(t: Target) -> Call:
    return Call(listed=lambda response: t.unit.name in response.content.decode())


def outline_import(t: Target) -> Call:
    """The preview's confirm, which stores the outline (the upload before it stores nothing)."""
    if t.case.method == "GET":
        return Call()
    text = "ĐỀ CƯƠNG THỬ QUYỀN\nPhần thứ nhất\nKết quả\nI. Tình hình\n1. Chỉ đạo\n2. Kết quả\n"

    def imported(response: HttpResponse) -> None:
        assert OutlineDocument.objects.filter(title="ĐỀ CƯƠNG THỬ QUYỀN").exists()

    draft = sign_draft(read_outline(text.encode(), "de-cuong.txt"))
    form = {"ban_nhap": draft, "title": "ĐỀ CƯƠNG THỬ QUYỀN", "ct-TOTAL_FORMS": "0"}
    return Call(data={**form, "ct-INITIAL_FORMS": "0"}, effect=imported)


def outline_change(t: Target) -> Call:
    """A change to a copy of the outline (the built-in one is only copied): a new title, by
    the editor's form or by its YAML file."""
    if t.case.method == "GET":
        return Call()
    copy = copy_outline(t.world.outline, None)
    outline = copy.outline()
    outline.title = f"Đổi tên bởi {t.case.role}"

    def renamed(response: HttpResponse) -> None:
        assert OutlineDocument.objects.get(pk=copy.pk).title == outline.title

    data = {"thao_tac": "title", "title": outline.title, "phien_ban": str(copy.version)}
    if t.case.name == "outlines:upload":
        yaml_file = SimpleUploadedFile("de-cuong.yaml", dump_yaml(outline).encode())
        data = {"file": yaml_file, "phien_ban": str(copy.version)}
    return Call(data=data, kwargs={"slug": copy.slug}, effect=renamed)


def password_change(t: Target) -> Call:
    data = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    if t.case.method == "GET" or t.user is None:
        return Call(data=data)
    others = dict(get_user_model().objects.exclude(pk=t.user.pk).values_list("pk", "password"))

    def changed_own_only(response: HttpResponse) -> None:
        users = get_user_model().objects
        assert users.get(pk=t.user.pk).check_password(NEW_PASSWORD)
        assert dict(users.exclude(pk=t.user.pk).values_list("pk", "password")) == others

    return Call(data=data, effect=changed_own_only)


def login(t: Target) -> Call:
    if t.case.method == "GET":
        return Call()

    def signed_in(response: HttpResponse) -> None:
        assert response.status_code == 302 and "/dang-nhap/" not in response["Location"]

    # Signs in as the writer: last_login changes, nothing the fingerprint follows.
    username = t.world.users[WRITER].username
    return Call(
        data={"username": username, "password": PASSWORD}, changes_db=False, effect=signed_in
    )


def logout(t: Target) -> Call:
    def signed_out(response: HttpResponse) -> None:
        assert not Session.objects.filter(session_key=t.world.sessions[t.case.role]).exists()

    return Call(data={}, changes_db=False, effect=signed_out)


def set_language(t: Target) -> Call:
    def chosen(response: HttpResponse) -> None:
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    return Call(data={"language": "en", "next": "/"}, changes_db=False, effect=chosen)


def campaign_listing(t: Target) -> Call:
    if t.case.api:
        return Call(listed=lambda response: t.campaign.slug in _json_codes("slug")(response))
    return Call(
        listed=lambda response: f"/dot-bao-cao/{t.campaign.slug}/" in response.content.decode()
    )


def api_units(t: Target) -> Call:
    if t.case.variant == "under":
        return Call(query={"under": t.unit.code})
    return Call(listed=lambda response: t.unit.code in _json_codes("code")(response))


def api_reports(t: Target) -> Call:
    if t.case.variant == "campaign":
        return Call()
    return Call(listed=lambda response: t.unit.code in _json_codes("unit_code")(response))


def api_values(t: Target) -> Call:
    if t.case.method == "GET":
        return Call()
    body = {"values": [{"code": INDICATOR, "year": YEAR, "value": 1234}]}
    return Call(json=body, effect=_value_becomes(t.report, "1.234"))


def api_value(t: Target) -> Call:
    if t.case.method == "GET":
        return Call()
    return Call(json={"value": 1234}, effect=_value_becomes(t.report, "1.234"))


CALLS: dict[str, Callable[[Target], Call]] = {
    "login": login,
    "logout": logout,
    "password_change": password_change,
    "set_language": set_language,
    "outlines:import": outline_import,
    "outlines:edit": outline_change,
    "outlines:upload": outline_change,
    "orgs:tree": unit_tree,
    "orgs:import": unit_import,
    "orgs:export_xlsx": unit_export,
    "orgs:export_csv": unit_export,
    "campaigns:list": campaign_listing,
    "campaigns:open": campaign_open,
    "campaigns:remind": campaign_remind,
    "campaigns:remind_progress": remind_progress,
    "notices:read": notices_read,
    "campaigns:close": campaign_close,
    "campaigns:archive": campaign_archive,
    "campaigns:add_units": campaign_add_units,
    "orgs:accounts": accounts_issue,
    "orgs:reset_password": reset_password,
    "campaigns:section_save": section_save,
    "campaigns:section_restore": section_restore,
    "campaigns:indicators_save": indicators_save,
    "campaigns:indicator_save": indicator_save,
    "campaigns:report_submit": report_submit,
    "campaigns:report_return": report_return,
    "campaigns:report_accept": report_accept,
    "campaigns:report_reopen": report_reopen,
    "campaigns:review_draft_save": review_draft_save,
    "campaigns:consolidate_insert": consolidate_insert,
    "campaigns:consolidate_draft": consolidate_draft,
    "campaigns:consolidate_draft_step": consolidate_draft_step,
    "campaigns:consolidate_adopt": consolidate_adopt,
    "campaigns:report_download": report_download,
    "campaigns:report_upload": report_upload,
    "campaigns:upload_confirm": upload_confirm,
    "campaigns:upload_discard": upload_discard,
    "campaigns:upload_file": upload_file,
    "jobs:detail": job_call,
    "jobs:file": job_call,
    "issuing:issue": issue,
    "issuing:verify": verify_pdf,
    "issuing:download": issued_download,
    "api:units": api_units,
    "api:campaigns": campaign_listing,
    "api:reports": api_reports,
    "api:values": api_values,
    "api:value": api_value,
}


def target_of(world: World, case: Case) -> Target:
    target = Target(world, case)
    kind = case.rule.target
    if kind == UNIT:
        target.unit = world.units[UNIT_OF[case.relation]]
    elif kind == CAMPAIGN:
        target.campaign = world.campaigns[case.relation]
        target.unit = target.campaign.root_unit
    elif kind == REPORT:
        target.report = world.report(case.relation)
        target.campaign, target.unit = world.national, target.report.unit
    return target


def url_of(world: World, case: Case, target: Target, call: Call) -> str:
    """The URL with every parameter its pattern takes, filled from the target."""
    candidates: dict[str, Any] = {"rest": "khong-co-dia-chi-nay/"}
    if case.rule.target == OUTLINE:
        candidates["slug"] = world.outline.slug
    if target.unit is not None:
        candidates["code"] = target.unit.code
    if target.campaign is not None:
        candidates["slug"] = target.campaign.slug
    if target.report is not None:
        candidates.update(
            unit_code=target.unit.code,
            section_id=TABLE_SECTION if case.name == "campaigns:indicators_save" else SECTION,
            code=INDICATOR,
            year=YEAR,
            upload_id=world.pending[target.report.pk].pk,
            document_id=world.issued[target.report.pk].pk,
        )
    candidates.update(call.kwargs)
    params = url_params(case.name)
    missing = params - set(candidates)
    assert not missing, f"{case.name}: no value for URL parameters {sorted(missing)}"
    return reverse(case.name, kwargs={name: candidates[name] for name in params})


def client_for(world: World, case: Case) -> tuple[Client, dict[str, str]]:
    """The module's client with no cookie but the role's session, or (API) with the role's key.
    One client for all: a new one loads the middleware again, WhiteNoise's file scan included."""
    client = world.client
    client.cookies.clear()
    if case.role == ANONYMOUS:
        return client, {}
    if case.api:
        return client, {"HTTP_AUTHORIZATION": f"Token {world.keys[case.role]}"}
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[case.role]
    return client, {}


def send(client: Client, case: Case, url: str, call: Call, headers: dict) -> HttpResponse:
    method = case.method.lower()
    if call.query:
        url += "?" + "&".join(f"{key}={value}" for key, value in call.query.items())
    if call.json is not None:
        return getattr(client, method)(
            url, data=json.dumps(call.json), content_type="application/json", **headers
        )
    if method == "get":
        return client.get(url, **headers)
    return getattr(client, method)(url, data=call.data or {}, **headers)


# --- the tests -----------------------------------------------------------------------------------------


def test_every_view_has_a_rule():
    missing = sorted(set(URLS) - set(RULES))
    assert not missing, (
        "new view without a permission rule: add it to RULES in this file (who may GET/POST "
        f"it, for which relation): {', '.join(missing)}"
    )


def test_every_rule_names_a_view():
    stale = sorted(set(RULES) - set(URLS))
    assert not stale, f"rules for views no longer in the URLconf, remove them: {', '.join(stale)}"


def test_every_unsafe_method_says_how_it_is_called():
    """A POST or PUT needs realistic data to do its job (CALLS), or its "allowed" proves
    nothing."""
    silent = sorted(
        {case.name for case in CASES if case.method != "GET" and case.name not in CALLS}
    )
    assert not silent, f"add a request builder to CALLS for: {', '.join(silent)}"


@pytest.mark.django_db
def test_the_relations_are_what_they_say(world):
    home = world.units[HOME]
    child, sibling = world.units[UNIT_OF["child"]], world.units[UNIT_OF["sibling"]]
    parent, other = world.units[UNIT_OF["parent"]], world.units[UNIT_OF["other"]]
    assert child.parent_id == home.pk
    assert sibling.parent_id == home.parent_id and sibling.pk != home.pk
    assert parent.pk == home.parent_id
    assert other.ancestor_codes()[:2] == ["TLD", "GL"] and "KT" not in other.ancestor_codes()
    for relation, code in ROOT_OF.items():
        assert world.campaigns[relation].root_unit.code == code


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=str)
def test_permission(world, case, monkeypatch):
    if case.variant == "pdf":  # the conversion is LibreOffice's business, not the matrix's
        monkeypatch.setattr("baocao.docx_out.pdf.docx_to_pdf", lambda data, **_: b"%PDF-1.4")
    if case.name == "issuing:issue":  # issued as DOCX only: no conversion either
        monkeypatch.setattr("baocao.libreoffice.executable", lambda: None)
    target = target_of(world, case)
    call = CALLS[case.name](target) if case.name in CALLS else Call()
    url = url_of(world, case, target, call)
    client, headers = client_for(world, case)
    unsafe = case.method != "GET"
    before = fingerprint() if unsafe else None
    response = send(client, case, url, call, headers)
    status = response.status_code
    said = f"{case}: expected {case.expected}, got {status} for {case.method} {url}"

    listing = case.rule.listed and case.role not in SIGNED_OUT
    if listing and (case.expected == ALLOWED or (case.expected == REFUSED and status == 200)):
        assert call.listed(response) == (case.expected == ALLOWED), (
            f"{said}: the object is{'' if case.expected == REFUSED else ' not'} listed"
        )
        return

    if case.expected == ALLOWED:
        assert status < 400, said
        if status in (301, 302):
            assert not response["Location"].startswith(reverse("login") + "?next="), said
        if unsafe and call.changes_db is not None:
            changed = fingerprint() != before
            assert changed == call.changes_db, f"{said}: the database {'un' * (not changed)}changed"
        if call.effect is not None:
            call.effect(response)
        return

    if case.expected == OWN_REPORT:
        own = report_of(target.campaign, world.units[HOME])
        own_url = reverse("campaigns:report", args=[own.campaign.slug, HOME])
        assert status == 302 and response["Location"] == own_url, said
    elif case.expected == FORM_ERROR:
        assert status == 400, said
    elif case.expected == NOT_FOUND:
        assert status == 404, said
    elif case.role in SIGNED_OUT and case.api:
        assert status in (401, 404) and "error" in response.json(), said
        assert status == 401 or case.name == "api:not_found", said
    elif case.role in SIGNED_OUT:
        assert status == 302, said
        assert response["Location"].startswith(reverse("login") + "?next="), said
    else:
        assert status in (403, 404), said
        if case.api:
            assert "error" in response.json(), said
    if unsafe:
        assert fingerprint() == before, f"{said}: a refused request changed the database"


# --- ids of another unit's objects under one's own report -------------------------------------


FOREIGN_IDS = (  # URL name, method, which of the sibling's objects the URL is given
    ("campaigns:upload_preview", "GET", "pending upload"),
    ("campaigns:upload_confirm", "POST", "pending upload"),
    ("campaigns:upload_discard", "POST", "pending upload"),
    ("campaigns:upload_file", "GET", "pending upload"),
    ("campaigns:upload_file", "GET", "confirmed upload"),
    ("campaigns:consolidate_insert", "POST", "passage"),
)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [WRITER_CONSOLIDATOR, SUPERUSER])
@pytest.mark.parametrize(("name", "method", "foreign"), FOREIGN_IDS)
def test_an_id_from_another_unit_is_not_found_under_ones_own_report(
    world, role, name, method, foreign
):
    """The matrix's URLs carry the report's own ids; here the own report's URL (which the
    person may use) is given the sibling's upload or passage: looked up within the report in
    the URL, it is not found, and nothing changes."""
    own, sibling = world.report("own"), world.report("sibling")
    kwargs = {"slug": world.national.slug, "unit_code": own.unit.code}
    data: dict[str, str] = {}
    if foreign == "passage":
        below = SectionText.objects.get(
            report__unit__code="KT-DT-01", report__campaign=world.national
        )
        url = reverse(name, kwargs=kwargs) + f"?muc={SECTION}"
        data = {"doan": str(below.pk), "base_version": "2"}
    else:
        uploads = world.pending if foreign == "pending upload" else world.confirmed
        url = reverse(name, kwargs={**kwargs, "upload_id": uploads[sibling.pk].pk})
        data = {"value": f"{INDICATOR}:{YEAR}", f"was:{INDICATOR}:{YEAR}": ""}
    client = world.client
    client.cookies.clear()
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    before = fingerprint()
    response = client.get(url) if method == "GET" else client.post(url, data)
    assert response.status_code == 404, f"{role} {method} {url}: {response.status_code}"
    assert fingerprint() == before


# --- the editor's autosave -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "relation"),
    [(VIEWER, "own"), (REVIEWER, "child"), (CONSOLIDATOR, "own"), (WRITER, "sibling")],
)
def test_a_refused_autosave_changes_nothing(world, role, relation):
    """The autosave (HTMX) answers a refusal inside the editor, with a 200 that HTMX swaps in
    (or 403 when the report is out of sight): the reason is shown and nothing is saved."""
    report = world.report(relation)
    url = reverse("campaigns:section_save", args=[world.national.slug, report.unit.code, SECTION])
    client = world.client
    client.cookies.clear()
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    before = fingerprint()
    response = client.post(
        url, {"text": "Không được lưu.", "base_version": "2"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert "Chỉ người viết báo cáo của đơn vị" in response.content.decode()
    assert fingerprint() == before


# --- the admin ---------------------------------------------------------------------------------------


def admin_urls() -> Iterator[tuple[str, str, dict[str, str], str]]:
    """(id, URL name, kwargs, kind) for the admin index, each app's index, each registered
    model's changelist and add page."""
    yield "index", "admin:index", {}, "index"
    for app_label in sorted({model._meta.app_label for model in admin.site._registry}):
        yield f"app:{app_label}", "admin:app_list", {"app_label": app_label}, "app"
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        label = model._meta.label
        yield f"{label}:changelist", "admin:{}_{}_changelist".format(*info), {}, "changelist"
        yield f"{label}:add", "admin:{}_{}_add".format(*info), {}, f"add:{label}"


ADMIN_URLS = list(admin_urls())


def test_admin_without_add_names_registered_models():
    registered = {model._meta.label for model in admin.site._registry}
    assert registered >= ADMIN_WITHOUT_ADD


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "kwargs", "kind"),
    [entry[1:] for entry in ADMIN_URLS],
    ids=[entry[0] for entry in ADMIN_URLS],
)
def test_admin_pages(world, role, name, kwargs, kind):
    """Officers (staff flag off) are sent to the admin's login; staff without permissions see
    only the empty index; the superuser sees every page (add only where the admin allows)."""
    client = world.client
    client.cookies.clear()
    if role != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    said = f"{role} GET {url}: {response.status_code}"
    if role == SUPERUSER:
        refused_add = kind.startswith("add:") and kind[4:] in ADMIN_WITHOUT_ADD
        assert response.status_code == (403 if refused_add else 200), said
    elif role == STAFF:
        expected = {"index": 200, "app": 404}.get(kind, 403)
        assert response.status_code == expected, said
    else:
        assert response.status_code == 302, said
        logins = (reverse("admin:login") + "?next=", reverse("login") + "?next=")
        assert response["Location"].startswith(logins), said
