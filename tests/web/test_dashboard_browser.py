"""The dashboard of the demo province in a real Chromium: on a desktop and on a phone, filters
without a page reload, nothing wider than the phone; screenshots kept in var/screenshots/."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from baocao.demo.accounts import DEMO_PASSWORD, create_demo_users
from baocao.demo.campaign import SLUG, create_demo_campaign

# DJANGO_ALLOW_ASYNC_UNSAFE is set by the `browser` fixture, only while Playwright runs.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    create_demo_users()
    return create_demo_campaign().campaign


def test_the_province_reads_its_dashboard_on_a_desktop_and_a_phone(
    browser, browser_page, log_in, demo
):
    shots = settings.VAR_DIR / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    path = f"/dot-bao-cao/{SLUG}/"

    desktop = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    page = desktop.new_page()
    page.set_default_timeout(10_000)
    log_in(page, "tinh", DEMO_PASSWORD, next_path=path)
    expect(page.get_by_role("heading", name=demo.name)).to_be_visible()
    expect(page.get_by_role("img", name="Số báo cáo đã gửi theo ngày")).to_be_visible()
    expect(page.get_by_text("Đơn vị 1–50 trong 975")).to_be_visible()
    page.screenshot(path=shots / "dashboard.png", full_page=True)

    # Filters swap the table in place (htmx) and keep the address shareable.
    page.get_by_label("Trạng thái", exact=True).select_option("returned")
    expect(page.get_by_text("Đơn vị 1–50 trong 69")).to_be_visible()
    assert "trang-thai=returned" in page.url
    page.get_by_label("Chỉ đơn vị trễ hạn").check()
    expect(page.get_by_text("(đã lọc)")).to_be_visible()
    desktop.close()

    phone = browser_page
    log_in(phone, "tinh", DEMO_PASSWORD, next_path=path)
    expect(phone.get_by_role("heading", name=demo.name)).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    data = phone.get_by_text("Xem số liệu").first
    data.click()
    expect(phone.get_by_role("columnheader", name="Cộng dồn")).to_be_visible()
    phone.evaluate("window.scrollTo(0, 0)")
    phone.screenshot(path=shots / "dashboard-phone.png", full_page=True)


def test_a_cdcs_chair_asking_for_the_dashboard_lands_on_its_report(browser_page, log_in, demo):
    log_in(browser_page, "cdcs.nguyenhue", DEMO_PASSWORD, next_path=f"/dot-bao-cao/{SLUG}/")
    assert browser_page.url.endswith(f"/dot-bao-cao/{SLUG}/bao-cao/KT-TP-026/")
