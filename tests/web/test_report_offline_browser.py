"""Writing on a line that comes and goes, in a real Chromium: what is typed while offline is
kept on the device and saved by itself when the line is back (or meets the conflict view when
someone saved meanwhile); a tab that dies with unsaved typing leaves it to be offered back on
the next visit ("Khôi phục / Bỏ"), never put over the server's text silently."""

import time
from urllib.parse import urljoin

import pytest
from playwright.sync_api import expect

from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import IndicatorValue, SectionText
from baocao.richtext import editable_lines, from_plain_lines

from . import report_steps
from .editor_steps import append, expect_lines, write
from .phone_steps import open_section
from .report_steps import report_path
from .samples import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECTION = "P1/I/1"
SAVE_WAIT = 8_000  # autosave waits 1.5 s after the last key, then the round trip
PENDING = "Chưa lưu: mất kết nối"
FIRST = "Ban Thường vụ đã ban hành kế hoạch thực hiện Nghị quyết."
OFFLINE = "Tổ chức 12 buổi học tập cho 1.234 đoàn viên."
COPIES = "Object.keys(localStorage).filter(k => k.startsWith('baocao:chua-luu:'))"


def section(page, section_id=SECTION):
    return report_steps.section(page, section_id)


def stored_lines(report, section_id=SECTION) -> str:
    stored = SectionText.objects.filter(report=report, section_id=section_id).first()
    return editable_lines(stored.text) if stored else ""


def wait_for(condition, seconds: float = 10.0):
    """Poll the database (the live server writes it from its own thread)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("not within the time allowed")


def write_then_go_offline(page, report, writer):
    """Save a first line, lose the line, type on."""
    editor = section(page)
    write(editor, FIRST)
    expect(editor.locator(".editor__status")).to_contain_text("phiên bản 1", timeout=SAVE_WAIT)
    page.context.set_offline(True)
    append(editor, "\n" + OFFLINE)
    expect(editor.locator(".editor__status")).to_contain_text(PENDING, timeout=SAVE_WAIT)
    page.wait_for_timeout(2_000)  # the autosave went out and failed
    expect(editor.locator(".editor__status")).to_contain_text(PENDING)
    assert stored_lines(report) == FIRST
    return editor


def test_text_typed_offline_is_saved_by_itself_when_the_line_returns(
    new_page, log_in, report, writer
):
    page = new_page(1280, 900)  # a desktop: every section in sight
    log_in(page, writer.username, PASSWORD, next_path=report_path(report))
    editor = write_then_go_offline(page, report, writer)
    members = page.get_by_label("Số đoàn viên công đoàn, năm 2017")
    members.fill("1.234")
    members.press("Tab")
    cell = page.locator("td", has=page.get_by_label("Số đoàn viên công đoàn, năm 2017"))
    expect(cell).to_contain_text(PENDING)
    assert len(page.evaluate(COPIES)) == 2  # kept on the device meanwhile

    page.context.set_offline(False)  # nothing pressed after this
    wait_for(lambda: stored_lines(report) == f"{FIRST}\n{OFFLINE}")
    wait_for(lambda: IndicatorValue.objects.filter(report=report, code="members").exists())
    assert IndicatorValue.objects.get(report=report, code="members", year=2017).raw == "1.234"
    expect(cell).to_contain_text("Đã lưu: 1.234")
    expect(editor.locator(".editor__status")).to_contain_text("phiên bản 2", timeout=SAVE_WAIT)
    expect(editor.locator(".editor__status")).not_to_contain_text(PENDING)
    assert page.evaluate(COPIES) == []  # acknowledged: the copy is gone


def test_offline_text_meets_the_conflict_view_when_someone_saved_meanwhile(
    new_page, log_in, report, writer, member, tree
):
    colleague = member("truong_viet2", tree.cdcs_dh1, "writer")
    page = new_page(1280, 900)  # a desktop: every section in sight
    log_in(page, writer.username, PASSWORD, next_path=report_path(report))
    editor = write_then_go_offline(page, report, writer)
    actions.save_section(report, SECTION, from_plain_lines("Bản của đồng nghiệp."), 1, colleague)

    page.context.set_offline(False)
    panel = editor.locator(".conflict")
    expect(panel).to_be_visible(timeout=SAVE_WAIT)
    expect(panel.get_by_label("Bản của bạn (sửa được)")).to_have_value(f"{FIRST}\n{OFFLINE}")
    expect(panel.get_by_role("region", name="Bản của họ (phiên bản 2, chỉ đọc)")).to_have_text(
        "Bản của đồng nghiệp."
    )
    assert stored_lines(report) == "Bản của đồng nghiệp."  # nothing overwritten
    assert len(page.evaluate(COPIES)) == 1  # mine is still on the device until I choose

    panel.get_by_role("button", name="Giữ bản của tôi").click()
    expect(editor.locator(".editor__status")).to_contain_text("phiên bản 3", timeout=SAVE_WAIT)
    assert stored_lines(report) == f"{FIRST}\n{OFFLINE}"
    assert page.evaluate(COPIES) == []


def test_a_tab_that_died_offline_offers_its_text_back_on_the_next_visit(
    new_page, log_in, report, writer
):
    page = new_page(1280, 900)  # a desktop: every section in sight
    log_in(page, writer.username, PASSWORD, next_path=report_path(report))
    write_then_go_offline(page, report, writer)
    # A figure too, left (Tab) while offline.
    members = page.get_by_label("Số đoàn viên công đoàn, năm 2017")
    members.fill("1.234")
    members.press("Tab")
    page.wait_for_timeout(500)
    assert len(page.evaluate(COPIES)) == 2
    context = page.context
    page.close()  # the tab dies with it all unsaved
    context.set_offline(False)

    again = context.new_page()
    again.goto(page.url)
    editor = section(again)
    offer = editor.locator(".restore")
    expect(offer).to_contain_text("Có nội dung chưa lưu từ lần trước")
    expect(offer.locator("textarea")).to_have_value(f"{FIRST}\n{OFFLINE}")
    # The server's text stays in the editor until the writer chooses.
    expect_lines(editor, FIRST)
    again.wait_for_timeout(2_000)
    assert stored_lines(report) == FIRST
    figures = again.locator(".restore", has_text="Có số liệu chưa lưu từ lần trước")
    expect(figures).to_contain_text("Số đoàn viên công đoàn, năm 2017: 1.234")
    assert not IndicatorValue.objects.filter(report=report, code="members").exists()

    offer.get_by_role("button", name="Khôi phục").click()
    expect(offer).to_have_count(0)
    expect(editor.locator(".editor__status")).to_contain_text("phiên bản 2", timeout=SAVE_WAIT)
    assert stored_lines(report) == f"{FIRST}\n{OFFLINE}"
    figures.get_by_role("button", name="Khôi phục").click()
    wait_for(
        lambda: IndicatorValue.objects.filter(report=report, code="members", year=2017).exists()
    )
    assert IndicatorValue.objects.get(report=report, code="members", year=2017).raw == "1.234"
    wait_for(lambda: again.evaluate(COPIES) == [])


def test_a_copy_dropped_is_gone_and_the_server_text_stays(new_page, log_in, report, writer):
    page = new_page(1280, 900)  # a desktop: every section in sight
    log_in(page, writer.username, PASSWORD, next_path=report_path(report))
    write_then_go_offline(page, report, writer)
    context = page.context
    page.close()
    context.set_offline(False)

    again = context.new_page()
    again.goto(page.url)
    offer = section(again).locator(".restore")
    offer.get_by_role("button", name="Bỏ").click()
    expect(offer).to_have_count(0)
    assert again.evaluate(COPIES) == []
    again.reload()
    expect(section(again).locator(".restore")).to_have_count(0)
    expect_lines(section(again), FIRST)
    assert stored_lines(report) == FIRST


def test_on_a_phone_the_page_opens_where_a_copy_waits(
    new_page, log_in, report, writer, screenshots
):
    page = new_page(390, 844)  # one section at a time
    log_in(page, writer.username, PASSWORD, next_path=report_path(report))
    open_section(page, "P1/I/3")
    page.context.set_offline(True)
    write(section(page, "P1/I/3"), OFFLINE)
    expect(section(page, "P1/I/3").locator(".editor__status")).to_contain_text(PENDING)
    context = page.context
    page.close()
    context.set_offline(False)

    again = context.new_page()
    again.goto(page.url.split("#")[0])
    offer = section(again, "P1/I/3").locator(".restore")
    expect(offer).to_be_visible()
    expect(section(again, "P1/I/1")).to_be_hidden()
    offer.scroll_into_view_if_needed()
    again.screenshot(path=screenshots / "restore-phone.png")
    again.locator(".report-nav summary").click()
    menu = again.locator(".report-nav")
    expect(menu.locator('a[href="#muc-P1/I/3"]')).to_contain_text("có nội dung chưa lưu")
    expect(menu.locator('a[href="#muc-P1/I/1"]')).not_to_contain_text("có nội dung chưa lưu")
    again.locator(".report-nav summary").click()
    offer.get_by_role("button", name="Khôi phục").click()
    wait_for(lambda: stored_lines(report, "P1/I/3") == OFFLINE)
    expect(menu.locator('a[href="#muc-P1/I/3"]')).not_to_contain_text("có nội dung chưa lưu")


def figure_typed_then_tab_died(new_page, log_in, report, writer):
    """The writer types 1.234 as a figure while offline and leaves the cell; the tab dies with
    its copy kept on the device; the line comes back. The browser context and the report's
    address, to come back with."""
    page = new_page(1280, 900)
    log_in(page, writer.username, PASSWORD, next_path=report_path(report))
    page.context.set_offline(True)
    members = page.get_by_label("Số đoàn viên công đoàn, năm 2017")
    members.fill("1.234")
    members.press("Tab")
    page.wait_for_timeout(500)
    assert len(page.evaluate(COPIES)) == 1
    context, url = page.context, page.url
    page.close()
    context.set_offline(False)
    return context, url


def test_a_figure_brought_back_after_a_colleague_changed_it_is_not_written_over(
    new_page, log_in, report, writer, member
):
    """The copy of a figure typed offline remembers what the cell held then; brought back after
    a colleague saved another value, it is refused and shown beside theirs, and the copy stays
    on the device until the writer saves it deliberately."""
    colleague = member("truong_viet3", report.unit, "writer")
    actions.save_indicator(report, "members", 2017, "1.000", colleague)
    context, url = figure_typed_then_tab_died(new_page, log_in, report, writer)
    actions.save_indicator(report, "members", 2017, "1.100", colleague)

    again = context.new_page()
    again.goto(url)
    figures = again.locator(".restore", has_text="Có số liệu chưa lưu từ lần trước")
    figures.get_by_role("button", name="Khôi phục").click()
    cell = again.locator("td", has=again.get_by_label("Số đoàn viên công đoàn, năm 2017"))
    expect(cell).to_contain_text("“1.100”", timeout=SAVE_WAIT)
    expect(again.get_by_label("Số đoàn viên công đoàn, năm 2017")).to_have_value("1.234")
    assert IndicatorValue.objects.get(report=report, code="members", year=2017).raw == "1.100"
    again.wait_for_timeout(300)
    assert len(again.evaluate(COPIES)) == 1  # still kept: not on the server

    again.get_by_role("button", name="Lưu số liệu").first.click()
    wait_for(
        lambda: IndicatorValue.objects.get(report=report, code="members", year=2017).raw == "1.234"
    )
    wait_for(lambda: again.evaluate(COPIES) == [])


def test_logging_out_asks_before_deleting_what_never_reached_the_server(
    new_page, log_in, report, writer
):
    """A tab died offline with a figure typed; on a shared computer the writer logs out from
    another page: asked first, staying keeps the copy; confirming deletes it from the device."""
    context, url = figure_typed_then_tab_died(new_page, log_in, report, writer)
    home = context.new_page()
    home.goto(urljoin(url, "/"))
    assert len(home.evaluate(COPIES)) == 1
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    home.once("dialog", lambda dialog: answer(dialog, False))
    home.get_by_role("button", name="Đăng xuất").click()
    for _ in range(50):  # the question, answered by the handler above
        if questions:
            break
        home.wait_for_timeout(100)
    assert questions and "còn 1 nội dung" in questions[0], (home.url, home.evaluate(COPIES))
    assert len(home.evaluate(COPIES)) == 1  # stayed: nothing deleted, still logged in
    expect(home.get_by_role("button", name="Đăng xuất")).to_be_visible()

    home.once("dialog", lambda dialog: answer(dialog, True))
    home.get_by_role("button", name="Đăng xuất").click()
    home.wait_for_url("**/dang-nhap/**")
    assert home.evaluate(COPIES) == []
    assert not IndicatorValue.objects.filter(report=report, code="members").exists()
