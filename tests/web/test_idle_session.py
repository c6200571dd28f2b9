"""Shared office computers: a session unused for BAOCAO_IDLE_MINUTES ends, and the login page
says why; one in use lives on (up to the 14-day cap)."""

import time

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from baocao.web import middleware

pytestmark = pytest.mark.django_db

MESSAGE = "Phiên làm việc đã kết thúc vì không dùng trong 240 phút. Hãy đăng nhập lại."


@pytest.fixture
def clock(monkeypatch):
    """The idle timeout's clock, moved by hand from the real time (logins stamp that)."""
    now = [time.time()]
    monkeypatch.setattr(middleware.time, "time", lambda: now[0])
    return now


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_default_is_a_few_hours_on_top_of_the_14_day_cap():
    assert django_settings.BAOCAO_IDLE_MINUTES == 240
    assert django_settings.SESSION_COOKIE_AGE == 14 * 24 * 3600


def test_an_idle_session_ends_and_the_login_page_says_why(officer_client, clock):
    assert officer_client.get(reverse("home")).status_code == 200
    clock[0] += 240 * 60 + 1
    response = officer_client.get(reverse("campaigns:list"))
    assert response.status_code == 302
    assert response["Location"] == "/dang-nhap/?next=/dot-bao-cao/"
    assert not signed_in(officer_client)
    login_page = officer_client.get(response["Location"]).content.decode()
    assert MESSAGE in login_page


def test_a_session_in_use_lives_on(officer_client, clock):
    for _ in range(10):  # ten hours, a request every 200 minutes
        assert officer_client.get(reverse("home")).status_code == 200
        clock[0] += 200 * 60
    assert signed_in(officer_client)


def test_an_autosave_after_the_timeout_is_told_and_nothing_is_saved(school, client, people, clock):
    from baocao.apps.campaigns.models import SectionText

    client.force_login(people["school_writer"])
    url = reverse("campaigns:section_save", args=[school.campaign.slug, school.unit.code, "P1/I/1"])
    assert client.get(reverse("home")).status_code == 200
    clock[0] += 241 * 60
    response = client.post(
        url, {"text": "Gõ sau giờ nghỉ trưa", "base_version": 0}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 401
    assert response.content.decode().strip() == (
        f'<span class="save-error" role="alert">{MESSAGE} Nội dung vẫn còn trong ô.</span>'
    )
    assert not SectionText.objects.filter(report=school).exists()


def test_the_session_is_not_rewritten_on_every_request(officer_client, clock):
    """The login stamped it; then at most one write a minute, however many requests."""
    cookie = django_settings.SESSION_COOKIE_NAME
    for _ in range(3):
        clock[0] += 15
        assert cookie not in officer_client.get(reverse("home")).cookies
    clock[0] += middleware.STAMP_EVERY
    assert cookie in officer_client.get(reverse("home")).cookies


def test_zero_minutes_means_no_idle_timeout(officer_client, clock, settings):
    settings.BAOCAO_IDLE_MINUTES = 0
    officer_client.get(reverse("home"))
    clock[0] += 13 * 24 * 3600
    assert officer_client.get(reverse("home")).status_code == 200
