"""Importing a guidance document in a real Chromium (issue 12): the preview shows what was
read, one indicator is corrected there, and the outline is stored corrected."""

import pytest
from office_files import CT05_LINES, guidance_docx
from playwright.sync_api import expect

from baocao.apps.outlines.models import OutlineDocument

from .samples import PASSWORD

# DJANGO_ALLOW_ASYNC_UNSAFE is set by the `browser` fixture, only while Playwright runs.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINES = CT05_LINES
TABLE = [
    ("TT", "Chỉ tiêu", "Đơn vị tính", "Năm 2019", "Năm 2024", "Ghi chú"),
    ("1", "Số đoàn viên", "người", "", "", "Mục I.1"),
    ("2", "Số đoàn viên nữ", "", "", "", "Mục I.1"),
    ("3", "Số thỏa ước lao động tập thể", "bản", "", "", ""),
]


def test_officer_corrects_an_indicator_in_the_preview_and_saves(
    new_page, log_in, tree, member, tmp_path, screenshots
):
    member("tinh", tree.province, "consolidator", password=PASSWORD)
    page = new_page(1280, 900)
    log_in(page, "tinh", PASSWORD, next_path="/de-cuong/nhap/")
    guidance = tmp_path / "huong-dan-ct05.docx"
    guidance.write_bytes(guidance_docx(LINES, TABLE))
    page.get_by_label("Tệp đề cương").set_input_files(str(guidance))
    page.get_by_role("button", name="Xem trước").click()

    expect(page.get_by_role("heading", name="Xem trước đề cương")).to_be_visible()
    expect(page.locator("#cay-muc ~ ol")).to_contain_text("1. Phát triển đoàn viên")
    row = page.locator("tr.fix-row", has_text="Dòng này không ghi đơn vị tính")
    expect(row.get_by_label("Tên chỉ tiêu (dòng 2)", exact=True)).to_have_value("Số đoàn viên nữ")
    assert not OutlineDocument.objects.exists()  # shown, not stored

    page.get_by_label("Đơn vị tính (dòng 2)", exact=True).fill("người")
    page.get_by_label("Mục (dòng 3)", exact=True).select_option("I/2")
    page.get_by_label("Năm hiện tại").fill("2025")
    page.screenshot(path=str(screenshots / "outline-import-preview.png"), full_page=True)
    page.get_by_role("button", name="Lưu đề cương").click()

    expect(page.get_by_text("Đã nhập đề cương")).to_be_visible()
    outline = OutlineDocument.objects.get().outline()
    assert outline.indicator("doan_vien_nu").unit == "người"
    assert outline.section("I/2").indicators == ["thoa_uoc_lao_dong_tap_the"]
    assert outline.years == {"baseline": 2019, "current": 2025}
    expect(page.get_by_role("link", name="Sửa đề cương")).to_be_visible()
