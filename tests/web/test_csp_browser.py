"""The Content-Security-Policy, as Chromium enforces it: walking the main pages, typing into the
editor (autosave through htmx), switching to English and back, opening the admin, not one
violation is reported in the console. A page that still had an inline script, a style=""
attribute or an on...= handler would log "Refused to ..." here."""

import pytest
from playwright.sync_api import expect

from .editor_steps import write
from .phone_steps import open_section
from .samples import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVE_WAIT = 8_000  # autosave waits 1.5 s after the last key, then the round trip


@pytest.fixture
def violations(browser_page):
    """Console lines (and page errors) of the page, collected as the walk goes."""
    found: list[str] = []

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            found.append(f"{browser_page.url}: {text}")

    browser_page.on("console", on_console)
    browser_page.on("pageerror", lambda error: found.append(f"{browser_page.url}: {error}"))
    return found


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "style-src 'self'" in policy, (url, policy)
    page.wait_for_load_state("networkidle")


def test_the_main_pages_break_no_content_security_policy_rule(
    browser_page, log_in, live_server, campaign, school, people, violations
):
    page = browser_page
    base = live_server.url
    writer = people["school_writer"]
    admin = people["admin"]
    for user in (writer, admin):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    report = f"/dot-bao-cao/{campaign.slug}/bao-cao/{school.unit.code}/"

    # The writer: the login page, the report, autosave of a section and of a figure.
    log_in(page, writer.username, PASSWORD, next_path=report)
    assert page.url.endswith(report), page.url
    section = page.locator('[id="muc-P1/I/1"]')
    write(section, "Đã tổ chức 12 buổi học tập Nghị quyết.")  # the rich-text editor
    expect(section.locator(".editor__status")).to_contain_text("Đã lưu lúc", timeout=SAVE_WAIT)
    open_section(page, "P1/II/1")  # a phone: one section at a time
    members = page.get_by_label("Số đoàn viên công đoàn, năm 2017")
    members.fill("1.234")
    members.press("Tab")
    expect(page.locator("td", has=members)).to_contain_text("Đã lưu: 1.234")
    for path in ("muc/P1/I/1/lich-su/", "nop-tep/"):
        visit(page, base + report + path)
    visit(page, base + "/khong-co-trang-nay/")  # the site's 404 page
    # English and back, from the switch in the header.
    visit(page, base + report)
    page.locator('.lang button[value="en"]').click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator('.lang button[value="vi"]').click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state("networkidle")

    # The administrator: every other main page, the dashboard and the admin included.
    log_in(page, admin.username, PASSWORD)
    district = f"/dot-bao-cao/{campaign.slug}/bao-cao/KT-DH/"
    for path in (
        "/",
        "/dot-bao-cao/",
        "/dot-bao-cao/mo/",
        f"/dot-bao-cao/{campaign.slug}/",
        district,
        district + "tong-hop/",
        "/de-cuong/",
        f"/de-cuong/{campaign.outline.slug}/",
        "/de-cuong/nhap/",
        "/don-vi/",
        "/don-vi/nhap/",
        "/doi-mat-khau/",
        "/admin/",
        "/admin/campaigns/campaign/",
        "/admin/auth/user/",
    ):
        visit(page, base + path)
    assert not violations, "\n".join(violations)
