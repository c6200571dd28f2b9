"""A campaign's parsed outline is shared by every request of a process (parsing it cost more
than the rest of an autosave). These tests hold the two promises that makes safe: the same
snapshot text gives the same parsed object, and no page or download changes it."""

import pytest
from django.urls import reverse

from baocao.apps.campaigns.models import Campaign, parsed_outline
from baocao.outline.serialize import dump_yaml

from . import campaign_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(tree, member):
    return campaign_scenario.build(tree, member)


def test_two_instances_of_a_campaign_share_one_parse(scenario):
    first = Campaign.objects.get(pk=scenario.campaign.pk)
    second = Campaign.objects.get(pk=scenario.campaign.pk)
    assert first is not second
    assert first.outline_tree is second.outline_tree
    assert first.compiled_rules is second.compiled_rules


def test_an_edited_snapshot_is_parsed_afresh(scenario):
    campaign = scenario.campaign
    before = campaign.outline_tree
    edited = campaign.outline_yaml.replace(before.title, before.title + " (sửa)", 1)
    assert parsed_outline(edited).outline.title == before.title + " (sửa)"
    assert campaign.outline_tree.title == before.title


def test_no_page_or_download_changes_the_shared_outline(client, scenario, member):
    campaign, reports, people = scenario.campaign, scenario.reports, scenario.people
    snapshot = dump_yaml(campaign.outline_tree)
    slug = campaign.slug

    def report_url(name, report, **kwargs):
        return reverse(
            f"campaigns:{name}", kwargs={"slug": slug, "unit_code": report.unit.code, **kwargs}
        )

    client.force_login(people.school)
    pages = [
        report_url("report", reports.school),
        report_url("report_template", reports.school),
        report_url("indicators_template", reports.school),
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url
    saved = client.post(
        report_url("section_save", reports.school, section_id=campaign_scenario.SECTION),
        {"text": "Thêm một dòng.", "base_version": "1"},
    )
    assert saved.status_code == 302  # saved; the page follows

    client.force_login(people.province)
    for url in (
        reverse("campaigns:detail", kwargs={"slug": slug}),
        reverse("campaigns:export", kwargs={"slug": slug}),
    ):
        assert client.get(url).status_code == 200, url

    district = reports.dakto
    client.force_login(member("dakto.tonghop", district.unit, "consolidator", "writer"))
    for url in (
        report_url("consolidate", district),
        report_url("report_download", district, fmt="docx"),
        report_url("report_download", district, fmt="xlsx"),
    ):
        assert client.get(url).status_code == 200, url
    drafted = client.post(report_url("consolidate_draft", district), {})
    assert drafted.status_code in (200, 302)

    assert dump_yaml(Campaign.objects.get(pk=campaign.pk).outline_tree) == snapshot
