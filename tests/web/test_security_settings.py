"""Production settings, request limits and the password policy."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.utils import get_random_secret_key
from django.urls import reverse
from django.utils import translation

from baocao.outline.builtin import DEFAULT_SLUG, builtin_yaml
from baocao.outline.serialize import load_yaml

from .samples import PASSWORD

PRODUCTION = {
    "BAOCAO_DEBUG": "0",
    "BAOCAO_SECRET_KEY": get_random_secret_key(),
    "BAOCAO_ALLOWED_HOSTS": "baocao.ldldkontum.vn",
    "BAOCAO_HTTPS": "1",
}


def run_django(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # Neither the developer's BAOCAO_* nor what the browser tests set for themselves.
    leave_out = ("BAOCAO_", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(leave_out)}
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        env={**clean, "DJANGO_SETTINGS_MODULE": "baocao.web.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = run_django("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION, "BAOCAO_SECRET_KEY": ""}
    result = run_django("check", env=env)
    assert result.returncode != 0
    assert "BAOCAO_SECRET_KEY" in result.stderr


def test_the_demo_serves_plain_http_on_the_laptop():
    """`make run`: DEBUG on, no HTTPS redirect, no HSTS, cookies over plain HTTP."""
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
    )
    result = run_django("shell", "--no-imports", "-c", code, env={})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False", "0", "False"]


# --- request limits ----------------------------------------------------------------------------


def test_the_largest_builtin_form_fits_the_field_limit_many_times_over():
    outline = load_yaml(builtin_yaml(DEFAULT_SLUG))
    sections = [section for section, _ in outline.walk()]
    table_fields = max(len(section.indicators) for section in sections) * 2 * 2 + 1
    return_fields = len(sections) + 3
    assert max(table_fields, return_fields) * 10 < django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS


@pytest.mark.django_db
def test_a_flood_of_fields_is_refused(client):
    data = {f"f{number}": "1" for number in range(django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)}
    response = client.post(reverse("login"), {"username": "x", **data})
    assert response.status_code == 400


@pytest.mark.django_db
def test_an_oversized_body_is_refused(client):
    text = "a" * django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = client.post(reverse("login"), {"username": "x", "password": text})
    assert response.status_code == 400


# --- passwords ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password, message",
    [
        ("ngan-qua", "Mật khẩu này quá ngắn. Mật khẩu phải có ít nhất 10 ký tự."),
        ("12345678901234", "Mật khẩu này hoàn toàn là số."),
        ("password1234", "Mật khẩu này quá phổ biến."),
    ],
)
def test_weak_passwords_are_refused_in_vietnamese(password, message):
    with translation.override("vi"), pytest.raises(ValidationError) as raised:
        validate_password(password)
    assert message in raised.value.messages


@pytest.mark.django_db
def test_a_password_like_the_username_is_refused(django_user_model):
    user = django_user_model(username="nguyenvanbinh")
    with translation.override("vi"), pytest.raises(ValidationError) as raised:
        validate_password("nguyenvanbinh1", user)
    assert any(message.startswith("Mật khẩu quá giống") for message in raised.value.messages)


def test_the_demo_passwords_pass_the_policy():
    from baocao.demo.accounts import DEMO_USERS

    for demo in DEMO_USERS:
        validate_password(demo.password)


@pytest.mark.django_db
def test_an_officer_changes_a_password_only_to_a_strong_one(client, django_user_model):
    user = django_user_model.objects.create_user("canbo.doimk", password=PASSWORD)
    client.force_login(user)
    url = reverse("password_change")
    page = client.get(url)
    assert "ít nhất 10 ký tự" in page.content.decode()  # the policy, said before typing
    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": "abc12", "new_password2": "abc12"}
    )
    assert weak.status_code == 200
    assert "Mật khẩu này quá ngắn" in weak.content.decode()
    strong = "Kon-Tum-2017-bao-cao"
    done = client.post(
        url, {"old_password": PASSWORD, "new_password1": strong, "new_password2": strong}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(strong)


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2id_and_older_hashes_move_to_it_at_login(
    client, django_user_model
):
    """Argon2id at OWASP's minimum is the hasher (baocao.apps.orgs.accounts); an account
    hashed with PBKDF2 before logs in as before and leaves with an Argon2id hash."""
    from django.contrib.auth.hashers import make_password

    fresh = django_user_model.objects.create_user("moi_tao", password=PASSWORD)
    assert fresh.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    older = django_user_model.objects.create_user("tu_truoc")
    older.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    older.save()
    response = client.post(reverse("login"), {"username": "tu_truoc", "password": PASSWORD})
    assert response.status_code == 302
    older.refresh_from_db()
    assert older.password.startswith("argon2$argon2id$")
    assert older.check_password(PASSWORD)


@pytest.mark.django_db
def test_the_logout_form_names_the_user_without_thousands_separators(client, django_user_model):
    """logout.js finds the person's unsaved copies by the id in data-user: "12.345" (the
    Vietnamese way of writing 12345) would find none and log out without asking."""
    user = django_user_model.objects.create_user("nhieu_so", password=PASSWORD, id=12345)
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert 'data-user="12345"' in html
