"""The unit tree in a real Chromium at phone width, with the keyboard alone."""

import pytest
from playwright.sync_api import expect

from .samples import PASSWORD

# DJANGO_ALLOW_ASYNC_UNSAFE is set by the `browser` fixture, only while Playwright runs.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_unfolds_a_district_with_the_keyboard_and_searches(
    browser_page, log_in, tree, member
):
    member("tinh", tree.province, "viewer", password=PASSWORD)
    page = browser_page
    log_in(page, "tinh", PASSWORD, next_path="/don-vi/")
    assert page.url.endswith("/don-vi/"), page.url
    expect(page.get_by_role("heading", name="Đơn vị")).to_be_visible()

    cdcs = page.get_by_text("CĐCS UBND xã Đăk Mar")
    expect(cdcs).to_be_hidden()  # districts start folded
    district = page.locator("summary", has_text="LĐLĐ huyện Đăk Hà")
    district.focus()
    page.keyboard.press("Enter")
    expect(cdcs).to_be_visible()
    # nothing is wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_label("Tìm đơn vị").fill("dak to")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_text("CĐCS Trung tâm Y tế huyện Đăk Tô")).to_be_visible()
    expect(page.get_by_text("CĐCS UBND xã Đăk Mar")).to_have_count(0)
