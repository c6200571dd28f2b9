"""The rich-text editor's sub-heading and table tools, and formatted text where two versions
meet, in a real Chromium: the sub-heading button (from the keyboard) makes an <h4>; cells
merged from the keyboard keep their colspan through the autosave and a reload, and split
again; after a conflict "Giữ bản của tôi" keeps a table and bold; the history shows a changed
table as a table."""

import pytest
from playwright.sync_api import expect

from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import SectionText

from . import report_steps
from .editor_steps import text_box, write
from .report_steps import report_path
from .samples import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECTION = "P1/I/1"
SAVE_WAIT = 8_000

PASTE = """([box, html]) => {
  box.focus();
  const data = new DataTransfer();
  data.setData("text/html", html);
  data.setData("text/plain", "x");
  box.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
}"""


def section(page, section_id=SECTION):
    return report_steps.section(page, section_id)


def stored(report) -> str:
    return SectionText.objects.get(report=report, section_id=SECTION).text


def toolbar_button(where, name):
    """A toolbar button reached from the keyboard: Escape to the toolbar, arrows along it."""
    where.page.keyboard.press("Escape")
    for _ in range(30):
        focused = where.page.evaluate("document.activeElement.getAttribute('aria-label')")
        if focused == name:
            return
        where.page.keyboard.press("ArrowRight")
    raise AssertionError(f"no button {name!r} in the toolbar")


def test_the_sub_heading_button_makes_a_sub_heading(browser_page, log_in, report, writer):
    page = browser_page
    log_in(page, writer.username, PASSWORD, next_path=report_path(report))
    first = section(page)
    write(first, "Kết quả nổi bật\nĐoàn viên tăng đều.")
    box = text_box(first)
    box.press("ControlOrMeta+Home")  # the first line
    toolbar_button(first, "Tiêu đề nhỏ trong mục")
    button = first.get_by_role("button", name="Tiêu đề nhỏ trong mục")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(box.locator("h4")).to_have_text("Kết quả nổi bật")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(first.locator(".editor__status")).to_contain_text("phiên bản 2", timeout=SAVE_WAIT)
    assert stored(report) == "<h4>Kết quả nổi bật</h4><p>Đoàn viên tăng đều.</p>"
    page.reload()
    expect(text_box(section(page)).locator("h4")).to_have_text("Kết quả nổi bật")


def test_cells_merged_from_the_keyboard_keep_their_span_through_a_reload(
    browser_page, log_in, report, writer
):
    page = browser_page
    log_in(page, writer.username, PASSWORD, next_path=report_path(report))
    first = section(page)
    box = text_box(first)
    write(first, "Bảng:")
    merge = first.get_by_role("button", name="Gộp các ô đã chọn (chọn bằng Shift+mũi tên)")
    split = first.get_by_role("button", name="Tách ô đã gộp")
    expect(merge).to_be_disabled()  # not in a table
    first.get_by_role("button", name="Chèn bảng 3×3").click()
    expect(box.locator("table tr")).to_have_count(3)
    page.keyboard.type("Tổng")
    page.keyboard.press("Tab")
    page.keyboard.type("số")
    page.keyboard.press("Shift+Tab")  # back to the first cell
    expect(merge).to_be_disabled()  # one cell: nothing to merge
    # Shift+arrows past the cell's end select cells: the first two of the first row.
    page.keyboard.press("End")
    page.keyboard.press("Shift+ArrowRight")
    expect(box.locator(".selectedCell")).to_have_count(2)
    expect(merge).to_be_enabled()
    toolbar_button(first, "Gộp các ô đã chọn (chọn bằng Shift+mũi tên)")
    page.keyboard.press("Enter")
    expect(box.locator('td[colspan="2"]')).to_have_count(1)
    expect(box.locator("table tr").first.locator("td")).to_have_count(2)
    # The autosave (after a pause in the typing) sends the merge.
    for _ in range(50):
        if 'colspan="2"' in stored(report):
            break
        page.wait_for_timeout(200)
    text = stored(report)
    assert '<td colspan="2">Tổng<br>số</td>' in text or '<td colspan="2">Tổng số</td>' in text, text

    page.reload()
    first = section(page)
    box = text_box(first)
    merged = box.locator('td[colspan="2"]')
    expect(merged).to_have_count(1)
    expect(merged).to_contain_text("Tổng")
    # And split again: the merged cell becomes two.
    merged.click()
    expect(split).to_be_enabled()
    split.click()
    expect(box.locator("td[colspan]")).to_have_count(0)
    expect(box.locator("table tr").first.locator("td")).to_have_count(3)


def test_keeping_mine_after_a_conflict_keeps_a_table_and_bold(
    new_page, log_in, report, writer, member, screenshots
):
    colleague = member("truong_viet2", report.unit, "writer")
    page = new_page(1280, 900)
    log_in(page, writer.username, PASSWORD, next_path=report_path(report))
    first = section(page)
    box = text_box(first)
    expect(box).to_be_visible()
    # Someone saves while my page still stands on version 0.
    actions.save_section(report, SECTION, "Bản của đồng nghiệp.", 0, colleague)
    mine = (
        "<p><b>Kết quả</b> nổi bật</p><table><tr><td>Chỉ tiêu</td><td>2017</td></tr>"
        "<tr><td>CĐCS</td><td>960</td></tr></table>"
    )
    page.evaluate(PASTE, [box.element_handle(), mine])
    panel = first.locator(".conflict")
    expect(panel).to_be_visible(timeout=SAVE_WAIT)
    theirs = panel.get_by_role("region", name="Bản của họ (phiên bản 1, chỉ đọc)")
    expect(theirs).to_have_text("Bản của đồng nghiệp.")
    expect(panel.get_by_label("Bản của bạn (sửa được)")).to_have_value(
        "Kết quả nổi bật\nChỉ tiêu | 2017\nCĐCS | 960"
    )
    panel.get_by_text("Xem bản của bạn có định dạng").click()
    expect(panel.locator(".conflict__mine table tr")).to_have_count(2)
    panel.screenshot(path=str(screenshots / "conflict-rich.png"))

    panel.get_by_role("button", name="Giữ bản của tôi").click()
    expect(first.locator(".editor__status")).to_contain_text("phiên bản 2", timeout=SAVE_WAIT)
    assert stored(report) == (
        "<p><strong>Kết quả</strong> nổi bật</p><table><tbody><tr><td>Chỉ tiêu</td><td>2017</td>"
        "</tr><tr><td>CĐCS</td><td>960</td></tr></tbody></table>"
    )
    box = text_box(first)
    expect(box.locator("strong")).to_have_text("Kết quả")
    expect(box.locator("table tr")).to_have_count(2)


def test_the_history_shows_a_changed_table_as_a_table(
    browser_page, log_in, report, writer, screenshots
):
    table = (
        "<p>Số liệu</p><table><tbody><tr><td>Chỉ tiêu</td><td>2017</td></tr>"
        "<tr><td>CĐCS</td><td>960</td></tr></tbody></table>"
    )
    actions.save_section(report, SECTION, table, 0, writer)
    actions.save_section(report, SECTION, table.replace("960", "961"), 1, writer)
    page = browser_page
    log_in(page, writer.username, PASSWORD, next_path=report_path(report))
    section(page).get_by_role("link", name="Lịch sử sửa").first.click()
    newest = page.locator('[id="phien-ban-2"]')
    changes = newest.get_by_role("list", name="Thay đổi so với phiên bản trước")
    tables = changes.get_by_role("table")
    expect(tables).to_have_count(2)
    expect(tables.first.get_by_role("cell", name="960")).to_have_count(1)
    expect(tables.first.locator("del")).to_have_text("960")
    expect(tables.nth(1).locator("ins")).to_have_text("961")
    expect(tables.nth(1).get_by_role("row")).to_have_count(2)
    expect(changes).not_to_contain_text("CĐCS | 961")
    newest.screenshot(path=str(screenshots / "history-table.png"))
