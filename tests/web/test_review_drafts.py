"""Review that keeps its work (issue 13, item 3): the return form's reason and remarks save
themselves as the reviewer's own draft and come back with the page; the reviewer sees what the
writer was warned about, the dashboard counts it, and after a resubmission a page shows what
changed since the return. As the Django test client sees it (HTMX requests carry HX-Request)."""

import pytest
from django.urls import reverse

from baocao.apps.audit.models import AuditEntry
from baocao.apps.campaigns import actions, dashboard
from baocao.apps.campaigns.models import ReportEvent, ReportStatus, ReviewDraft

from . import campaign_scenario
from .campaign_scenario import as_user, url

pytestmark = pytest.mark.django_db

SECTION, OTHER, TABLE_SECTION = "P1/I/1", "P1/I/2", "P1/II/1"
HTMX = {"HTTP_HX_REQUEST": "true"}


# `people`, `campaign` and `school` (KT-DH-01's report, reviewed by Đăk Hà) are conftest's.


@pytest.fixture
def sent(school, people):
    """The school's report, written and waiting for Đăk Hà's review."""
    actions.save_section(school, SECTION, "Bản đầu", 0, people["school_writer"])
    actions.submit(school, people["school_writer"], school.version)
    return school


def save_draft(client, report, reason="", htmx=True, **comments):
    data = {"reason": reason, "expected_version": str(report.version)}
    data.update({f"comment:{sid}": text for sid, text in comments.items()})
    return client.post(url("review_draft_save", report), data, **(HTMX if htmx else {}))


def page(client, report):
    response = client.get(url("report", report))
    assert response.status_code == 200
    return response.content.decode()


# --- Autosave and coming back -----------------------------------------------------------------


def test_remarks_save_themselves_and_come_back_with_the_page(client, sent, people):
    reviewer = people["dakha_reviewer"]
    as_user(client, reviewer)
    html = page(client, sent)
    # Every box of the return form saves the whole form, into the draft, while typing.
    draft_url = url("review_draft_save", sent)
    assert html.count(f'hx-post="{draft_url}"') == html.count("data-review-draft") >= 2
    assert 'id="ly-do-tra-lai" name="reason"' in html and "Lưu nháp" in html

    response = save_draft(client, sent, "Còn thiếu số liệu", **{SECTION: "Nêu rõ số buổi học tập"})
    assert response.status_code == 200
    assert "Đã lưu nháp lúc" in response.content.decode()
    assert "baocao-review-saved" in response["HX-Trigger"]
    draft = ReviewDraft.objects.get(report=sent, reviewer=reviewer)
    assert (draft.reason, draft.section_comments) == (
        "Còn thiếu số liệu",
        {SECTION: "Nêu rõ số buổi học tập"},
    )

    # The reviewer follows a link and comes back: the boxes hold what was typed.
    html = page(client, sent)
    assert ">Còn thiếu số liệu</textarea>" in html
    section_html = html[html.index(f'id="muc-{SECTION}"') : html.index(f'id="muc-{OTHER}"')]
    assert ">Nêu rõ số buổi học tập</textarea>" in section_html
    assert "đã được điền lại vào các ô" in html and "Nháp lưu lúc" in html


def test_the_whole_form_is_saved_each_time_and_an_empty_form_leaves_no_draft(client, sent, people):
    as_user(client, people["dakha_reviewer"])
    save_draft(client, sent, "Lý do", **{SECTION: "Một", OTHER: "Hai"})
    save_draft(client, sent, "Lý do", **{SECTION: "Một", OTHER: "  "})  # cleared box
    draft = ReviewDraft.objects.get(report=sent)
    assert draft.section_comments == {SECTION: "Một"}
    response = save_draft(client, sent, " ", **{SECTION: ""})
    assert "không còn nháp" in response.content.decode()
    assert not ReviewDraft.objects.filter(report=sent).exists()


def test_the_draft_is_cleaned_as_a_return_is(client, sent, people):
    as_user(client, people["dakha_reviewer"])
    save_draft(client, sent, "Thiếu\u200b số\r\nliệu\x07", **{SECTION: "Nê\u0301u rõ"})
    draft = ReviewDraft.objects.get(report=sent)
    assert draft.reason == "Thiếu số\nliệu"
    assert draft.section_comments == {SECTION: "Nếu rõ"}


def test_saving_the_same_draft_again_writes_nothing(client, sent, people):
    as_user(client, people["dakha_reviewer"])
    save_draft(client, sent, "Lý do", **{SECTION: "Một"})
    save_draft(client, sent, "Lý do", **{SECTION: "Một"})
    entries = AuditEntry.objects.filter(action="review.draft")
    assert entries.count() == 1
    # The audit says how much and where, not the private text.
    assert entries.get().details == {"chars": 8, "sections": [SECTION]}


def test_the_draft_button_works_without_javascript(client, sent, people):
    as_user(client, people["dakha_reviewer"])
    response = save_draft(client, sent, "Lý do", htmx=False)
    assert response.status_code == 302 and response["Location"].endswith("#duyet-bao-cao")
    html = client.get(response["Location"]).content.decode()
    assert "Đã lưu nháp nhận xét" in html and ">Lý do</textarea>" in html


def test_a_draft_of_an_unknown_section_is_refused_and_the_typing_kept(client, sent, people):
    as_user(client, people["dakha_reviewer"])
    response = save_draft(client, sent, "Lý do", **{"P9/khong-co": "Nhận xét"})
    assert "Chưa lưu được" in response.content.decode()
    response = save_draft(client, sent, "Lý do", htmx=False, **{"P9/khong-co": "Nhận xét"})
    assert response.status_code == 400
    assert ">Lý do</textarea>" in response.content.decode()
    assert not ReviewDraft.objects.exists()


# --- The draft ends with the review ------------------------------------------------------------


def test_returning_sends_the_remarks_and_deletes_the_draft(client, sent, people):
    reviewer = people["dakha_reviewer"]
    as_user(client, reviewer)
    save_draft(client, sent, "Còn thiếu", **{SECTION: "Viết thêm"})
    response = client.post(
        url("report_return", sent),
        {
            "expected_version": sent.version,
            "reason": "Còn thiếu",
            f"comment:{SECTION}": "Viết thêm",
        },
    )
    assert response.status_code == 302
    assert not ReviewDraft.objects.filter(report=sent).exists()
    event = ReportEvent.objects.get(report=sent, to_status=ReportStatus.RETURNED)
    assert (event.reason, event.section_comments) == ("Còn thiếu", {SECTION: "Viết thêm"})
    # Too late now: a save arriving after the return is refused, and says so.
    late = save_draft(client, sent, "Còn thiếu nữa")
    assert "Chưa lưu được" in late.content.decode() and "Bị trả lại" in late.content.decode()
    assert not ReviewDraft.objects.filter(report=sent).exists()


def test_a_refused_return_keeps_the_draft(client, sent, people):
    as_user(client, people["dakha_reviewer"])
    save_draft(client, sent, "", **{OTHER: "Nhận xét đang soạn"})
    refused = client.post(url("report_return", sent), {"expected_version": sent.version + 3})
    assert refused.status_code == 409
    assert ReviewDraft.objects.get(report=sent).section_comments == {OTHER: "Nhận xét đang soạn"}


def test_accepting_deletes_the_draft(client, sent, people):
    as_user(client, people["dakha_reviewer"])
    save_draft(client, sent, "Có lẽ trả lại")
    client.post(url("report_accept", sent), {"expected_version": sent.version})
    sent.refresh_from_db()
    assert sent.status == ReportStatus.ACCEPTED
    assert not ReviewDraft.objects.exists()


# --- Whose draft -------------------------------------------------------------------------------


def test_another_reviewer_neither_reads_nor_overwrites_the_draft(
    client, sent, people, member, tree
):
    mine, colleague = people["dakha_reviewer"], member("dakha_duyet2", tree.dakha, "reviewer")
    as_user(client, mine)
    save_draft(client, sent, "Lý do của tôi", **{SECTION: "Nhận xét của tôi"})

    as_user(client, colleague)
    html = page(client, sent)
    assert "Lý do của tôi" not in html and "Nhận xét của tôi" not in html
    save_draft(client, sent, "Lý do của đồng nghiệp")
    assert ReviewDraft.objects.get(report=sent, reviewer=mine).reason == "Lý do của tôi"
    assert ReviewDraft.objects.get(report=sent, reviewer=colleague).reason == (
        "Lý do của đồng nghiệp"
    )
    # The colleague returns it: their draft goes, mine stays (nothing typed is dropped).
    client.post(url("report_return", sent), {"expected_version": sent.version, "reason": "Thiếu"})
    assert list(ReviewDraft.objects.values_list("reviewer", flat=True)) == [mine.pk]


@pytest.mark.parametrize("who", ["dakto_reviewer", "school_writer", "province", "clinic_writer"])
def test_only_the_parents_reviewers_keep_a_draft(client, sent, people, who):
    """A sibling district's reviewer and a sibling CĐCS do not see the report at all; its writer
    and the province (which sees it) may not review it."""
    as_user(client, people["dakha_reviewer"])
    save_draft(client, sent, "Riêng tư")
    as_user(client, people[who])
    assert save_draft(client, sent, "Ghi đè", htmx=False).status_code == 403
    refused = save_draft(client, sent, "Ghi đè")
    assert "Riêng tư" not in refused.content.decode()
    assert "Riêng tư" not in client.get(url("report", sent)).content.decode()
    assert list(ReviewDraft.objects.values_list("reason", flat=True)) == ["Riêng tư"]


# --- What the writer was warned about ------------------------------------------------------------


def test_the_dashboard_counts_numbers_in_the_text_that_the_table_contradicts(tree, member, client):
    scene = campaign_scenario.build(tree, member)
    dakto = scene.reports.dakto
    writer = scene.people.dak_to
    actions.save_indicator(dakto, "members", 2017, "1.234", writer)

    def row():
        from baocao.apps.campaigns.queries import audience

        seen = audience(scene.people.province, scene.campaign)
        board = dashboard.build(scene.campaign, seen.reports, seen.top, dashboard.Filters())
        return next(row for row in board.rows if row.code == "KT-DT")

    assert (row().hard, row().soft) == (0, 0)
    actions.save_section(dakto, TABLE_SECTION, "Đơn vị có 1.243 đoàn viên.", 0, writer)
    assert (row().hard, row().soft) == (0, 1)

    client.force_login(scene.people.province)
    html = client.get(reverse("campaigns:detail", args=[scene.campaign.slug])).content.decode()
    cell = html[html.index("<code>KT-DT</code>") :]
    cell = cell[: cell.index("</tr>")]
    assert "1 cảnh báo" in cell and "Không có lỗi" not in cell


# --- Changed since the return ----------------------------------------------------------------


def test_after_a_resubmission_the_reviewer_sees_what_changed_since_the_return(client, sent, people):
    writer, reviewer = people["school_writer"], people["dakha_reviewer"]
    as_user(client, reviewer)
    assert "Thay đổi từ lần trả lại" not in page(client, sent)  # never returned yet
    changes = client.get(url("report_changes", sent))
    assert "chưa bị trả lại lần nào" in changes.content.decode()

    actions.return_report(
        sent,
        reviewer,
        "Bổ sung",
        {SECTION: "Nêu rõ số buổi học tập", OTHER: "Thêm văn bản"},
        expected_version=sent.version,
    )
    actions.save_section(sent, SECTION, "Bản đầu\nTổ chức 12 buổi học tập", 1, writer)
    actions.save_indicator(sent, "members", 2017, "1.234", writer)
    actions.submit(sent, writer, sent.version)

    html = page(client, sent)
    changes_url = url("report_changes", sent)
    assert html.count(f'href="{changes_url}"') == 2  # at the top and in the review panel
    response = client.get(changes_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thay đổi từ lần trả lại" in html and "Bổ sung" in html
    assert '<li class="diff__added">' in html and "Tổ chức 12 buổi học tập</li>" in html
    assert "Nêu rõ số buổi học tập" in html  # the remark beside the change
    figures = html[html.index('class="figure-changes"') :]
    assert "Số đoàn viên" in figures and "2017" in figures and "1.234" in figures
    assert "(trống)" in figures  # no figure at the return
    untouched = html[html.index('id="chua-sua"') :]
    assert "Thêm văn bản" in untouched  # remarked on, not changed


def test_a_section_saved_back_to_its_text_at_the_return_is_not_a_change(client, sent, people):
    writer, reviewer = people["school_writer"], people["dakha_reviewer"]
    actions.return_report(sent, reviewer, "Xem lại", expected_version=sent.version)
    actions.save_section(sent, SECTION, "Bản khác", 1, writer)
    actions.save_section(sent, SECTION, "Bản đầu", 2, writer)
    as_user(client, reviewer)
    html = client.get(url("report_changes", sent)).content.decode()
    assert "chưa sửa nội dung hay số liệu nào" in html
    assert "Đơn vị chưa gửi lại" in html
