"""A writer who works in Word, in a real Chromium: downloads the template, fills it, uploads it,
checks the preview and confirms; the text is then in the report. Screenshots of the preview at
desktop and phone width go to var/screenshots/."""

from pathlib import Path

import pytest
from office_files import fill_template
from playwright.sync_api import expect

from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import IndicatorValue, SectionText, Upload

from .editor_steps import text_box
from .samples import PASSWORD

# DJANGO_ALLOW_ASYNC_UNSAFE is set by the `browser` fixture, only while Playwright runs.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Công đoàn cơ sở đã tổ chức học tập Nghị quyết cho 45/47 đoàn viên, đạt 95,7%."


# `report` (KT-DH-01's, in a campaign for the CĐCS) is conftest's.


@pytest.fixture
def writer(tree, member):
    return member("truong_viet", tree.cdcs_dh1, "writer", password=PASSWORD)


def report_path(report):
    return f"/dot-bao-cao/{report.campaign.slug}/bao-cao/{report.unit.code}/"


def test_download_fill_upload_preview_confirm(
    browser_page, log_in, live_server, report, writer, screenshots, tmp_path
):
    page = browser_page
    writer_text = "<p>Bản nháp đã viết trên web trước đó.</p>"
    actions.save_section(report, "P1/III/1", writer_text, 0, writer)
    upload_path = report_path(report) + "nop-tep/"
    log_in(page, writer.username, PASSWORD, next_path=upload_path)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nộp tệp Word/Excel")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The Word template, downloaded as a person does.
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải mẫu Word").click()
    download = info.value
    assert download.suggested_filename == "Mẫu báo cáo - CĐCS UBND xã Đăk Mar.docx"
    template = Path(download.path()).read_bytes()

    # Filled in Word (here: python-docx): two sections and two cells of a table.
    filled = fill_template(
        template,
        report.campaign.outline_tree,
        {
            "P1/I/2": [TEXT, "- Tổ chức 2 buổi sinh hoạt chuyên đề;", "- Phát 50 tài liệu."],
            "P1/III/1": ["Đoàn viên hiểu rõ hơn vai trò của giai cấp công nhân."],
        },
        {("members", 2008): "41", ("members", 2017): "47"},
    )
    path = tmp_path / "Báo cáo Đăk Mar.docx"
    path.write_bytes(filled)

    # Uploaded with the keyboard-reachable file input.
    page.set_input_files("input[type=file]", str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Tải lên và xem trước").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Báo cáo Đăk Mar.docx")
    expect(page.locator(".ip-summary")).to_contain_text("Tìm thấy nội dung của 2/23 mục")
    first = page.get_by_role("article", name="Phần thứ nhất › I.2.")
    expect(first).to_contain_text("Độ tin cậy: Cao")
    expect(first).to_contain_text(TEXT)
    expect(page.get_by_role("checkbox", name="Phần thứ nhất › I.2.")).to_be_checked()
    replaced = page.get_by_role("article", name="Phần thứ nhất › III.1.")
    expect(replaced).to_contain_text("Bản nháp đã viết trên web trước đó.")  # what is replaced
    expect(page.get_by_label("Số đoàn viên công đoàn, năm 2017")).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    shots = screenshots
    page.screenshot(path=str(shots / "upload-preview-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(shots / "upload-preview.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 760})

    # Keep the web draft of III.1 after all: untick it with the keyboard, then confirm.
    page.get_by_role("checkbox", name="Phần thứ nhất › III.1.").focus()
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Phần thứ nhất › III.1.")).not_to_be_checked()
    page.get_by_role("button", name="Nhập vào báo cáo").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url.endswith(report_path(report)), page.url
    expect(page.locator(".messages")).to_contain_text(
        "Đã nhập từ tệp Báo cáo Đăk Mar.docx: 1 mục, 2 số liệu."
    )
    section = page.locator('[id="muc-P1/I/2"]')
    expect(text_box(section)).to_contain_text(TEXT)
    expect(page.get_by_label("Số đoàn viên công đoàn, năm 2017")).to_have_value("47")
    assert SectionText.objects.get(report=report, section_id="P1/III/1").text == writer_text
    assert IndicatorValue.objects.filter(report=report).count() == 2
    upload = Upload.objects.get()
    assert upload.status == "confirmed" and bytes(upload.data) == filled
