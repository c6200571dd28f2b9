"""The province's consolidator in a real Chromium: opens the workspace, makes the first draft,
inserts a unit's passage with its source (with the keyboard, text typed meanwhile kept),
downloads the DOCX; screenshots at desktop and phone width. The draft made one section per
request shows its progress."""

import io
import re
import shutil

import pytest
from docx import Document
from playwright.sync_api import expect

from baocao.apps.campaigns.models import SectionText

from . import editor_steps
from .campaign_scenario import report_of, to_consolidate
from .samples import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVE_WAIT = 8_000
FIGURE_TEXTS = {
    "cdcs_dh1": "Công đoàn xã Đăk Mar có 100 đoàn viên, tăng 60 so với năm 2008.",
    "cdcs_dh2": "Nhà trường có 85 đoàn viên; 100% giáo viên là đoàn viên.",
    "dakha": "Toàn huyện có 190 đoàn viên.",
}
TEXTS = {
    "dakha": "LĐLĐ huyện đã ban hành kế hoạch thực hiện Nghị quyết trong toàn huyện.",
    "cdcs_dh1": "Công đoàn xã Đăk Mar tổ chức 3 đợt học tập Nghị quyết cho đoàn viên.",
    "cdcs_dh2": "Nhà trường phối hợp với chính quyền tuyên truyền Nghị quyết.",
    "cdcs_dt1": "Trung tâm Y tế quán triệt Nghị quyết đến từng khoa, phòng.",
}


@pytest.fixture
def province_report(tree, django_user_model):
    """Kon Tum's own report, to consolidate: Đăk Hà and its CĐCS accepted, Đăk Tô's submitted."""
    admin = django_user_model.objects.create_superuser("quantri")
    name = "Tổng kết 10 năm thực hiện Nghị quyết 20-NQ/TW"
    campaign = to_consolidate(
        tree, admin, TEXTS, figure_texts=FIGURE_TEXTS, name=name, slug="nq20-2017"
    )
    return report_of(campaign, tree.province)


@pytest.fixture
def consolidator(tree, member):
    return member("tinh", tree.province, "writer", "consolidator", "reviewer", password=PASSWORD)


def test_consolidate_draft_insert_with_source_and_download(
    new_page, log_in, live_server, province_report, consolidator, screenshots, tmp_path
):
    report = province_report
    path = f"/dot-bao-cao/{report.campaign.slug}/bao-cao/{report.unit.code}/tong-hop/"
    page = new_page(1280, 900)
    log_in(page, consolidator.username, PASSWORD, next_path=path + "?muc=P1/II/1")
    expect(page.get_by_role("heading", level=1)).to_contain_text("LĐLĐ tỉnh Kon Tum")
    # The rolled-up table and the difference between Đăk Hà's own total and its CĐCS.
    table = page.locator(".cw-table")
    expect(table.locator("tr", has_text="Số đoàn viên công đoàn").first).to_contain_text("190")
    expect(page.locator(".cw-differences")).to_contain_text(
        "LĐLĐ huyện Đăk Hà báo 190 đoàn viên (năm 2017), các CĐCS cộng lại 185"
    )
    expect(page.locator(".cw-counted")).to_contain_text("Đã tính 3/5 báo cáo")

    # One click: the first draft of every empty section.
    page.get_by_role("button", name="Tạo bản nháp").click()
    expect(page.locator(".messages")).to_contain_text("Đã soạn nháp")
    text = page.locator("form.editor textarea[name=text]")
    expect(text).to_have_value(re.compile("Toàn tỉnh có 190 đoàn viên, tăng 120"))
    expect(page.locator("#kiem-tra-so")).to_contain_text("khớp với bảng tổng hợp")

    # Search the passages without diacritics, then insert Đăk Mar's with its source, with the
    # keyboard, right after typing (the typing travels with it and is kept).
    expect(page.locator(".passage")).to_have_count(3)
    page.get_by_label("Tìm trong đoạn viết").fill("dak mar")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator(".passage")).to_have_count(1)
    passage = page.locator(".passage", has_text="CĐCS UBND xã Đăk Mar")
    expect(passage).to_contain_text(FIGURE_TEXTS["cdcs_dh1"])
    editor_steps.append(page.locator("form.editor"), "\nĐoạn người tổng hợp vừa gõ.")
    insert = passage.get_by_role("button", name="Chèn kèm nguồn")
    insert.focus()
    page.keyboard.press("Enter")
    expect(passage.locator(".passage__done")).to_contain_text("Đã chèn đoạn", timeout=SAVE_WAIT)
    expect(text).to_have_value(re.compile(r"\(Nguồn: CĐCS UBND xã Đăk Mar\)(</p>)?$"))
    stored = SectionText.objects.get(report=report, section_id="P1/II/1").text
    assert "Đoạn người tổng hợp vừa gõ." in stored
    assert stored.index("Toàn tỉnh có 190") < stored.index("(Nguồn: CĐCS UBND xã Đăk Mar)")
    # The CĐCS's own 100 members now contradict the province's table: listed at once.
    expect(page.locator("#kiem-tra-so")).to_contain_text("100 đoàn viên", timeout=SAVE_WAIT)
    expect(page.locator("#kiem-tra-so")).to_contain_text("là 190")

    page.get_by_role("link", name="Bỏ lọc").click()
    expect(page.locator(".passage")).to_have_count(3)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(screenshots / "consolidate.png"), full_page=True)

    # The DOCX, as a browser downloads it.
    with page.expect_download() as downloaded:
        page.get_by_role("link", name="DOCX").click()
    download = downloaded.value
    assert download.suggested_filename == "Báo cáo LĐLĐ tỉnh Kon Tum.docx"
    saved = tmp_path / "bao-cao.docx"
    download.save_as(saved)
    document = Document(io.BytesIO(saved.read_bytes()))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO" in body
    assert "(Nguồn: CĐCS UBND xã Đăk Mar)" in body
    shutil.copy(saved, screenshots / "consolidate.docx")  # to look at as PDF and PNG
    page.context.close()

    # A phone: nothing wider than the screen; the sections' list folds away.
    phone = new_page()
    log_in(phone, consolidator.username, PASSWORD, next_path=path + "?muc=P1/II/1")
    expect(phone.locator(".passage")).to_have_count(3)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    expect(phone.locator(".cw-nav details")).not_to_have_attribute("open", "")
    phone.screenshot(path=str(screenshots / "consolidate-phone.png"), full_page=True)
    phone.context.close()


# Every progress line the page shows, recorded as it appears (the steps are quick: a check
# made afterwards could miss them), across the page load that ends the draft.
RECORD_PROGRESS = """
new MutationObserver(() => {
  document.querySelectorAll(".cw-progress__status").forEach((status) => {
    const bar = status.parentNode.querySelector("progress");
    window.progressSeen(status.textContent.trim().split(/\\s+/).join(" "), bar ? bar.value : -1);
  });
}).observe(document, { childList: true, subtree: true });
"""


def test_the_draft_shows_its_progress_section_by_section(
    new_page, log_in, province_report, consolidator, screenshots
):
    report = province_report
    path = f"/dot-bao-cao/{report.campaign.slug}/bao-cao/{report.unit.code}/tong-hop/"
    page = new_page(1280, 900)
    seen: list[tuple[str, float]] = []
    page.expose_function("progressSeen", lambda text, value: seen.append((text, value)))
    page.add_init_script(RECORD_PROGRESS)
    log_in(page, consolidator.username, PASSWORD, next_path=path + "?muc=P1/II/1")
    page.get_by_role("button", name="Tạo bản nháp").click()
    expect(page.locator(".messages")).to_contain_text("Đã soạn nháp", timeout=20_000)

    total = len(report.campaign.section_ids)
    steps = {text.split("…")[0] for text, _value in seen}
    assert f"Đang soạn mục 1/{total}" in steps and f"Đang soạn mục {total}/{total}" in steps
    assert len(steps) == total  # one request, one section: every step was shown
    assert max(value for _text, value in seen) == total - 1
    # The result, when done: the page again, with the sections filled.
    text = page.locator("form.editor textarea[name=text]")
    expect(text).to_have_value(re.compile("Toàn tỉnh có 190 đoàn viên, tăng 120"))
    filled = SectionText.objects.filter(report=report).exclude(text="")
    assert sorted(filled.values_list("section_id", flat=True)) == ["P1/I/1", "P1/II/1"]
    expect(page.locator(".messages")).to_contain_text("Đã soạn nháp 2 mục")
    page.get_by_role("link", name="Lấy số liệu tổng hợp làm số liệu của đơn vị").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lấy số liệu tổng hợp")
    page.screenshot(path=str(screenshots / "consolidate-adopt.png"), full_page=True)
