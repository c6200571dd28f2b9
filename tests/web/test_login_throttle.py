"""Login throttling: too many wrong passwords lock a login name (and, at a higher count, an
address) for a while, with a Vietnamese message saying when to try again; both login forms."""

import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from baocao.apps.logins.models import LoginFailure
from baocao.web import throttle
from baocao.web.client_ip import client_ip

from .live_http import Browser

pytestmark = pytest.mark.django_db

RIGHT = "mat-khau-dung-roi"
WRONG = "mat-khau-sai-roi"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def chair(django_user_model):
    return django_user_model.objects.create_user("chutich", password=RIGHT)


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, moved by hand."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(throttle.time, "time", lambda: now[0])
    return now


def log_in(client, username, password, address="203.0.113.7", **extra):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_name_even_for_the_right_password(client, chair, clock):
    for _ in range(5):
        response = log_in(client, "chutich", WRONG)
        assert response.status_code == 200  # the usual "wrong name or password"
    response = log_in(client, "chutich", RIGHT)
    assert response.status_code == 429
    assert not logged_in(client)
    text = response.content.decode()
    assert "Đã nhập sai mật khẩu quá nhiều lần với tên đăng nhập này" in text
    assert re.search(r"Hãy thử lại lúc \d\d:\d\d \(khoảng 15 phút nữa\)", text)


def test_the_lock_ends_when_the_window_has_passed(client, chair, clock):
    for _ in range(5):
        log_in(client, "chutich", WRONG)
    clock[0] += 14 * 60
    assert log_in(client, "chutich", RIGHT).status_code == 429
    clock[0] += 61
    response = log_in(client, "chutich", RIGHT)
    assert response.status_code == 302 and logged_in(client)


def test_refused_attempts_do_not_extend_the_lock(client, chair, clock):
    for _ in range(5):
        log_in(client, "chutich", WRONG)
    for _ in range(10):
        clock[0] += 60
        assert log_in(client, "chutich", WRONG).status_code == 429
    clock[0] += 5 * 60 + 1
    assert log_in(client, "chutich", RIGHT).status_code == 302


def test_failures_spread_over_more_than_the_window_never_lock(client, chair, clock):
    for _ in range(12):
        log_in(client, "chutich", WRONG)
        clock[0] += 4 * 60  # 3 failures per 12 minutes at most
    assert log_in(client, "chutich", RIGHT).status_code == 302


def test_a_successful_login_clears_its_names_count(client, chair, clock):
    for _ in range(4):
        log_in(client, "chutich", WRONG)
    assert log_in(client, "chutich", RIGHT).status_code == 302
    client.logout()
    for _ in range(4):
        log_in(client, "chutich", WRONG)
    assert log_in(client, "chutich", RIGHT).status_code == 302


def test_the_name_is_locked_from_every_address_and_in_any_case(client, chair, clock):
    for number in range(5):
        log_in(client, "ChuTich", WRONG, address=f"198.51.100.{number}")
    assert log_in(client, "chutich", RIGHT, address="192.0.2.1").status_code == 429


def test_an_address_trying_many_names_is_locked_for_every_name(client, chair, clock):
    for number in range(20):
        log_in(client, f"nguoi{number}", WRONG)  # one try each: no name is locked
    response = log_in(client, "chutich", RIGHT)
    assert response.status_code == 429
    assert "Có quá nhiều lần đăng nhập sai từ máy này" in response.content.decode()
    assert log_in(client, "chutich", RIGHT, address="192.0.2.1").status_code == 302


def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(client, chair, clock):
    """Without a trusted proxy an attacker cannot rotate addresses by writing a header."""
    for number in range(20):
        log_in(client, f"nguoi{number}", WRONG, HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
    assert log_in(client, "chutich", RIGHT).status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, chair, clock, settings):
    settings.BAOCAO_TRUSTED_PROXIES = ["10.0.0.0/8"]
    for number in range(20):
        log_in(client, f"nguoi{number}", WRONG, "10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9")
    locked = log_in(client, "chutich", RIGHT, "10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert locked.status_code == 429
    other = log_in(client, "chutich", RIGHT, "10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.10")
    assert other.status_code == 302


def test_the_admin_login_is_throttled_too(client, django_user_model, clock):
    django_user_model.objects.create_superuser("quantri", password=RIGHT)
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "quantri", "password": WRONG}, REMOTE_ADDR="192.0.2.5")
    response = client.post(url, {"username": "quantri", "password": RIGHT}, REMOTE_ADDR="192.0.2.5")
    assert "quá nhiều lần" in response.content.decode()
    assert not logged_in(client)


def test_the_right_password_refused_by_the_admin_does_not_count(client, chair, clock):
    """Not staff: the admin says no, but the password was right, so nothing is counted."""
    for _ in range(6):
        client.post(reverse("admin:login"), {"username": "chutich", "password": RIGHT})
    assert LoginFailure.objects.count() == 0
    assert log_in(client, "chutich", RIGHT).status_code == 302


def test_the_counts_live_in_the_shared_database(chair, clock):
    """Every worker process of gunicorn must see the same counts: rows, not a per-process cache;
    an attempt is counted before its password is checked, and a success takes its rows back."""
    attempt = throttle.begin("chutich", "192.0.2.8")
    assert isinstance(attempt, throttle.Attempt)
    assert LoginFailure.objects.count() == 2  # one row per counter: the name and the address
    throttle.succeeded(attempt)
    assert LoginFailure.objects.count() == 0


def test_old_failures_leave_the_table(client, chair, clock):
    for number in range(3):
        log_in(client, f"nguoi{number}", WRONG)
    assert LoginFailure.objects.count() == 6
    clock[0] += 15 * 60 + 1
    log_in(client, "khac", WRONG)
    assert LoginFailure.objects.count() == 2  # only the new attempt's


@pytest.mark.parametrize(
    "remote, forwarded, trusted, expected",
    [
        ("203.0.113.7", "", [], "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", [], "203.0.113.7"),
        ("10.0.0.2", "198.51.100.1", ["10.0.0.0/8"], "198.51.100.1"),
        # a client that writes its own header: the proxy appends the real address last
        ("10.0.0.2", "1.2.3.4, 198.51.100.1", ["10.0.0.0/8"], "198.51.100.1"),
        # two proxies in a row
        ("10.0.0.2", "198.51.100.1, 10.0.0.3", ["10.0.0.0/8"], "198.51.100.1"),
        ("10.0.0.2", "rác", ["10.0.0.0/8"], "10.0.0.2"),
        ("203.0.113.7", "198.51.100.1", ["10.0.0.0/8"], "203.0.113.7"),
        ("::1", "2001:db8::5", ["::1"], "2001:db8::5"),
    ],
)
def test_client_ip(rf, settings, remote, forwarded, trusted, expected):
    settings.BAOCAO_TRUSTED_PROXIES = trusted
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


# --- Real parallel HTTP: the count is taken before the slow password check -------------------


@pytest.mark.django_db(transaction=True)
def test_sixteen_wrong_passwords_sent_at_once_get_only_five_checked(live_server, settings):
    """Each answer is either the plain "wrong password" (the password was checked) or 429
    (refused unchecked): with the count taken before hashing, exactly five are checked."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # slow
    get_user_model().objects.create_user("chutich", password=RIGHT)
    browser = Browser(live_server.url)
    form = {
        "username": "chutich",
        "password": WRONG,
        "csrfmiddlewaretoken": browser.cookies[settings.CSRF_COOKIE_NAME],
    }
    start = threading.Barrier(16)

    def attempt():
        start.wait(timeout=10)
        return browser.post(reverse("login"), form).status

    with ThreadPoolExecutor(16) as pool:
        statuses = Counter(pool.map(lambda _n: attempt(), range(16)))
    assert statuses == {200: 5, 429: 11}
    # The name stays locked for the right password too, and nothing more was counted.
    assert browser.post(reverse("login"), {**form, "password": RIGHT}).status == 429
    assert LoginFailure.objects.count() == 5 * 2  # each checked attempt: name and address
