"""English through the VI/EN switch: the real set_language view turns the campaign list, a
report page and the dashboard into English; without the switch Vietnamese stays the default."""

import datetime

import pytest
from django.urls import reverse

from baocao.apps.campaigns import actions
from baocao.apps.orgs.models import UnitKind

from .campaign_scenario import nq20_document

pytestmark = pytest.mark.django_db


def test_switching_to_english_translates_campaign_pages(client, tree, member, django_user_model):
    nq20 = nq20_document()
    campaign = actions.open_campaign(
        nq20,
        tree.province,
        kinds=[UnitKind.DISTRICT, UnitKind.GRASSROOTS],
        deadline=datetime.date.today() + datetime.timedelta(days=5),
        actor=django_user_model.objects.create_superuser("quantri"),
        name="Tổng kết 10 năm Nghị quyết 20",
        slug="nq20-2017",
    )
    client.force_login(member("tinh", tree.province, "consolidator", "reviewer"))
    pages = {
        "list": reverse("campaigns:list"),
        "report": reverse("campaigns:report", args=[campaign.slug, tree.cdcs_dh1.code]),
        "dashboard": reverse("campaigns:detail", args=[campaign.slug]),
    }

    def html(name):
        response = client.get(pages[name])
        assert response.status_code == 200
        return response.content.decode()

    # Vietnamese is the default, without any switch.
    assert "Theo dõi tiến độ" in html("list")
    assert "Tiến độ gửi báo cáo" in html("dashboard")
    assert "Báo cáo chưa được gửi lần nào." in html("report")

    response = client.post(reverse("set_language"), {"language": "en", "next": pages["list"]})
    assert response.status_code == 302

    campaign_list = html("list")
    assert 'lang="en"' in campaign_list
    assert "Track progress" in campaign_list
    dashboard = html("dashboard")
    assert "Submission progress" in dashboard
    assert "Send reminders" in dashboard or "Overview" in dashboard
    assert "Tiến độ gửi báo cáo" not in dashboard
    report = html("report")
    assert "The report has never been submitted." in report
    assert "Báo cáo chưa được gửi lần nào." not in report
