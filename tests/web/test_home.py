"""The home page says what each person has to do (issue 12, item 7): a writer their reports with
deadline and status, a reviewer the reports waiting for them, oldest first."""

import pytest

from baocao.apps.campaigns import actions

from .campaign_scenario import as_user

pytestmark = pytest.mark.django_db


def test_a_writer_sees_the_report_to_write_with_its_deadline(client, school, people):
    html = as_user(client, people["school_writer"]).get("/").content.decode()
    assert "Báo cáo đơn vị phải viết" in html
    assert school.campaign.name in html and "Hạn nộp" in html and "Đang soạn" in html
    assert f"/bao-cao/{school.unit.code}/" in html


def test_a_reviewer_sees_the_queue_oldest_first(client, school, people, campaign, tree):
    from .campaign_scenario import report_of

    clinic = report_of(campaign, tree.cdcs_dh2)
    actions.submit(school, people["school_writer"], school.version)
    actions.submit(clinic, people["clinic_writer"], clinic.version)
    html = as_user(client, people["dakha_reviewer"]).get("/").content.decode()
    assert "2 báo cáo chờ bạn duyệt" in html
    assert html.index(school.unit.name) < html.index(clinic.unit.name)
    assert "Báo cáo đơn vị phải viết" not in html  # a reviewer only: nothing to write
