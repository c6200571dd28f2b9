"""Issue 12's whole journey in a real Chromium: the next campaign, from a guidance document
nobody wrote into the demo to the province's finished DOCX.

A province officer imports a guidance DOCX whose appendix table carries the figures (built here
with python-docx: Roman, Arabic and letter headings; "TT | Chỉ tiêu | Đơn vị tính | Năm X |
Năm Y | Ghi chú" with section references), corrects one indicator in the preview, opens a
campaign over its two districts, issues logins for one district's subtree; a CĐCS logs in with
its one-time password, must change it, finds the campaign on its home page, writes and submits;
the district accepts; the province drafts, finalises its own report and downloads the DOCX,
whose headings are the new outline's.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import docx
import openpyxl
import pytest
from office_files import guidance_docx
from playwright.sync_api import expect

from baocao.apps.campaigns.models import Campaign, Report, ReportStatus
from baocao.apps.outlines.models import OutlineDocument

from .editor_steps import write
from .samples import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINES = [
    "Hướng dẫn sơ kết 5 năm thực hiện Chỉ thị 05 về phát triển đoàn viên",
    "I. Kết quả thực hiện",
    "1. Công tác tuyên truyền",
    "a) Hình thức tuyên truyền",
    "2. Phát triển đoàn viên, thành lập công đoàn cơ sở",
    "II. Phương hướng, nhiệm vụ",
    "Phụ lục: biểu số liệu",
]
TABLE = [
    ("TT", "Chỉ tiêu", "Đơn vị tính", "Năm 2019", "Năm 2024", "Ghi chú"),
    ("1", "Số đoàn viên kết nạp mới", "người", "", "", "Mục I.2"),
    ("2", "Số công đoàn cơ sở thành lập mới", "", "", "", "Mục I.2"),
    ("3", "Số buổi tuyên truyền", "buổi", "", "", "Mục I.1"),
]
NEW_PASSWORD = "cong-doan-dak-mar-2024"


@pytest.fixture
def people(settings, tree, member):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "baocao.apps.orgs.accounts.OneTimePasswordHasher",
    ]
    member("tinh", tree.province, "consolidator", "writer", "admin", password=PASSWORD)
    member("huyen.dh", tree.dakha, "reviewer", password=PASSWORD)


def _logins(download) -> dict[str, tuple[str, str]]:
    """unit code -> (login, one-time password), from the sheet the browser downloaded."""
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    return {row[0]: (row[2], row[3]) for row in rows}


def test_the_next_campaign_from_a_guidance_document_to_the_province_docx(
    new_page, log_in, live_server, tree, people, tmp_path, screenshots
):
    # 1. The province imports the guidance document and corrects one indicator in the preview.
    province = new_page(1280, 900)
    log_in(province, "tinh", PASSWORD, next_path="/de-cuong/nhap/")
    guidance = tmp_path / "huong-dan-ct05.docx"
    guidance.write_bytes(guidance_docx(LINES, TABLE))
    province.get_by_label("Tệp đề cương").set_input_files(str(guidance))
    province.get_by_role("button", name="Xem trước").click()
    expect(province.get_by_role("heading", name="Xem trước đề cương")).to_be_visible()
    row = province.locator("tr.fix-row", has_text="Dòng này không ghi đơn vị tính")
    expect(row.get_by_label("Tên chỉ tiêu (dòng 2)", exact=True)).to_have_value(
        "Số công đoàn cơ sở thành lập mới"
    )
    province.get_by_label("Đơn vị tính (dòng 2)", exact=True).fill("công đoàn")
    province.get_by_role("button", name="Lưu đề cương").click()
    expect(province.get_by_text("Đã nhập đề cương")).to_be_visible()
    outline_document = OutlineDocument.objects.get()
    outline = outline_document.outline()
    new_union = next(i for i in outline.indicators if "thành lập" in i.name)
    assert new_union.unit == "công đoàn"

    # 2. It opens a campaign for its two districts' subtrees.
    province.goto(f"{live_server.url}/dot-bao-cao/mo/")
    province.get_by_label("Tên đợt báo cáo").fill("Sơ kết 5 năm Chỉ thị 05")
    province.get_by_label("Đề cương").select_option(label=outline_document.title)
    deadline = datetime.date.today() + datetime.timedelta(days=20)
    province.get_by_label("Hạn nộp báo cáo").fill(deadline.strftime("%d/%m/%Y"))
    province.get_by_role("button", name="Mở đợt báo cáo").click()
    expect(province.get_by_role("heading", level=1)).to_contain_text("Sơ kết 5 năm Chỉ thị 05")
    campaign = Campaign.objects.get()
    assert campaign.root_unit == tree.province
    assert {report.unit.code for report in campaign.reports.all()} >= {
        "KT",
        "KT-DH",
        "KT-DT",
        "KT-DH-01",
        "KT-DH-02",
        "KT-DT-01",
    }

    # 3. Logins for Đăk Hà's subtree, handed out as a sheet.
    province.goto(f"{live_server.url}/don-vi/tai-khoan/")
    province.get_by_label("Cấp cho các đơn vị thuộc").select_option(
        label="— LĐLĐ huyện Đăk Hà (KT-DH)"
    )
    with province.expect_download() as downloaded:
        province.get_by_role("button", name="Cấp tài khoản và tải bảng").click()
    logins = _logins(downloaded.value)
    username, one_time = logins["KT-DH-01"]
    assert one_time

    # 4. The CĐCS logs in with its one-time password, must change it, finds the campaign.
    cdcs = new_page(1280, 900)
    log_in(cdcs, username, one_time)
    expect(cdcs.get_by_role("heading", name="Đổi mật khẩu")).to_be_visible()
    cdcs.fill("#id_old_password", one_time)
    cdcs.fill("#id_new_password1", NEW_PASSWORD)
    cdcs.fill("#id_new_password2", NEW_PASSWORD)
    cdcs.get_by_role("button", name="Đổi mật khẩu").click()
    cdcs.goto(f"{live_server.url}/")
    home_link = cdcs.get_by_role("link", name="Sơ kết 5 năm Chỉ thị 05").first
    expect(home_link).to_be_visible()
    cdcs.screenshot(path=str(screenshots / "next-campaign-home.png"), full_page=True)
    home_link.click()
    expect(cdcs.get_by_role("heading", level=1)).to_contain_text("CĐCS UBND xã Đăk Mar")

    # It writes a section of the new outline and a figure of its appendix, and submits.
    development = cdcs.locator('[id="muc-I/2"]')
    write(development, "Năm 2024 công đoàn cơ sở kết nạp 12 đoàn viên mới.")
    development.get_by_role("button", name="Lưu", exact=True).click()
    expect(development.get_by_role("status")).to_contain_text("Đã lưu")
    figure = cdcs.get_by_label("Số đoàn viên kết nạp mới, năm 2024")
    figure.fill("12")
    figure.press("Tab")
    expect(cdcs.locator("td", has=figure).get_by_role("status")).to_contain_text("Đã lưu")
    cdcs.locator("#gui-bao-cao").get_by_role("button", name="Gửi báo cáo").click()
    expect(cdcs.get_by_text("Đã gửi báo cáo")).to_be_visible()
    cdcs_report = Report.objects.get(campaign=campaign, unit=tree.cdcs_dh1)
    assert cdcs_report.status == ReportStatus.SUBMITTED

    # 5. The district accepts it.
    district = new_page(1280, 900)
    log_in(
        district, "huyen.dh", PASSWORD, next_path=f"/dot-bao-cao/{campaign.slug}/bao-cao/KT-DH-01/"
    )
    district.get_by_role("button", name="Chấp nhận").click()
    expect(district.locator(".status--accepted").first).to_be_visible()
    cdcs_report.refresh_from_db()
    assert cdcs_report.status == ReportStatus.ACCEPTED

    # 6. The province drafts its report, finalises it itself and downloads the DOCX.
    workspace = f"/dot-bao-cao/{campaign.slug}/bao-cao/KT/tong-hop/"
    province.goto(f"{live_server.url}{workspace}")
    province.get_by_role("button", name="Tạo bản nháp").click()
    expect(province.locator(".messages")).to_contain_text("Đã soạn nháp", timeout=60_000)
    province.goto(f"{live_server.url}/dot-bao-cao/{campaign.slug}/bao-cao/KT/")
    province.locator("#gui-bao-cao").get_by_role("button", name="Gửi báo cáo").click()
    province.get_by_role("button", name="Chấp nhận").click()
    own = Report.objects.get(campaign=campaign, unit=tree.province)
    assert own.status == ReportStatus.ACCEPTED  # finalised by its own consolidator

    province.goto(f"{live_server.url}{workspace}")
    with province.expect_download() as downloaded:
        province.get_by_role("link", name="DOCX").click()
    body = docx.Document(str(downloaded.value.path()))
    headings = [p.text for p in body.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:5] == [
        "I. KẾT QUẢ THỰC HIỆN",
        "1. Công tác tuyên truyền",
        "a) Hình thức tuyên truyền",
        "2. Phát triển đoàn viên, thành lập công đoàn cơ sở",
        "II. PHƯƠNG HƯỚNG, NHIỆM VỤ",
    ]
    texts = "\n".join(p.text for p in body.paragraphs)
    assert "12 đoàn viên" in texts  # the CĐCS's words reached the province's draft
    rows = [[cell.text for cell in row.cells] for table in body.tables for row in table.rows]
    recruited = next(row for row in rows if "Số đoàn viên kết nạp mới" in row)
    assert "12" in recruited  # its figure, rolled up into the province's table
