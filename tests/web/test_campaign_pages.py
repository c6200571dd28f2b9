"""Campaign pages: the list each officer sees, opening a campaign from the browser form, and
closing it from the dashboard; plus the `baocao campaign` commands."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from typer.testing import CliRunner

from baocao.apps.campaigns.models import Campaign, CampaignStatus, Report
from baocao.apps.orgs.models import UnitKind
from baocao.cli import app

from . import campaign_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(tree, member):
    return campaign_scenario.build(tree, member)


def list_html(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("campaigns:list"))
    assert response.status_code == 200
    return response.content.decode()


# --- the list -----------------------------------------------------------------------------------


def test_the_province_sees_the_campaign_with_its_progress_and_dashboard(scene, client):
    html = list_html(client, scene.people.province)
    assert campaign_scenario.NAME in html
    assert f"{scene.campaign.deadline:%d/%m/%Y}" in html and "quá hạn 2 ngày" in html
    assert "2/5 đơn vị" in html
    assert reverse("campaigns:detail", args=[scene.campaign.slug]) in html
    assert "Mở đợt báo cáo" in html  # a consolidator may open campaigns


def test_a_grassroots_writer_sees_its_own_report_but_no_dashboard(scene, client):
    html = list_html(client, scene.people.school)
    assert campaign_scenario.NAME in html
    assert f"/dot-bao-cao/{scene.campaign.slug}/bao-cao/KT-DH-02/" in html
    assert "Bị trả lại" in html
    assert "Theo dõi tiến độ" not in html and "Mở đợt báo cáo" not in html


def test_a_district_reviewer_sees_its_report_and_its_subtrees_progress(scene, client):
    html = list_html(client, scene.people.dak_ha)
    assert "Theo dõi tiến độ" in html and "Báo cáo của đơn vị" in html
    assert "2/3 đơn vị" in html  # Đăk Hà, Đăk Mar sent; the school was returned


def test_a_campaign_of_another_province_is_not_listed(scene, client):
    html = list_html(client, scene.people.other)
    assert campaign_scenario.NAME not in html
    assert "Chưa có đợt báo cáo nào" in html


# --- opening --------------------------------------------------------------------------------------


def open_url():
    return reverse("campaigns:open")


def test_only_consolidators_and_admins_may_open(scene, client, member, tree):
    client.force_login(scene.people.mar)
    assert client.get(open_url()).status_code == 403
    client.force_login(member("tinh.admin", tree.province, "admin"))
    assert client.get(open_url()).status_code == 200


def test_the_form_offers_the_units_above_grassroots_and_the_kinds(scene, client):
    client.force_login(scene.people.province)
    html = client.get(open_url()).content.decode()
    assert ">LĐLĐ tỉnh Kon Tum (KT)<" in html and ">— LĐLĐ huyện Đăk Hà (KT-DH)<" in html
    assert "CĐCS UBND xã Đăk Mar" not in html  # nobody reports under a CĐCS
    assert "LĐLĐ tỉnh Gia Lai" not in html  # out of the officer's reach
    assert "Công đoàn cơ sở" in html and 'placeholder="15/12/2017"' in html
    assert "Năm theo đề cương" in html and "2008 → 2017" in html


def test_opening_a_campaign_from_the_form(scene, client, tree):
    client.force_login(scene.people.province)
    outline = scene.campaign.outline
    response = client.post(
        open_url(),
        {
            "name": "Sơ kết 5 năm Chỉ thị 03",
            "outline": outline.pk,
            "root_unit": tree.dakha.pk,
            "kinds": [UnitKind.GRASSROOTS],
            "deadline": "2030-12-15",
        },
    )
    campaign = Campaign.objects.get(name="Sơ kết 5 năm Chỉ thị 03")
    assert response.status_code == 302
    assert response.url == reverse("campaigns:detail", args=[campaign.slug])
    assert campaign.deadline == datetime.date(2030, 12, 15)
    assert (campaign.baseline_year, campaign.current_year) == (2008, 2017)  # the outline's
    assert set(Report.objects.filter(campaign=campaign).values_list("unit__code", flat=True)) == {
        "KT-DH-01",
        "KT-DH-02",
    }
    html = client.get(response.url).content.decode()
    assert "Đã mở đợt báo cáo “Sơ kết 5 năm Chỉ thị 03”: 2 đơn vị phải báo cáo." in html


def test_the_form_says_in_vietnamese_why_it_cannot_open(scene, client, tree):
    client.force_login(scene.people.province)
    response = client.post(
        open_url(),
        {
            "outline": scene.campaign.outline.pk,
            "root_unit": tree.dakha.pk,
            "kinds": [UnitKind.ZONE],
            "deadline": "15/12/2030",
            "baseline_year": "2017",
            "current_year": "2008",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Năm gốc phải trước năm hiện tại." in html
    response = client.post(
        open_url(),
        {"outline": scene.campaign.outline.pk, "root_unit": tree.dakha.pk, "deadline": "mai"},
    )
    html = response.content.decode()
    assert "Hãy chọn ít nhất một loại đơn vị phải báo cáo." in html
    assert "Hãy nhập hạn nộp dạng ngày/tháng/năm" in html
    response = client.post(
        open_url(),
        {
            "outline": scene.campaign.outline.pk,
            "root_unit": tree.dakha.pk,
            "kinds": [UnitKind.ZONE],
            "deadline": "2030-12-15",
        },
    )
    assert "Không có đơn vị nào thuộc loại đã chọn trong LĐLĐ huyện Đăk Hà" in (
        response.content.decode()
    )
    assert Campaign.objects.count() == 1


def test_a_unit_out_of_reach_cannot_be_posted(scene, client, tree):
    client.force_login(scene.people.dak_ha)  # a reviewer, not a consolidator
    assert client.post(open_url(), {}).status_code == 403
    client.force_login(scene.people.province)
    response = client.post(
        open_url(),
        {
            "outline": scene.campaign.outline.pk,
            "root_unit": tree.other_province.pk,
            "kinds": [UnitKind.GRASSROOTS],
            "deadline": "2030-12-15",
        },
    )
    assert response.status_code == 400 and Campaign.objects.count() == 1


# --- closing ---------------------------------------------------------------------------------------


def test_the_province_closes_the_campaign_from_the_dashboard(scene, client):
    """The dashboard leads to a confirmation that lists who has not sent (drafts, returned)."""
    client.force_login(scene.people.province)
    detail = reverse("campaigns:detail", args=[scene.campaign.slug])
    close = reverse("campaigns:close", args=[scene.campaign.slug])
    assert close in client.get(detail).content.decode()
    page = client.get(close).content.decode()
    assert "3/5 đơn vị chưa gửi báo cáo" in page and "Xác nhận kết thúc đợt báo cáo" in page
    for unsent in (scene.tree.cdcs_dh2, scene.tree.cdcs_dt1, scene.tree.dakto):
        assert unsent.name in page
    assert scene.tree.cdcs_dh1.name not in page and scene.tree.dakha.name not in page
    response = client.post(close, follow=True)
    assert "Đã kết thúc đợt báo cáo." in response.content.decode()
    scene.campaign.refresh_from_db()
    assert scene.campaign.status == CampaignStatus.CLOSED
    assert scene.campaign.closed_by == scene.people.province


def test_a_district_reviewer_cannot_close_the_province_campaign(scene, client):
    client.force_login(scene.people.dak_ha)
    detail = reverse("campaigns:detail", args=[scene.campaign.slug])
    assert "Kết thúc đợt" not in client.get(detail).content.decode()
    response = client.post(reverse("campaigns:close", args=[scene.campaign.slug]))
    assert response.status_code == 403
    scene.campaign.refresh_from_db()
    assert scene.campaign.is_open


# --- the commands -------------------------------------------------------------------------------


def test_campaign_commands_list_open_and_close(scene, tree, django_user_model):
    django_user_model.objects.create_superuser("quantri")
    runner = CliRunner()
    listed = runner.invoke(app, ["campaign", "list"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    assert scene.campaign.slug in listed.output and "2/5" in listed.output

    deadline = timezone.localdate() + datetime.timedelta(days=30)
    opened = runner.invoke(
        app,
        [
            "campaign",
            "open",
            "--outline",
            scene.campaign.outline.slug,
            "--root",
            "KT-DT",
            "--kinds",
            "grassroots",
            "--deadline",
            f"{deadline:%Y-%m-%d}",
            "--name",
            "Sơ kết Đăk Tô",
            "--slug",
            "so-ket-dak-to",
        ],
    )
    assert opened.exit_code == 0, opened.output
    campaign = Campaign.objects.get(slug="so-ket-dak-to")
    assert campaign.deadline == deadline and campaign.reports.count() == 1
    assert "so-ket-dak-to" in opened.output

    closed = runner.invoke(app, ["campaign", "close", "so-ket-dak-to"])
    assert closed.exit_code == 0, closed.output
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED


def test_campaign_open_explains_bad_input(scene, django_user_model):
    django_user_model.objects.create_superuser("quantri")
    runner = CliRunner()
    wrong_date = runner.invoke(
        app,
        ["campaign", "open", "--outline", scene.campaign.outline.slug, "--root", "KT",
         "--deadline", "mai"],
    )  # fmt: skip
    assert wrong_date.exit_code == 1 and "Không hiểu ngày" in wrong_date.output
    wrong_kind = runner.invoke(
        app,
        ["campaign", "open", "--outline", scene.campaign.outline.slug, "--root", "KT",
         "--kinds", "cdcs", "--deadline", "15/12/2030"],
    )  # fmt: skip
    assert wrong_kind.exit_code == 1 and "Hãy chọn loại đơn vị" in wrong_kind.output
