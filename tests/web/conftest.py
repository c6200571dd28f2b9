"""Fixtures for the web tests: a logged-in officer, a small outline, a small union tree with
members in any role, and a real browser."""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from baocao.outline.serialize import dump_yaml

from .samples import PASSWORD, sample_outline

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _static_without_manifest(settings):
    """The manifest storage needs collectstatic; tests render from the source files instead."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Ordinary tests need no worker: each task runs inside the request (or commit) that
    enqueues it, as with BAOCAO_TASK_BACKEND=immediate. The tests of the queue itself ask for
    `database_queue` (after this one, so it wins) and run a real `baocao worker`."""
    from baocao.web.background import IMMEDIATE

    settings.TASKS = {"default": {"BACKEND": IMMEDIATE}}


@pytest.fixture
def database_queue(settings):
    """The database queue, as deployed: enqueued tasks wait for a worker process."""
    from baocao.web.background import DATABASE_QUEUE

    settings.TASKS = {"default": {"BACKEND": DATABASE_QUEUE}}


@pytest.fixture(autouse=True)
def _vietnamese_first():
    """Each test starts in Vietnamese: a request in English leaves English active in the thread
    (the locale middleware activates, nothing deactivates), which changed later tests' labels."""
    from django.utils import translation

    translation.activate("vi")
    yield
    translation.activate("vi")


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user("canbo", password=PASSWORD)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def sample_document(db):
    from baocao.apps.outlines.models import OutlineDocument

    outline = sample_outline()
    return OutlineDocument.objects.create(
        slug="de-cuong-mau", title=outline.title, yaml_text=dump_yaml(outline)
    )


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run; missing Chromium is a failure, never a skip."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: the browser tests need it. "
            "Install it with `make system-deps` (apt-get install chromium)."
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread, and Django refuses ORM calls
    # (even pytest-django's own flush) while it runs. The live server thread is unaffected.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser):
    """Open a page in a fresh context of its own (another person, or another screen):
    `new_page()` is a phone, `new_page(1280, 900)` a desktop; Vietnamese-speaking, in Vietnam's
    time zone. Every context it opened is closed after the test."""
    contexts = []

    def new_page(width: int = 360, height: int = 760):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            reduced_motion="reduce",  # jumps, not smooth scrolling: what a test checks is settled
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


@pytest.fixture
def browser_page(new_page):
    """A fresh page in a phone-sized, Vietnamese-speaking context (the chair on a slow phone)."""
    return new_page()


@pytest.fixture
def screenshots() -> Path:
    """Where browser tests leave screenshots (and files) for a person to look at: var/screenshots."""
    from django.conf import settings

    shots = settings.VAR_DIR / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    return shots


@pytest.fixture
def log_in(live_server):
    """Log a user in through the real login form, as a person would."""

    def log_in(page, username: str, password: str, next_path: str = "/") -> None:
        page.goto(f"{live_server.url}{next_path}")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_load_state()

    return log_in


@dataclass
class Tree:
    """A small union tree, as in the scope tests' matrix:

    TLD Tổng LĐLĐ
    ├── KT LĐLĐ tỉnh Kon Tum
    │   ├── KT-DH LĐLĐ huyện Đăk Hà ── KT-DH-01, KT-DH-02 (CĐCS)
    │   └── KT-DT LĐLĐ huyện Đăk Tô ── KT-DT-01 (CĐCS)
    └── GL LĐLĐ tỉnh Gia Lai ── GL-PK LĐLĐ thành phố Pleiku ── GL-PK-01 (CĐCS)
    """

    national: Any
    province: Any
    dakha: Any
    dakto: Any
    cdcs_dh1: Any
    cdcs_dh2: Any
    cdcs_dt1: Any
    other_province: Any
    other_district: Any
    other_cdcs: Any

    def all(self) -> list:
        return [getattr(self, name) for name in self.__dataclass_fields__]


@pytest.fixture
def tree(db) -> Tree:
    from baocao.apps.orgs.models import Unit, UnitKind

    def unit(code, name, kind, parent=None):
        return Unit.objects.create(
            code=code, name=name, kind=kind, parent=parent, email=f"{code.lower()}@example.vn"
        )

    national = unit("TLD", "Tổng Liên đoàn Lao động Việt Nam", UnitKind.NATIONAL)
    province = unit("KT", "LĐLĐ tỉnh Kon Tum", UnitKind.PROVINCE, national)
    dakha = unit("KT-DH", "LĐLĐ huyện Đăk Hà", UnitKind.DISTRICT, province)
    dakto = unit("KT-DT", "LĐLĐ huyện Đăk Tô", UnitKind.DISTRICT, province)
    other_province = unit("GL", "LĐLĐ tỉnh Gia Lai", UnitKind.PROVINCE, national)
    other_district = unit("GL-PK", "LĐLĐ thành phố Pleiku", UnitKind.DISTRICT, other_province)
    return Tree(
        national=national,
        province=province,
        dakha=dakha,
        dakto=dakto,
        cdcs_dh1=unit("KT-DH-01", "CĐCS UBND xã Đăk Mar", UnitKind.GRASSROOTS, dakha),
        cdcs_dh2=unit("KT-DH-02", "CĐCS Trường Tiểu học Nguyễn Huệ", UnitKind.GRASSROOTS, dakha),
        cdcs_dt1=unit("KT-DT-01", "CĐCS Trung tâm Y tế huyện Đăk Tô", UnitKind.GRASSROOTS, dakto),
        other_province=other_province,
        other_district=other_district,
        other_cdcs=unit(
            "GL-PK-01", "CĐCS Công ty Cà phê Gia Lai", UnitKind.GRASSROOTS, other_district
        ),
    )


@pytest.fixture
def member(django_user_model):
    """Make a user placed in `unit` with `roles`: member("dh.viewer", tree.dakha, "viewer").
    No password unless asked for (hashing one costs a third of a second): use force_login."""

    def member(username: str, unit, *roles: str, password: str | None = None):
        from baocao.apps.orgs.models import Membership

        user = django_user_model.objects.create_user(username, password=password)
        Membership.objects.create(user=user, unit=unit, roles=list(roles))
        return user

    return member


# --- The report pages' campaign (test_report_pages, test_ingest_pages, test_english) ----------
# A module with other needs defines its own `people`, `campaign` or `school`, which then take
# precedence.


@pytest.fixture
def people(tree, member, django_user_model) -> dict:
    """Who acts on the report pages: the system administrator; the province's consolidator and
    a reviewer; Đăk Hà's two writers and reviewer; two writers of KT-DH-01 (the "school") and
    one of KT-DH-02 (the "clinic"); Đăk Tô's writer and reviewer. No passwords (force_login)."""
    return {
        "admin": django_user_model.objects.create_superuser("quantri"),
        "province": member("tinh", tree.province, "consolidator", "reviewer"),
        "province_reviewer": member("tinh_duyet", tree.province, "reviewer"),
        "dakha_writer": member("dakha_viet", tree.dakha, "writer"),
        "dakha_colleague": member("dakha_viet2", tree.dakha, "writer"),
        "dakha_reviewer": member("dakha_duyet", tree.dakha, "reviewer"),
        "school_writer": member("truong_viet", tree.cdcs_dh1, "writer"),
        "school_colleague": member("truong_viet2", tree.cdcs_dh1, "writer"),
        "clinic_writer": member("yte_viet", tree.cdcs_dh2, "writer"),
        "dakto_writer": member("dakto_viet", tree.dakto, "writer"),
        "dakto_reviewer": member("dakto_duyet", tree.dakto, "reviewer"),
    }


@pytest.fixture
def campaign(tree, people):
    """The built-in outline's campaign "nq20-2017" over Kon Tum's districts and CĐCS, opened by
    the administrator, due in five days."""
    from .campaign_scenario import open_nq20

    return open_nq20(tree, people["admin"])


@pytest.fixture
def school(campaign, tree):
    """KT-DH-01's report (CĐCS UBND xã Đăk Mar) in `campaign`."""
    from .campaign_scenario import report_of

    return report_of(campaign, tree.cdcs_dh1)


# --- The browser tests' report (test_report_browser, test_ingest_browser) ----------------------


@pytest.fixture
def report(tree, django_user_model):
    """KT-DH-01's report (CĐCS UBND xã Đăk Mar) in a campaign "nq20-2017" for the CĐCS only,
    opened by the administrator, due in ten days."""
    from baocao.apps.orgs.models import UnitKind

    from .campaign_scenario import open_nq20, report_of

    admin = django_user_model.objects.create_superuser("quantri")
    campaign = open_nq20(tree, admin, kinds=[UnitKind.GRASSROOTS], days=10)
    return report_of(campaign, tree.cdcs_dh1)


@pytest.fixture
def writer(tree, member):
    """The writer of `report` (KT-DH-01), who logs in with PASSWORD."""
    return member("truong_viet", tree.cdcs_dh1, "writer", password=PASSWORD)


@pytest.fixture
def reviewer(tree, member):
    """Đăk Hà's reviewer, who reviews `report`, logging in with PASSWORD."""
    return member("dakha_duyet", tree.dakha, "reviewer", password=PASSWORD)
