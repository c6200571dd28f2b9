""" "Tạo bản nháp" one section per request: the workspace's button starts it, each answer shows
the progress ("Đang soạn mục 3/17…") and asks for the next section, the last one sends the
page back to the workspace with the draft in it. Nothing written is overwritten, even when
written between two steps."""

import re
import urllib.parse

import pytest
from django.urls import reverse

from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import SectionText, SectionVersion

from .campaign_scenario import report_of, to_consolidate

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TEXT_SECTION = "P1/I/1"
TABLE_SECTION = "P1/II/1"
WRITTEN = "P1/I/2"
TEXTS = {
    "dakha": "LĐLĐ huyện đã ban hành kế hoạch thực hiện Nghị quyết trong toàn huyện.",
    "cdcs_dh1": "Công đoàn xã Đăk Mar tổ chức học tập Nghị quyết cho đoàn viên.",
    "cdcs_dh2": "Nhà trường phối hợp với chính quyền tuyên truyền Nghị quyết.",
    "cdcs_dt1": "Trung tâm Y tế quán triệt Nghị quyết đến từng khoa, phòng.",
}


@pytest.fixture
def people(tree, member, django_user_model):
    return {
        "admin": django_user_model.objects.create_superuser("quantri"),
        "consolidator": member("tinh", tree.province, "writer", "consolidator", "reviewer"),
        "viewer": member("tinh.xem", tree.province, "viewer"),
        "sibling": member("gialai", tree.other_province, "writer", "consolidator"),
    }


@pytest.fixture
def province(tree, people):
    campaign = to_consolidate(tree, people["admin"], TEXTS, slug="nq20")
    report = report_of(campaign, tree.province)
    actions.save_section(report, WRITTEN, "Đoạn người tổng hợp đã viết.", 0, people["admin"])
    return report


def step_url(report):
    return reverse(
        "campaigns:consolidate_draft_step", args=[report.campaign.slug, report.unit.code]
    )


def fields(html: str) -> dict[str, str]:
    """The progress form's fields, as htmx sends them."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))


def own_text(report, section_id):
    stored = SectionText.objects.filter(report=report, section_id=section_id).first()
    return stored.text if stored else ""


def test_each_step_drafts_one_section_and_the_last_goes_back(client, province, people):
    client.force_login(people["consolidator"])
    sections = province.campaign.section_ids
    total = len(sections) - 1  # one is written
    response = client.post(step_url(province), {"muc": TABLE_SECTION}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f"Đang soạn mục 1/{total}…" in html and 'hx-trigger="load"' in html
    assert not SectionText.objects.filter(report=province).exclude(section_id=WRITTEN).exists()
    form = fields(html)
    assert form["soan"] == sections[0] and form["muc"] == TABLE_SECTION

    steps = 0
    while True:
        versions = SectionVersion.objects.filter(report=province).count()
        response = client.post(step_url(province), form, **HTMX)
        steps += 1
        assert SectionVersion.objects.filter(report=province).count() - versions <= 1
        if "HX-Redirect" in response:
            break
        html = response.content.decode()
        assert f"Đang soạn mục {steps + 1}/{total}…" in html
        assert f'<progress class="cw-progress__bar" max="{total}" value="{steps}"' in html
        form = fields(html)
        assert form["soan"] != WRITTEN
    assert steps == total

    workspace = response["HX-Redirect"]
    assert f"muc={urllib.parse.quote(TABLE_SECTION, safe='')}" in workspace
    assert own_text(province, WRITTEN) == "<p>Đoạn người tổng hợp đã viết.</p>"  # untouched
    assert "Toàn tỉnh có 190 đoàn viên, tăng 120 (171,4%) so với năm 2008." in own_text(
        province, TABLE_SECTION
    )
    assert TEXTS["dakha"].rstrip(".") + " (LĐLĐ huyện Đăk Hà)." in own_text(province, TEXT_SECTION)
    drafted = SectionText.objects.filter(report=province).exclude(section_id=WRITTEN).count()
    html = client.get(workspace).content.decode()
    assert f"Đã soạn nháp {drafted} mục; giữ nguyên 1 mục đã có nội dung." in html
    assert "Các số viết trong nội dung khớp với bảng tổng hợp." in html


def test_the_steps_draft_what_the_whole_draft_drafts(client, province, people):
    """One code path: drafting a section per request gives the one-request draft."""
    client.force_login(people["consolidator"])
    form = fields(client.post(step_url(province), {}, **HTMX).content.decode())
    while "soan" in form:
        response = client.post(step_url(province), form, **HTMX)
        form = fields(response.content.decode())
    stepped = dict(SectionText.objects.filter(report=province).values_list("section_id", "text"))
    SectionText.objects.filter(report=province).exclude(section_id=WRITTEN).delete()
    SectionVersion.objects.filter(report=province).exclude(section_id=WRITTEN).delete()
    actions.fill_empty_sections(province, people["consolidator"])
    whole = dict(SectionText.objects.filter(report=province).values_list("section_id", "text"))
    assert stepped == whole and len(whole) > 2


def test_a_section_written_between_two_steps_is_kept(client, province, people):
    client.force_login(people["consolidator"])
    form = fields(client.post(step_url(province), {}, **HTMX).content.decode())
    form = fields(client.post(step_url(province), form, **HTMX).content.decode())
    upcoming = form["soan"]
    actions.save_section(province, upcoming, "Viết tay giữa chừng.", 0, people["admin"])
    html = client.post(step_url(province), form, **HTMX).content.decode()
    assert own_text(province, upcoming) == "<p>Viết tay giữa chừng.</p>"
    assert fields(html)["giu"] == "2"  # the one written before, and this one


def test_without_htmx_a_step_is_a_page_with_a_button(client, province, people):
    client.force_login(people["consolidator"])
    response = client.post(step_url(province), {})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert "Đang soạn mục 1/" in html and "Soạn tiếp" in html


def test_the_workspace_button_starts_the_steps(client, province, people):
    client.force_login(people["consolidator"])
    page = client.get(reverse("campaigns:consolidate", args=["nq20", province.unit.code]))
    html = page.content.decode()
    assert f'hx-post="{step_url(province)}"' in html  # with JavaScript: a section per request
    assert 'action="' + reverse("campaigns:consolidate_draft", args=["nq20", "KT"]) in html


@pytest.mark.parametrize("who", ["viewer", "sibling"])
def test_readers_and_others_cannot_draft(client, province, people, who):
    client.force_login(people[who])
    before = SectionVersion.objects.count()
    response = client.post(step_url(province), {"soan": TEXT_SECTION}, **HTMX)
    assert response.status_code == 403
    assert SectionVersion.objects.count() == before


def test_a_sent_report_stops_the_steps(client, province, people):
    client.force_login(people["consolidator"])
    form = fields(client.post(step_url(province), {}, **HTMX).content.decode())
    actions.submit(province, people["admin"], province.version)
    html = client.post(step_url(province), form, **HTMX).content.decode()
    assert "không tạo bản nháp được" in html and 'role="alert"' in html
    assert "hx-trigger" not in html
    assert not SectionText.objects.filter(report=province, section_id=form["soan"]).exists()


def test_an_unknown_section_is_refused(client, province, people):
    client.force_login(people["consolidator"])
    html = client.post(step_url(province), {"soan": "P9/X"}, **HTMX).content.decode()
    assert "không có mục" in html and "hx-trigger" not in html
