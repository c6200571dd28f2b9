"""Error answers as production gives them (DEBUG off): the site's own Vietnamese pages with the
VI/EN switch, the view's own message when it wrote one for the person, a fragment for htmx,
JSON under /api/, and a 500 page that needs neither the database nor the user."""

import json
import re

import pytest
from django.conf import settings as django_settings
from django.test import Client

from .crashing_urls import BUG
from .outage import database_unreachable

pytestmark = pytest.mark.django_db

SWITCH = re.compile(r'<form class="lang" method="post" action="/ngon-ngu/">')


@pytest.fixture
def crashing(settings):
    settings.ROOT_URLCONF = "web.crashing_urls"


def page(response) -> str:
    text = response.content.decode()
    assert SWITCH.search(text), "not a page of the site (no language switch)"
    return text


def test_an_unknown_address_is_the_sites_vietnamese_404(officer_client):
    response = officer_client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    text = page(response)
    assert "<h1>Không tìm thấy</h1>" in text
    assert "Không có trang này. Hãy kiểm tra lại địa chỉ, hoặc về trang chủ." in text
    assert "Not Found" not in text


def test_the_views_own_404_message_is_shown(officer_client):
    response = officer_client.get("/don-vi/xuat.csv?ma=KHONG-CO")
    assert response.status_code == 404
    assert "Không có đơn vị này." in page(response)


def test_djangos_english_404_message_for_developers_is_not_shown(officer_client):
    response = officer_client.get("/de-cuong/khong-co-de-cuong-nay/")
    assert response.status_code == 404
    text = page(response)
    assert "matches the given query" not in text
    assert "Không có trang này." in text


def test_the_error_page_follows_the_language_switch(officer_client):
    officer_client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    text = page(officer_client.get("/khong-co-trang-nay/"))
    assert '<html lang="en">' in text
    assert re.search(r'value="en" lang="en"\s+aria-current="true"', text)


def test_a_refusal_is_the_sites_vietnamese_403(officer_client):
    response = officer_client.get("/don-vi/nhap/")
    assert response.status_code == 403
    text = page(response)
    assert "<h1>Không làm được việc này</h1>" in text
    assert "Tài khoản của bạn không có quyền làm việc này." in text


def test_an_oversized_body_is_the_sites_vietnamese_400(client):
    body = {"username": "x", "password": "a" * django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
    response = client.post("/dang-nhap/", body)
    assert response.status_code == 400
    text = page(response)
    assert "<h1>Yêu cầu không hợp lệ</h1>" in text
    assert (
        "Máy chủ không nhận được yêu cầu này: dữ liệu gửi lên quá lớn hoặc sai dạng. Hãy quay "
        "lại trang trước và thử lại."
    ) in text


def test_a_stale_form_gets_a_vietnamese_csrf_page(officer):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/dang-nhap/", {"username": "canbo", "password": "x"})
    assert response.status_code == 403
    assert (
        "Trang này đã mở quá lâu hoặc từ trước khi bạn đăng nhập lại nên không gửi được. Hãy tải "
        "lại trang rồi làm lại."
    ) in page(response)


def test_a_bug_is_a_vietnamese_500_page_with_the_request_id(crashing, officer):
    browser = Client(raise_request_exception=False)
    browser.force_login(officer)
    response = browser.get("/thu-loi/KT-DH-01/", HTTP_X_REQUEST_ID="ma-loi-thu-0001")
    assert response.status_code == 500
    assert response["X-Request-ID"] == "ma-loi-thu-0001"
    text = page(response)
    assert "<h1>Máy chủ gặp lỗi</h1>" in text
    assert (
        "Đã có lỗi khi xử lý yêu cầu này, và lỗi đã được ghi lại cho quản trị. Những gì đã lưu "
        "trước đó không mất. Hãy thử lại sau ít phút; nếu vẫn lỗi, hãy báo quản trị kèm mã lỗi "
        "dưới đây."
    ) in text
    assert "Mã lỗi (để báo quản trị): ma-loi-thu-0001" in text
    assert '<a class="button button--quiet" href="/">Về trang chủ</a>' in text
    assert BUG not in text and "Traceback" not in text


@pytest.mark.django_db(transaction=True)
def test_the_500_page_needs_neither_the_database_nor_the_user(crashing, officer):
    """A signed-in person's session would need the database to know who they are: the page
    is shown all the same, with the switch, when the database is out of reach."""
    browser = Client(raise_request_exception=False)
    browser.force_login(officer)
    with database_unreachable():
        response = browser.get("/thu-loi-cong-khai/")
    assert response.status_code == 500
    text = page(response)
    assert "<h1>Máy chủ gặp lỗi</h1>" in text
    assert "canbo" not in text  # the user was not loaded


def test_the_500_page_answers_even_when_it_cannot_be_rendered(crashing, settings, tmp_path):
    """A deployment that forgot collectstatic: the page's {% static %} fails; the answer is
    still a short Vietnamese page with the request id, and the failure is logged."""
    manifest = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": manifest}}
    settings.STATIC_ROOT = tmp_path
    response = Client(raise_request_exception=False).get(
        "/thu-loi-cong-khai/", HTTP_X_REQUEST_ID="ma-loi-du-phong-01"
    )
    assert response.status_code == 500
    text = response.content.decode()
    assert "<h1>Máy chủ gặp lỗi</h1>" in text
    assert "Mã lỗi (để báo quản trị): ma-loi-du-phong-01" in text


def test_htmx_gets_a_fragment_the_editor_shows(crashing, officer):
    browser = Client(raise_request_exception=False)
    browser.force_login(officer)
    response = browser.get("/thu-loi/KT-DH-01/", HTTP_HX_REQUEST="true")
    assert response.status_code == 500
    assert response.content.decode().strip() == (
        '<span class="save-error" role="alert">Chưa lưu được vì máy chủ gặp lỗi (mã lỗi '
        f"{response['X-Request-ID']}). Nội dung vẫn còn trong ô.</span>"
    )


# --- the API answers JSON for every error ------------------------------------------------------


def api_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)["error"]


@pytest.fixture
def writers_key(people) -> str:
    from baocao.apps.api.models import Token

    return Token.issue(people["school_writer"])[1]


def post_values(client, school, key: str, body: str):
    return client.post(
        f"/api/campaigns/{school.campaign.slug}/reports/{school.unit.code}/indicators/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )


def test_deeply_nested_json_is_a_json_400(client, school, writers_key):
    response = post_values(client, school, writers_key, "[" * 100_000 + "]" * 100_000)
    assert api_error(response, 400) == {
        "code": "invalid_json",
        "message": "Nội dung JSON lồng nhau quá sâu; hãy gửi dữ liệu phẳng hơn.",
    }


def test_an_oversized_api_body_is_a_json_400(client, school, writers_key):
    body = "x" * (django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = post_values(client, school, writers_key, body)
    assert api_error(response, 400)["code"] == "bad_request"


def test_a_bug_under_the_api_is_a_json_500(crashing):
    response = Client(raise_request_exception=False).get(
        "/api/thu-loi/", HTTP_X_REQUEST_ID="ma-loi-api-0001"
    )
    error = api_error(response, 500)
    assert error["code"] == "server_error"
    assert error["message"] == "Máy chủ gặp lỗi; lỗi đã được ghi lại. Mã lỗi: ma-loi-api-0001."
