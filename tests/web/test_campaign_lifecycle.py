"""A campaign's life after opening (issue 12, items 3 and 4): units added to the tree later get
their report from the campaign page; closing first lists who has not sent; a closed campaign
stays readable but not writable; an archived one leaves the default list and stays readable;
a unit moved in the tree keeps its report and history."""

import pytest
from django.db.models import ProtectedError
from django.urls import reverse
from typer.testing import CliRunner

from baocao.apps.audit.models import AuditEntry
from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import Campaign, CampaignStatus, Report, SectionText
from baocao.apps.orgs.models import Unit, UnitKind
from baocao.cli import app

from . import campaign_scenario
from .campaign_scenario import SECTION, as_user, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(tree, member):
    return campaign_scenario.build(tree, member)


def detail(campaign):
    return reverse("campaigns:detail", args=[campaign.slug])


def status_of(campaign):
    return Campaign.objects.get(pk=campaign.pk).status


# --- closing -------------------------------------------------------------------------------------


def test_the_confirmation_is_the_owners_and_a_closed_campaign_has_none(scene, client):
    close = reverse("campaigns:close", args=[scene.campaign.slug])
    assert as_user(client, scene.people.dak_ha).get(close).status_code == 403  # a reviewer
    assert as_user(client, scene.people.school).get(close).status_code == 404  # a writer
    assert as_user(client, scene.people.other).get(close).status_code == 404  # elsewhere
    as_user(client, scene.people.province)
    assert client.get(close).status_code == 200
    client.post(close)
    response = client.get(close, follow=True)
    assert response.redirect_chain[-1][0] == detail(scene.campaign)
    assert "Đợt báo cáo đã kết thúc." in response.content.decode()


def test_a_closed_campaign_is_read_but_not_written(scene, client):
    actions.close_campaign(scene.campaign, scene.people.province)
    school = scene.reports.school  # returned: its writer could write before the close
    writer = as_user(client, scene.people.school)
    page = writer.get(url("report", school))
    assert page.status_code == 200
    assert "Đợt báo cáo đã kết thúc; báo cáo chỉ còn để xem." in page.content.decode()
    assert 'name="text"' not in page.content.decode()  # no editor
    before = SectionText.objects.get(report=school, section_id=SECTION).text
    refused = writer.post(url("section_save", school, SECTION), {"text": "Sửa sau khi đóng."})
    assert refused.status_code in (400, 403)
    assert SectionText.objects.get(report=school, section_id=SECTION).text == before
    assert writer.get(url("report_download", school, "docx")).status_code == 200

    province = as_user(client, scene.people.province)
    assert province.get(detail(scene.campaign)).status_code == 200
    assert province.get(reverse("campaigns:export", args=[scene.campaign.slug])).status_code == 200
    assert province.get(url("report", school)).status_code == 200


# --- archiving -----------------------------------------------------------------------------------


def test_only_a_closed_campaign_is_archived_and_it_leaves_the_default_list(scene, client):
    province = as_user(client, scene.people.province)
    archive = reverse("campaigns:archive", args=[scene.campaign.slug])
    listing = reverse("campaigns:list")

    refused = province.post(archive, follow=True)
    assert "hãy kết thúc đợt trước khi lưu trữ" in refused.content.decode()
    assert status_of(scene.campaign) == CampaignStatus.OPEN
    assert "Lưu trữ đợt báo cáo" not in province.get(detail(scene.campaign)).content.decode()

    actions.close_campaign(scene.campaign, scene.people.province)
    assert "Lưu trữ đợt báo cáo" in province.get(detail(scene.campaign)).content.decode()
    assert as_user(client, scene.people.dak_ha).post(archive).status_code == 403
    as_user(client, scene.people.province)
    done = province.post(archive, follow=True)
    assert "Đã lưu trữ đợt báo cáo" in done.content.decode()
    assert status_of(scene.campaign) == CampaignStatus.ARCHIVED
    assert AuditEntry.objects.filter(action="campaign.archive").count() == 1

    page = province.get(listing).content.decode()
    assert detail(scene.campaign) not in page and "Đã lưu trữ (1)" in page
    shelf = province.get(listing + "?trang-thai=luu-tru").content.decode()
    assert detail(scene.campaign) in shelf and "Đợt báo cáo đã lưu trữ" in shelf

    # Still readable, by the province and by a unit's writer; closing again changes nothing.
    assert province.get(detail(scene.campaign)).status_code == 200
    writer = as_user(client, scene.people.mar)
    assert writer.get(url("report", scene.reports.mar)).status_code == 200
    assert writer.get(url("report_download", scene.reports.mar, "docx")).status_code == 200
    actions.close_campaign(scene.campaign, scene.people.province)
    actions.archive_campaign(scene.campaign, scene.people.province)
    assert status_of(scene.campaign) == CampaignStatus.ARCHIVED
    assert AuditEntry.objects.filter(action="campaign.archive").count() == 1


def test_the_commands_close_and_archive(scene, django_user_model):
    django_user_model.objects.create_superuser("quantri")
    runner = CliRunner()
    early = runner.invoke(app, ["campaign", "archive", scene.campaign.slug])
    assert early.exit_code == 1 and "kết thúc đợt trước" in early.output
    closed = runner.invoke(app, ["campaign", "close", scene.campaign.slug], env={"COLUMNS": "200"})
    assert closed.exit_code == 0, closed.output
    assert "3/5 đơn vị chưa gửi báo cáo" in closed.output
    archived = runner.invoke(app, ["campaign", "archive", scene.campaign.slug])
    assert archived.exit_code == 0, archived.output
    assert status_of(scene.campaign) == CampaignStatus.ARCHIVED
    again = runner.invoke(app, ["campaign", "close", scene.campaign.slug])
    assert again.exit_code == 0 and "đã kết thúc từ trước" in again.output
    assert status_of(scene.campaign) == CampaignStatus.ARCHIVED


# --- units added to the tree, units moved --------------------------------------------------------


def test_the_owner_adds_the_units_added_to_the_tree_since_the_campaign_opened(scene, client):
    Unit.objects.create(
        code="KT-DH-03",
        name="CĐCS Trường THCS Lê Lợi",
        kind=UnitKind.GRASSROOTS,
        parent=scene.tree.dakha,
    )
    Unit.objects.create(  # not a kind of the campaign: never added
        code="KT-NG",
        name="Công đoàn ngành Giáo dục",
        kind=UnitKind.SECTOR,
        parent=scene.tree.province,
    )
    add = reverse("campaigns:add_units", args=[scene.campaign.slug])
    assert "Thêm đơn vị mới vào đợt" not in (
        as_user(client, scene.people.dak_ha).get(detail(scene.campaign)).content.decode()
    )
    assert client.post(add).status_code == 403
    province = as_user(client, scene.people.province)
    page = province.get(detail(scene.campaign)).content.decode()
    assert "Thêm đơn vị mới vào đợt" in page and "1 đơn vị mới" in page

    done = province.post(add, follow=True).content.decode()
    assert "Đã thêm 1 đơn vị mới vào đợt báo cáo." in done
    assert Report.objects.filter(campaign=scene.campaign, unit__code="KT-DH-03").exists()
    assert not Report.objects.filter(campaign=scene.campaign, unit__code="KT-NG").exists()
    assert "Thêm đơn vị mới vào đợt" not in done
    again = province.post(add, follow=True).content.decode()
    assert "Không có đơn vị mới nào cần thêm" in again
    assert scene.campaign.reports.count() == 6


def test_a_unit_moved_in_the_tree_keeps_its_report_and_cannot_be_deleted(scene, client):
    """Reports hold their unit: moving a CĐCS to another district moves its report's readers
    with it (the province still, the new district now), its text and timeline stay; a unit
    with a report cannot be deleted, so no history is lost."""
    school = scene.reports.school
    unit = school.unit
    unit.parent = scene.tree.dakto
    unit.save()
    for reader in (scene.people.school, scene.people.province, scene.people.dak_to):
        page = as_user(client, reader).get(url("report", school))
        assert page.status_code == 200
        assert "Nhà trường đã triển khai." in page.content.decode()
    assert as_user(client, scene.people.dak_ha).get(url("report", school)).status_code == 403
    assert school.events.count() == 2  # sent, returned: the timeline stays
    with pytest.raises(ProtectedError):
        unit.delete()
