"""English through the VI/EN switch: the real set_language view turns the campaign list, a
report page, the dashboard, the password change pages and the login lock-out into English;
without the switch Vietnamese stays the default. The API answers in the language its client's
Accept-Language asks for. The English catalogue has no untranslated or fuzzy entry, keeps every
placeholder, and the committed .mo is compiled from the committed .po."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"


def test_switching_to_english_translates_campaign_pages(client, tree, people, campaign):
    client.force_login(people["province"])
    pages = {
        "list": reverse("campaigns:list"),
        "report": reverse("campaigns:report", args=[campaign.slug, tree.cdcs_dh1.code]),
        "dashboard": reverse("campaigns:detail", args=[campaign.slug]),
    }

    def html(name):
        response = client.get(pages[name])
        assert response.status_code == 200
        return response.content.decode()

    # Vietnamese is the default, without any switch.
    assert "Theo dõi tiến độ" in html("list")
    assert "Tiến độ gửi báo cáo" in html("dashboard")
    assert "Báo cáo chưa được gửi lần nào." in html("report")

    response = client.post(reverse("set_language"), {"language": "en", "next": pages["list"]})
    assert response.status_code == 302

    campaign_list = html("list")
    assert 'lang="en"' in campaign_list
    assert "Track progress" in campaign_list
    dashboard = html("dashboard")
    assert "Submission progress" in dashboard
    assert "Send reminders" in dashboard or "Overview" in dashboard
    assert "Tiến độ gửi báo cáo" not in dashboard
    report = html("report")
    assert "The report has never been submitted." in report
    assert "Báo cáo chưa được gửi lần nào." not in report


def switch_to_english(client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302


def test_password_change_pages_in_english(client, django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    officer = django_user_model.objects.create_user("chutich", password="mat-khau-cu-123")
    client.force_login(officer)
    url = reverse("password_change")
    too_short = {
        "old_password": "mat-khau-cu-123",
        "new_password1": "ngan",
        "new_password2": "ngan",
    }

    vietnamese = client.post(url, too_short).content.decode()
    assert "Đổi mật khẩu" in vietnamese
    assert "Mật khẩu này quá ngắn" in vietnamese  # the validators' messages follow the language

    switch_to_english(client)
    page = client.get(url).content.decode()
    assert 'lang="en"' in page
    assert "<h1>Change password</h1>" in page
    assert "Old password" in page and "New password confirmation" in page
    assert "Đổi mật khẩu" not in page
    refused = client.post(url, too_short).content.decode()
    assert "This password is too short. It must contain at least 10 characters." in refused
    assert "Mật khẩu này quá ngắn" not in refused

    new = "mot-mat-khau-moi-dai"
    changed = {"old_password": "mat-khau-cu-123", "new_password1": new, "new_password2": new}
    response = client.post(url, changed, follow=True)
    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    done = response.content.decode()
    assert "<h1>Password changed</h1>" in done
    assert "The new password takes effect from your next login" in done
    assert "Đã đổi mật khẩu" not in done


def test_login_lock_out_in_english(client, django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.BAOCAO_LOGIN_THROTTLE = {"window": 15 * 60, "per_username": 5, "per_address": 8}
    django_user_model.objects.create_user("chutich", password="mat-khau-dung-roi")
    switch_to_english(client)  # on the login page, before logging in
    login = reverse("login")

    def log_in(username, password, address="203.0.113.7"):
        data = {"username": username, "password": password}
        return client.post(login, data, REMOTE_ADDR=address)

    for _ in range(5):
        assert log_in("chutich", "mat-khau-sai-roi").status_code == 200
    response = log_in("chutich", "mat-khau-dung-roi")
    assert response.status_code == 429
    text = response.content.decode()
    assert "A wrong password has been entered too many times for this username" in text
    assert re.search(r"Try again at \d\d:\d\d \(in about 15 min\)", text)
    assert "contact your unit&#x27;s administrator" in text
    assert "quá nhiều lần" not in text

    for number in range(3):  # 5 + 3 failures from one address: the address is locked
        log_in(f"nguoi{number}", "mat-khau-sai-roi")
    text = log_in("nguoi-khac", "mat-khau-sai-roi").content.decode()
    assert "There have been too many failed logins from this computer" in text
    assert "quá nhiều lần" not in text


def test_api_messages_follow_accept_language(client):
    """A program has no VI/EN switch: the API answers in English when Accept-Language asks for
    it, in Vietnamese otherwise; the error code never changes."""
    missing = "/api/khong-co/"
    vietnamese = client.get(missing)
    assert vietnamese.json()["error"] == {
        "code": "not_found",
        "message": "Không có địa chỉ API này.",
    }
    assert vietnamese["Content-Language"] == "vi"

    english = client.get(missing, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert english.json()["error"] == {"code": "not_found", "message": "No such API address."}
    assert english["Content-Language"] == "en"
    assert "Accept-Language" in english["Vary"]

    refused = client.get(reverse("api:units"), HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthenticated"
    assert refused.json()["error"]["message"].startswith("Missing or invalid API key.")
    # A language the site does not have falls back to Vietnamese.
    french = client.get(missing, HTTP_ACCEPT_LANGUAGE="fr-FR")
    assert french.json()["error"]["message"] == "Không có địa chỉ API này."


# --- the catalogue itself -------------------------------------------------------------------


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file as gettext writes it (one blank line between entries), the
    header and obsolete `#~` entries left out: flags, msgid, msgid_plural (None when none) and
    msgstr (a list: one per plural form)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry = {"flags": set(), "msgid": "", "msgid_plural": None, "msgstr": []}
        field = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
                continue
            if line.startswith("#") or not line.strip():
                continue
            if not line.startswith('"'):
                field, _, line = line.partition(" ")
                if field.startswith("msgstr"):
                    entry["msgstr"].append("")
                elif field == "msgid_plural":
                    entry["msgid_plural"] = ""
            text = ast.literal_eval(line)
            if field.startswith("msgstr"):
                entry["msgstr"][-1] += text
            else:
                entry[field] += text
        if entry["msgid"]:
            entries.append(entry)
    return entries


def describe(entry: dict) -> str:
    return entry["msgid"][:90]


# %(name)s, a bare %s / %d, and {n} / {}: what the code fills in must be in the English too.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def test_the_english_catalogue_is_complete():
    entries = po_entries(CATALOGUE / "django.po")
    assert len(entries) > 600
    untranslated = [describe(e) for e in entries if not all(s.strip() for s in e["msgstr"])]
    fuzzy = [describe(e) for e in entries if "fuzzy" in e["flags"]]
    assert not untranslated, f"no English for {len(untranslated)} entries: {untranslated}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries to check and unflag: {fuzzy}"


def test_the_english_keeps_every_placeholder():
    for entry in po_entries(CATALOGUE / "django.po"):
        if entry["msgid_plural"] is None:
            assert placeholders(entry["msgstr"][0]) == placeholders(entry["msgid"]), describe(entry)
            continue
        # Plural forms: the English singular may say "one" instead of the count.
        wanted = placeholders(entry["msgid_plural"])
        *singular, plural = entry["msgstr"]
        assert placeholders(plural) == wanted, describe(entry)
        for text in singular:
            assert set(placeholders(text)) <= set(wanted), describe(entry)


def test_the_committed_mo_is_compiled_from_the_po():
    """The site reads the .mo: a translation only in the .po does nothing (msgfmt -o django.mo
    django.po in that directory, or compilemessages, after editing it)."""
    with open(CATALOGUE / "django.mo", "rb") as file:
        compiled = gettext.GNUTranslations(file)._catalog
    expected = {}
    for entry in po_entries(CATALOGUE / "django.po"):
        if "fuzzy" in entry["flags"]:
            continue  # msgfmt leaves them out (and the test above fails on them)
        if entry["msgid_plural"] is None:
            expected[entry["msgid"]] = entry["msgstr"][0]
        else:
            for number, text in enumerate(entry["msgstr"]):
                expected[(entry["msgid"], number)] = text
    compiled = {key: text for key, text in compiled.items() if key != ""}  # the header
    assert compiled == expected
