"""/healthz for a reverse proxy or an orchestrator: JSON, no login, 200 only when the database
answers and every migration is applied, 503 with what is wrong otherwise."""

import pytest
from django.core.management import call_command
from django.test import Client

from .outage import database_unreachable

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_healthy_site_answers_200_without_a_login():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_an_unreachable_database_is_503():
    with database_unreachable():
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert response.json() == {
        "status": "unavailable",
        "database": "unreachable",
        "migrations": "unknown",
    }


def test_a_migration_not_applied_is_503():
    call_command("migrate", "logins", "zero", verbosity=0)
    try:
        response = Client().get("/healthz")
    finally:
        call_command("migrate", "logins", verbosity=0)
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "migrations": "1 pending: logins.0001_login_failures",
    }


def test_the_check_is_not_sent_to_https(settings):
    """A proxy asks over plain HTTP on the machine itself: no redirect, whatever HTTPS says."""
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/healthz").status_code == 200
    assert Client().get("/dang-nhap/").status_code == 301
