"""The JSON API: token authentication, what each key's user may read (the same scope as the
pages), indicator values written through the same action and rules as the report page, with
Vietnamese errors; the keys themselves (admin, `baocao manage apitoken`)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from baocao.apps.api.models import Token
from baocao.apps.audit.models import AuditEntry
from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import IndicatorChange, IndicatorValue, Report

from . import campaign_scenario

pytestmark = pytest.mark.django_db

SLUG = "nq20-kon-tum-2017"


@pytest.fixture
def people(tree, member):
    return {
        "province": member("tinh", tree.province, "consolidator", "reviewer", "viewer"),
        "dakha": member("dakha", tree.dakha, "writer", "reviewer"),
        "mar": member("xa.dakmar", tree.cdcs_dh1, "writer"),
        "other": member("gialai", tree.other_province, "viewer"),
    }


@pytest.fixture
def campaign(people, tree):
    return campaign_scenario.open_nq20(
        tree, people["province"], deadline=datetime.date(2030, 12, 31), slug=SLUG
    )


@pytest.fixture
def keys(people):
    return {name: Token.issue(user)[1] for name, user in people.items()}


def api(client, key: str | None, path: str, method: str = "get", body=None, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"} if key else {}
    kwargs = {**headers, **extra}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(f"/api/{path}", **kwargs)


def value_path(unit_code: str, code: str = "members", year: int = 2017) -> str:
    return f"campaigns/{SLUG}/reports/{unit_code}/indicators/{code}/{year}/"


# --- keys ---------------------------------------------------------------------------------------


def test_without_a_valid_key_the_answer_is_401_in_json(client, keys, people):
    for key in (None, "bc_sai", keys["dakha"][:-1] + "x", "Bearer " + keys["dakha"]):
        response = api(client, key, "units/")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Token realm="baocao"'
        assert response.json()["error"]["code"] == "unauthenticated"
        assert "Authorization: Token" in response.json()["error"]["message"]


def test_a_session_counts_for_nothing(client, people):
    """Only the key authenticates, so skipping the CSRF check cannot let a cookie act."""
    client.force_login(people["province"])
    assert client.get("/api/units/").status_code == 401


def test_a_key_of_a_deactivated_account_stops_working(client, keys, people):
    assert api(client, keys["dakha"], "units/").status_code == 200
    people["dakha"].is_active = False
    people["dakha"].save()
    assert api(client, keys["dakha"], "units/").status_code == 401


def test_keys_are_kept_only_as_hashes_and_replacing_one_ends_the_old(client, keys, people):
    token = Token.objects.get(user=people["dakha"])
    assert keys["dakha"] not in (token.key_hash, token.prefix)
    assert keys["dakha"].startswith(token.prefix)
    _token, new = Token.issue(people["dakha"])
    assert api(client, keys["dakha"], "units/").status_code == 401
    assert api(client, new, "units/").status_code == 200
    assert Token.objects.filter(user=people["dakha"]).count() == 1


def test_apitoken_command_prints_a_key_once(people, capsys, client):
    call_command("apitoken", "dakha")
    key = capsys.readouterr().out.strip()
    assert api(client, key, "units/").status_code == 200
    with pytest.raises(Exception, match="--rotate"):
        call_command("apitoken", "dakha")
    call_command("apitoken", "dakha", "--rotate")
    rotated = capsys.readouterr().out.strip()
    assert rotated != key and api(client, key, "units/").status_code == 401
    call_command("apitoken", "dakha", "--revoke")
    assert api(client, rotated, "units/").status_code == 401


def test_superusers_make_keys_in_the_admin_and_see_them_once(client, people, django_user_model):
    admin = django_user_model.objects.create_superuser("quantri", password=None)
    client.force_login(admin)
    response = client.post(reverse("admin:api_token_add"), {"user": people["mar"].pk}, follow=True)
    assert response.status_code == 200
    message = next(str(m) for m in response.context["messages"] if "Khóa API" in str(m))
    key = message.split(": ", 1)[1].split(" ")[0]
    assert api(Client(), key, "units/").status_code == 200
    listing = client.get(reverse("admin:api_token_changelist")).content.decode()
    assert key not in listing  # shown once, never again


def test_only_superusers_reach_the_keys_in_the_admin(client, people, django_user_model):
    client.force_login(people["province"])
    assert client.get(reverse("admin:api_token_changelist")).status_code == 302
    staff = django_user_model.objects.create_user("nhanvien", password=None, is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:api_token_changelist")).status_code == 403


# --- reading -------------------------------------------------------------------------------------


def test_units_are_the_users_subtree(client, keys):
    codes = lambda response: [unit["code"] for unit in response.json()["results"]]  # noqa: E731
    assert codes(api(client, keys["mar"], "units/")) == ["KT-DH-01"]
    assert codes(api(client, keys["dakha"], "units/")) == ["KT-DH", "KT-DH-01", "KT-DH-02"]
    province = api(client, keys["province"], "units/", data={"kind": "grassroots"})
    assert codes(province) == ["KT-DH-01", "KT-DH-02", "KT-DT-01"]
    page = api(client, keys["province"], "units/", data={"limit": 2, "offset": 1}).json()
    assert page["count"] == 6 and [u["code"] for u in page["results"]] == ["KT-DH", "KT-DH-01"]
    under = api(client, keys["province"], "units/", data={"under": "KT-DT"})
    assert codes(under) == ["KT-DT", "KT-DT-01"]
    unit = api(client, keys["dakha"], "units/KT-DH-02/").json()
    assert unit == {
        "code": "KT-DH-02",
        "name": "CĐCS Trường Tiểu học Nguyễn Huệ",
        "kind": "grassroots",
        "kind_label": "Công đoàn cơ sở",
        "parent_code": "KT-DH",
        "depth": 3,
        "email": "kt-dh-02@example.vn",
    }


@pytest.mark.parametrize(
    "who, path, params",
    [
        ("dakha", "units/KT/", {}),  # its parent
        ("dakha", "units/KT-DT/", {}),  # a sibling
        ("mar", "units/KT-DH-02/", {}),  # a sibling, for a plain writer
        ("other", "units/KT/", {}),  # another province
        ("province", "units/", {"under": "GL"}),
    ],
)
def test_units_out_of_sight_are_not_found(client, keys, who, path, params):
    response = api(client, keys[who], path, data=params)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_bad_parameters_are_refused_in_vietnamese(client, keys):
    for params in ({"limit": "0"}, {"limit": "nhiều"}, {"offset": "-1"}, {"kind": "xã"}):
        response = api(client, keys["province"], "units/", data=params)
        assert response.status_code == 400, params
        assert response.json()["error"]["code"] == "invalid_parameter"
    assert (
        "Tham số limit phải là số nguyên"
        in api(client, keys["province"], "units/", data={"limit": "0"}).json()["error"]["message"]
    )


def test_campaigns_and_report_status(client, keys, campaign, tree, people):
    listed = api(client, keys["mar"], "campaigns/").json()
    assert [c["slug"] for c in listed["results"]] == [SLUG]
    assert api(client, keys["other"], "campaigns/").json()["count"] == 0
    assert api(client, keys["other"], f"campaigns/{SLUG}/").status_code == 404
    detail = api(client, keys["mar"], f"campaigns/{SLUG}/").json()
    assert detail["deadline"] == "2030-12-31" and detail["root_unit"] == "KT"
    members = next(i for i in detail["indicators"] if i["code"] == "members")
    assert members["type"] == "count" and not members["derived"]

    report = Report.objects.get(campaign=campaign, unit=tree.cdcs_dh1)
    actions.submit(report, people["mar"], report.version)
    reports = api(client, keys["dakha"], f"campaigns/{SLUG}/reports/").json()
    assert [(r["unit_code"], r["status"]) for r in reports["results"]] == [
        ("KT-DH", "draft"),
        ("KT-DH-01", "submitted"),
        ("KT-DH-02", "draft"),
    ]
    submitted = api(
        client, keys["dakha"], f"campaigns/{SLUG}/reports/", data={"status": "submitted"}
    )
    assert [r["unit_code"] for r in submitted.json()["results"]] == ["KT-DH-01"]
    own = api(client, keys["mar"], f"campaigns/{SLUG}/reports/KT-DH-01/").json()
    assert own["status"] == "submitted" and own["status_label"] == "Đã gửi"
    assert own["submitted_at"] and own["editable"] is False
    assert api(client, keys["dakha"], f"campaigns/{SLUG}/reports/KT-DH/").json()["editable"]
    assert api(client, keys["mar"], f"campaigns/{SLUG}/reports/KT-DH-02/").status_code == 404


# --- writing ---------------------------------------------------------------------------------------


def test_a_figure_is_saved_through_the_same_action_as_the_page(client, keys, campaign, people):
    response = api(client, keys["dakha"], value_path("KT-DH"), "put", {"value": "1.234"})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "code": "members",
        "year": 2017,
        "value": 1234,
        "raw": "1.234",
        "note": "",
    }
    stored = IndicatorValue.objects.get(code="members", year=2017)
    assert stored.raw == "1.234" and stored.updated_by == people["dakha"]
    assert IndicatorChange.objects.filter(code="members").count() == 1
    entry = AuditEntry.objects.get(action="indicator.save")
    assert entry.actor == people["dakha"] and entry.ip_address == "127.0.0.1"
    got = api(client, keys["dakha"], value_path("KT-DH")).json()
    assert got["value"] == 1234 and got["raw"] == "1.234" and got["updated_at"]


def test_json_numbers_are_read_as_numbers_not_as_vietnamese_text(client, keys, campaign):
    """12.5 in JSON is twelve and a half; typed as "12.5" on the page it would be 125."""
    money = next(i.code for i in campaign.catalogue.indicators if i.type == "money")
    response = api(client, keys["dakha"], value_path("KT-DH", money), "put", {"value": 12.5})
    assert response.status_code == 200, response.content
    assert response.json()["value"] == 12.5 and response.json()["raw"] == "12,5"
    whole = api(client, keys["dakha"], value_path("KT-DH"), "put", {"value": 1234567})
    assert whole.json()["raw"] == "1.234.567"


def test_clearing_a_figure(client, keys, campaign):
    api(client, keys["dakha"], value_path("KT-DH"), "put", {"value": 5})
    response = api(client, keys["dakha"], value_path("KT-DH"), "put", {"value": None})
    assert response.status_code == 200 and response.json()["value"] is None
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize(
    "body, message",
    [
        ({"value": "ba trăm"}, ""),
        ({"value": "12,5"}, "là số đếm, không có phần thập phân"),
        ({"value": True}, "Giá trị phải là một số, một chuỗi hoặc null"),
        ({"value": [1]}, "Giá trị phải là một số, một chuỗi hoặc null"),
        ({"gia_tri": 1}, 'Hãy gửi {"value": ...}'),
        ([1], 'Hãy gửi {"value": ...}'),
    ],
)
def test_refused_figures_say_why_in_vietnamese(client, keys, campaign, body, message):
    response = api(client, keys["dakha"], value_path("KT-DH"), "put", body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert message in response.json()["error"]["message"]
    assert not IndicatorValue.objects.exists()


def test_what_the_page_refuses_the_api_refuses(client, keys, campaign, tree, people):
    # a derived ratio, a year outside the campaign, an unknown indicator
    ratio = next(i.code for i in campaign.catalogue.indicators if i.derived)
    assert (
        "được tính tự động"
        in api(client, keys["dakha"], value_path("KT-DH", ratio), "put", {"value": 1}).json()[
            "error"
        ]["message"]
    )
    assert (
        api(client, keys["dakha"], value_path("KT-DH", year=2016), "put", {"value": 1}).status_code
        == 404
    )
    assert (
        api(client, keys["dakha"], value_path("KT-DH", "khong_co"), "put", {"value": 1}).status_code
        == 400
    )
    # a reviewer of the unit above may read, not write; another unit's writer may not even see
    response = api(client, keys["province"], value_path("KT-DH"), "put", {"value": 1})
    assert response.status_code == 403
    assert "Chỉ người viết báo cáo của đơn vị" in response.json()["error"]["message"]
    assert api(client, keys["mar"], value_path("KT-DH"), "put", {"value": 1}).status_code == 404
    # a submitted report is not writable
    report = Report.objects.get(campaign=campaign, unit=tree.dakha)
    actions.submit(report, people["dakha"], report.version)
    response = api(client, keys["dakha"], value_path("KT-DH"), "put", {"value": 1})
    assert response.status_code == 400 and "không thể sửa" in response.json()["error"]["message"]


def test_wrong_content_type_and_broken_json(client, keys, campaign):
    path = f"/api/{value_path('KT-DH')}"
    auth = {"HTTP_AUTHORIZATION": f"Token {keys['dakha']}"}
    form = client.put(path, "value=1", content_type="application/x-www-form-urlencoded", **auth)
    assert form.status_code == 415
    broken = client.put(path, "{value", content_type="application/json", **auth)
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "invalid_json"
    nan = client.put(path, '{"value": NaN}', content_type="application/json", **auth)
    assert nan.status_code == 400


def test_several_figures_at_once_all_or_nothing(client, keys, campaign):
    path = f"campaigns/{SLUG}/reports/KT-DH/indicators/"
    good = [
        {"code": "workers", "year": 2017, "value": 30},
        {"code": "members", "year": 2017, "value": "28"},
    ]
    response = api(client, keys["dakha"], path, "post", {"values": good})
    assert response.status_code == 200, response.content
    assert [s["value"] for s in response.json()["saved"]] == [30, 28]
    bad = [
        {"code": "workers", "year": 2017, "value": 31},
        {"code": "members", "year": 2017, "value": "hai mươi"},
        {"code": "members", "year": "2017", "value": 1},
    ]
    response = api(client, keys["dakha"], path, "post", {"values": bad})
    assert response.status_code == 400
    error = response.json()["error"]
    assert "Chưa lưu số liệu nào: 2 số liệu không hợp lệ" in error["message"]
    assert [item["index"] for item in error["items"]] == [1, 2]
    values = api(client, keys["dakha"], path).json()["values"]
    assert {(v["code"], v["value"]) for v in values} == {("workers", 30), ("members", 28)}
    assert api(client, keys["dakha"], path, "post", {"values": []}).status_code == 400


def test_token_requests_need_no_csrf_token(keys, campaign):
    client = Client(enforce_csrf_checks=True)
    response = api(client, keys["dakha"], value_path("KT-DH"), "put", {"value": 7})
    assert response.status_code == 200


def test_other_methods_and_addresses_answer_in_json(client, keys, campaign):
    response = api(client, keys["dakha"], "units/", "delete")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    options = api(client, None, value_path("KT-DH"), "options")
    assert options.status_code == 204 and options["Allow"] == "GET, PUT, HEAD, OPTIONS"
    for path in ("khong-co/", "campaigns/a/b/c/d/e/f/g/", f"{value_path('KT-DH')[:-1]}/x/"):
        response = api(client, keys["dakha"], path)
        assert response.status_code == 404 and response["Content-Type"] == "application/json"


def test_the_openapi_document_is_public_and_valid(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"] == "3.1.0"
    import schemathesis

    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok().label for result in schema.get_all_operations()]
    assert "PUT /campaigns/{slug}/reports/{unit_code}/indicators/{code}/{year}/" in operations
    assert len(operations) == 11
