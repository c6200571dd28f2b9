"""The operator's log: a 500 leaves its traceback on stderr, one JSON object per line, with the
request's id, user and unit; every answer carries its request id."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client

from .crashing_urls import BUG

TESTS = Path(__file__).resolve().parents[1]

# Run in a process of its own with production settings, so what is checked is what reaches the
# real stderr through settings.LOGGING, not what a test harness captured.
SCRIPT = """
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
client = Client(raise_request_exception=False)
client.force_login(get_user_model().objects.get(username="canbo"))
# The static files as sources: no collectstatic (and its manifest) for this process.
storages = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(ROOT_URLCONF="web.crashing_urls", STORAGES=storages):
    response = client.get("/thu-loi/KT-DH-01/", HTTP_X_REQUEST_ID="ma-loi-nhat-ky-0001")
print(response.status_code, response["X-Request-ID"])
"""


def _database_url() -> str:
    """DATABASE_URL for another process: the database this test runs on."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    return urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()


@pytest.mark.django_db(transaction=True)
def test_a_500_writes_its_traceback_to_stderr_as_one_json_line(officer, tmp_path):
    keep = {k: v for k, v in os.environ.items() if not k.startswith("BAOCAO_")}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env={
            **keep,
            "DJANGO_SETTINGS_MODULE": "baocao.web.settings",
            "PYTHONPATH": str(TESTS),
            "DATABASE_URL": _database_url(),
            "BAOCAO_DEBUG": "0",
            "BAOCAO_SECRET_KEY": "nhat-ky-thu-khong-phai-bi-mat-" + "x" * 40,
            "BAOCAO_ALLOWED_HOSTS": "testserver",
            "BAOCAO_HTTPS": "0",
            "BAOCAO_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["500", "ma-loi-nhat-ky-0001"], result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    (error,) = [line for line in lines if line["level"] == "ERROR"]
    assert error["logger"] == "django.request"
    assert error["message"] == "Internal Server Error: /thu-loi/KT-DH-01/"
    assert error["request_id"] == "ma-loi-nhat-ky-0001"
    assert error["user"] == "canbo"
    assert error["unit"] == "KT-DH-01"
    assert error["status_code"] == 500
    assert error["exc"].startswith("Traceback (most recent call last):")
    assert error["exc"].endswith(f"RuntimeError: {BUG}")


@pytest.mark.django_db
@pytest.mark.parametrize("given", ["", "xin chào", "a" * 65, "ab\r\nX-Evil: 1", "ngan"])
def test_a_missing_or_odd_request_id_is_replaced(client, given):
    response = client.get("/dang-nhap/", HTTP_X_REQUEST_ID=given)
    made = response["X-Request-ID"]
    assert made != given and len(made) == 32 and int(made, 16) >= 0


@pytest.mark.django_db
def test_a_proxys_request_id_is_kept(client):
    given = "5f0c6a1e9d2b4c7a8e3f1b2c3d4e5f60"  # as nginx's $request_id
    assert client.get("/dang-nhap/", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given


@pytest.mark.django_db
def test_two_requests_get_two_ids():
    ids = {Client().get("/dang-nhap/")["X-Request-ID"] for _ in range(2)}
    assert len(ids) == 2
