"""Importing an outline in the browser shows it first (issue 12): the section tree and the
indicators with what was understood and guessed; the person corrects them and confirms; only
then is the outline stored. Bad guidance files are understood or explained, never cut short."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from office_files import (
    CT05_HEADER,
    CT05_LINES,
    CT05_TABLE,
    guidance_document,
    guidance_docx,
    to_bytes,
)
from openpyxl import Workbook

from baocao.apps.audit.models import AuditEntry
from baocao.apps.outlines.models import OutlineDocument, OutlineVersion

from .outline_upload import confirm_preview, form_fields, upload_outline

pytestmark = pytest.mark.django_db

LINES = CT05_LINES
HEADER, TABLE = CT05_HEADER, CT05_TABLE


@pytest.fixture
def officer(client, people):
    client.force_login(people["province"])  # a consolidator: may import outlines
    return client


def text_of(response) -> str:
    """The page's text without tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_preview_shows_the_tree_and_every_indicator_with_its_guesses(officer):
    response = upload_outline(officer, "huong-dan.docx", guidance_docx(LINES, TABLE))
    assert response.status_code == 200
    assert not OutlineDocument.objects.exists()  # nothing stored before the person confirms
    page = text_of(response)
    assert "Xem trước đề cương" in page and "Cây mục" in page
    for label in ("I. Kết quả", "1. Phát triển đoàn viên", "2. Thương lượng tập thể"):
        assert label in page
    assert "Chỉ tiêu (4)" in page
    assert "Dòng này không ghi đơn vị tính; hãy bổ sung." in page
    assert "Đoán là tỷ lệ = doan_vien_nu / doan_vien (tính tự động); hãy xác nhận." in page
    assert "là tiêu đề nhóm, không phải chỉ tiêu" in page
    assert (
        "Chưa gắn vào mục nào: sẽ báo cáo trong bảng “Chỉ tiêu chung”. Hãy chọn mục hỏi chỉ tiêu này, nếu có."
        in page
    )
    fields = form_fields(response.content.decode())
    assert fields["ct-TOTAL_FORMS"] == "4"
    assert (fields["ct-1-name"], fields["ct-1-unit"], fields["ct-1-section"]) == (
        "Số đoàn viên nữ",
        "",
        "I/1",
    )
    assert (fields["ct-2-rollup"], fields["ct-2-numerator"]) == ("ratio", "doan_vien_nu")
    assert (fields["baseline"], fields["current"]) == ("2019", "2024")
    html = response.content.decode()
    assert 'aria-label="Đơn vị tính (dòng 2)"' in html


def test_a_corrected_indicator_is_stored_corrected(officer, people):
    preview = upload_outline(officer, "huong-dan.docx", guidance_docx(LINES, TABLE))
    response = confirm_preview(
        officer,
        preview,
        {
            "title": "Sơ kết 5 năm Chỉ thị 05-CT/TW",
            "ct-1-unit": "người",
            "ct-3-name": "Số thỏa ước lao động tập thể đã ký",
            "ct-3-section": "I/2",
            "current": "2025",
        },
    )
    assert response.status_code == 302
    doc = OutlineDocument.objects.get()
    assert response["Location"] == doc.get_absolute_url()
    outline = doc.outline()
    assert outline.title == "Sơ kết 5 năm Chỉ thị 05-CT/TW"
    assert outline.indicator("doan_vien_nu").unit == "người"
    assert outline.indicator("thoa_uoc_lao_dong_tap_the").name == (
        "Số thỏa ước lao động tập thể đã ký"
    )
    assert outline.section("I/2").indicators == ["thoa_uoc_lao_dong_tap_the"]
    assert outline.years == {"baseline": 2019, "current": 2025}
    assert not any(w.startswith("Chỉ tiêu “") for w in outline.warnings)  # reviewed: settled
    version = OutlineVersion.objects.get(document=doc)
    assert (version.number, version.saved_by) == (1, people["province"])
    assert AuditEntry.objects.filter(action="outline.import").count() == 1


def test_a_dropped_row_is_not_stored(officer):
    preview = upload_outline(officer, "huong-dan.docx", guidance_docx(LINES, TABLE))
    confirm_preview(officer, preview, {"ct-3-drop": "on"})
    codes = [i.code for i in OutlineDocument.objects.get().outline().indicators]
    assert codes == ["doan_vien", "doan_vien_nu", "ty_le_doan_vien_nu_tren_tong_so_doan_vie"]


def test_a_wrong_correction_shows_the_preview_again_and_stores_nothing(officer):
    preview = upload_outline(officer, "huong-dan.docx", guidance_docx(LINES, TABLE))
    response = confirm_preview(
        officer,
        preview,
        {"ct-0-rollup": "ratio", "ct-0-name": "Số đoàn viên công đoàn", "baseline": "2030"},
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "Chưa lưu được:" in page
    assert "Tỷ lệ tính tự động cần chọn tử số và mẫu số" in page
    assert form_fields(response.content.decode())["ct-0-name"] == "Số đoàn viên công đoàn"
    assert not OutlineDocument.objects.exists()
    # fixed on the page shown again: stored
    again = confirm_preview(officer, response, {"ct-0-rollup": "sum", "baseline": "2019"})
    assert again.status_code == 302
    assert OutlineDocument.objects.get().outline().indicator("doan_vien").name == (
        "Số đoàn viên công đoàn"
    )


def test_years_in_the_wrong_order_are_refused_with_what_to_do(officer):
    preview = upload_outline(officer, "huong-dan.docx", guidance_docx(LINES, TABLE))
    response = confirm_preview(officer, preview, {"baseline": "2024", "current": "2019"})
    assert response.status_code == 400
    assert "Năm gốc (2024) phải trước năm hiện tại (2019). Hãy nhập lại hai năm." in text_of(
        response
    )
    assert not OutlineDocument.objects.exists()


def test_a_tampered_preview_is_refused(officer):
    preview = upload_outline(officer, "huong-dan.docx", guidance_docx(LINES, TABLE))
    draft = form_fields(preview.content.decode())["ban_nhap"]
    response = confirm_preview(officer, preview, {"ban_nhap": draft[:-3] + "abc"})
    assert response.status_code == 400
    assert "Bản xem trước không còn nguyên vẹn. Hãy chọn lại tệp" in text_of(response)
    response = confirm_preview(officer, preview, {"ct-TOTAL_FORMS": "2"})
    assert response.status_code == 400
    assert "Bảng chỉ tiêu gửi lên không khớp với bản xem trước" in text_of(response)
    assert not OutlineDocument.objects.exists()


def test_only_those_who_run_campaigns_may_confirm(client, officer, people):
    preview = upload_outline(officer, "huong-dan.docx", guidance_docx(LINES, TABLE))
    client.force_login(people["dakha_writer"])
    assert confirm_preview(client, preview).status_code == 403
    assert not OutlineDocument.objects.exists()


def test_an_indicators_workbook_comes_with_a_guidance_without_a_table(officer):
    workbook = Workbook()
    for row in [HEADER, ("1", "Số đoàn viên", "người", None, None, "Mục I.1")]:
        workbook.active.append(row)
    data = guidance_document(*LINES)
    preview = upload_outline(
        officer, "huong-dan.docx", data, sheet=("bieu-chi-tieu.xlsx", to_bytes(workbook))
    )
    assert preview.status_code == 200
    assert "Đã đọc 1 chỉ tiêu từ tệp Excel." in text_of(preview)
    assert confirm_preview(officer, preview).status_code == 302
    outline = OutlineDocument.objects.get().outline()
    assert outline.section("I/1").indicators == ["doan_vien"]


def test_a_broken_indicators_workbook_is_refused_on_the_upload_form(officer):
    preview = upload_outline(
        officer, "huong-dan.docx", guidance_docx(LINES, TABLE), sheet=("x.xlsx", b"PK\x03\x04")
    )
    assert preview.status_code == 400
    assert "Không nhập được:" in text_of(preview) and "Excel" in text_of(preview)


# --- bad guidance documents, end to end -------------------------------------------------------

MERGED = [
    ("TT", "Chỉ tiêu", "Đơn vị tính", "Số liệu", ""),
    ("", "", "", "Năm 2019", "Năm 2024"),
    ("1", "Số đoàn viên", "người", "", ""),
    ("2", "Số CĐCS", "cơ sở", "", ""),
]
MERGES = [(0, (0, 3), (0, 4))] + [(0, (0, column), (1, column)) for column in range(3)]
FIRST = [HEADER[:5], ("1", "Số đoàn viên", "người", "", "")]
SECOND = [HEADER[:5], ("1", "Số thỏa ước", "bản", "", ""), ("2", "Số đoàn viên", "người", "", "")]
ACROSS = [("Năm", "Số đoàn viên (người)", "Số CĐCS"), ("Năm 2019", "", ""), ("Năm 2024", "", "")]
NO_UNIT = [HEADER, ("1", "Số đoàn viên", "người", "", "", ""), ("2", "Số CĐCS", "", "", "", "")]

BAD_GUIDANCE = {
    # name: (document, indicators expected, what the preview says)
    "no table": (
        guidance_document(*LINES),
        [],
        "Tệp không có bảng chỉ tiêu nào được nhận ra, nên đề cương chưa có chỉ tiêu.",
    ),
    "two tables": (
        guidance_document(*LINES[:3], FIRST, *LINES[3:], SECOND),
        ["doan_vien", "thoa_uoc", "doan_vien_2"],
        "Trùng tên với chỉ tiêu doan_vien ở trên",
    ),
    "merged header cells": (
        guidance_document(*LINES, MERGED, merges=MERGES),
        ["doan_vien", "cdcs"],
        "Đã đọc 2 chỉ tiêu từ 1 bảng số liệu",
    ),
    "years as rows": (
        guidance_docx(LINES, ACROSS),
        ["doan_vien", "cdcs"],
        "Bảng 1 ghi năm theo dòng, chỉ tiêu theo cột: đã đọc theo chiều ngang.",
    ),
    "a row without a unit": (
        guidance_docx(LINES, NO_UNIT),
        ["doan_vien", "cdcs"],
        "Dòng này không ghi đơn vị tính; hãy bổ sung.",
    ),
}


@pytest.mark.parametrize("case", list(BAD_GUIDANCE))
def test_a_bad_guidance_is_understood_or_explained_and_nothing_is_dropped(officer, case):
    data, codes, said = BAD_GUIDANCE[case]
    preview = upload_outline(officer, f"{case}.docx", data)
    assert preview.status_code == 200, text_of(preview)[-500:]
    assert said in text_of(preview)
    fields = form_fields(preview.content.decode())
    assert fields["ct-TOTAL_FORMS"] == str(len(codes))
    assert confirm_preview(officer, preview).status_code == 302
    outline = OutlineDocument.objects.get().outline()
    assert [i.code for i in outline.indicators] == codes
    assert [s.label for s, _ in outline.walk()] == [
        "I. Kết quả",
        "1. Phát triển đoàn viên",
        "2. Thương lượng tập thể",
        "II. Phương hướng",
    ]


def test_the_import_form_offers_the_indicators_workbook(officer):
    html = officer.get(reverse("outlines:import")).content.decode()
    assert 'name="chi_tieu"' in html and "Bảng chỉ tiêu (Excel, không bắt buộc)" in html


def test_a_catalogue_too_long_to_correct_row_by_row_is_shown_and_stored_as_read(officer, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 40  # four rows of fields would pass it
    preview = upload_outline(officer, "huong-dan.docx", guidance_docx(LINES, TABLE))
    assert preview.status_code == 200
    assert "quá nhiều để sửa từng dòng trên trang này" in text_of(preview)
    assert "ct-0-name" not in form_fields(preview.content.decode())
    assert confirm_preview(officer, preview, {"current": "2025"}).status_code == 302
    outline = OutlineDocument.objects.get().outline()
    assert len(outline.indicators) == 4 and outline.years["current"] == 2025
