"""Fixtures for the web tests: a logged-in officer, a small outline, and a real browser."""

import os
from pathlib import Path

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
            "Install it with `make browser-deps` (apt-get install chromium)."
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
def browser_page(browser):
    """A fresh page in a phone-sized, Vietnamese-speaking context (the chair on a slow phone)."""
    context = browser.new_context(
        viewport={"width": 360, "height": 760},
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        reduced_motion="reduce",  # jumps, not smooth scrolling: what a test checks is settled
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


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
