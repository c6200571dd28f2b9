"""The consolidation workspace and the report downloads, as the Django test client sees them:
who may read and write, the rolled-up table with its differences, the passages of the units
below (search without diacritics, filters, pages), insert with source, the first draft, the
number check, and DOCX/XLSX/PDF downloads."""

import io
import urllib.parse
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from baocao import libreoffice
from baocao.apps.campaigns import actions, live_rollup
from baocao.apps.campaigns.models import (
    IndicatorValue,
    LiveFigure,
    Report,
    ReportStatus,
    SectionText,
    SectionVersion,
)
from baocao.apps.orgs.models import Unit, UnitKind

from .campaign_scenario import open_nq20, report_of, to_consolidate

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TEXT_SECTION = "P1/I/1"
TABLE_SECTION = "P1/II/1"
TEXTS = {
    "dakha": "LĐLĐ huyện đã ban hành kế hoạch thực hiện Nghị quyết trong toàn huyện.",
    "cdcs_dh1": "Công đoàn xã Đăk Mar tổ chức học tập Nghị quyết cho đoàn viên.",
    "cdcs_dh2": "Nhà trường phối hợp với chính quyền tuyên truyền Nghị quyết.",
    "cdcs_dt1": "Trung tâm Y tế quán triệt Nghị quyết đến từng khoa, phòng.",
}


@pytest.fixture
def people(tree, member, django_user_model):
    return {
        "admin": django_user_model.objects.create_superuser("quantri"),
        "consolidator": member("tinh", tree.province, "writer", "consolidator", "reviewer"),
        "consolidator_only": member("tinh_th", tree.province, "consolidator"),
        "province_writer": member("tinh_viet", tree.province, "writer"),
        "national_viewer": member("tw_xem", tree.national, "viewer"),
        "other_province": member("gialai", tree.other_province, "writer", "consolidator"),
        "district": member("dakha", tree.dakha, "writer", "consolidator"),
        "school_writer": member("truong", tree.cdcs_dh1, "writer"),
    }


@pytest.fixture
def campaign(tree, people):
    """The province consolidates: Đăk Hà and its two CĐCS accepted (Đăk Hà states its own
    members, 190 in 2017, where its CĐCS add up to 185); Đăk Tô's CĐCS only submitted."""
    return to_consolidate(tree, people["admin"], TEXTS, slug="nq20")


@pytest.fixture
def province(campaign, tree):
    return report_of(campaign, tree.province)


def url(name, report, *args, query=None):
    path = reverse(f"campaigns:{name}", args=[report.campaign.slug, report.unit.code, *args])
    return path + ("?" + urllib.parse.urlencode(query) if query else "")


def as_user(client, user):
    client.force_login(user)
    return client


def own_text(report, section_id):
    stored = SectionText.objects.filter(report=report, section_id=section_id).first()
    return stored.text if stored else ""


# --- Who may read and write -----------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status, writes",
    [
        ("consolidator", 200, True),  # the unit's consolidator (who writes its report too)
        ("admin", 200, True),
        ("consolidator_only", 200, False),  # may not write the report: reads, told why
        ("national_viewer", 200, False),  # the parent's viewer reads
        ("province_writer", 403, False),  # a plain writer sees only its unit, not those below
        ("other_province", 403, False),  # a sibling
        ("district", 403, False),  # a unit below never sees its parent's workspace
    ],
)
def test_who_may_open_the_workspace(client, province, people, who, status, writes):
    response = as_user(client, people[who]).get(url("consolidate", province))
    assert response.status_code == status
    html = response.content.decode()
    if status == 403:
        assert "Trang tổng hợp chỉ dành cho" in html
        return
    assert ('name="text"' in html) is writes
    assert ("Chèn kèm nguồn" in html) is writes
    assert ("Tạo bản nháp" in html) is writes
    if who == "consolidator_only":
        assert "chưa có vai trò người viết báo cáo" in html


def test_anonymous_visitor_is_sent_to_login(client, province):
    path = url("consolidate", province)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={urllib.parse.quote(path)}"


def test_readers_cannot_write_through_the_workspace(client, province, people, tree):
    passage = SectionText.objects.get(report__unit=tree.cdcs_dh1, section_id=TEXT_SECTION)
    as_user(client, people["national_viewer"])
    insert = client.post(
        url("consolidate_insert", province, query={"muc": TEXT_SECTION}),
        {"doan": passage.pk, "base_version": 0},
    )
    assert insert.status_code == 403
    assert client.post(url("consolidate_draft", province)).status_code == 403
    as_user(client, people["other_province"])
    assert client.post(url("consolidate_draft", province)).status_code == 403
    assert not SectionText.objects.filter(report=province).exists()


def test_changes_are_post_only_and_unknown_things_are_404(client, province, people):
    as_user(client, people["consolidator"])
    assert client.get(url("consolidate_draft", province)).status_code == 405
    assert client.get(url("consolidate_insert", province)).status_code == 405
    assert client.post(url("consolidate", province)).status_code == 405
    missing = reverse("campaigns:consolidate", args=["nq20", "XX"])
    assert client.get(missing).status_code == 404
    bad = client.post(
        url("consolidate_insert", province, query={"muc": TEXT_SECTION}),
        {"doan": 999999, "base_version": 0},
    )
    assert bad.status_code == 404


# --- Figures and differences ---------------------------------------------------------------


def test_the_table_rolls_up_accepted_reports_and_shows_the_difference(client, province, people):
    html = (
        as_user(client, people["consolidator"])
        .get(url("consolidate", province, query={"muc": TABLE_SECTION}))
        .content.decode()
    )
    assert "Số đoàn viên công đoàn" in html
    assert ">190<" in html  # Đăk Hà's own total, not its CĐCS' 185
    assert ">200<" in html  # workers: Đăk Hà gave none, its CĐCS add up to 110 + 90
    assert "Đã tính 3/5 báo cáo" in html
    assert "Còn thiếu 2 báo cáo" in html and "CĐCS Trung tâm Y tế huyện Đăk Tô" in html
    assert "LĐLĐ huyện Đăk Hà báo 190 đoàn viên (năm 2017), các CĐCS cộng lại 185" in html
    assert "chênh 5" in html


def test_the_workspace_and_the_docx_read_the_live_roll_up(client, province, people, settings):
    """The province's figures are read from the live tables (a lookup), not rolled up: a live
    figure changed by hand shows on the page and in the DOCX. BAOCAO_LIVE_ROLLUP off, or a
    campaign whose live rows are not built, rolls up from the reports again; a rebuild puts the
    true figure back and the campaign reads live again."""
    campaign = province.campaign
    assert live_rollup.is_built(campaign)  # opened with its live rows
    LiveFigure.objects.filter(
        campaign=campaign, unit=province.unit, include_submitted=False, code="members", year=2017
    ).update(value=Decimal(4321))
    client = as_user(client, people["consolidator"])

    def table():
        return client.get(url("consolidate", province, query={"muc": TABLE_SECTION})).content

    def docx():
        document = Document(io.BytesIO(download(client, province, "docx").content))
        return "\n".join(
            cell.text for table in document.tables for row in table.rows for cell in row.cells
        )

    assert ">4.321<" in table().decode() and "4.321" in docx()
    settings.BAOCAO_LIVE_ROLLUP = False
    assert ">190<" in table().decode() and "4.321" not in docx()
    settings.BAOCAO_LIVE_ROLLUP = True
    live_rollup.mark_stale(campaign)
    assert ">190<" in table().decode() and "4.321" not in docx()
    live_rollup.rebuild(campaign)
    assert ">190<" in table().decode() and "4.321" not in docx()
    campaign.refresh_from_db()
    assert live_rollup.is_built(campaign)


def test_a_long_list_of_missing_reports_is_cut_and_counted(client, province, people, monkeypatch):
    from baocao.apps.campaigns.views import consolidate as views_consolidate

    monkeypatch.setattr(views_consolidate, "MISSING_SHOWN", 1)
    html = (
        as_user(client, people["consolidator"])
        .get(url("consolidate", province, query={"muc": TABLE_SECTION}))
        .content.decode()
    )
    assert "Còn thiếu 2 báo cáo" in html
    missing = html[html.index('class="cw-missing"') :]
    missing = missing[: missing.index("</details>")]
    assert missing.count("<li>") == 1
    assert "Trên đây là 1 báo cáo đầu tiên theo cây đơn vị" in missing


def test_submitted_reports_count_when_asked(client, province, people):
    html = (
        as_user(client, people["consolidator"])
        .get(url("consolidate", province, query={"muc": TABLE_SECTION, "gom": "da-gui"}))
        .content.decode()
    )
    assert ">240<" in html  # 190 + Đăk Tô's CĐCS 50
    assert "Đã tính 4/5 báo cáo" in html
    assert 'aria-current="true">Cả đã gửi' in html


def test_the_first_section_with_a_table_or_passages_is_shown_by_default(client, province, people):
    html = as_user(client, people["consolidator"]).get(url("consolidate", province)).content
    html = html.decode()
    assert '<h2 id="cw-title" class="cw-title">Phần thứ nhất › I.1.' in html
    assert 'aria-current="page"' in html


# --- Passages from below ---------------------------------------------------------------------


def passages_of(client, report, **query):
    response = client.get(url("consolidate", report, query={"muc": TEXT_SECTION, **query}))
    assert response.status_code == 200
    return response.content.decode()


def test_passages_of_every_unit_below_with_name_kind_and_status(client, province, people):
    html = passages_of(as_user(client, people["national_viewer"]), province)
    for text in TEXTS.values():
        assert text in html
    assert "LĐLĐ huyện Đăk Hà" in html and "CĐCS UBND xã Đăk Mar" in html
    assert "Đã duyệt" in html and "Đã gửi" in html
    assert "Đoạn viết của các đơn vị cấp dưới (4)" in html


def test_a_search_for_a_units_full_name_lists_that_unit_first(client, province, people):
    as_user(client, people["consolidator"])
    for query in ("Liên đoàn Lao động huyện Đăk Hà", "dak ha"):
        html = passages_of(client, province, q=query)
        shown = sorted((html.index(text), key) for key, text in TEXTS.items() if text in html)
        assert shown[0][1] == "dakha", query
        assert TEXTS["cdcs_dt1"] not in html  # Đăk Tô: "dak" alone is not enough


def test_search_needs_no_diacritics_and_filters_narrow(client, province, people):
    as_user(client, people["consolidator"])
    html = passages_of(client, province, q="dak ha")
    assert TEXTS["dakha"] in html
    assert TEXTS["cdcs_dt1"] not in html  # Đăk Tô
    html = passages_of(client, province, q="DAK MAR")
    assert TEXTS["cdcs_dh1"] in html and TEXTS["dakha"] not in html
    html = passages_of(client, province, q="khoa phong")  # words of the text itself
    assert TEXTS["cdcs_dt1"] in html and "1 đoạn" in html
    html = passages_of(client, province, loai="grassroots")
    assert TEXTS["dakha"] not in html and TEXTS["cdcs_dh2"] in html
    html = passages_of(client, province, **{"trang-thai": "submitted"})
    assert TEXTS["cdcs_dt1"] in html and TEXTS["cdcs_dh1"] not in html
    assert "Không có đoạn nào khớp" in passages_of(client, province, q="không có chữ này")


def test_user_text_is_escaped_and_stored_html_cleaned(client, province, people, tree):
    report = report_of(province.campaign, tree.cdcs_dt1)
    SectionText.objects.filter(report=report, section_id=TEXT_SECTION).update(
        text='<p>Tốt<script>alert(1)</script><img src=x onerror="alert(2)"></p>'
    )
    Unit.objects.filter(pk=tree.cdcs_dt1.pk).update(name="CĐCS <b>Đăk Tô</b>")
    html = passages_of(as_user(client, people["consolidator"]), province)
    assert "<script>alert(1)" not in html and "onerror" not in html
    assert "CĐCS &lt;b&gt;Đăk Tô&lt;/b&gt;" in html


# --- Insert with source ----------------------------------------------------------------------


def insert(client, report, passage, base_version, **fields):
    return client.post(
        url("consolidate_insert", report, query={"muc": TEXT_SECTION}),
        {"doan": passage.pk, "base_version": base_version, **fields},
    )


def passage_of(unit):
    return SectionText.objects.get(report__unit=unit, section_id=TEXT_SECTION)


def test_insert_with_source_saves_a_new_version(client, province, people, tree):
    as_user(client, people["consolidator"])
    response = insert(client, province, passage_of(tree.cdcs_dh1), 0)
    assert response.status_code == 302
    assert response["Location"].endswith("#noi-dung")
    stored = own_text(province, TEXT_SECTION)
    assert TEXTS["cdcs_dh1"] in stored
    assert "(Nguồn: CĐCS UBND xã Đăk Mar)" in stored
    version = SectionVersion.objects.get(report=province, section_id=TEXT_SECTION)
    assert version.version == 1 and version.note == "Chèn đoạn của CĐCS UBND xã Đăk Mar"
    html = client.get(response["Location"]).content.decode()
    assert "Đã chèn đoạn của CĐCS UBND xã Đăk Mar kèm nguồn (phiên bản 1)" in html

    # a second passage goes after the first; what was typed in the editor travels with it
    typed = (
        "Mở đầu do người tổng hợp viết.\n" + TEXTS["cdcs_dh1"] + " (Nguồn: CĐCS UBND xã Đăk Mar)"
    )
    response = insert(client, province, passage_of(tree.dakha), 1, text=typed)
    assert response.status_code == 302
    stored = own_text(province, TEXT_SECTION)
    assert stored.startswith("<p>Mở đầu do người tổng hợp viết.</p>")
    assert stored.index("Đăk Mar)") < stored.index("(Nguồn: LĐLĐ huyện Đăk Hà)")


def test_insert_over_htmx_returns_the_fresh_editor(client, province, people, tree):
    as_user(client, people["consolidator"])
    response = client.post(
        url("consolidate_insert", province, query={"muc": TEXT_SECTION}),
        {"doan": passage_of(tree.cdcs_dh2).pk, "base_version": 0, "text": ""},
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Retarget"].startswith("#editor-")
    assert response["HX-Reswap"] == "outerHTML"
    assert "baocao-saved" in response["HX-Trigger"]
    html = response.content.decode()
    assert "(Nguồn: CĐCS Trường Tiểu học Nguyễn Huệ)" in html
    assert 'name="base_version" value="1"' in html


def test_a_stale_insert_shows_the_conflict_and_loses_nothing(client, province, people, tree):
    actions.save_section(province, TEXT_SECTION, "Bản của người khác.", 0, people["admin"])
    as_user(client, people["consolidator"])
    response = insert(client, province, passage_of(tree.cdcs_dh1), 0, text="Điều tôi đang gõ dở.")
    assert response.status_code == 409
    html = response.content.decode()
    assert "vừa lưu mục này" in html
    assert "Bản của người khác." in html  # theirs, read-only
    assert "Điều tôi đang gõ dở." in html and "(Nguồn: CĐCS UBND xã Đăk Mar)" in html  # mine
    assert own_text(province, TEXT_SECTION) == "<p>Bản của người khác.</p>"

    response = client.post(
        url("consolidate_insert", province, query={"muc": TEXT_SECTION}),
        {"doan": passage_of(tree.cdcs_dh1).pk, "base_version": 0, "text": "Gõ dở."},
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Reswap"] == "outerHTML"
    html = response.content.decode()
    assert "conflict" in html and "Gõ dở." in html and "(Nguồn: CĐCS UBND xã Đăk Mar)" in html
    assert SectionVersion.objects.filter(report=province, section_id=TEXT_SECTION).count() == 1


def test_no_insert_once_the_report_is_sent(client, province, people, tree):
    actions.submit(province, people["admin"], province.version)
    as_user(client, people["consolidator"])
    response = insert(client, province, passage_of(tree.cdcs_dh1), 0)
    assert response.status_code == 403
    html = client.get(url("consolidate", province)).content.decode()
    assert "Chèn kèm nguồn" not in html and "không sửa được" in html


# --- The first draft -------------------------------------------------------------------------


def test_the_draft_fills_empty_sections_only(client, province, people):
    actions.save_section(province, "P1/I/2", "Đoạn người tổng hợp đã viết.", 0, people["admin"])
    as_user(client, people["consolidator"])
    response = client.post(url("consolidate_draft", province), {"muc": TABLE_SECTION})
    assert response.status_code == 302
    assert f"muc={urllib.parse.quote(TABLE_SECTION, safe='')}" in response["Location"]
    assert own_text(province, "P1/I/2") == "<p>Đoạn người tổng hợp đã viết.</p>"  # untouched
    table_text = own_text(province, TABLE_SECTION)
    assert "Toàn tỉnh có 190 đoàn viên, tăng 120 (171,4%) so với năm 2008." in table_text
    first = own_text(province, TEXT_SECTION)
    # Đăk Hà's accepted report speaks for its CĐCS; Đăk Tô's CĐCS is not accepted yet.
    # What the units wrote, synthesised: each point once, with its source.
    assert TEXTS["dakha"].rstrip(".") + " (LĐLĐ huyện Đăk Hà)." in first
    assert TEXTS["cdcs_dh1"] not in first and TEXTS["cdcs_dt1"] not in first
    drafted = SectionText.objects.filter(report=province).exclude(section_id="P1/I/2").count()
    html = client.get(response["Location"]).content.decode()
    assert f"Đã soạn nháp {drafted} mục; giữ nguyên 1 mục đã có nội dung." in html
    # A generated draft passes its own number check.
    assert "Các số viết trong nội dung khớp với bảng tổng hợp." in html

    # again: everything now has text, nothing changes
    versions = SectionVersion.objects.filter(report=province).count()
    client.post(url("consolidate_draft", province))
    assert SectionVersion.objects.filter(report=province).count() == versions


def test_the_draft_with_submitted_reports_counts_them(client, province, people):
    as_user(client, people["consolidator"])
    client.post(url("consolidate_draft", province), {"gom": "da-gui"})
    assert "Toàn tỉnh có 240 đoàn viên" in own_text(province, TABLE_SECTION)
    assert TEXTS["cdcs_dt1"].rstrip(".") in own_text(province, TEXT_SECTION)


def test_no_draft_for_a_sent_report(client, province, people):
    actions.submit(province, people["admin"], province.version)
    as_user(client, people["consolidator"])
    response = client.post(url("consolidate_draft", province), follow=True)
    assert "không tạo bản nháp được" in response.content.decode()
    assert not SectionText.objects.filter(report=province).exists()


# --- Numbers in the text against the rolled-up table ----------------------------------------


def test_a_wrong_number_in_the_text_is_listed(client, province, people):
    actions.save_section(
        province, TABLE_SECTION, "Toàn tỉnh có 195 đoàn viên công đoàn.", 0, people["admin"]
    )
    as_user(client, people["consolidator"])
    html = client.get(url("consolidate", province, query={"muc": TABLE_SECTION})).content
    html = html.decode()
    assert "1 số không khớp với bảng tổng hợp" in html
    assert "195 đoàn viên" in html and "là 190" in html

    fragment = client.get(
        url("consolidate", province, query={"muc": TABLE_SECTION, "phan": "so-lieu"}), **HTMX
    ).content.decode()
    assert fragment.lstrip().startswith('<h3 id="kiem-tra-so-title"') and "là 190" in fragment
    assert "<html" not in fragment


# --- Downloads -------------------------------------------------------------------------------


def download(client, report, fmt, **query):
    return client.get(url("report_download", report, fmt, query=query or None))


def test_docx_download_opens_and_names_the_unit(client, province, people):
    response = download(as_user(client, people["national_viewer"]), province, "docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = response["Content-Disposition"]
    assert 'filename="bao-cao-ldld-tinh-kon-tum-nq20.docx"' in disposition
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20L%C4%90L%C4%90%20t%E1%BB%89nh" in disposition
    document = Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts.extend(cell.text for cell in row.cells)
    joined = "\n".join(texts)
    assert "BÁO CÁO" in joined
    assert "LĐLĐ TỈNH KON TUM" in joined
    assert "190" in joined


def test_xlsx_download_has_sumif_totals(client, province, people):
    response = download(as_user(client, people["consolidator"]), province, "xlsx")
    assert response.status_code == 200
    assert 'filename="chi-tieu-ldld-tinh-kon-tum-nq20.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    formulas = [
        cell.value
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=SUMIF(")
    ]
    assert formulas
    codes = [sheet.cell(row=r, column=1).value for r in range(3, 9)]
    assert codes[:2] == ["KT", "KT-DH"]


def test_download_permissions(client, province, people, campaign, tree):
    assert download(as_user(client, people["other_province"]), province, "docx").status_code == 403
    school = report_of(campaign, tree.cdcs_dh1)
    as_user(client, people["school_writer"])
    assert download(client, school, "docx").status_code == 200
    assert download(client, school, "xlsx").status_code == 200  # nothing below it
    as_user(client, people["province_writer"])
    assert download(client, province, "docx").status_code == 200  # its own report
    assert download(client, province, "xlsx").status_code == 403  # lists the units below
    client.logout()
    assert download(client, province, "docx").status_code == 302


def test_an_xlsx_too_big_for_the_web_says_so_and_offers_the_docx(
    client, province, people, monkeypatch
):
    from baocao.apps.campaigns.views import consolidate as views_consolidate

    monkeypatch.setattr(views_consolidate, "XLSX_MAX_REPORTS", 2)
    response = download(as_user(client, people["consolidator"]), province, "xlsx")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Chưa xuất được bảng Excel" in html
    assert "quá nhiều để tải qua trang web" in html
    assert url("report_download", province, "docx") in html


def test_pdf_download_through_libreoffice(client, province, people):
    if not libreoffice.available():
        pytest.fail("LibreOffice is missing: `make system-deps` installs libreoffice-writer")
    # Made by a background job: run at once here, so the answer leads straight to its file.
    response = download(as_user(client, people["consolidator"]), province, "pdf")
    assert response.status_code == 302 and response["Location"].startswith("/viec-nen/")
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="bao-cao-ldld-tinh-kon-tum-nq20.pdf"' in response["Content-Disposition"]


def test_pdf_without_libreoffice_is_a_clear_message(client, province, people, monkeypatch):
    monkeypatch.setattr(libreoffice, "executable", lambda: None)
    assert not libreoffice.available()
    response = download(as_user(client, people["consolidator"]), province, "pdf", gom="da-gui")
    assert response.status_code == 503
    html = response.content.decode()
    assert "Máy chủ chưa cài LibreOffice" in html
    assert "tai-ve.docx?gom=da-gui" in html
    assert '<html lang="vi">' in html


# --- A large subtree in a bounded number of queries ------------------------------------------


@pytest.fixture
def big_campaign(tree, people):
    parents = [tree.dakha, tree.dakto]
    for number in range(100):
        Unit.objects.create(
            code=f"KT-X-{number:03d}",
            name=f"CĐCS Doanh nghiệp số {number}",
            kind=UnitKind.GRASSROOTS,
            parent=parents[number % 2],
        )
    campaign = open_nq20(
        tree,
        people["admin"],
        kinds=[UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.GRASSROOTS],
        name="",
        slug="nq20-lon",
    )
    reports = list(Report.objects.filter(campaign=campaign, unit__kind=UnitKind.GRASSROOTS))
    SectionText.objects.bulk_create(
        SectionText(report=r, section_id=TEXT_SECTION, text=f"<p>Đoạn của {r.unit_id}.</p>")
        for r in reports
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(report=r, code="members", year=year, value=Decimal(10), raw="10")
        for r in reports
        for year in (2008, 2017)
    )
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(status=ReportStatus.ACCEPTED)
    live_rollup.rebuild(campaign)  # written around the actions
    assert len(reports) > 100
    return campaign


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"muc": TEXT_SECTION},
        {"muc": TEXT_SECTION, "q": "doan cua", "trang": "2"},
        {"muc": TEXT_SECTION, "trang": "9"},
        {"muc": TABLE_SECTION, "gom": "da-gui", "loai": "grassroots"},
    ],
)
def test_the_workspace_takes_a_bounded_number_of_queries(
    client, big_campaign, tree, people, query, django_assert_max_num_queries
):
    province = report_of(big_campaign, tree.province)
    as_user(client, people["consolidator"])
    # Session, user, membership, report, roll-up engine choice, reports and figures (or the
    # database's sums), the reports still missing (listed and counted), own texts, passage
    # counts and page, the units that differ (two, when some do), the header's unread notices.
    with django_assert_max_num_queries(14):
        response = client.get(url("consolidate", province, query=query))
    assert response.status_code == 200
    html = response.content.decode()
    if query.get("muc") == TEXT_SECTION:
        page = {"1": 1, "2": 2, "9": 3}[query.get("trang", "1")]  # past the end: the last page
        assert f"103 đoạn · trang {page}/3" in html
        assert html.count('class="passage"') == (3 if page == 3 else 50)
    if query.get("muc") == TABLE_SECTION:
        assert ">1.030<" in html  # 103 CĐCS × 10


def test_an_insert_after_rich_text_keeps_its_list_and_table(client, province, people, tree):
    """The workspace's editor is the rich-text one: what it sends is HTML ("format": "html"),
    and a passage inserted after it keeps the section's nested list and table as they are."""
    as_user(client, people["consolidator"])
    typed = (
        "<p><strong>Kết quả</strong></p><ul><li>một<ul><li>hai</li></ul></li></ul>"
        "<table><tbody><tr><td>Năm</td><td>Số</td></tr><tr><td>2017</td><td>12</td></tr>"
        "</tbody></table>"
    )
    response = insert(client, province, passage_of(tree.cdcs_dh1), 0, text=typed, format="html")

    assert response.status_code == 302
    stored = own_text(province, TEXT_SECTION)
    assert stored.startswith("<p><strong>Kết quả</strong></p><ul><li>một<ul><li>hai</li></ul>")
    assert "<td>2017</td><td>12</td>" in stored
    assert stored.index("</table>") < stored.index("(Nguồn: CĐCS UBND xã Đăk Mar)")


def test_the_workspace_editor_is_the_rich_text_one(client, province, people, settings):
    as_user(client, people["consolidator"])
    page = client.get(url("consolidate", province, query={"muc": TEXT_SECTION}))
    assert "report-editor.js" in page.content.decode()
    settings.BAOCAO_RICH_EDITOR = False
    page = client.get(url("consolidate", province, query={"muc": TEXT_SECTION}))
    assert "report-editor.js" not in page.content.decode()
