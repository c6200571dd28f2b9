"""One report's pages: who sees them, writing with autosave and conflicts, figures, history,
submit and review, as the Django test client sees them (HTMX requests carry HX-Request)."""

import datetime
import re

import pytest
from django.urls import reverse

from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import (
    IndicatorValue,
    ReportStatus,
    SectionText,
    SectionVersion,
)
from baocao.apps.campaigns.views.report import HISTORY_PAGE
from baocao.richtext import (
    MAX_COMPARED_LINES,
    clean_section_text,
    editable_lines,
    from_plain_lines,
    word_count,
)

from .campaign_scenario import as_user, report_of, url

pytestmark = pytest.mark.django_db

SECTION = "P1/I/1"
TABLE_SECTION = "P1/II/1"
HTMX = {"HTTP_HX_REQUEST": "true"}


# `people`, `campaign` (the built-in outline over Kon Tum, "nq20-2017") and `school`
# (KT-DH-01's report in it) are conftest's.


def page(client, report):
    response = client.get(url("report", report))
    assert response.status_code == 200
    return response.content.decode()


# --- Who sees which report -------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, unit, status",
    [
        ("school_writer", "cdcs_dh1", 200),  # own report
        ("clinic_writer", "cdcs_dh1", 403),  # a sibling's draft
        ("dakha_reviewer", "cdcs_dh1", 200),  # the parent's reviewer sees its child
        ("dakha_writer", "cdcs_dh1", 403),  # a parent's plain writer sees only its own unit
        ("school_writer", "dakha", 403),  # a child never sees its parent's report
        ("dakto_reviewer", "cdcs_dh1", 403),  # another district's reviewer
        ("province", "cdcs_dh1", 200),
        ("admin", "dakha", 200),
    ],
)
def test_who_may_see_a_report(client, campaign, tree, people, who, unit, status):
    report = report_of(campaign, getattr(tree, unit))
    response = as_user(client, people[who]).get(url("report", report))
    assert response.status_code == status
    if status == 403:
        html = response.content.decode()
        assert "Bạn không có quyền xem báo cáo này" in html
        assert '<html lang="vi">' in html


def test_anonymous_visitor_is_sent_to_login(client, school):
    path = url("report", school)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"


def test_unknown_campaign_unit_or_section_is_404(client, school, people):
    as_user(client, people["admin"])
    assert client.get(reverse("campaigns:report", args=["khong-co", "KT-DH-01"])).status_code == 404
    assert client.get(reverse("campaigns:report", args=["nq20-2017", "XX"])).status_code == 404
    assert client.get(url("section_history", school, "P9/Z")).status_code == 404
    assert client.post(url("section_save", school, "P9/Z"), {"text": "x"}).status_code == 404


def test_changes_are_post_only(client, school, people):
    as_user(client, people["school_writer"])
    assert client.get(url("section_save", school, SECTION)).status_code == 405
    assert client.get(url("report_submit", school)).status_code == 405
    assert client.post(url("report", school)).status_code == 405


def test_a_sibling_cannot_write_into_a_report(client, school, people):
    response = as_user(client, people["clinic_writer"]).post(
        url("section_save", school, SECTION), {"text": "Sửa hộ", "base_version": 0}
    )
    assert response.status_code == 403
    assert not SectionText.objects.filter(report=school).exists()


def test_a_viewer_of_the_report_cannot_write_it(client, school, people):
    response = as_user(client, people["dakha_reviewer"]).post(
        url("section_save", school, SECTION), {"text": "Sửa hộ", "base_version": 0}
    )
    assert response.status_code == 403
    html = page(client, school)
    assert 'name="text"' not in html


# --- The page --------------------------------------------------------------------------------


def test_the_writer_sees_header_tree_guidance_and_an_editor_per_section(client, school, people):
    html = page(as_user(client, people["school_writer"]), school)
    assert "CĐCS UBND xã Đăk Mar" in html and "Tổng kết 10 năm Nghị quyết 20" in html
    assert '<span class="status status--draft">Đang soạn</span>' in html
    assert "còn 5 ngày" in html
    assert "0 chữ" in html
    leaves = len(
        [s for s, _ in school.campaign.outline_tree.walk() if not s.children]
    )  # every leaf is still empty
    assert f"Còn {leaves} mục chưa viết" in html
    # the tree as navigation, each section marked, with words for screen readers
    assert 'aria-label="Các mục của báo cáo"' in html
    assert 'href="#muc-P1/II/4/4.1"' in html and 'id="muc-P1/II/4/4.1"' in html
    assert html.count('<span class="vh">chưa viết: </span>') == leaves
    # guidance, prompts and the documents to follow (footnotes) in a collapsible box
    assert "<summary>Hướng dẫn</summary>" in html
    assert "Văn bản cần bám sát" in html and "Kế hoạch số 14/KH-LĐLĐ" in html
    # an editor per leaf section, with the hint on bullets and a Save button that needs no JS
    assert html.count('name="text"') == leaves
    assert "dòng bắt đầu bằng “- ” là một ý gạch đầu dòng" in html
    assert f'action="{url("section_save", school, SECTION)}"' in html
    assert 'hx-trigger="input changed delay:1500ms, blur changed"' in html
    # figures: the table's columns and a decimal keyboard on phones
    for column in ("Chỉ tiêu", "Đơn vị", "Năm 2008", "Năm 2017", "Tăng/giảm"):
        assert column in html
    assert 'inputmode="decimal"' in html
    assert "Gửi báo cáo" in html


def test_late_reports_say_by_how_many_days(client, school, people):
    type(school.campaign).objects.filter(pk=school.campaign.pk).update(
        deadline=datetime.date.today() - datetime.timedelta(days=3)
    )
    html = page(as_user(client, people["school_writer"]), school)
    assert "đã quá hạn 3 ngày" in html


def test_the_page_reads_in_a_bounded_number_of_queries(
    client, school, people, django_assert_max_num_queries
):
    writer = people["school_writer"]
    for section_id in school.campaign.section_ids:
        actions.save_section(school, section_id, f"Nội dung mục {section_id}", 0, writer)
    for code in school.campaign.catalogue.attach[TABLE_SECTION]:
        if not school.campaign.catalogue.by_code[code].derived:
            for year in (2008, 2017):
                actions.save_indicator(school, code, year, "10", writer)
    as_user(client, writer)
    with django_assert_max_num_queries(14):
        response = client.get(url("report", school))
    assert response.status_code == 200
    assert "Đã viết đủ các mục." in response.content.decode()


# --- Writing a section -----------------------------------------------------------------------


def save(client, report, text, base_version, section=SECTION, htmx=True, **extra):
    data = {"text": text, "base_version": base_version, **extra}
    return client.post(url("section_save", report, section), data, **(HTMX if htmx else {}))


def test_autosave_returns_the_saved_status_and_the_new_version(client, school, people):
    as_user(client, people["school_writer"])
    response = save(client, school, "Đoạn một\n- Ý thứ nhất\n- Ý thứ hai", 0)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"Đã lưu lúc \d\d:\d\d \(phiên bản 1\)", html)
    assert re.search(
        r'<input type="hidden" name="base_version" value="1" id="bv-m\d+" hx-swap-oob="true">', html
    )
    assert "baocao-saved" in response["HX-Trigger"]
    stored = SectionText.objects.get(report=school, section_id=SECTION)
    assert stored.text == "<p>Đoạn một</p><ul><li>Ý thứ nhất</li><li>Ý thứ hai</li></ul>"
    # the tree's mark and the counters follow
    assert "đã viết: " in html and 'id="con-lai"' in html

    again = save(client, school, "Đoạn một\n- Ý thứ nhất\n- Ý thứ hai\nĐoạn hai", 1)
    assert "(phiên bản 2)" in again.content.decode()
    # the editor shows the stored text as lines again
    assert "Đoạn một\n- Ý thứ nhất\n- Ý thứ hai\nĐoạn hai</textarea>" in page(client, school)


def test_typed_angle_brackets_stay_text_and_lines_stay_lines(client, school, people):
    as_user(client, people["school_writer"])
    save(client, school, "Số a<b đoàn viên\nDòng hai", 0)
    stored = SectionText.objects.get(report=school, section_id=SECTION).text
    assert stored == "<p>Số a&lt;b đoàn viên</p><p>Dòng hai</p>"


def test_a_stale_save_gets_the_conflict_panel_with_both_texts(client, school, people):
    actions.save_section(school, SECTION, "Bản gốc", 0, people["school_writer"])
    actions.save_section(school, SECTION, "Bản của đồng nghiệp", 1, people["school_colleague"])
    as_user(client, people["school_writer"])
    response = save(client, school, "Bản của tôi\n- thêm ý", 1)
    assert response.status_code == 200
    assert response["HX-Retarget"].startswith("#editor-m")
    assert response["HX-Reswap"] == "outerHTML"
    html = response.content.decode()
    assert "Người khác (truong_viet2, lúc" in html and "vừa lưu mục này" in html
    # Theirs as it reads (sanitised HTML), mine as lines to edit.
    assert re.search(r'id="theirs-m\d+" role="region"[^>]*><p>Bản của đồng nghiệp</p></div>', html)
    assert 'name="text">Bản của tôi\n- thêm ý</textarea>' in html
    for choice in ("Giữ bản của tôi", "Dùng bản của họ", "Lưu bản đã gộp"):
        assert choice in html
    assert 'name="base_version" value="2"' in html
    # nothing was overwritten
    assert SectionText.objects.get(report=school, section_id=SECTION).version == 2

    plain = save(client, school, "Bản của tôi", 1, htmx=False)
    assert plain.status_code == 409
    assert "Bản của đồng nghiệp" in plain.content.decode()


def test_merging_after_a_conflict_saves_the_merged_text_with_a_note(client, school, people):
    actions.save_section(school, SECTION, "Bản của đồng nghiệp", 0, people["school_colleague"])
    as_user(client, people["school_writer"])
    response = save(
        client, school, "Bản của đồng nghiệp\nBản của tôi", 1, choice="merge"
    )  # base_version = their version
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đã lưu lúc" in html and "(phiên bản 2)" in html
    assert 'id="editor-m' in html  # the whole editor comes back in place of the panel
    newest = SectionVersion.objects.get(report=school, section_id=SECTION, version=2)
    assert newest.note == "Gộp sau khi trùng sửa"
    assert newest.text == "<p>Bản của đồng nghiệp</p><p>Bản của tôi</p>"


def test_keeping_mine_or_taking_theirs(client, school, people):
    actions.save_section(school, SECTION, "Bản của họ", 0, people["school_colleague"])
    as_user(client, people["school_writer"])
    theirs = save(client, school, "Bản của tôi", 1, choice="theirs")
    assert "Bản của họ</textarea>" in theirs.content.decode()
    assert SectionText.objects.get(report=school, section_id=SECTION).version == 1
    mine = save(client, school, "Bản của tôi", 1, choice="mine")
    assert mine.status_code == 200
    stored = SectionVersion.objects.get(report=school, section_id=SECTION, version=2)
    assert (stored.text, stored.note) == ("<p>Bản của tôi</p>", "Giữ bản của tôi sau khi trùng sửa")


def test_the_save_button_without_javascript_redirects_back_to_the_section(client, school, people):
    as_user(client, people["school_writer"])
    response = save(client, school, "Nội dung", 0, htmx=False)
    assert response.status_code == 302
    assert response["Location"] == url("report", school) + "#muc-P1/I/1"
    # the same form sent twice (a double click): the second changes nothing and is fine
    twice = save(client, school, "Nội dung", 0, htmx=False)
    assert twice.status_code == 302
    assert SectionVersion.objects.filter(report=school).count() == 1
    html = client.get(twice["Location"]).content.decode()
    assert "Đã lưu mục" in html and "(phiên bản 1)" in html


def test_a_save_refused_keeps_what_was_typed(client, school, people):
    actions.submit(school, people["school_writer"], school.version)
    as_user(client, people["school_writer"])
    response = save(client, school, "Bản gõ dở chưa kịp lưu", 0, htmx=False)
    assert response.status_code == 400
    html = response.content.decode()
    assert "không thể sửa" in html
    assert "Bản gõ dở chưa kịp lưu</textarea>" in html
    fragment = save(client, school, "Bản gõ dở", 0).content.decode()
    assert "Chưa lưu được:" in fragment and "Nội dung vẫn còn trong ô." in fragment


# --- Figures ---------------------------------------------------------------------------------


def save_cell(client, report, code, year, text, section=TABLE_SECTION, htmx=True):
    path = url("indicator_save", report, code, year) + f"?muc={section}"
    return client.post(path, {f"v-{code}-{year}": text}, **(HTMX if htmx else {}))


def test_a_figure_is_saved_and_shown_as_the_report_prints_it(client, school, people):
    as_user(client, people["school_writer"])
    response = save_cell(client, school, "members", 2017, "1.234")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="v-members-2017" value="1.234"' in html
    assert "Đã lưu: 1.234" in html
    assert IndicatorValue.objects.get(report=school, code="members", year=2017).raw == "1.234"
    # the row's change and the rules come along, out of band
    assert re.search(r'<td id="chg-m\d+-members"[^>]*hx-swap-oob="true">', html)
    assert re.search(r'<div id="kt-m\d+" class="rules"[^>]*hx-swap-oob="true">', html)

    save_cell(client, school, "members", 2008, "1000")
    html = save_cell(client, school, "workers", 2017, "2000").content.decode()
    assert "Đã lưu: 2.000" in html
    html = page(client, school)
    assert "+234" in html and "23,4%" in html  # change and % of members 2008 → 2017
    assert "61,7%" in html  # unionisation rate 2017, derived: 1234 / 2000


def test_a_figure_that_is_not_a_number_keeps_the_typing_and_says_why(client, school, people):
    as_user(client, people["school_writer"])
    html = save_cell(client, school, "members", 2017, "khoảng 300").content.decode()
    assert 'value="khoảng 300"' in html
    assert 'aria-invalid="true"' in html and 'role="alert"' in html
    assert "Không đọc được số" in html and "khoảng 300" in html
    assert not IndicatorValue.objects.filter(report=school).exists()


def test_an_ambiguous_figure_says_how_it_was_read(client, school, people):
    as_user(client, people["school_writer"])
    html = save_cell(client, school, "members", 2017, "1,234").content.decode()
    assert "là số đếm" in html and "1.234" in html


def test_the_whole_table_saves_without_javascript_and_marks_each_bad_cell(client, school, people):
    as_user(client, people["school_writer"])
    path = url("indicators_save", school, TABLE_SECTION)
    response = client.post(
        path, {"v-members-2017": "1.234", "v-workers-2017": "nhiều", "v-members-2008": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="nhiều"' in html and "Không đọc được số" in html
    assert "Một số ô chưa lưu được" in html
    assert IndicatorValue.objects.get(report=school, code="members", year=2017).raw == "1.234"
    ok = client.post(path, {"v-workers-2017": "2.000"})
    assert ok.status_code == 302 and ok["Location"].endswith("#muc-P1/II/1")


def test_the_whole_table_saves_only_the_cells_changed_on_this_page(client, school, people):
    """A colleague's figure saved since the page was loaded is not overwritten with the blank
    (or old) value the page still shows."""
    as_user(client, people["school_writer"])
    html = page(client, school)
    assert 'name="o-v-workers-2017" value=""' in html
    actions.save_indicator(school, "workers", 2017, "3.000", people["school_colleague"])
    response = client.post(
        url("indicators_save", school, TABLE_SECTION),
        {
            "v-workers-2017": "",
            "o-v-workers-2017": "",
            "v-members-2017": "1.500",
            "o-v-members-2017": "",
        },
    )
    assert response.status_code == 302
    stored = dict(IndicatorValue.objects.filter(report=school).values_list("code", "raw"))
    assert stored == {"workers": "3.000", "members": "1.500"}


def test_a_figure_changed_by_a_colleague_meanwhile_is_not_overwritten_by_a_cell_save(
    client, school, people
):
    """Two writers on one figure: the later one's cell save carries what the page showed; the
    server holds another value since, so nothing is written and the cell says whose value it
    is, keeping the typing; a second, deliberate save then writes it."""
    as_user(client, people["school_writer"])
    actions.save_indicator(school, "members", 2017, "1.000", people["school_writer"])
    assert 'name="o-v-members-2017" value="1.000"' in page(client, school)
    actions.save_indicator(school, "members", 2017, "1.100", people["school_colleague"])
    path = url("indicator_save", school, "members", 2017) + f"?muc={TABLE_SECTION}"
    form = {"v-members-2017": "1.234", "o-v-members-2017": "1.000"}
    response = client.post(path, form, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "vừa được" in html and "“1.100”" in html and "“1.234”" in html
    assert 'name="v-members-2017" value="1.234"' in html  # the typing stays in the cell
    assert 'aria-invalid="true"' in html
    assert 'name="o-v-members-2017" value="1.100"' in html  # the next save is deliberate
    assert IndicatorValue.objects.get(report=school, code="members", year=2017).raw == "1.100"
    again = client.post(path, {"v-members-2017": "1.234", "o-v-members-2017": "1.100"}, **HTMX)
    assert "Đã lưu: 1.234" in again.content.decode()
    assert IndicatorValue.objects.get(report=school, code="members", year=2017).raw == "1.234"


def test_a_figure_cleared_by_a_colleague_meanwhile_is_not_written_back_silently(
    client, school, people
):
    as_user(client, people["school_writer"])
    actions.save_indicator(school, "members", 2017, "1.000", people["school_colleague"])
    actions.save_indicator(school, "members", 2017, "", people["school_colleague"])
    response = client.post(
        url("indicators_save", school, TABLE_SECTION),
        {"v-members-2017": "1.500", "o-v-members-2017": "1.000"},
    )
    assert response.status_code == 400
    assert "vừa được người khác xoá" in response.content.decode()
    assert not IndicatorValue.objects.filter(report=school, code="members").exists()


def test_the_same_figure_typed_by_two_writers_is_no_conflict(client, school, people):
    as_user(client, people["school_writer"])
    actions.save_indicator(school, "members", 2017, "1.234", people["school_colleague"])
    path = url("indicator_save", school, "members", 2017) + f"?muc={TABLE_SECTION}"
    response = client.post(path, {"v-members-2017": "1.234", "o-v-members-2017": ""}, **HTMX)
    html = response.content.decode()
    assert "vừa được" not in html and "Đã lưu: 1.234" in html


def test_a_broken_rule_shows_beside_its_table_after_a_cell_is_saved(client, school, people):
    as_user(client, people["school_writer"])
    save_cell(client, school, "members", 2017, "100")
    html = save_cell(client, school, "members_women", 2017, "150").content.decode()
    assert "Số đoàn viên nữ không được lớn hơn" in html


# --- Submit and review -----------------------------------------------------------------------


def test_a_hard_rule_blocks_submit_with_a_message_and_a_link(client, school, people):
    writer = people["school_writer"]
    actions.save_indicator(school, "members", 2017, "100", writer)
    actions.save_indicator(school, "members_women", 2017, "150", writer)
    as_user(client, writer)
    html = page(client, school)
    submit_area = html[html.index('id="gui-bao-cao"') :]
    assert "Chưa gửi được" in submit_area
    assert 'href="#muc-P1/II/1"' in submit_area
    assert 'action="' + url("report_submit", school) + '"' not in submit_area
    response = client.post(url("report_submit", school), {"expected_version": school.version})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Chưa gửi được báo cáo vì số liệu chưa hợp lệ" in html
    school.refresh_from_db()
    assert school.status == ReportStatus.DRAFT


def test_a_number_in_the_text_that_differs_from_the_table_is_flagged_before_submit(
    client, school, people
):
    writer = people["school_writer"]
    actions.save_indicator(school, "members", 2017, "1.234", writer)
    actions.save_section(school, "P1/II/1", "Đơn vị có 1.243 đoàn viên.", 0, writer)
    as_user(client, writer)
    html = page(client, school)
    submit_area = html[html.index('id="gui-bao-cao"') :]
    assert "Số trong bài viết khác với bảng số liệu" in submit_area
    assert "1.243 đoàn viên" in submit_area and "là 1.234" in submit_area
    assert 'href="#muc-P1/II/1"' in submit_area
    assert 'action="' + url("report_submit", school) + '"' in submit_area  # a warning only


def test_the_reviewer_sees_the_numbers_the_writer_was_warned_about(client, school, people):
    """Issue 13: the writer saw 'numbers in the text differ from the table'; the reviewer did
    not, so a report with them was accepted unnoticed."""
    writer = people["school_writer"]
    actions.save_indicator(school, "members", 2017, "1.234", writer)
    actions.save_section(school, "P1/II/1", "Đơn vị có 1.243 đoàn viên.", 0, writer)
    actions.submit(school, writer, school.version)
    as_user(client, people["dakha_reviewer"])
    html = page(client, school)
    review = html[html.index('id="duyet-bao-cao"') :]
    assert "1.243 đoàn viên" in review and "là 1.234" in review
    assert 'href="#muc-P1/II/1"' in review


def test_submit_makes_the_report_read_only_for_the_writer(client, school, people):
    writer = people["school_writer"]
    actions.save_section(school, SECTION, "Nội dung đã viết", 0, writer)
    as_user(client, writer)
    response = client.post(url("report_submit", school), {"expected_version": school.version})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Đã gửi báo cáo tới LĐLĐ huyện Đăk Hà" in html
    assert '<span class="status status--submitted">Đã gửi</span>' in html
    assert 'name="text"' not in html and "inputmode" not in html
    assert "<p>Nội dung đã viết</p>" in html
    # sending twice: the action says when it was sent
    again = client.post(url("report_submit", school), {"expected_version": 1})
    assert "Báo cáo đã được gửi lúc" in client.get(again["Location"]).content.decode()


def test_the_whole_review_cycle(client, school, people):
    writer, reviewer = people["school_writer"], people["dakha_reviewer"]
    actions.save_section(school, SECTION, "Bản đầu", 0, writer)
    actions.submit(school, writer, school.version)

    as_user(client, reviewer)
    html = page(client, school)
    assert "Duyệt báo cáo" in html and "Chấp nhận" in html and "Trả lại" in html
    assert 'name="comment:P1/I/1" form="form-tra-lai"' in html
    response = client.post(
        url("report_return", school),
        {
            "expected_version": school.version,
            "reason": "Bổ sung số liệu",
            "comment:P1/I/1": "Nêu rõ số buổi học tập Nghị quyết",
            "comment:P1/I/2": " ",
        },
    )
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.status == ReportStatus.RETURNED

    as_user(client, writer)
    html = page(client, school)
    assert '<span class="status status--returned">Bị trả lại</span>' in html
    assert "Bổ sung số liệu" in html
    section_html = html[html.index('id="muc-P1/I/1"') : html.index('id="muc-P1/I/2"')]
    assert "Nhận xét của cấp trên về mục này" in section_html
    assert "Nêu rõ số buổi học tập Nghị quyết" in section_html
    assert 'name="text"' in section_html  # writable again

    save(client, school, "Bản đã bổ sung: 12 buổi", 1)
    client.post(url("report_submit", school), {"expected_version": school.version})
    school.refresh_from_db()
    assert school.status == ReportStatus.SUBMITTED

    as_user(client, reviewer)
    client.post(url("report_accept", school), {"expected_version": school.version})
    school.refresh_from_db()
    assert school.status == ReportStatus.ACCEPTED
    html = page(client, school)
    assert "Mở lại" in html and "Đã duyệt" in html

    refused = client.post(url("report_reopen", school), {"expected_version": school.version})
    assert refused.status_code == 400
    assert "Hãy ghi lý do mở lại" in refused.content.decode()
    client.post(
        url("report_reopen", school),
        {"expected_version": school.version, "reason": "Sai số đoàn viên nữ"},
    )
    school.refresh_from_db()
    assert school.status == ReportStatus.RETURNED
    html = page(client, school)
    timeline = html[html.index('id="dien-bien"') :]
    assert timeline.count('class="timeline__item') == 5
    assert "Đang soạn</span> → <strong>Đã gửi</strong>" in timeline
    assert "Nêu rõ số buổi học tập Nghị quyết" in timeline and "Sai số đoàn viên nữ" in timeline


def test_a_return_without_reason_keeps_the_reviewers_comments(client, school, people):
    actions.submit(school, people["school_writer"], school.version)
    as_user(client, people["dakha_reviewer"])
    response = client.post(
        url("report_return", school),
        {"expected_version": school.version, "reason": "", "comment:P1/I/2": ""},
    )
    assert response.status_code == 400
    assert "Hãy ghi lý do trả lại" in response.content.decode()
    response = client.post(
        url("report_return", school),
        {"expected_version": school.version + 5, "reason": "Thiếu", "comment:P1/I/1": "Viết thêm"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Báo cáo vừa được người khác thay đổi, hãy tải lại trang." in html
    assert ">Thiếu</textarea>" in html and ">Viết thêm</textarea>" in html


def test_a_stale_accept_says_reload(client, school, people):
    seen = school.version
    actions.submit(school, people["school_writer"], seen)
    as_user(client, people["dakha_reviewer"])
    response = client.post(url("report_accept", school), {"expected_version": seen})
    html = client.get(response["Location"]).content.decode()
    assert "Báo cáo vừa được người khác thay đổi, hãy tải lại trang." in html


def test_only_the_parents_reviewer_reviews(client, school, people):
    actions.submit(school, people["school_writer"], school.version)
    as_user(client, people["province"])  # sees the report, reviews only its districts
    assert "Chấp nhận" not in page(client, school)
    response = client.post(url("report_accept", school), {"expected_version": school.version})
    assert response.status_code == 403


# --- History ---------------------------------------------------------------------------------


def test_history_lists_every_version_with_its_changes_and_restores_one(client, school, people):
    writer = people["school_writer"]
    actions.save_section(school, SECTION, "Dòng một\nDòng hai", 0, writer)
    actions.save_section(school, SECTION, "Dòng một\nDòng ba", 1, writer, note="Sửa dòng hai")
    as_user(client, writer)
    response = client.get(url("section_history", school, SECTION))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Phiên bản 2" in html and "Phiên bản 1" in html and "Sửa dòng hai" in html
    assert re.search(r'<li class="diff__added">.*Thêm: </span>Dòng ba</li>', html)
    assert re.search(r'<li class="diff__removed">.*Bỏ: </span>Dòng hai</li>', html)
    assert html.count("Khôi phục phiên bản này") == 1  # not for the current one

    response = client.post(url("section_restore", school, SECTION), {"version": 1})
    assert response.status_code == 302
    stored = SectionText.objects.get(report=school, section_id=SECTION)
    assert (stored.version, stored.text) == (3, "<p>Dòng một</p><p>Dòng hai</p>")
    assert (
        "Khôi phục từ phiên bản 1"
        in client.get(url("section_history", school, SECTION)).content.decode()
    )


def test_history_is_read_only_for_a_reviewer(client, school, people):
    actions.save_section(school, SECTION, "Một", 0, people["school_writer"])
    actions.save_section(school, SECTION, "Hai", 1, people["school_writer"])
    as_user(client, people["dakha_reviewer"])
    html = client.get(url("section_history", school, SECTION)).content.decode()
    assert "Khôi phục phiên bản này" not in html
    response = client.post(url("section_restore", school, SECTION), {"version": 1})
    assert response.status_code == 403


def test_history_of_two_long_versions_lists_only_the_changed_lines(client, school, people):
    """1,500 similar lines, every one changed: ndiff compared them character by character for
    47 s; line by line, the page lists each line once removed and once added."""
    writer = people["school_writer"]
    before = [f"Công đoàn cơ sở số {i} có {i * 7 % 991} đoàn viên" for i in range(1500)]
    after = [f"Công đoàn cơ sở số {i} có {i * 7 % 991 + 1} đoàn viên" for i in range(1500)]
    actions.save_section(school, SECTION, "\n".join(before), 0, writer)
    actions.save_section(school, SECTION, "\n".join(after[:-1] + [before[-1]]), 1, writer)
    html = as_user(client, writer).get(url("section_history", school, SECTION)).content.decode()
    newest = html[: html.index('id="phien-ban-1"')]
    assert newest.count('class="diff__removed"') == newest.count('class="diff__added"') == 1499
    assert "Thêm: </span>Công đoàn cơ sở số 0 có 1 đoàn viên</li>" in newest


def test_history_past_the_line_cap_shows_both_versions_whole(client, school, people):
    writer = people["school_writer"]
    long = "\n".join(f"Dòng {i}" for i in range(MAX_COMPARED_LINES + 1))
    actions.save_section(school, SECTION, "Bản ngắn", 0, writer)
    actions.save_section(school, SECTION, long, 1, writer)
    html = as_user(client, writer).get(url("section_history", school, SECTION)).content.decode()
    newest = html[: html.index('id="phien-ban-1"')]
    assert "nên không so sánh từng dòng" in newest
    assert 'class="diff__' not in newest
    assert "Xem toàn văn phiên bản trước" in newest and "<p>Bản ngắn</p>" in newest
    assert f"<p>Dòng {MAX_COMPARED_LINES}</p>" in newest


def test_history_is_paged_newest_first(client, school, people):
    writer = people["school_writer"]
    for version in range(HISTORY_PAGE + 2):
        actions.save_section(school, SECTION, f"Lần {version + 1}", version, writer)
    as_user(client, writer)
    first = client.get(url("section_history", school, SECTION)).content.decode()
    assert f'id="phien-ban-{HISTORY_PAGE + 2}"' in first and 'id="phien-ban-2"' not in first
    assert "Trang 1/2" in first and "?trang=2" in first and "Các trang lịch sử sửa" in first
    second = client.get(url("section_history", school, SECTION) + "?trang=2").content.decode()
    assert 'id="phien-ban-2"' in second and 'id="phien-ban-1"' in second
    assert "Thêm: </span>Lần 2</li>" in second and "Bỏ: </span>Lần 1</li>" in second
    assert "đang dùng" not in second and "Trang 2/2" in second
    beyond = client.get(url("section_history", school, SECTION) + "?trang=abc").content.decode()
    assert "Trang 1/2" in beyond


# --- Safety ----------------------------------------------------------------------------------

XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"


def test_script_in_a_section_never_reaches_a_page_unescaped(client, school, people):
    writer = people["school_writer"]
    as_user(client, writer)
    save(client, school, XSS, 0)  # typed in the editor: kept as text
    actions.save_section(school, "P1/I/2", XSS + "<p>chữ</p>", 0, writer)  # pasted HTML
    save_cell(client, school, "members", 2017, XSS)
    pages = [
        page(client, school),
        client.get(url("section_history", school, SECTION)).content.decode(),
        save(client, school, XSS + "!", 0).content.decode(),  # the conflict panel
        save(client, school, XSS + "!", 0, htmx=False).content.decode(),
        save_cell(client, school, "members", 2017, XSS).content.decode(),
    ]
    actions.submit(school, writer, school.version)
    actions.return_report(
        school, people["dakha_reviewer"], XSS, {SECTION: XSS}, expected_version=school.version
    )
    pages.append(page(client, school))
    for html in pages:
        assert "<script>alert" not in html
        assert "<img src=x" not in html and '<img src="x"' not in html
        assert "onerror=alert(1)>" not in html.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0]


# --- The editor's plain lines ----------------------------------------------------------------


@pytest.mark.parametrize(
    "lines",
    [
        "Một đoạn",
        "Đoạn một\n- Ý một\n- Ý hai\nĐoạn hai",
        "Số a<b & c > d\n- 1 < 2",
        "- Chỉ có ý\n- Ý nữa",
    ],
)
def test_editable_lines_give_back_the_stored_text(lines):
    stored = clean_section_text(from_plain_lines(lines))
    assert editable_lines(stored) == lines
    assert clean_section_text(from_plain_lines(editable_lines(stored))) == stored


def test_editable_lines_of_pasted_html_and_word_count():
    stored = "<p>Đoàn viên <strong>tăng</strong></p><ol><li>Một</li><li>Hai</li></ol><p>a<br>b</p>"
    assert editable_lines(stored) == "Đoàn viên tăng\n1. Một\n2. Hai\na\nb"
    assert word_count(stored) == 7
    assert word_count("") == 0 and editable_lines("") == ""
