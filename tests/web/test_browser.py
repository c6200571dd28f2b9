"""The built-in outline in a real Chromium at phone width: log in, skip link, contents, jump."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from baocao.apps.outlines.services import install_builtin_outlines
from baocao.outline.builtin import DEFAULT_SLUG, load_builtin

from .samples import PASSWORD

# DJANGO_ALLOW_ASYNC_UNSAFE is set by the `browser` fixture, only while Playwright runs.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_logs_in_and_navigates_the_builtin_outline(browser_page, log_in, officer):
    install_builtin_outlines()
    page = browser_page
    outline_path = f"/de-cuong/{DEFAULT_SLUG}/"

    log_in(page, officer.username, PASSWORD, next_path=outline_path)
    assert page.url.endswith(outline_path), page.url
    expect(page.locator("html")).to_have_attribute("lang", "vi")

    # Keyboard users: the first Tab reaches the skip link, Enter moves past the header.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Chuyển đến nội dung chính")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    toc = page.get_by_role("navigation", name="Mục lục")
    expect(toc).to_be_visible()
    links = toc.get_by_role("link")
    expect(links).to_have_count(len(list(load_builtin().walk())))
    expect(links.first).to_be_visible()

    # The last entry is the farthest down the page: following it must bring its section into view.
    last = links.last
    target = last.get_attribute("href")
    last.click()
    assert page.url.endswith(target)
    heading = page.locator(f'[id="{target[1:]}"] > .sec__title')
    expect(heading).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 0

    shots = settings.VAR_DIR / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=shots / "outline.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=shots / "outline-desktop.png", full_page=True)
