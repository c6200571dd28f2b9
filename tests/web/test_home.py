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


# --- a consolidator's subtree and an administrator's set-up (issue 12, item 7) -------------------


@pytest.fixture
def scene(tree, member):
    from .campaign_scenario import build

    return build(tree, member)


def test_a_consolidator_sees_the_progress_of_their_subtree(client, scene, member):
    """The province (due two days ago): 2 of 5 sent, 1 accepted, 1 waiting, 3 late; no
    workspace link, its own unit writes no report in this campaign."""
    html = as_user(client, scene.people.province).get("/").content.decode()
    assert "Tiến độ các đơn vị thuộc LĐLĐ tỉnh Kon Tum" in html
    assert "Đã gửi 2/5" in html and "Đã duyệt: 1" in html and "Chờ duyệt: 1" in html
    assert "3 đơn vị quá hạn chưa gửi" in html
    assert f"/dot-bao-cao/{scene.campaign.slug}/" in html
    assert "/tong-hop/" not in html

    district = member("dh.tonghop", scene.tree.dakha, "writer", "consolidator")
    html = as_user(client, district).get("/").content.decode()
    assert "Đã gửi 2/3" in html and "1 đơn vị quá hạn chưa gửi" in html
    assert f"/dot-bao-cao/{scene.campaign.slug}/bao-cao/KT-DH/tong-hop/" in html


def test_an_administrator_sees_what_needs_setting_up(client, scene, member, sample_document):
    from baocao.apps.orgs.models import Unit, UnitKind

    Unit.objects.create(
        code="KT-DH-03",
        name="CĐCS Trường THCS Lê Lợi",
        kind=UnitKind.GRASSROOTS,
        parent=scene.tree.dakha,
    )
    admin = member("tinh.quantri", scene.tree.province, "admin")
    html = as_user(client, admin).get("/").content.decode()
    assert "Việc cần thiết lập" in html
    assert "1 đơn vị chưa có tài khoản nào" in html and "CĐCS Trường THCS Lê Lợi" in html
    assert "1 đợt báo cáo đã quá hạn nhưng chưa kết thúc" in html
    assert sample_document.title in html  # no campaign was opened with it
    assert "tài khoản chưa đăng nhập lần nào" in html and "dakto" in html
    assert "tinh.quantri (LĐLĐ tỉnh Kon Tum)" not in html  # signed in just now
    assert "dakto (LĐLĐ huyện Đăk Tô)" in html
    assert "Gia Lai" not in html  # another province's units are not theirs

    writer = as_user(client, scene.people.school).get("/").content.decode()
    assert "Việc cần thiết lập" not in writer and "Tiến độ các đơn vị" not in writer


def test_the_home_page_takes_a_bounded_number_of_queries(
    client, scene, member, django_assert_max_num_queries
):
    officer = member("tinh.tonghop", scene.tree.province, "consolidator", "reviewer", "admin")
    as_user(client, officer)
    # Fourteen here, seventeen at most whatever the size: session, user, membership, outlines,
    # the queue, the progress (2), the set-up (8 at most; a kind with fewer than five needs no
    # count, three of them here), and the page's own reads.
    with django_assert_max_num_queries(17):
        assert client.get("/").status_code == 200
