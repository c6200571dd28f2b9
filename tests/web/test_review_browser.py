"""A review that keeps its work, in a real Chromium: the reviewer types remarks, leaves the page
and comes back to find them, sees what the writer was warned about, returns the report; the
writer fixes a section and a figure and sends it again; the reviewer reads what changed since
the return."""

import pytest
from playwright.sync_api import expect

from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import ReportStatus, ReviewDraft

from .editor_steps import append
from .phone_steps import open_section
from .report_steps import report_path, section
from .samples import PASSWORD

# DJANGO_ALLOW_ASYNC_UNSAFE is set by the `browser` fixture, only while Playwright runs.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVE_WAIT = 8_000  # autosave waits 1.5 s after the last key, then the round trip
SECTION, TABLE_SECTION = "P1/I/1", "P1/II/1"
MEMBERS_2017 = "Số đoàn viên công đoàn, năm 2017"

# Whether leaving now would ask first: the page's beforeunload handler, asked directly (a real
# dialog would need a user gesture and stop the test).
WOULD_WARN = """() => {
  const event = new Event("beforeunload", {cancelable: true});
  window.dispatchEvent(event);
  return event.defaultPrevented;
}"""


# `report` (KT-DH-01's, in a campaign for the CĐCS) is conftest's.


def test_remarks_survive_leaving_the_page_and_the_changes_since_the_return_are_shown(
    new_page, log_in, live_server, report, writer, reviewer, screenshots
):
    # The writer's report, sent with a number in the text that its table contradicts.
    actions.save_section(report, SECTION, "Ban Thường vụ đã ban hành kế hoạch.", 0, writer)
    actions.save_indicator(report, "members", 2017, "1.234", writer)
    actions.save_section(report, TABLE_SECTION, "Đơn vị có 1.243 đoàn viên.", 0, writer)
    actions.submit(report, writer, report.version)
    path = report_path(report)

    # The reviewer sees what the writer was warned about, and starts typing remarks.
    review = new_page(1280, 900)
    log_in(review, reviewer.username, PASSWORD, next_path=path)
    panel = review.locator("#duyet-bao-cao")
    expect(panel).to_contain_text("1.243 đoàn viên")
    expect(panel).to_contain_text("là 1.234")
    remark = section(review, SECTION).locator(".review-comment textarea")
    remark.click()
    review.keyboard.type("Nêu rõ số buổi học tập.")
    reason = review.get_by_label("Lý do trả lại")
    reason.fill("Số đoàn viên trong bài khác với bảng.")
    assert review.evaluate(WOULD_WARN), "leaving before the autosave must ask first"
    status = review.locator("#nhap-duyet-trang-thai")
    expect(status).to_contain_text("Đã lưu nháp lúc", timeout=SAVE_WAIT)
    review.wait_for_function(
        "() => [...document.querySelectorAll('textarea[data-review-draft]')]"
        ".every(box => box.value === box.dataset.saved)",
        timeout=SAVE_WAIT,
    )
    assert not review.evaluate(WOULD_WARN)
    draft = ReviewDraft.objects.get(report=report, reviewer=reviewer)
    assert draft.reason == "Số đoàn viên trong bài khác với bảng."
    assert draft.section_comments == {SECTION: "Nêu rõ số buổi học tập."}

    # A link away (the section's history), then back to the report: the remarks are there.
    section(review, SECTION).get_by_role("link", name="Lịch sử sửa").click()
    expect(review.get_by_role("heading", level=1)).to_have_text("Lịch sử sửa")
    review.goto(f"{live_server.url}{path}")
    remark = section(review, SECTION).locator(".review-comment textarea")
    expect(remark).to_have_value("Nêu rõ số buổi học tập.")
    expect(review.get_by_label("Lý do trả lại")).to_have_value(
        "Số đoàn viên trong bài khác với bảng."
    )
    expect(panel).to_contain_text("đã được điền lại")
    assert not review.evaluate(WOULD_WARN)
    panel.scroll_into_view_if_needed()
    review.screenshot(path=screenshots / "review-draft.png")

    # Returned: the remarks go to the unit and the draft is gone.
    review.get_by_role("button", name="Trả lại", exact=True).click()
    expect(review.locator(".status")).to_have_text("Bị trả lại")
    assert not ReviewDraft.objects.filter(report=report).exists()

    # The writer fixes the section and the figure, and sends it again.
    page = new_page()
    log_in(page, writer.username, PASSWORD, next_path=path)
    first = section(page, SECTION)
    expect(first.locator(".review-note")).to_contain_text("Nêu rõ số buổi học tập.")
    append(first, "\nĐã tổ chức 12 buổi học tập Nghị quyết.")
    first.get_by_role("button", name="Lưu").click()
    expect(first.locator(".editor__status")).to_contain_text("phiên bản 2", timeout=SAVE_WAIT)
    open_section(page, "P1/II/1")  # a phone: one section at a time
    members = page.get_by_label(MEMBERS_2017)
    members.fill("1.243")
    members.press("Tab")
    expect(page.locator("td", has=page.get_by_label(MEMBERS_2017))).to_contain_text("Đã lưu: 1.243")
    page.get_by_role("link", name="Đến phần gửi báo cáo").click()
    page.locator("#gui-bao-cao").get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".status")).to_have_text("Đã gửi")

    # The reviewer opens what changed since the return.
    review.reload()
    expect(review.locator(".status")).to_have_text("Đã gửi")
    review.get_by_role("link", name="Thay đổi từ lần trả lại", exact=True).click()
    expect(review.get_by_role("heading", level=1)).to_have_text("Thay đổi từ lần trả lại")
    changed = review.locator("section.version", has_text="Nêu rõ số buổi học tập.")
    expect(changed.locator(".diff__added")).to_contain_text(
        "Đã tổ chức 12 buổi học tập Nghị quyết."
    )
    figures = review.locator("table.figure-changes")
    expect(figures.locator("tr", has_text="Số đoàn viên công đoàn")).to_contain_text("1.234")
    expect(figures.locator("tr", has_text="Số đoàn viên công đoàn")).to_contain_text("1.243")
    review.screenshot(path=screenshots / "review-changes.png", full_page=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
