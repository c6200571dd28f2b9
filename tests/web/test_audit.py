"""The audit log: every change made through the site leaves one entry saying who, what, on which
object and from which address; superusers read and filter it in the admin, nobody edits it."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from baocao.apps.audit.log import record
from baocao.apps.audit.models import AuditEntry
from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import Campaign, Report
from baocao.apps.orgs.models import UnitKind
from baocao.outline.serialize import dump_yaml

from . import campaign_scenario
from .outline_upload import import_outline
from .samples import sample_outline

pytestmark = pytest.mark.django_db

SECTION = campaign_scenario.SECTION
ADDRESS = "203.0.113.45"


@pytest.fixture
def people(tree, member):
    return {
        "province": member("tinh", tree.province, "consolidator", "reviewer", "viewer"),
        "dakha": member("dakha", tree.dakha, "writer", "reviewer"),
        "school": member("truong.nguyenhue", tree.cdcs_dh2, "writer"),
    }


@pytest.fixture
def campaign(people, tree):
    return campaign_scenario.open_nq20(
        tree,
        people["province"],
        deadline=datetime.date(2030, 12, 31),
        name="Đợt thử nhật ký",
        slug="",  # made from the name
    )


def report_of(campaign, unit):
    return Report.objects.select_related("campaign", "unit").get(campaign=campaign, unit=unit)


def post(client, user, url, data=None, address=ADDRESS, **extra):
    client.force_login(user)
    return client.post(url, data or {}, REMOTE_ADDR=address, **extra)


def only_entry(action: str) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, [str(entry) for entry in entries]
    return entries[0]


def report_url(name, report, *args):
    return reverse(f"campaigns:{name}", args=[report.campaign.slug, report.unit.code, *args])


def test_opening_a_campaign_from_the_form(client, people, tree):
    response = post(
        client,
        people["province"],
        reverse("campaigns:open"),
        {
            "name": "Sơ kết 5 năm",
            "outline": campaign_scenario.nq20_document().pk,
            "root_unit": tree.dakha.pk,
            "kinds": [UnitKind.GRASSROOTS],
            "deadline": "2030-12-15",
        },
    )
    assert response.status_code == 302
    entry = only_entry("campaign.open")
    campaign = Campaign.objects.get(name="Sơ kết 5 năm")
    assert (entry.actor, entry.actor_name) == (people["province"], "tinh")
    assert entry.ip_address == ADDRESS
    assert (entry.object_type, entry.object_id) == ("campaigns.campaign", str(campaign.pk))
    assert entry.object_label == "Sơ kết 5 năm"
    assert entry.details == {"root": "KT-DH", "kinds": ["grassroots"], "reports": 2}


def test_closing_a_campaign(client, people, campaign):
    url = reverse("campaigns:close", args=[campaign.slug])
    assert post(client, people["province"], url).status_code == 302
    entry = only_entry("campaign.close")
    assert entry.ip_address == ADDRESS and entry.object_id == str(campaign.pk)
    post(client, people["province"], url)  # already closed: nothing changes, nothing logged
    assert AuditEntry.objects.filter(action="campaign.close").count() == 1


def test_saving_and_restoring_a_section(client, people, campaign, tree):
    report = report_of(campaign, tree.dakha)
    url = report_url("section_save", report, SECTION)
    post(client, people["dakha"], url, {"text": "Bản đầu.", "base_version": "0"})
    post(client, people["dakha"], url, {"text": "Bản hai.", "base_version": "1"})
    post(client, people["dakha"], url, {"text": "Bản cũ.", "base_version": "1"})  # a conflict
    post(client, people["dakha"], url, {"text": "Bản hai.", "base_version": "2"})  # no change
    saves = list(AuditEntry.objects.filter(action="section.save").order_by("pk"))
    assert [entry.details["version"] for entry in saves] == [1, 2]
    assert saves[0].details["section"] == SECTION
    assert {entry.ip_address for entry in saves} == {ADDRESS}
    assert saves[0].object_type == "campaigns.report" and saves[0].object_id == str(report.pk)

    restore = report_url("section_restore", report, SECTION)
    post(client, people["dakha"], restore, {"version": "1"}, address="198.51.100.7")
    entry = only_entry("section.restore")
    assert entry.ip_address == "198.51.100.7"
    assert entry.details["version"] == 3
    assert entry.details["note"] == "Khôi phục từ phiên bản 1"


def test_saving_and_clearing_a_figure(client, people, campaign, tree):
    report = report_of(campaign, tree.dakha)
    section_with_members = next(
        section.id for section, _ in campaign.outline_tree.walk() if "members" in section.indicators
    )
    url = report_url("indicator_save", report, "members", 2017) + f"?muc={section_with_members}"
    post(client, people["dakha"], url, {"v-members-2017": "1.234"})
    post(client, people["dakha"], url, {"v-members-2017": "1.234"})  # the same: no change
    post(client, people["dakha"], url, {"v-members-2017": "một nghìn"})  # refused
    post(client, people["dakha"], url, {"v-members-2017": ""})  # cleared
    entries = list(AuditEntry.objects.filter(action="indicator.save").order_by("pk"))
    assert [(e.details["raw"], e.details["value"]) for e in entries] == [
        ("1.234", "1234"),
        ("", None),
    ]
    assert entries[0].details["code"] == "members" and entries[0].details["year"] == 2017
    assert {entry.ip_address for entry in entries} == {ADDRESS}


def test_the_review_cycle(client, people, campaign, tree):
    report = report_of(campaign, tree.cdcs_dh2)
    post(
        client,
        people["school"],
        report_url("report_submit", report),
        {"expected_version": report.version},
        address="192.0.2.10",
    )
    report.refresh_from_db()
    post(
        client,
        people["dakha"],
        report_url("report_return", report),
        {
            "expected_version": report.version,
            "reason": "Còn thiếu nội dung.",
            f"comment:{SECTION}": "Hãy nêu văn bản.",
        },
        address="192.0.2.20",
    )
    report.refresh_from_db()
    post(
        client,
        people["school"],
        report_url("report_submit", report),
        {"expected_version": report.version},
        address="192.0.2.10",
    )
    report.refresh_from_db()
    post(
        client,
        people["dakha"],
        report_url("report_accept", report),
        {"expected_version": report.version},
        address="192.0.2.20",
    )
    report.refresh_from_db()
    post(
        client,
        people["dakha"],
        report_url("report_reopen", report),
        {"expected_version": report.version, "reason": "Sai số liệu."},
        address="192.0.2.21",
    )
    assert AuditEntry.objects.filter(action="report.submit").count() == 2
    assert {e.ip_address for e in AuditEntry.objects.filter(action="report.submit")} == {
        "192.0.2.10"
    }
    returned = only_entry("report.return")
    assert (returned.actor, returned.ip_address) == (people["dakha"], "192.0.2.20")
    assert returned.details == {
        "reason": "Còn thiếu nội dung.",
        "comments": {SECTION: "Hãy nêu văn bản."},
    }
    assert only_entry("report.accept").ip_address == "192.0.2.20"
    reopened = only_entry("report.reopen")
    assert reopened.ip_address == "192.0.2.21" and reopened.details == {"reason": "Sai số liệu."}


def test_a_refused_action_leaves_no_entry(people, campaign, tree):
    report = report_of(campaign, tree.cdcs_dh2)
    with pytest.raises(actions.NotAllowed):
        actions.submit(report, people["dakha"], report.version)  # not its writer
    with pytest.raises(actions.ActionError):
        actions.accept(report, people["dakha"], report.version)  # not submitted
    assert not AuditEntry.objects.exclude(action="campaign.open").exists()


def test_importing_units(client, tree, django_user_model):
    admin = django_user_model.objects.create_superuser("quantri", password=None)
    data = "code,name,kind,parent_code\nKT-SH,LĐLĐ huyện Sa Thầy,district,KT\n".encode()
    url = reverse("orgs:import")
    dry = SimpleUploadedFile("don-vi.csv", data)
    post(client, admin, url, {"file": dry, "dry_run": "on"})
    assert not AuditEntry.objects.exists()  # a dry run changes nothing, logs nothing
    post(client, admin, url, {"file": SimpleUploadedFile("don-vi.csv", data)})
    entry = only_entry("units.import")
    assert (entry.actor_name, entry.ip_address) == ("quantri", ADDRESS)
    assert entry.details == {
        "file": "don-vi.csv",
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "moved": 0,
    }


def test_importing_an_outline(client, people):
    data = dump_yaml(sample_outline()).encode("utf-8")
    client.force_login(people["province"])
    import_outline(client, "de-cuong.yaml", data, REMOTE_ADDR=ADDRESS)  # preview, then confirm
    entry = only_entry("outline.import")
    assert entry.ip_address == ADDRESS
    assert entry.object_type == "outlines.outlinedocument"
    assert entry.object_label == sample_outline().title
    import_outline(client, "de-cuong.yaml", data, REMOTE_ADDR=ADDRESS)
    assert AuditEntry.objects.filter(action="outline.import").count() == 1  # found, not made


def test_changes_made_outside_a_request_have_no_address(people, campaign):
    entry = only_entry("campaign.open")
    assert entry.ip_address is None and entry.actor == people["province"]


def test_a_trusted_proxy_forwards_the_address(client, people, campaign, settings):
    settings.BAOCAO_TRUSTED_PROXIES = ["10.0.0.0/8"]
    url = reverse("campaigns:close", args=[campaign.slug])
    post(client, people["province"], url, address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert only_entry("campaign.close").ip_address == "203.0.113.9"


def test_an_entry_keeps_the_login_name_after_the_account_is_gone(people, campaign):
    people["province"].delete()
    entry = only_entry("campaign.open")
    assert entry.actor is None and entry.actor_name == "tinh"


def test_record_refuses_an_unknown_verb(people):
    with pytest.raises(ValueError):
        record(people["province"], "report.delete")


# --- the admin ---------------------------------------------------------------------------------


@pytest.fixture
def entries(client, people, campaign, tree):
    report = report_of(campaign, tree.dakha)
    post(
        client,
        people["dakha"],
        report_url("section_save", report, SECTION),
        {"text": "Bản đầu.", "base_version": "0"},
        address="198.51.100.77",
    )
    return AuditEntry.objects.all()


def admin_list(client, user, query=""):
    client.force_login(user)
    return client.get(reverse("admin:audit_auditentry_changelist") + query)


def test_superusers_read_and_filter_the_log(client, entries, django_user_model, people):
    admin = django_user_model.objects.create_superuser("quantri", password=None)
    page = admin_list(client, admin)
    assert page.status_code == 200
    html = page.content.decode()
    assert "198.51.100.77" in html and "Lưu nội dung mục" in html and "Mở đợt báo cáo" in html
    filtered = admin_list(client, admin, "?action__exact=section.save").content.decode()
    assert "198.51.100.77" in filtered and "Mở đợt báo cáo</td>" not in filtered
    by_actor = admin_list(client, admin, f"?actor__id__exact={people['dakha'].pk}")
    assert "198.51.100.77" in by_actor.content.decode()
    searched = admin_list(client, admin, "?q=198.51.100.77").content.decode()
    assert "198.51.100.77" in searched and "Mở đợt báo cáo</td>" not in searched
    this_year = admin_list(client, admin, f"?at__year={timezone.localdate().year}")
    assert "198.51.100.77" in this_year.content.decode()
    last_year = admin_list(client, admin, f"?at__year={timezone.localdate().year - 1}")
    assert "198.51.100.77" not in last_year.content.decode()
    entry = entries.get(action="section.save")
    detail = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()  # read only


def test_nobody_adds_changes_or_deletes_entries(client, entries, django_user_model):
    admin = django_user_model.objects.create_superuser("quantri", password=None)
    client.force_login(admin)
    entry = entries.first()
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_delete", args=[entry.pk])).status_code == 403
    response = client.post(
        reverse("admin:audit_auditentry_change", args=[entry.pk]), {"action": "report.accept"}
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.action != "report.accept"


def test_others_are_kept_out_of_the_log(client, entries, people, django_user_model):
    officer = people["province"]
    assert admin_list(client, officer).status_code == 302  # not staff: to the admin login
    staff = django_user_model.objects.create_user("nhanvien", password=None, is_staff=True)
    assert admin_list(client, staff).status_code == 403
    client.force_login(staff)
    assert "audit" not in client.get(reverse("admin:index")).content.decode()


def test_the_log_is_not_a_place_to_hide_bytes(entries):
    """Entries hold what was done, never the text itself (that is in the section's versions)."""
    entry = entries.get(action="section.save")
    assert "Bản đầu" not in str(entry.details)
    assert entry.details["chars"] == len("<p>Bản đầu.</p>")
