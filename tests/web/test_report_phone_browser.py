"""The report page on a phone (390 × 844), in a real Chromium: one section at a time instead of
a page tens of thousands of pixels tall, previous and next a button away, the sections' tree as
a menu that tells which are empty, written or remarked on, and a returned report's remark at
the top of its section. A desktop, and a phone without JavaScript, still show the whole report."""

import pytest
from playwright.sync_api import expect

from baocao.apps.campaigns import actions

from .editor_steps import text_box, write
from .report_steps import report_path, section
from .samples import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = (390, 844)
REMARK = "Nêu rõ số buổi học tập và số đoàn viên tham dự."
SECTIONS = ("P1/I/1", "P1/I/2", "P1/I/3", "P1/II/1", "P2/3")


def page_height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def menu_link(page, section_id):
    return page.locator(".report-nav").locator(f'a[href="#muc-{section_id}"]')


@pytest.fixture
def returned(report, writer, reviewer):
    """The report written in P1/I/1, sent, and returned with a remark on P1/I/2."""
    actions.save_section(report, "P1/I/1", "<p>Đã học tập Nghị quyết.</p>", 0, writer)
    report.refresh_from_db()
    actions.submit(report, writer, report.version)
    report.refresh_from_db()
    actions.return_report(
        report,
        reviewer,
        "Bổ sung số liệu.",
        {"P1/I/2": REMARK},
        expected_version=report.version,
    )
    return report


def test_a_phone_shows_one_section_at_a_time(new_page, log_in, report, writer, screenshots):
    page = new_page(*PHONE)
    log_in(page, writer.username, PASSWORD, next_path=report_path(report))
    first = section(page, "P1/I/1")
    expect(text_box(first)).to_be_visible()
    for other in SECTIONS[1:]:
        expect(section(page, other)).to_be_hidden()
    height = page_height(page)
    assert height < 3_500, height  # the whole report is some 40,000 px at this width
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    page.screenshot(path=screenshots / "report-phone-step.png", full_page=True)

    # Next and previous, at the foot of the section.
    steps = page.get_by_role("navigation", name="Chuyển mục")
    expect(steps).to_contain_text("1/")
    expect(steps.get_by_role("link", name="Mục trước")).to_be_hidden()
    steps.get_by_role("link", name="Mục sau").click()
    second = section(page, "P1/I/2")
    expect(text_box(second)).to_be_visible()
    expect(text_box(first)).to_be_hidden()
    expect(steps).to_contain_text("2/")
    assert page.url.endswith("#muc-P1/I/2")
    # The section's place in the outline stays above it.
    expect(page.get_by_role("heading", name="I. TÌNH HÌNH TRIỂN KHAI", exact=False)).to_be_visible()
    steps.get_by_role("link", name="Mục trước").click()
    expect(text_box(first)).to_be_visible()
    expect(second).to_be_hidden()
    page.go_back()  # the browser's own Back walks the sections too
    expect(text_box(second)).to_be_visible()

    # Writing in a section marks it written in the menu.
    write(second, "Các CĐCS đã quán triệt Nghị quyết.")
    second.get_by_role("button", name="Lưu").click()
    expect(second.locator(".editor__status")).to_contain_text("phiên bản 1", timeout=8_000)

    # The menu: every section with its state; choosing one shows it and folds the menu.
    page.locator(".report-nav summary").click()
    expect(menu_link(page, "P1/I/2")).to_contain_text("đã viết")
    expect(menu_link(page, "P1/I/3")).to_contain_text("chưa viết")
    expect(menu_link(page, "P1/I/2")).to_have_attribute("aria-current", "location")
    page.screenshot(path=screenshots / "report-phone-menu.png")
    menu_link(page, "P2/3").click()
    expect(text_box(section(page, "P2/3"))).to_be_visible()
    expect(second).to_be_hidden()
    expect(menu_link(page, "P2/3")).to_be_hidden()  # the menu folded away

    # The last step holds the submission.
    page.get_by_role("link", name="Đến phần gửi báo cáo").click()
    expect(page.locator("#gui-bao-cao").get_by_role("button", name="Gửi báo cáo")).to_be_visible()
    expect(section(page, "P2/3")).to_be_hidden()
    expect(steps.get_by_role("link", name="Mục sau")).to_be_hidden()


def test_a_returned_report_shows_the_remark_at_the_top_of_its_section(
    new_page, log_in, returned, writer, screenshots
):
    page = new_page(*PHONE)
    log_in(page, writer.username, PASSWORD, next_path=report_path(returned))
    expect(page.locator(".status")).to_have_text("Bị trả lại")
    page.locator(".report-nav summary").click()
    expect(menu_link(page, "P1/I/1")).to_contain_text("đã viết")
    expect(menu_link(page, "P1/I/2")).to_contain_text("có nhận xét")
    expect(menu_link(page, "P1/I/3")).not_to_contain_text("có nhận xét")
    menu_link(page, "P1/I/2").click()
    remarked = section(page, "P1/I/2")
    note = remarked.locator(".review-note")
    expect(note).to_contain_text(REMARK)
    expect(note).to_be_visible()
    # At the top: right under the section's title, above its guidance and its editor.
    assert (
        remarked.evaluate(
            "s => s.querySelector(':scope > .rs__title').nextElementSibling.className"
        )
        == "review-note"
    )
    note_box = note.bounding_box()
    assert note_box["y"] < remarked.locator(".guide").bounding_box()["y"]
    assert note_box["y"] < text_box(remarked).bounding_box()["y"]
    page.screenshot(path=screenshots / "report-phone-remark.png")


def test_a_desktop_still_shows_the_whole_report(new_page, log_in, report, writer):
    page = new_page(1280, 900)
    log_in(page, writer.username, PASSWORD, next_path=report_path(report))
    for section_id in SECTIONS:
        expect(text_box(section(page, section_id))).to_be_visible()
    expect(page.get_by_role("navigation", name="Chuyển mục")).to_be_hidden()
    expect(page.locator("#gui-bao-cao")).to_be_visible()
    # A phone that prints gets the whole report too.
    phone = new_page(*PHONE)
    phone.context.add_cookies(page.context.cookies())
    phone.goto(page.url)
    expect(section(phone, "P2/3")).to_be_hidden()
    phone.emulate_media(media="print")
    expect(section(phone, "P2/3")).to_be_visible()


def test_a_phone_without_javascript_gets_the_whole_report(browser, live_server, report, writer):
    context = browser.new_context(
        viewport={"width": PHONE[0], "height": PHONE[1]}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}{report_path(report)}")
        page.fill("#id_username", writer.username)
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_load_state()
        for section_id in SECTIONS:
            expect(section(page, section_id).locator("textarea[name=text]")).to_be_visible()
        expect(page.locator(".editor__rich")).to_have_count(0)  # the textarea is the editor
        expect(page.get_by_role("navigation", name="Chuyển mục")).to_be_hidden()
    finally:
        context.close()
