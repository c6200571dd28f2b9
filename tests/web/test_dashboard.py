"""The superior's tracking dashboard: totals, the unit table and its filters, the units ×
sections matrix, the charts, the spreadsheet, who sees what, and a bounded number of queries
from a handful of units to the demo province."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from baocao.apps.campaigns import actions, dashboard
from baocao.apps.campaigns.models import Report
from baocao.apps.orgs.models import Unit, UnitKind
from baocao.demo.accounts import create_demo_users
from baocao.demo.campaign import create_demo_campaign

from . import campaign_scenario

pytestmark = pytest.mark.django_db

# Whatever the subtree's size: session, user, membership, campaign, rows, texts, figures,
# remarks, main indicators (three: reports, sums per parent, own figures of the consolidating
# units), reminders due, the units added to the tree since it opened (for its owner), the
# header's unread notices, and a few more for the page's own reads.
MAX_QUERIES = 15


@pytest.fixture
def scene(tree, member):
    return campaign_scenario.build(tree, member)


def detail_url(campaign, **params):
    url = reverse("campaigns:detail", args=[campaign.slug])
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def board_for(scene, user=None, **params):
    """The dashboard as the province officer (or `user`) sees it, straight from the module."""
    from baocao.apps.campaigns.queries import audience

    seen = audience(user or scene.people.province, scene.campaign)
    return dashboard.build(
        scene.campaign, seen.reports, seen.top, dashboard.Filters.from_params(params)
    )


def codes(rows):
    return [row.code for row in rows]


# --- totals and rows --------------------------------------------------------------------------


def test_totals_count_every_state_and_the_deadline(scene):
    totals = board_for(scene).totals
    assert (totals.total, totals.sent, totals.accepted, totals.awaiting) == (5, 2, 1, 1)
    assert (totals.returned, totals.draft) == (1, 2)
    # sent on time: Đăk Mar; sent late: the school (then returned) and Đăk Hà; never sent: 2
    assert (totals.on_time, totals.late, totals.overdue, totals.pending) == (1, 2, 2, 0)
    assert totals.late_total == 4 and totals.days_left == -2


def test_rows_come_in_tree_order_with_their_state(scene):
    rows = {row.code: row for row in board_for(scene).rows}
    assert codes(board_for(scene).rows) == ["KT-DH", "KT-DH-01", "KT-DH-02", "KT-DT", "KT-DT-01"]
    assert rows["KT-DH"].level == 0 and rows["KT-DH-01"].level == 1
    mar = rows["KT-DH-01"]
    assert mar.status_label == "Đã duyệt" and mar.timeliness == dashboard.Timeliness.ON_TIME
    assert mar.parent_name == "LĐLĐ huyện Đăk Hà"
    assert rows["KT-DH-02"].timeliness == dashboard.Timeliness.LATE
    assert rows["KT-DT"].timeliness == dashboard.Timeliness.OVERDUE
    assert mar.url == f"/dot-bao-cao/{scene.campaign.slug}/bao-cao/KT-DH-01/"


def test_sections_filled_count_text_and_figures_and_remarks_show_in_the_matrix(scene):
    rows = {row.code: row for row in board_for(scene).rows}
    sections = dashboard.leaf_sections(scene.campaign)
    assert len(sections) == 17
    assert [s.label for s in sections[:4]] == ["I.1", "I.2", "I.3", "II.1"]
    assert sections[6].label == "II.4.1" and sections[-1].label == "3"
    assert {s.part for s in sections} == {"Phần thứ nhất", "Phần thứ hai"}
    mar = rows["KT-DH-01"]
    assert mar.filled == {"P1/I/1", "P1/II/1"}  # a text, and figures of II.1's table
    assert mar.fill_percent == round(100 * 2 / 17)
    school = rows["KT-DH-02"]
    assert school.cell("P1/I/1") == "filled"
    assert school.cell("P1/I/2") == "comment"
    assert school.cell("P1/I/3") == "empty"
    assert rows["KT-DT"].filled == set() and rows["KT-DT"].figures == 0


def test_rule_failures_are_counted_per_report(scene):
    rows = {row.code: row for row in board_for(scene).rows}
    assert (rows["KT-DT-01"].hard, rows["KT-DT-01"].soft) == (1, 0)  # 12 women, 10 members
    assert rows["KT-DH-01"].hard == 0


# --- filters and pages --------------------------------------------------------------------------


def test_filters_by_status_kind_lateness_and_name_with_or_without_accents(scene):
    assert codes(board_for(scene, **{"trang-thai": "draft"}).rows) == ["KT-DT", "KT-DT-01"]
    assert codes(board_for(scene, loai="district").rows) == ["KT-DH", "KT-DT"]
    assert codes(board_for(scene, **{"tre-han": "1"}).rows) == [
        "KT-DH",
        "KT-DH-02",
        "KT-DT",
        "KT-DT-01",
    ]
    assert codes(board_for(scene, q="dak ha").rows) == ["KT-DH"]
    assert codes(board_for(scene, q="Đăk Hà").rows) == ["KT-DH"]
    assert codes(board_for(scene, q="kt-dh-0").rows) == ["KT-DH-01", "KT-DH-02"]
    # the totals stay those of everything the user sees
    assert board_for(scene, q="dak ha").totals.total == 5


def test_unknown_filter_values_are_ignored(scene):
    filters = dashboard.Filters.from_params({"trang-thai": "x", "loai": "y", "trang": "-3"})
    assert filters == dashboard.Filters()


def test_pages_split_the_rows_and_keep_the_filters(scene, client):
    campaign = scene.campaign
    seen_rows = dashboard.load_rows(campaign, campaign.reports.all())
    assert len(seen_rows) == 5
    board = dashboard.build(
        campaign,
        campaign.reports.all(),
        scene.tree.province,
        dashboard.Filters(page=2, late=True),
        page_size=3,
    )
    assert codes(board.rows) == ["KT-DT-01"]
    assert (board.page.number, board.page.count, board.page.first_index) == (2, 2, 4)
    client.force_login(scene.people.province)
    html = client.get(detail_url(campaign, **{"tre-han": "1"})).content.decode()
    assert "Đơn vị 1–4 trong 4" in html


def test_the_page_shows_totals_table_matrix_and_charts_with_text_alternatives(scene, client):
    client.force_login(scene.people.province)
    response = client.get(detail_url(scene.campaign))
    assert response.status_code == 200
    html = response.content.decode()
    assert campaign_scenario.NAME in html
    assert re.search(r'kpi__value">2<span class="kpi__of">/5', html)
    assert "CĐCS UBND xã Đăk Mar" in html and "LĐLĐ huyện Đăk Tô" in html
    assert html.count('role="img"') == 3  # three charts, each with title and desc
    assert html.count('class="chart-data"') == 3  # and its numbers as a table
    assert "Tiến độ gửi báo cáo" in html and "Trạng thái theo loại đơn vị" in html
    assert "Chỉ tiêu chính: năm 2008 và năm 2017" in html
    assert 'class="mx mx--comment" title="I.2: Hãy nêu các văn bản đã ban hành."' in html
    assert '<span class="visually-hidden">có nhận xét</span>' in html
    assert "1 lỗi" in html  # the clinic's draft
    assert "Quá 2 ngày" in html and "Gửi nhắc nhở" in html
    assert 'href="/dot-bao-cao/' + scene.campaign.slug + '/bao-cao/KT-DH-01/"' in html


def test_filtering_with_htmx_returns_only_the_units_part(scene, client):
    client.force_login(scene.people.province)
    response = client.get(
        detail_url(scene.campaign, loai="grassroots"),
        headers={"HX-Request": "true", "HX-Target": "units"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="units-title"' in html
    assert "<code>KT-DH-01</code>" in html and "<code>KT-DT</code>" not in html
    assert "thuộc LĐLĐ huyện Đăk Hà" in html  # a filtered list says where each unit sits


def test_progress_counts_first_submissions_by_day_up_to_the_deadline(scene):
    progress = board_for(scene).progress
    today = timezone.localdate()
    assert progress.deadline == today - datetime.timedelta(days=2)
    assert progress.end == today  # the late submissions came after the deadline
    assert progress.points[-1].count == 3  # Đăk Mar, the school, Đăk Hà
    assert progress.sent_by_deadline == 1


def test_main_indicators_roll_up_without_counting_a_district_and_its_unions_twice(scene):
    summary = board_for(scene, gom="da-gui").indicators  # submitted reports counted too
    pairs = {pair.code: pair for pair in summary.pairs}
    # Đăk Hà's own 28 members stand for its CĐCS (Đăk Mar's 28 are not added again)
    assert pairs["members"].current == 28 and pairs["workers"].current == 30
    assert pairs["members"].baseline is None
    assert (summary.counted, summary.expected) == (2, 5)


def test_main_indicators_count_accepted_reports_unless_asked_as_documents_do(scene, client):
    """Issue 13: one definition of a counted figure; the dashboard said 'sent or accepted'
    while the workspace and the DOCX counted accepted reports only."""
    from baocao.apps.campaigns.consolidation import report_document

    accepted = board_for(scene).indicators
    document, _subtree = report_document(scene.campaign, scene.campaign.root_unit)
    members = {p.code: p.current for p in accepted.pairs}["members"]
    assert members == document.indicator_values.get("members", {}).get(2017)
    assert accepted.counted < board_for(scene, gom="da-gui").indicators.counted
    assert f"{accepted.counted}/{accepted.expected} báo cáo đã duyệt" in document.counting_note
    both, _subtree = report_document(
        scene.campaign, scene.campaign.root_unit, include_submitted=True
    )
    sent = board_for(scene, gom="da-gui").indicators
    assert {p.code: p.current for p in sent.pairs}["members"] == both.indicator_values["members"][
        2017
    ]
    assert "đã gửi hoặc đã duyệt" in both.counting_note
    client.force_login(scene.people.province)
    page = client.get(detail_url(scene.campaign)).content.decode()
    assert "báo cáo đã duyệt (số của LĐLĐ huyện" in page and "?gom=da-gui" in page


def test_status_by_kind_feeds_the_stacked_bars(scene):
    by_kind = {row.kind: row for row in board_for(scene).by_kind}
    assert by_kind[UnitKind.DISTRICT].counts == {
        "accepted": 0,
        "submitted": 1,
        "returned": 0,
        "draft": 1,
    }
    assert by_kind[UnitKind.GRASSROOTS].total == 3


# --- who sees what --------------------------------------------------------------------------


def test_a_grassroots_writer_is_sent_to_its_own_report(scene, client):
    client.force_login(scene.people.mar)
    response = client.get(detail_url(scene.campaign))
    assert response.status_code == 302
    assert response.url == f"/dot-bao-cao/{scene.campaign.slug}/bao-cao/KT-DH-01/"
    export = client.get(reverse("campaigns:export", args=[scene.campaign.slug]))
    assert export.status_code == 302


def test_a_district_reviewer_sees_only_its_subtree_in_the_dashboard_and_export(scene, client):
    board = board_for(scene, user=scene.people.dak_ha)
    assert codes(board.rows) == ["KT-DH", "KT-DH-01", "KT-DH-02"]
    assert board.totals.total == 3
    client.force_login(scene.people.dak_ha)
    html = client.get(detail_url(scene.campaign)).content.decode()
    assert "CĐCS UBND xã Đăk Mar" in html
    assert "Đăk Tô" not in html  # the sibling district and its CĐCS
    assert "Bạn đang xem các đơn vị thuộc LĐLĐ huyện Đăk Hà." in html
    data = client.get(reverse("campaigns:export", args=[scene.campaign.slug])).content
    sheet = load_workbook(io.BytesIO(data))["Theo dõi"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "KT-DH",
        "KT-DH-01",
        "KT-DH-02",
    ]


def test_another_province_cannot_open_the_campaign(scene, client):
    client.force_login(scene.people.other)
    assert client.get(detail_url(scene.campaign)).status_code == 404
    assert client.get(reverse("campaigns:export", args=[scene.campaign.slug])).status_code == 404


# --- the spreadsheet ----------------------------------------------------------------------------


def test_export_follows_the_filters_and_neutralises_formulas(scene, client):
    Unit.objects.filter(pk=scene.tree.cdcs_dt1.pk).update(name='=HYPERLINK("http://x")')
    client.force_login(scene.people.province)
    response = client.get(
        reverse("campaigns:export", args=[scene.campaign.slug]) + "?trang-thai=draft"
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="theo-doi-')
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Theo dõi"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == (
        "Mã đơn vị",
        "Tên đơn vị",
        "Loại đơn vị",
        "Đơn vị cấp trên",
        "Trạng thái",
    )
    assert [row[0] for row in rows[1:]] == ["KT-DT", "KT-DT-01"]
    clinic = rows[2]
    assert clinic[1] == '\'=HYPERLINK("http://x")'
    assert clinic[4] == "Đang soạn" and clinic[11] == 1  # one failing hard rule
    assert sheet.cell(row=3, column=2).data_type == "s"
    assert "Mục I.1" in rows[0]
    assert "Ghi chú" in book.sheetnames


# --- bounded queries -----------------------------------------------------------------------------


def _grow(tree, districts: int, per_district: int) -> None:
    """More districts with their CĐCS under the province (about districts × per_district)."""
    for d in range(districts):
        district = Unit.objects.create(
            code=f"KT-X{d}",
            name=f"LĐLĐ huyện Thử {d}",
            kind=UnitKind.DISTRICT,
            parent=tree.province,
            email=f"x{d}@example.vn",
        )
        for n in range(per_district):
            Unit.objects.create(
                code=f"KT-X{d}-{n:03d}",
                name=f"CĐCS Đơn vị {d}.{n}",
                kind=UnitKind.GRASSROOTS,
                parent=district,
            )


def test_the_dashboard_takes_a_bounded_number_of_queries_at_a_hundred_units(
    tree, member, client, django_assert_max_num_queries
):
    _grow(tree, 4, 24)
    scene = campaign_scenario.build(tree, member)
    assert scene.campaign.reports.count() > 100
    client.force_login(scene.people.province)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(detail_url(scene.campaign))
    assert response.status_code == 200
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(detail_url(scene.campaign, trang=2, q="don vi")).status_code == 200


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_dashboard_takes_the_same_bound_at_the_demo_province(
    fast_passwords, client, django_user_model, django_assert_max_num_queries
):
    create_demo_users()
    demo = create_demo_campaign()
    assert demo.campaign.reports.count() > 950
    client.force_login(django_user_model.objects.get(username="tinh"))
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(detail_url(demo.campaign))
    assert response.status_code == 200
    assert "Đơn vị 1–50 trong 975" in response.content.decode()
    with django_assert_max_num_queries(MAX_QUERIES):
        late = client.get(detail_url(demo.campaign, **{"tre-han": "1", "trang": "3"}))
    assert late.status_code == 200
    # a district's reviewer: its subtree only, same bound
    client.force_login(django_user_model.objects.get(username="kontum"))
    with django_assert_max_num_queries(MAX_QUERIES):
        html = client.get(detail_url(demo.campaign)).content.decode()
    assert "trong 186" in html
    export = client.get(reverse("campaigns:export", args=[demo.campaign.slug]))
    rows = list(load_workbook(io.BytesIO(export.content))["Theo dõi"].iter_rows(values_only=True))
    assert len(rows) == 187 and all(row[0].startswith("KT-TP") for row in rows[1:])


def test_closing_hides_the_buttons_that_change_things(scene, client):
    actions.close_campaign(scene.campaign, scene.people.province)
    client.force_login(scene.people.province)
    html = client.get(detail_url(scene.campaign)).content.decode()
    assert "Đã kết thúc" in html
    assert "Gửi nhắc nhở" not in html and "Xác nhận kết thúc" not in html
    assert Report.objects.filter(campaign=scene.campaign).count() == 5


# --- a large subtree (issue 14): aggregated and paged by the database -----------------------


def test_a_large_subtree_is_summarised_with_the_same_figures(scene, client, monkeypatch):
    """Past IN_PYTHON reports the dashboard never loads every row: the tiles, the bars and the
    progress come from the database (the same figures as the rows give), the table lists the
    top and its direct units with their subtree's reports, and filters and the search are run
    and paged by the database (the search through the folded names)."""
    from baocao.apps.campaigns import live_rollup

    live_rollup.rebuild(scene.campaign)  # the reports were written around the actions
    full = board_for(scene)
    monkeypatch.setattr(dashboard, "IN_PYTHON", 2)
    summary = board_for(scene)
    assert summary.summarised and not full.summarised
    assert summary.totals == full.totals
    assert summary.by_kind == full.by_kind and summary.kinds == full.kinds
    assert summary.progress == full.progress
    assert summary.indicators == full.indicators
    # the province's report and its two districts, each with its subtree and a way down
    assert codes(summary.rows) == ["KT", "KT-DH", "KT-DT"] or codes(summary.rows) == [
        "KT-DH",
        "KT-DT",
    ]
    districts = {row.code: row for row in summary.rows}
    assert (districts["KT-DH"].below_total, districts["KT-DH"].below_sent) == (3, 2)
    assert districts["KT-DH"].drill == "?don-vi=KT-DH"
    # filters and the search, in the database, in path order
    assert codes(board_for(scene, **{"trang-thai": "draft"}).rows) == ["KT-DT", "KT-DT-01"]
    assert codes(board_for(scene, loai="district").rows) == ["KT-DH", "KT-DT"]
    late = board_for(scene, **{"tre-han": "1"})
    assert codes(late.rows) == ["KT-DH", "KT-DH-02", "KT-DT", "KT-DT-01"]
    assert codes(board_for(scene, q="Đăk Hà").rows) == ["KT-DH"]
    assert codes(board_for(scene, q="dak ha").rows) == ["KT-DH"]
    assert codes(board_for(scene, q="kt-dh-0").rows) == ["KT-DH-01", "KT-DH-02"]
    paged = board_for(scene, **{"tre-han": "1"}, trang="2")
    assert paged.page.total == 4 and paged.page.number == 1  # one page of 50
    # narrowed to a district: its subtree only, with the way back
    narrowed = board_for(scene, **{"don-vi": "KT-DH"})
    assert narrowed.top.code == "KT-DH" and narrowed.totals.total == 3
    assert [unit.code for unit in narrowed.trail] == ["KT", "KT-DH"]
    client.force_login(scene.people.province)
    html = client.get(detail_url(scene.campaign)).content.decode()
    assert "xem các đơn vị (2/3 đã gửi)" in html
    html = client.get(detail_url(scene.campaign, **{"don-vi": "KT-DH"})).content.decode()
    assert "<code>KT-DH-01</code>" in html and "<code>KT-DT</code>" not in html


def test_a_unit_elsewhere_cannot_be_narrowed_to(scene):
    board = board_for(scene, user=scene.people.dak_ha, **{"don-vi": "KT-DT"})
    assert board.top.code == "KT-DH" and board.trail == []


def test_the_folded_name_follows_the_name(tree):
    unit = Unit.objects.get(code="KT-DH")
    assert unit.name_folded == "ldld huyen dak ha"
    unit.name = "LĐLĐ huyện Đắk Hà Mới"
    unit.save(update_fields=["name"])
    assert Unit.objects.get(code="KT-DH").name_folded == "ldld huyen dak ha moi"
    Unit.objects.bulk_update([Unit(pk=unit.pk, name="Đồng Xoài")], ["name"])
    assert Unit.objects.get(code="KT-DH").name_folded == "dong xoai"


def test_new_units_are_counted_without_an_anti_join_when_every_kind_reports(scene, client):
    """Every kind reporting and the root shown: the units under the root less the reports
    counted under it (no NOT EXISTS over a country's units)."""
    scene.campaign.reporting_kinds = list(UnitKind.values)
    scene.campaign.save(update_fields=["reporting_kinds"])
    client.force_login(scene.people.province)
    root_units = Unit.objects.subtree(scene.campaign.root_unit).count()
    missing = root_units - scene.campaign.reports.count()
    page = client.get(detail_url(scene.campaign)).content.decode()
    if missing:
        assert f"{missing} đơn vị mới" in page
    Unit.objects.create(
        code="KT-DH-03", name="CĐCS Trường THCS Lê Lợi", kind=UnitKind.GRASSROOTS,
        parent=scene.tree.dakha,
    )  # fmt: skip
    page = client.get(detail_url(scene.campaign)).content.decode()
    assert f"{missing + 1} đơn vị mới" in page
