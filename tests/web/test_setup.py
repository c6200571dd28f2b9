"""Installing the site: built-in outlines, demo accounts, migrations, local formats."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import formats, translation
from typer.testing import CliRunner

from baocao.apps.outlines.models import OutlineDocument
from baocao.apps.outlines.services import install_builtin_outlines
from baocao.cli import app
from baocao.outline.builtin import DEFAULT_SLUG, builtin_slugs, builtin_yaml

pytestmark = pytest.mark.django_db


def test_install_builtin_outlines_is_idempotent():
    first = install_builtin_outlines()
    assert {status for _, status in first} == {"created"}
    assert {status for _, status in install_builtin_outlines()} == {"unchanged"}
    assert OutlineDocument.objects.filter(builtin=True).count() == len(builtin_slugs())


def test_install_builtin_outlines_repairs_an_edited_copy():
    install_builtin_outlines()
    OutlineDocument.objects.filter(slug=DEFAULT_SLUG).update(yaml_text="title: cũ\nsections: []\n")
    statuses = dict((doc.slug, status) for doc, status in install_builtin_outlines())
    assert statuses[DEFAULT_SLUG] == "updated"
    assert OutlineDocument.objects.get(slug=DEFAULT_SLUG).yaml_text == builtin_yaml(DEFAULT_SLUG)


def test_demo_command_creates_logins_and_is_safe_to_rerun(django_user_model, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    runner = CliRunner()
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    assert "baocao-demo" in result.output
    admin = django_user_model.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("baocao-admin")
    tinh = django_user_model.objects.get(username="tinh")
    assert not tinh.is_staff and tinh.check_password("baocao-demo")
    assert OutlineDocument.objects.filter(slug=DEFAULT_SLUG).exists()

    again = runner.invoke(app, ["demo"])
    assert again.exit_code == 0, again.output
    assert django_user_model.objects.filter(username__in=["admin", "tinh"]).count() == 2


def test_migrations_are_complete():
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)


def test_vietnamese_formats_dates_and_numbers_as_officers_write_them():
    with translation.override("vi"):
        assert formats.date_format(datetime.date(2018, 1, 5), "SHORT_DATE_FORMAT") == "05/01/2018"
        assert formats.date_format(datetime.date(2018, 1, 5)) == "05/01/2018"
        assert formats.number_format(1234.5, decimal_pos=1, use_l10n=True) == "1.234,5"


def test_browser_asking_for_english_still_gets_vietnamese(client):
    html = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in html and "Đăng nhập" in html


def test_english_is_one_click_away(client):
    response = client.post("/ngon-ngu/", {"language": "en", "next": "/dang-nhap/"})
    assert response.status_code == 302
    html = client.get("/dang-nhap/").content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html and "Sample data (synthetic)" in html
