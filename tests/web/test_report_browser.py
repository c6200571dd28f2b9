"""A report written, sent, returned, fixed and accepted in a real Chromium; two people editing
one section at once; screenshots of the editor at desktop and phone width."""

import pytest
from playwright.sync_api import expect

from baocao.apps.campaigns.models import IndicatorValue, ReportStatus, SectionVersion

from .editor_steps import append, text_box, write
from .phone_steps import open_section
from .report_steps import report_path, section
from .samples import PASSWORD

# DJANGO_ALLOW_ASYNC_UNSAFE is set by the `browser` fixture, only while Playwright runs.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVE_WAIT = 8_000  # autosave waits 1.5 s after the last key, then the round trip


# `report` (KT-DH-01's, in a campaign for the CĐCS) is conftest's.


def test_write_submit_return_fix_and_accept(
    browser_page, new_page, log_in, live_server, report, writer, reviewer, screenshots
):
    page = browser_page
    path = report_path(report)
    log_in(page, writer.username, PASSWORD, next_path=path)
    assert page.url.endswith(path), page.url
    expect(page.get_by_role("heading", level=1)).to_contain_text("CĐCS UBND xã Đăk Mar")
    expect(page.locator(".status")).to_have_text("Đang soạn")
    # nothing on the phone is wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # Section 1: typed, then left alone: autosave after the pause.
    first = section(page, "P1/I/1")
    write(
        first, "Ban Thường vụ đã ban hành kế hoạch thực hiện Nghị quyết.\n- Tổ chức 12 buổi học tập"
    )
    expect(first.locator(".editor__status")).to_contain_text("Đã lưu lúc", timeout=SAVE_WAIT)
    expect(first.locator(".editor__status")).to_contain_text("phiên bản 1")
    expect(page.locator(f'[id="{_mark_id(page, "P1/I/1")}"]')).to_contain_text("đã viết")

    # Section 2 with the keyboard alone: type, Tab away (saves at once), Enter on "Lưu". On a
    # phone the page shows one section at a time: "Mục sau" goes on to it.
    page.get_by_role("navigation", name="Chuyển mục").get_by_role("link", name="Mục sau").click()
    expect(first).to_be_hidden()
    second = section(page, "P1/I/2")
    second_text = text_box(second)
    second_text.focus()
    page.keyboard.type("Các CĐCS đã quán triệt Nghị quyết đến 100% đoàn viên.")
    page.keyboard.press("Tab")
    expect(second.get_by_role("button", name="Lưu")).to_be_focused()
    expect(second.locator(".editor__status")).to_contain_text("phiên bản 1", timeout=SAVE_WAIT)
    page.keyboard.press("Enter")  # saving the same text again changes nothing
    expect(second.locator(".editor__status")).to_contain_text("phiên bản 1")

    # A figure: typed Vietnamese style, saved when the cell is left, shown as printed.
    open_section(page, "P1/II/1")
    members = page.get_by_label("Số đoàn viên công đoàn, năm 2017")
    members.fill("1.234")
    members.press("Tab")
    cell = page.locator("td", has=page.get_by_label("Số đoàn viên công đoàn, năm 2017"))
    expect(cell).to_contain_text("Đã lưu: 1.234")
    expect(page.get_by_label("Số đoàn viên công đoàn, năm 2017")).to_have_value("1.234")
    expect(page.get_by_label("Số đoàn viên nữ, năm 2008")).to_be_focused()  # Tab went on
    # Not a number: said next to the cell, and the typing stays in it.
    women = page.get_by_label("Số đoàn viên nữ, năm 2017")
    women.fill("khoảng 300")
    women.press("Tab")
    women_cell = page.locator("td", has=page.get_by_label("Số đoàn viên nữ, năm 2017"))
    expect(women_cell.get_by_role("alert")).to_contain_text("Không đọc được số")
    expect(page.get_by_label("Số đoàn viên nữ, năm 2017")).to_have_value("khoảng 300")
    women = page.get_by_label("Số đoàn viên nữ, năm 2017")
    women.fill("600")
    women.press("Tab")
    expect(women_cell).to_contain_text("Đã lưu: 600")
    assert IndicatorValue.objects.get(report=report, code="members", year=2017).raw == "1.234"

    _screenshots(page, new_page, screenshots)

    # Submit: the checks first, then the button.
    page.get_by_role("link", name="Đến phần gửi báo cáo").click()
    submit_area = page.locator("#gui-bao-cao")
    expect(submit_area).to_contain_text("Còn")
    submit_area.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".status")).to_have_text("Đã gửi")
    expect(page.locator("textarea[name=text]")).to_have_count(0)
    expect(text_box(page)).to_have_count(0)

    # The reviewer returns it with a remark on section 1.
    review_page = new_page(1280, 900)
    log_in(review_page, reviewer.username, PASSWORD, next_path=path)
    review_page.locator('[id="muc-P1/I/1"] .review-comment textarea').fill(
        "Nêu rõ số đoàn viên được học tập."
    )
    review_page.get_by_label("Lý do trả lại").fill("Bổ sung số liệu học tập.")
    review_page.get_by_role("button", name="Trả lại").click()
    expect(review_page.locator(".status")).to_have_text("Bị trả lại")

    # The writer sees the remark beside the section, fixes it and sends again.
    page.reload()
    expect(page.locator(".status")).to_have_text("Bị trả lại")
    open_section(page, "P1/I/1")
    expect(first.locator(".review-note")).to_contain_text("Nêu rõ số đoàn viên được học tập.")
    append(first, "\n1.234 đoàn viên được học tập")  # Enter after a bullet: the next bullet
    first.get_by_role("button", name="Lưu").click()
    expect(first.locator(".editor__status")).to_contain_text("phiên bản 2", timeout=SAVE_WAIT)
    page.get_by_role("link", name="Đến phần gửi báo cáo").click()
    page.locator("#gui-bao-cao").get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".status")).to_have_text("Đã gửi")

    # The reviewer accepts.
    review_page.reload()
    review_page.get_by_role("button", name="Chấp nhận").click()
    expect(review_page.locator(".status")).to_have_text("Đã duyệt")
    expect(review_page.locator(".timeline__item")).to_have_count(4)

    # The district's dashboard shows it: accepted, and its sections filled in the matrix.
    review_page.goto(f"{live_server.url}/dot-bao-cao/{report.campaign.slug}/")
    row = review_page.locator("tr.status-accepted", has_text="CĐCS UBND xã Đăk Mar")
    expect(row).to_contain_text("Đã duyệt")
    expect(
        review_page.locator("tr", has_text="CĐCS Trường Tiểu học Nguyễn Huệ").first
    ).to_be_visible()
    expect(review_page.get_by_text("CĐCS Trung tâm Y tế huyện Đăk Tô")).to_have_count(0)  # sibling
    review_page.context.close()
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED


def _mark_id(page, section_id):
    """The id of a section's mark in the tree (its editor's key, "m3")."""
    form_id = section(page, section_id).locator("form.editor").get_attribute("id")
    return "mark-" + form_id.removeprefix("editor-")


def _screenshots(page, new_page, shots):
    """The editor with text and figures, at phone width and on a desktop."""
    open_section(page, "P1/I/1")  # a phone: one section at a time
    page.screenshot(path=shots / "editor-phone.png")
    open_section(page, "P1/II/1")
    section(page, "P1/II/1").locator("table").scroll_into_view_if_needed()
    page.screenshot(path=shots / "editor-phone-figures.png")
    desktop = new_page(1280, 900)
    desktop.context.add_cookies(page.context.cookies())
    desktop.goto(page.url.split("#")[0])
    desktop.screenshot(path=shots / "editor.png")
    desktop.evaluate("document.querySelector('[id=\"muc-P1/II/1\"]').scrollIntoView()")
    desktop.screenshot(path=shots / "editor-figures.png")
    desktop.context.close()


def test_two_people_editing_one_section_merge_and_lose_nothing(
    new_page, log_in, live_server, report, writer, member, tree, screenshots
):
    colleague = member("truong_viet2", report.unit, "writer", password=PASSWORD)
    path = report_path(report)
    mine, theirs = new_page(1280, 900), new_page(1280, 900)
    log_in(mine, writer.username, PASSWORD, next_path=path)
    log_in(theirs, colleague.username, PASSWORD, next_path=path)

    their_section = section(theirs, "P1/I/3")
    write(their_section, "Nhận thức của đoàn viên chuyển biến rõ.")
    their_section.get_by_role("button", name="Lưu").click()
    expect(their_section.locator(".editor__status")).to_contain_text(
        "phiên bản 1", timeout=SAVE_WAIT
    )

    # My page still has version 0: my autosave meets their version and shows both. On a slow
    # line I go on typing while it travels: those keys are kept too.
    held = []

    def hold(route):
        held.append(route)

    mine.route("**/muc/P1/I/3/luu/", hold)
    my_section = section(mine, "P1/I/3")
    my_text = text_box(my_section)
    write(my_section, "Cán bộ công đoàn nắm chắc Nghị quyết")
    while not held:
        mine.wait_for_timeout(100)
    my_text.press("End")
    mine.keyboard.type(".")
    held[0].continue_()
    mine.unroute("**/muc/P1/I/3/luu/", hold)
    panel = my_section.locator(".conflict")
    expect(panel).to_be_visible(timeout=SAVE_WAIT)
    expect(panel).to_contain_text("Người khác (truong_viet2, lúc")
    expect(panel.get_by_role("region", name="Bản của họ (phiên bản 1, chỉ đọc)")).to_have_text(
        "Nhận thức của đoàn viên chuyển biến rõ."
    )
    yours = panel.get_by_label("Bản của bạn (sửa được)")
    expect(yours).to_have_value("Cán bộ công đoàn nắm chắc Nghị quyết.")
    shots = screenshots
    panel.scroll_into_view_if_needed()
    mine.screenshot(path=shots / "conflict.png")

    # Keep both: merge them in my box and save the merge.
    yours.fill("Nhận thức của đoàn viên chuyển biến rõ.\nCán bộ công đoàn nắm chắc Nghị quyết.")
    panel.get_by_role("button", name="Lưu bản đã gộp").click()
    status = my_section.locator(".editor__status")
    expect(status).to_contain_text("phiên bản 2", timeout=SAVE_WAIT)
    expect(my_section.locator(".conflict")).to_have_count(0)
    merged = SectionVersion.objects.get(report=report, section_id="P1/I/3", version=2)
    assert merged.note == "Gộp sau khi trùng sửa"
    assert merged.text == (
        "<p>Nhận thức của đoàn viên chuyển biến rõ.</p><p>Cán bộ công đoàn nắm chắc Nghị quyết.</p>"
    )
    # After the merge my editor carries on from version 2: the next autosave is not a conflict.
    append(my_section, "\nThêm một dòng.")
    expect(status).to_contain_text("phiên bản 3", timeout=SAVE_WAIT)
    # ...and the next one carries on from version 3 (the save answered with the new version).
    append(my_section, "\nDòng cuối.")
    expect(status).to_contain_text("phiên bản 4", timeout=SAVE_WAIT)
    assert not SectionVersion.objects.filter(report=report, section_id="P1/I/3", version=5).exists()
    mine.context.close()
    theirs.context.close()
