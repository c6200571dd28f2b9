"""Campaigns and reports through their actions: opening, writing, checking, reviewing.

The tree (conftest) is Kon Tum's shape in small: a province, two districts, three CĐCS (two
under Đăk Hà, one under Đăk Tô), and a neighbouring province no Kon Tum campaign may reach.
"""

import datetime
import threading
import unicodedata
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baocao.apps.campaigns import actions
from baocao.apps.campaigns.checks import check_report
from baocao.apps.campaigns.models import (
    IndicatorChange,
    IndicatorValue,
    Report,
    ReportStatus,
    SectionText,
    SectionVersion,
)
from baocao.apps.campaigns.permissions import (
    can_edit_report,
    can_review_report,
    can_view_report,
    visible_reports,
)
from baocao.apps.orgs.models import Membership, Role, Unit, UnitKind
from baocao.errors import InputError

from .campaign_scenario import nq20_document, report_of

DEADLINE = datetime.date(2017, 10, 30)
SECTION = "P1/I/1"
OTHER_SECTION = "P1/I/2"


def make_user(django_user_model, username, unit, *roles, superuser=False):
    """No password: these users never log in, and hashing one costs a quarter of a second."""
    if superuser:
        return django_user_model.objects.create_superuser(username)
    user = django_user_model.objects.create_user(username, first_name=username)
    Membership.objects.create(user=user, unit=unit, roles=list(roles))
    return user


@pytest.fixture
def people(tree, django_user_model):
    def user(name, unit, *roles):
        return make_user(django_user_model, name, unit, *roles)

    return SimpleNamespace(
        admin=make_user(django_user_model, "admin", None, superuser=True),
        province_officer=user("tinh", tree.province, Role.CONSOLIDATOR, Role.REVIEWER),
        dak_ha_writer=user("dakha_viet", tree.dakha, Role.WRITER),
        dak_ha_reviewer=user("dakha_duyet", tree.dakha, Role.REVIEWER),
        dakto_reviewer=user("dakto_duyet", tree.dakto, Role.REVIEWER),
        school_writer=user("truong_viet", tree.cdcs_dh1, Role.WRITER),
        school_viewer=user("truong_xem", tree.cdcs_dh1, Role.VIEWER),
        clinic_writer=user("yte_viet", tree.cdcs_dh2, Role.WRITER),
    )


@pytest.fixture
def nq20(db):
    """The built-in outline of the seed, with its indicators and rules."""
    return nq20_document()


@pytest.fixture
def campaign(tree, people, nq20):
    return actions.open_campaign(
        nq20,
        tree.province,
        kinds=[UnitKind.DISTRICT, UnitKind.GRASSROOTS],
        deadline=DEADLINE,
        actor=people.province_officer,
        name="Tổng kết 10 năm Nghị quyết 20",
    )


@pytest.fixture
def school_report(campaign, tree):
    return report_of(campaign, tree.cdcs_dh1)


@pytest.fixture
def dak_ha_report(campaign, tree):
    return report_of(campaign, tree.dakha)


# --- Opening and closing -------------------------------------------------------------------


def test_opening_a_campaign_creates_a_draft_report_for_each_unit_of_the_chosen_kinds(
    campaign, tree
):
    units = set(campaign.reports.values_list("unit__code", flat=True))
    assert units == {"KT-DH", "KT-DT", "KT-DH-01", "KT-DH-02", "KT-DT-01"}
    assert set(campaign.reports.values_list("status", flat=True)) == {ReportStatus.DRAFT}
    assert (campaign.baseline_year, campaign.current_year) == (2008, 2017)
    assert campaign.slug == "tong-ket-10-nam-nghi-quyet-20-2017"


def test_a_campaign_over_a_district_reaches_only_its_own_grassroots_unions(tree, people, nq20):
    campaign = actions.open_campaign(
        nq20,
        tree.dakha,
        kinds=[UnitKind.GRASSROOTS],
        deadline=DEADLINE,
        actor=people.admin,
        slug="dak-ha-2017",
    )
    assert set(campaign.reports.values_list("unit__code", flat=True)) == {"KT-DH-01", "KT-DH-02"}


def test_opening_a_campaign_reads_the_units_in_one_query_whatever_their_number(tree, people, nq20):
    for number in range(3, 40):
        Unit.objects.create(
            code=f"KT-DH-{number:02}",
            name=f"CĐCS số {number}",
            kind=UnitKind.GRASSROOTS,
            parent=tree.dakha,
        )
    with CaptureQueriesContext(connection) as queries:
        campaign = actions.open_campaign(
            nq20,
            tree.province,
            kinds=[UnitKind.PROVINCE, UnitKind.GRASSROOTS],
            deadline=DEADLINE,
            actor=people.admin,
        )
    assert campaign.reports.count() == 1 + 3 + 37
    # 12, 3 for the live roll-up's report counts (live_rollup.apply_reports_added) and 1
    # marking its rows built (Campaign.live_rollup_at): none per unit.
    assert len(queries) <= 16, [q["sql"] for q in queries]


def test_campaign_keeps_the_outline_it_was_opened_with(campaign, nq20):
    sections_before = campaign.section_ids
    nq20.yaml_text = "title: Đề cương khác\nsections: []\n"
    nq20.save()
    campaign.refresh_from_db()
    assert "Đề cương khác" not in campaign.outline_yaml
    assert type(campaign).objects.get(pk=campaign.pk).section_ids == sections_before


@pytest.mark.parametrize(
    "change, message",
    [
        ({"kinds": ["xa"]}, "Hãy chọn loại đơn vị"),
        ({"kinds": []}, "Hãy chọn loại đơn vị"),
        ({"kinds": [UnitKind.ZONE]}, "Không có đơn vị nào"),
        ({"baseline_year": 2017, "current_year": 2008}, "Năm gốc phải trước"),
        ({"slug": "có dấu"}, "không hợp lệ"),
    ],
)
def test_opening_a_campaign_refuses_what_cannot_work(tree, people, nq20, change, message):
    arguments = {"kinds": [UnitKind.DISTRICT], "deadline": DEADLINE, "actor": people.admin}
    with pytest.raises(actions.ActionError, match=message):
        actions.open_campaign(nq20, tree.province, **{**arguments, **change})


def test_only_an_officer_of_the_root_unit_or_above_opens_a_campaign(tree, people, nq20):
    with pytest.raises(actions.NotAllowed):
        actions.open_campaign(
            nq20,
            tree.province,
            kinds=[UnitKind.DISTRICT],
            deadline=DEADLINE,
            actor=people.dak_ha_reviewer,
        )


def test_a_slug_is_used_once(campaign, tree, people, nq20):
    with pytest.raises(actions.ActionError, match="đã được dùng"):
        actions.open_campaign(
            nq20,
            tree.province,
            kinds=[UnitKind.DISTRICT],
            deadline=DEADLINE,
            actor=people.admin,
            slug=campaign.slug,
        )


def test_a_closed_campaign_refuses_every_edit(campaign, school_report, people):
    actions.close_campaign(campaign, people.province_officer)
    assert not campaign.is_open
    for attempt in (
        lambda: actions.save_section(school_report, SECTION, "Nội dung", 0, people.school_writer),
        lambda: actions.save_indicator(school_report, "members", 2017, "10", people.school_writer),
        lambda: actions.submit(school_report, people.school_writer, school_report.version),
    ):
        with pytest.raises(actions.ActionError, match="Đợt báo cáo đã kết thúc, không thể sửa."):
            attempt()


# --- Writing sections ----------------------------------------------------------------------


def test_every_saved_version_of_a_section_is_kept(school_report, people):
    writer = people.school_writer
    first = actions.save_section(school_report, SECTION, "Bản đầu", 0, writer)
    second = actions.save_section(school_report, SECTION, "Bản thứ hai", first.version, writer)
    assert (first.saved, first.version, second.saved, second.version) == (True, 1, True, 2)
    current = SectionText.objects.get(report=school_report, section_id=SECTION)
    assert (current.text, current.version, current.updated_by) == ("<p>Bản thứ hai</p>", 2, writer)
    versions = SectionVersion.objects.filter(report=school_report, section_id=SECTION)
    assert [(v.version, v.text) for v in versions] == [
        (2, "<p>Bản thứ hai</p>"),
        (1, "<p>Bản đầu</p>"),
    ]


def test_saving_the_same_text_again_makes_no_new_version(school_report, people):
    saved = actions.save_section(school_report, SECTION, "<p>Như cũ</p>", 0, people.school_writer)
    again = actions.save_section(school_report, SECTION, "Như cũ", saved.version, people.admin)
    assert (again.saved, again.version) == (True, 1)
    assert SectionVersion.objects.filter(report=school_report).count() == 1


def test_a_stale_save_gets_a_conflict_with_both_texts_and_loses_nothing(school_report, people):
    writer, colleague = people.school_writer, people.admin
    actions.save_section(school_report, SECTION, "Gốc", 0, writer)
    theirs = actions.save_section(school_report, SECTION, "Bản của đồng nghiệp", 1, colleague)
    mine = actions.save_section(school_report, SECTION, "Bản của tôi", 1, writer)
    assert theirs.saved and not mine.saved
    assert mine.conflict == actions.Conflict(
        their_text="<p>Bản của đồng nghiệp</p>",
        their_version=2,
        their_author="admin",
        their_saved_at=mine.conflict.their_saved_at,
        your_text="<p>Bản của tôi</p>",
    )
    merged = actions.save_section(
        school_report,
        SECTION,
        "Bản của đồng nghiệp. Bản của tôi",
        mine.conflict.their_version,
        writer,
        note="Gộp sau khi trùng sửa",
    )
    assert (merged.saved, merged.version) == (True, 3)
    assert SectionVersion.objects.get(report=school_report, version=3).note == (
        "Gộp sau khi trùng sửa"
    )


def test_restoring_an_old_version_makes_it_the_newest(school_report, people):
    writer = people.school_writer
    actions.save_section(school_report, SECTION, "Bản một", 0, writer)
    actions.save_section(school_report, SECTION, "Bản hai", 1, writer)
    restored = actions.restore_section_version(school_report, SECTION, 1, writer)
    assert (restored.saved, restored.version, restored.text) == (True, 3, "<p>Bản một</p>")
    newest = SectionVersion.objects.get(report=school_report, section_id=SECTION, version=3)
    assert newest.note == "Khôi phục từ phiên bản 1"
    with pytest.raises(actions.ActionError, match="phiên bản 9"):
        actions.restore_section_version(school_report, SECTION, 9, writer)


def test_section_text_keeps_paragraphs_and_lists_and_drops_everything_else(school_report, people):
    dirty = (
        '<p class="MsoNormal" style="color:red" onclick="steal()">Đoàn viên <b>tăng</b>'
        "<script>alert(1)</script></p>"
        '<ul><li><a href="http://x">Tuyên truyền</a></li><li><i>Đào tạo</i></li></ul>'
        "<img src=x onerror=alert(1)><!-- Word -->"
    )
    result = actions.save_section(school_report, SECTION, dirty, 0, people.school_writer)
    assert result.text == (
        "<p>Đoàn viên <strong>tăng</strong></p><ul><li>Tuyên truyền</li><li><em>Đào tạo</em></li></ul>"
    )


def test_plain_lines_become_paragraphs_and_dash_lines_a_bullet_list(school_report, people):
    text = "Kết quả nổi bật:\n- Kết nạp 120 đoàn viên\n- Thành lập 2 CĐCS\n\nCòn hạn chế <ít>."
    result = actions.save_section(school_report, SECTION, text, 0, people.school_writer)
    assert result.text == (
        "<p>Kết quả nổi bật:</p><ul><li>Kết nạp 120 đoàn viên</li><li>Thành lập 2 CĐCS</li></ul>"
        "<p>Còn hạn chế &lt;ít&gt;.</p>"
    )


def test_decomposed_vietnamese_is_stored_composed(school_report, people):
    decomposed = unicodedata.normalize("NFD", "Người lao động")
    result = actions.save_section(school_report, SECTION, decomposed, 0, people.school_writer)
    stored = SectionText.objects.get(report=school_report, section_id=SECTION).text
    assert stored == result.text == "<p>Người lao động</p>"
    assert unicodedata.is_normalized("NFC", stored)


def test_an_unknown_section_is_refused(school_report, people):
    with pytest.raises(actions.ActionError, match='không có mục "P9"'):
        actions.save_section(school_report, "P9", "Nội dung", 0, people.school_writer)


def test_a_submitted_or_accepted_report_cannot_be_edited(school_report, people):
    actions.submit(school_report, people.school_writer, school_report.version)
    with pytest.raises(actions.ActionError, match="Đã gửi"):
        actions.save_section(school_report, SECTION, "Sửa", 0, people.school_writer)
    actions.accept(school_report, people.dak_ha_reviewer, school_report.version)
    with pytest.raises(actions.ActionError, match="Đã duyệt"):
        actions.save_section(school_report, SECTION, "Sửa", 0, people.school_writer)
    with pytest.raises(actions.ActionError, match="Đã duyệt"):
        actions.save_indicator(school_report, "members", 2017, "5", people.school_writer)
    assert not SectionText.objects.filter(report=school_report).exists()


# --- Writing figures -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, typed, value, note",
    [
        ("members", "1.234", Decimal(1234), ""),
        ("members", "12.345.678", Decimal(12345678), ""),
        ("members", "1,234", Decimal(1234), "là số đếm"),
        ("average_income", "5,5", Decimal("5.5"), ""),
        ("average_income", "1,234", Decimal("1.234"), "có thể là 1.234"),
        ("union_houses_value", "1.250,75", Decimal("1250.75"), ""),
    ],
)
def test_figures_are_read_as_vietnamese_officers_type_them(
    school_report, people, code, typed, value, note
):
    result = actions.save_indicator(school_report, code, 2017, typed, people.school_writer)
    assert result.value == value
    assert (note in result.note) if note else not result.ambiguous
    stored = IndicatorValue.objects.get(report=school_report, code=code, year=2017)
    assert (stored.value, stored.raw) == (value, typed)


@pytest.mark.parametrize(
    "code, year, typed, message",
    [
        ("members", 2017, "khoảng 100", 'Không đọc được số "khoảng 100"'),
        ("members", 2017, "12,5", "là số đếm"),
        ("members", 2017, "50%", "không phải tỷ lệ"),
        ("average_income", 2017, "1,23456", "4 chữ số thập phân"),
        ("unionisation_rate", 2017, "80%", "tính tự động"),
        ("members_youth", 2017, "10", 'không có chỉ tiêu "members_youth"'),
        ("members", 2012, "10", "chỉ nhận số liệu năm 2008 và năm 2017"),
    ],
)
def test_a_figure_that_cannot_be_stored_is_refused_and_the_old_one_kept(
    school_report, people, code, year, typed, message
):
    if code == "members":
        actions.save_indicator(school_report, code, 2017, "90", people.school_writer)
    with pytest.raises(InputError, match=message):
        actions.save_indicator(school_report, code, year, typed, people.school_writer)
    stored = dict(IndicatorValue.objects.filter(report=school_report).values_list("code", "raw"))
    assert stored == ({"members": "90"} if code == "members" else {})


def test_an_empty_cell_clears_the_figure_and_history_keeps_every_change(school_report, people):
    writer = people.school_writer
    actions.save_indicator(school_report, "members", 2008, "100", writer)
    actions.save_indicator(school_report, "members", 2008, "100", writer)  # unchanged: no row
    actions.save_indicator(school_report, "members", 2008, "120", writer)
    cleared = actions.save_indicator(school_report, "members", 2008, "  ", writer)
    assert cleared.value is None
    assert not IndicatorValue.objects.filter(report=school_report).exists()
    history = IndicatorChange.objects.filter(report=school_report).order_by("pk")
    assert [change.raw for change in history] == ["100", "120", ""]


# --- Checking ------------------------------------------------------------------------------


def test_check_lists_empty_sections_and_broken_rules_by_severity(school_report, people):
    writer = people.school_writer
    catalogue_sections = {"P1/II/1", "P1/II/2", "P1/II/4/4.1"}
    assert catalogue_sections <= set(check_report(school_report).empty_sections)

    actions.save_section(school_report, SECTION, "Đã viết", 0, writer)
    actions.save_indicator(school_report, "members", 2017, "100", writer)
    actions.save_indicator(school_report, "members_women", 2017, "150", writer)  # hard
    actions.save_indicator(school_report, "new_members", 2017, "130", writer)  # soft
    result = check_report(school_report)

    assert SECTION not in result.empty_sections
    assert "P1/II/1" not in result.empty_sections  # a figure fills a section with a table
    assert "P1/II/2" in result.empty_sections
    assert "P1" not in result.empty_sections and "P1/II" not in result.empty_sections
    assert [v.rule.expr for v in result.hard_violations] == ["members_women <= members"]
    assert "new_members <= members" in [v.rule.expr for v in result.soft_violations]
    assert not result.can_submit


def test_submit_is_refused_while_a_hard_rule_fails_and_says_which(school_report, people):
    writer = people.school_writer
    actions.save_indicator(school_report, "members", 2017, "100", writer)
    actions.save_indicator(school_report, "members_women", 2017, "150", writer)
    with pytest.raises(actions.ActionError) as refused:
        actions.submit(school_report, writer, school_report.version)
    assert "Năm 2017: Số đoàn viên nữ không được lớn hơn" in refused.value.message
    school_report.refresh_from_db()
    assert school_report.status == ReportStatus.DRAFT and not school_report.events.exists()

    actions.save_indicator(school_report, "members_women", 2017, "50", writer)
    actions.save_indicator(school_report, "new_members", 2017, "130", writer)  # soft: allowed
    actions.submit(school_report, writer, school_report.version)
    assert school_report.status == ReportStatus.SUBMITTED


# --- Review --------------------------------------------------------------------------------


def test_the_whole_review_cycle_is_kept_on_the_timeline(school_report, people):
    writer, reviewer = people.school_writer, people.dak_ha_reviewer
    actions.save_section(school_report, SECTION, "Bản đầu", 0, writer)
    actions.submit(school_report, writer, school_report.version)
    assert school_report.submitted_at is not None

    actions.return_report(
        school_report,
        reviewer,
        "Bổ sung số liệu",
        {SECTION: "Nêu rõ số buổi học tập Nghị quyết", OTHER_SECTION: "  "},
        expected_version=school_report.version,
    )
    assert school_report.status == ReportStatus.RETURNED
    returned = school_report.last_return()
    assert returned.section_comments == {SECTION: "Nêu rõ số buổi học tập Nghị quyết"}
    assert (returned.reason, returned.actor) == ("Bổ sung số liệu", reviewer)

    actions.save_section(school_report, SECTION, "Bản đã bổ sung: 12 buổi", 1, writer)
    actions.submit(school_report, writer, school_report.version)
    actions.accept(school_report, reviewer, school_report.version)
    assert school_report.accepted_at is not None
    actions.reopen(school_report, reviewer, "Sai số đoàn viên nữ")
    assert (school_report.status, school_report.accepted_at) == (ReportStatus.RETURNED, None)

    stored = Report.objects.get(pk=school_report.pk)
    assert (stored.status, stored.version) == (ReportStatus.RETURNED, 6)
    timeline = [(e.from_status, e.to_status, e.actor.username) for e in school_report.events.all()]
    assert timeline == [
        ("draft", "submitted", "truong_viet"),
        ("submitted", "returned", "dakha_duyet"),
        ("returned", "submitted", "truong_viet"),
        ("submitted", "accepted", "dakha_duyet"),
        ("accepted", "returned", "dakha_duyet"),
    ]
    assert school_report.last_return().reason == "Sai số đoàn viên nữ"


def test_a_double_submit_changes_the_state_once_and_says_when(school_report, people):
    version = school_report.version
    actions.submit(school_report, people.school_writer, version)
    with pytest.raises(actions.ActionError, match=r"Báo cáo đã được gửi lúc \d\d:\d\d ngày"):
        actions.submit(school_report, people.school_writer, version)
    assert school_report.events.count() == 1


def test_a_review_of_a_version_already_changed_is_refused(school_report, people):
    seen = school_report.version
    actions.submit(school_report, people.school_writer, seen)
    with pytest.raises(actions.StaleReport, match="vừa được người khác thay đổi"):
        actions.accept(school_report, people.dak_ha_reviewer, seen)
    actions.return_report(
        school_report, people.dak_ha_reviewer, "Thiếu", expected_version=school_report.version
    )
    with pytest.raises(actions.StaleReport):
        actions.submit(school_report, people.school_writer, seen)


def test_a_return_needs_a_reason_or_a_comment(school_report, people):
    actions.submit(school_report, people.school_writer, school_report.version)
    with pytest.raises(actions.ActionError, match="lý do trả lại"):
        actions.return_report(
            school_report, people.dak_ha_reviewer, " ", {}, expected_version=school_report.version
        )


def test_only_submitted_reports_are_reviewed_and_only_accepted_ones_reopened(school_report, people):
    with pytest.raises(actions.ActionError, match="Đang soạn"):
        actions.accept(school_report, people.dak_ha_reviewer, school_report.version)
    with pytest.raises(actions.ActionError, match="Đang soạn"):
        actions.reopen(school_report, people.dak_ha_reviewer, "Mở lại")


# --- Who may do what -----------------------------------------------------------------------


def test_a_sibling_writer_cannot_touch_another_units_report(school_report, people):
    assert not can_view_report(people.clinic_writer, school_report)
    with pytest.raises(actions.NotAllowed):
        actions.save_section(school_report, SECTION, "Sửa hộ", 0, people.clinic_writer)
    with pytest.raises(actions.NotAllowed):
        actions.submit(school_report, people.clinic_writer, school_report.version)


def test_a_parent_writer_cannot_edit_a_childs_report(school_report, people):
    assert not can_edit_report(people.dak_ha_writer, school_report)
    with pytest.raises(actions.NotAllowed):
        actions.save_indicator(school_report, "members", 2017, "10", people.dak_ha_writer)


def test_only_the_parents_reviewer_reviews(school_report, people):
    actions.submit(school_report, people.school_writer, school_report.version)
    for outsider in (people.dakto_reviewer, people.province_officer, people.school_writer):
        assert not can_review_report(outsider, school_report)
        with pytest.raises(actions.NotAllowed):
            actions.accept(school_report, outsider, school_report.version)
    assert can_review_report(people.dak_ha_reviewer, school_report)
    assert can_review_report(people.admin, school_report)


def test_who_sees_which_report(campaign, tree, people, school_report, dak_ha_report):
    def codes(user):
        reports = visible_reports(user, campaign.reports.all())
        return set(reports.values_list("unit__code", flat=True))

    everything = {"KT-DH", "KT-DT", "KT-DH-01", "KT-DH-02", "KT-DT-01"}
    assert codes(people.admin) == everything
    assert codes(people.province_officer) == everything  # consolidator: the whole subtree
    assert codes(people.dak_ha_reviewer) == {"KT-DH", "KT-DH-01", "KT-DH-02"}
    assert codes(people.dakto_reviewer) == {"KT-DT", "KT-DT-01"}
    assert codes(people.school_writer) == {"KT-DH-01"}
    assert codes(people.school_viewer) == {"KT-DH-01"}  # never the parent's or a sibling's
    for user in vars(people).values():
        for report in campaign.reports.select_related("unit"):
            assert can_view_report(user, report) == (report.unit.code in codes(user))


# --- Concurrency (PostgreSQL: real row locks between real connections) ---------------------

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers, so there is no race to run",
)


def race(report_pk, **attempts):
    """Run each attempt(report) in its own thread and connection, released at the same moment;
    return {name: result or the ActionError raised}."""
    start = threading.Barrier(len(attempts))
    results = {}

    def run(name, attempt):
        from django.db import connection as thread_connection

        try:
            mine = Report.objects.select_related("campaign", "unit").get(pk=report_pk)
            start.wait(timeout=10)
            results[name] = attempt(mine)
        except actions.ActionError as error:
            results[name] = error
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=item) for item in attempts.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert set(results) == set(attempts), "an attempt did not finish"
    return results


@pytest.fixture
def committed_report(tree, people, nq20):
    campaign = actions.open_campaign(
        nq20, tree.province, kinds=[UnitKind.GRASSROOTS], deadline=DEADLINE, actor=people.admin
    )
    return report_of(campaign, tree.cdcs_dh1)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_writers_saving_the_same_version_at_once_one_wins_one_gets_both_texts(
    committed_report, people
):
    report = committed_report
    actions.save_section(report, SECTION, "Gốc", 0, people.school_writer)
    results = race(
        report.pk,
        An=lambda mine: actions.save_section(mine, SECTION, "Bản của An", 1, people.school_writer),
        Binh=lambda mine: actions.save_section(mine, SECTION, "Bản của Bình", 1, people.admin),
    )
    assert sorted(result.saved for result in results.values()) == [False, True]
    winner = next(result for result in results.values() if result.saved)
    loser = next(result for result in results.values() if not result.saved)
    assert loser.conflict.their_text == winner.text
    assert {loser.conflict.their_text, loser.conflict.your_text} == {
        "<p>Bản của An</p>",
        "<p>Bản của Bình</p>",
    }
    stored = SectionText.objects.get(report=report, section_id=SECTION)
    assert (stored.text, stored.version) == (winner.text, 2)
    assert SectionVersion.objects.filter(report=report, section_id=SECTION).count() == 2


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_an_accept_racing_a_return_lets_exactly_one_through(committed_report, people):
    report = committed_report
    actions.submit(report, people.school_writer, report.version)
    version, reviewer = report.version, people.dak_ha_reviewer
    results = race(
        report.pk,
        accept=lambda mine: actions.accept(mine, reviewer, version),
        give_back=lambda mine: actions.return_report(
            mine, people.admin, "Thiếu số liệu", expected_version=version
        ),
    )
    refused = [r for r in results.values() if isinstance(r, actions.ActionError)]
    assert len(refused) == 1
    assert isinstance(refused[0], actions.StaleReport)
    assert refused[0].message == "Báo cáo vừa được người khác thay đổi, hãy tải lại trang."
    stored = Report.objects.get(pk=report.pk)
    assert stored.version == version + 1
    assert report.events.count() == 2  # the submit and the one review that won


@pytest.mark.parametrize(
    "code, typed", [("members", "-5"), ("members", "\u2212120"), ("union_houses_value", "-1,5")]
)
def test_a_negative_figure_is_refused_and_the_old_one_kept(school_report, people, code, typed):
    """The web, the API and an upload read a typed figure with one rule (indicators.reading):
    no figure of the year is negative, whichever way it arrives."""
    actions.save_indicator(school_report, code, 2017, "90", people.school_writer)
    with pytest.raises(InputError, match="không nhận số âm"):
        actions.save_indicator(school_report, code, 2017, typed, people.school_writer)
    stored = IndicatorValue.objects.get(report=school_report, code=code, year=2017)
    assert stored.raw == "90"


def test_an_outline_without_years_opens_with_the_years_of_the_form(tree, people):
    """Issue 12: an outline imported in the browser has no years; the form's years were refused
    with 'thiếu năm baseline'. The campaign's snapshot now carries the campaign's years."""
    from baocao.apps.outlines.models import OutlineDocument

    text = (
        "title: Sơ kết 5 năm Chỉ thị 05\n"
        "indicators:\n"
        "  - {code: members, name: Số đoàn viên, unit: người}\n"
        "sections:\n"
        "  - {id: P1, number: '1', title: Kết quả, indicators: [members]}\n"
    )
    document = OutlineDocument.objects.create(slug="ct05", title="Sơ kết 5 năm", yaml_text=text)
    with pytest.raises(actions.ActionError, match="năm gốc và năm hiện tại"):
        actions.open_campaign(
            document, tree.province, kinds=[UnitKind.DISTRICT], deadline=DEADLINE,
            actor=people.province_officer,
        )  # fmt: skip
    campaign = actions.open_campaign(
        document,
        tree.province,
        kinds=[UnitKind.DISTRICT],
        deadline=DEADLINE,
        actor=people.province_officer,
        baseline_year=2019,
        current_year=2024,
    )
    fresh = type(campaign).objects.get(pk=campaign.pk)
    assert fresh.years == [2019, 2024]
    assert fresh.catalogue.years == {"baseline": "2019", "current": "2024"}
    dakha = report_of(fresh, tree.dakha)
    assert actions.save_indicator(dakha, "members", 2024, "120", people.dak_ha_writer).value == 120


def test_the_campaign_owners_report_is_finalised_and_reopened_by_its_own_consolidator(tree, people):
    """Issue 12: the province's own report, once accepted, locked its workspace, and nobody
    above it in the campaign could return it."""
    campaign = actions.open_campaign(
        nq20_document(),
        tree.province,
        kinds=[UnitKind.PROVINCE, UnitKind.DISTRICT],
        deadline=DEADLINE,
        actor=people.province_officer,
        slug="tinh-tu-hoan-thanh",
    )
    own = report_of(campaign, tree.province)
    actions.submit(own, people.admin, own.version)  # its writer sends it
    actions.accept(own, people.province_officer, own.version)  # finalised by its consolidator
    assert own.status == ReportStatus.ACCEPTED
    actions.reopen(
        own, people.province_officer, "Bổ sung số liệu mới", expected_version=own.version
    )
    assert own.status == ReportStatus.RETURNED
    district = report_of(campaign, tree.dakha)  # below: still its superior's reviewers only
    actions.submit(district, people.dak_ha_writer, district.version)
    with pytest.raises(actions.NotAllowed):
        actions.accept(district, people.dak_ha_writer, district.version)
