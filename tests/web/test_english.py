"""English through the VI/EN switch: the real set_language view turns the campaign list, a
report page, the dashboard, the password change pages and the login lock-out into English;
without the switch Vietnamese stays the default. The API answers in the language its client's
Accept-Language asks for. The English catalogue has no untranslated or fuzzy entry, keeps every
placeholder, and the committed .mo is compiled from the committed .po. The pages of issue 12 and
13 (home page blocks, notices, closing and reminding, changes since a return, adopting the
consolidated figures, the outline import preview and editor, accounts and password resets) are
walked in English: no Vietnamese is left in them but the user data."""

import ast
import gettext
import re
from html.parser import HTMLParser
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
    header and obsolete `#~` entries left out: flags, msgctxt ("" when none), msgid,
    msgid_plural (None when none) and msgstr (a list: one per plural form)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry = {"flags": set(), "msgctxt": "", "msgid": "", "msgid_plural": None, "msgstr": []}
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
        msgid = f"{entry['msgctxt']}\x04{entry['msgid']}" if entry["msgctxt"] else entry["msgid"]
        if entry["msgid_plural"] is None:
            expected[msgid] = entry["msgstr"][0]
        else:
            for number, text in enumerate(entry["msgstr"]):
                expected[(msgid, number)] = text
    compiled = {key: text for key, text in compiled.items() if key != ""}  # the header
    assert compiled == expected


# --- the pages of this round, walked in English ------------------------------------------------
# With EN chosen, no word with Vietnamese diacritics may be left in what a person reads (text,
# titles, labels, placeholders, the messages the scripts show) except user data: the names of
# units, campaigns, people and outlines, what the outline and the reports say, notices.

VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE
)
PUNCTUATION = " ·,;:()—-–|/“”\"'."
NUMBERED = re.compile(r"^[IVXLC\d]+(?:\.[IVXLC\d]+)+[.:]? ")
SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "data-confirm")


class _Visible(HTMLParser):
    """The texts a person reads: text nodes (scripts and styles left out) and the attributes
    that are shown or read out; data-* attributes too, where the scripts keep their messages."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        for name, value in attrs:
            if value and (name in SHOWN_ATTRIBUTES or name.startswith("data-") and " " in value):
                self.texts.append(value)
            if name == "value" and value and dict(attrs).get("type") in ("submit", "button"):
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.texts.append(data)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u200b", "")).strip()


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def user_data(*extra: str) -> list[str]:
    """Every text people typed or imported, as pages show it (whole, line by line, cut short
    as the templates cut it), longest first."""
    import yaml
    from django.contrib.auth import get_user_model
    from django.utils.html import strip_tags
    from django.utils.text import Truncator

    from baocao.apps.campaigns.models import Campaign, ReportEvent, SectionText, SectionVersion
    from baocao.apps.notices.models import Notice
    from baocao.apps.orgs.models import Unit
    from baocao.apps.outlines.models import OutlineDocument, OutlineVersion
    from baocao.outline.serialize import load_yaml

    found: list[str] = list(extra)
    found += [name for name in Unit.objects.values_list("name", flat=True)]
    for user in get_user_model().objects.all():
        found += [user.get_username(), user.get_full_name()]
    outlines = list(Campaign.objects.values_list("name", "outline_yaml"))
    outlines += OutlineDocument.objects.values_list("title", "yaml_text")
    outlines += OutlineVersion.objects.values_list("note", "yaml_text")
    for name, text in outlines:
        found += [name, *_strings(yaml.safe_load(text))]
        found += [section.label for section, _ in load_yaml(text).walk()]
    found += [strip_tags(t) for t in SectionText.objects.values_list("text", flat=True)]
    found += [strip_tags(t) for t in SectionVersion.objects.values_list("text", flat=True)]
    for reason, comments in ReportEvent.objects.values_list("reason", "section_comments"):
        found += [reason, *_strings(comments)]
    found += list(Notice.objects.values_list("text", flat=True))
    shown = set()
    for text in found:
        for piece in [text, *text.splitlines()]:
            piece = _squeeze(piece)
            if not VIETNAMESE.search(piece):
                continue
            shown |= {piece, piece.strip(PUNCTUATION), piece.capitalize()}  # "PHẦN THỨ HAI"
            shown.add(_squeeze(Truncator(piece).words(12)))
            shown |= {_squeeze(Truncator(piece).chars(n)) for n in (50, 60, 90, 120, 160)}
            shown.add(_squeeze(piece[:50]))  # a prompt named in a footnote's place
    return sorted(shown, key=len, reverse=True)


def _cut_from(piece: str, data: list[str]) -> bool:
    """A piece of the user data: cut short ("…"), or a run of several of its words (a diff
    shows part of a line the person typed); a section's title may follow its full number
    ("II.4.1. Kết quả …", "I.2: …")."""
    numbered = NUMBERED.match(piece)
    if numbered and _cut_from(piece[numbered.end() :], data):
        return True
    if piece in data:
        return True
    if piece.endswith("…"):
        start = piece.removesuffix("…").strip()
        return any(d.startswith(start) for d in data)
    return len(piece.split()) >= 3 and any(piece in d for d in data)


def vietnamese_left(html: str, data: list[str]) -> list[str]:
    """The texts of the page still in Vietnamese once the user data is taken out."""
    parser = _Visible()
    parser.feed(html)
    left = []
    for text in parser.texts:
        text = _squeeze(text)
        if VIETNAMESE.search(text) and any(_foreign(part, data) for part in text.split(" › ")):
            left.append(text)
    return left


def _foreign(text: str, data: list[str]) -> bool:
    """Whether `text` says something in Vietnamese that is not user data."""
    text = text.strip(PUNCTUATION + "›")
    if not VIETNAMESE.search(text) or _cut_from(text, data):
        return False
    rest = text
    for piece in data:
        if piece in rest:
            rest = rest.replace(piece, "\n")
    pieces = [p.strip(PUNCTUATION) for p in rest.split("\n")]
    return any(VIETNAMESE.search(p) and not _cut_from(p, data) for p in pieces)


def english_page(client, url: str, data: list[str], *, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    html = response.content.decode()
    assert 'lang="en"' in html, url
    left = vietnamese_left(html, data)
    assert not left, f"{url} still says in Vietnamese: {left}"
    return html


@pytest.fixture
def scene(tree, member):
    """A campaign in every state, due two days ago (campaign_scenario.build)."""
    from .campaign_scenario import build

    return build(tree, member)


def test_home_notices_close_remind_and_changes_pages_in_english(client, scene, member):
    from baocao.apps.campaigns import actions

    from .campaign_scenario import SECTION, as_user
    from .campaign_scenario import url as report_url

    school = scene.reports.school
    school.refresh_from_db()
    actions.save_section(
        school, SECTION, "Nhà trường đã triển khai học tập.", school.version, scene.people.school
    )
    actions.save_indicator(school, "members", 2017, "41", scene.people.school)
    slug = scene.campaign.slug

    as_user(client, scene.people.school)
    switch_to_english(client)
    data = user_data()
    notices = english_page(client, reverse("notices:list"), data)
    assert "Mark all as read" in notices and "unread notice" in notices
    english_page(client, "/", data)  # a writer's own reports

    as_user(client, scene.people.dak_ha)  # the school's reviewer
    switch_to_english(client)
    english_page(client, report_url("report", school), user_data())
    changes = english_page(client, report_url("report_changes", school), user_data())
    assert "Changes since the return" in changes and "Figures changed" in changes
    assert "Sections with comments but no changes" in changes  # REMARKED: its remark is data

    as_user(client, scene.people.province)
    switch_to_english(client)
    data = user_data()
    home = english_page(client, "/", data)
    assert "Progress of the units under" in home and "units overdue and not submitted" in home
    # The dashboard's charts and matrix, the unit tree: their words are the pages' own.
    dashboard = english_page(client, reverse("campaigns:detail", args=[slug]), data)
    assert "District labour federation" in dashboard and "written" in dashboard
    assert "Overdue" in dashboard and "Deadline " in dashboard
    english_page(client, reverse("orgs:tree"), data)
    close = english_page(client, reverse("campaigns:close", args=[slug]), data)
    assert "have not submitted their reports" in close
    remind = english_page(client, reverse("campaigns:remind", args=[slug]), data)
    assert "Confirm sending" in remind or "There are no reminders to send" in remind

    admin = member("tinh.quantri", scene.tree.province, "admin")
    as_user(client, admin)
    switch_to_english(client)
    home = english_page(client, "/", user_data())
    assert "Setup to do" in home and "have never logged in" in home


def test_adopt_page_in_english(client, tree, member, django_user_model):
    from baocao.apps.campaigns import actions

    from .campaign_scenario import as_user, report_of, to_consolidate

    admin = django_user_model.objects.create_superuser("quantri")
    texts = {key: f"Báo cáo của {key}." for key in ("dakha", "cdcs_dh1", "cdcs_dh2", "cdcs_dt1")}
    campaign = to_consolidate(tree, admin, texts, slug="nq20-lay-so-lieu")
    district = report_of(campaign, tree.dakha)
    actions.reopen(district, admin, "Xem lại số liệu.", expected_version=district.version)
    as_user(client, member("dh.tonghop", tree.dakha, "writer", "consolidator"))
    switch_to_english(client)
    url = reverse("campaigns:consolidate_adopt", args=[campaign.slug, tree.dakha.code])
    page = english_page(client, url, user_data())
    assert "Use the consolidated figures as the unit" in page
    assert "figures differ" in page


def test_outline_import_preview_and_editor_in_english(client, people, sample_document):
    from office_files import guidance_docx

    from .outline_upload import upload_outline

    lines = [
        "Hướng dẫn sơ kết 5 năm Chỉ thị 05",
        "I. Kết quả",
        "1. Phát triển đoàn viên",
        "II. Phương hướng",
        "Phụ lục: biểu số liệu",
    ]
    table = [
        ("TT", "Chỉ tiêu", "Đơn vị tính", "Năm 2019", "Năm 2024", "Ghi chú"),
        ("1", "Số đoàn viên", "người", "", "", "Mục I.1"),
        ("2", "Số đoàn viên nữ", "", "", "", "Mục I.1"),
        ("3", "Tỷ lệ đoàn viên nữ trên tổng số đoàn viên", "%", "", "", "Mục I.1"),
    ]
    client.force_login(people["province"])
    switch_to_english(client)
    data = user_data(*lines, *[cell for row in table for cell in row])
    response = upload_outline(client, "huong-dan.docx", guidance_docx(lines, table))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Outline preview" in html and "Section tree" in html
    # What the file's reader found (the framework-free core, outline/appendix.py: Vietnamese
    # only) is left out: the warnings and each row's notes.
    html = re.sub(r'<section class="warnings".*?</section>', "", html, flags=re.S)
    html = re.sub(r'<ul class="fix-notes">.*?</ul>', "", html, flags=re.S)
    left = vietnamese_left(html, data)
    assert not left, f"the preview still says in Vietnamese: {left}"

    edit = reverse("outlines:edit", args=[sample_document.slug])
    data = user_data()
    page = english_page(client, edit, data)
    assert "Edit outline" in page and "Version history" in page
    english_page(client, edit + "?muc=P1.II.4.1", data)
    english_page(client, edit + "?chi_tieu=members", data)


def test_accounts_and_password_reset_pages_in_english(client, tree, member, mailoutbox):
    from baocao.apps.orgs.models import Unit, UnitKind

    tree.cdcs_dh2.email = ""  # its login cannot go by e-mail: the page says why, in English
    tree.cdcs_dh2.save(update_fields=["email"])
    district = member("dh.quantri", tree.dakha, "admin", "consolidator")
    client.force_login(district)
    switch_to_english(client)
    accounts_url = reverse("orgs:accounts")
    page = english_page(client, accounts_url, user_data())
    assert "Issue accounts" in page and "Reset password" in page
    issued = client.post(
        accounts_url,
        {"root_unit": str(tree.dakha.pk), "kinds": [UnitKind.GRASSROOTS], "send_mail": "on"},
    )
    assert issued.status_code == 200 and len(mailoutbox) == 1
    data = user_data()
    page = english_page(client, accounts_url, data)  # what the issue did, said on the next page
    assert "Issued 2 new accounts" in page and "E-mailed 1 units." in page
    assert "the unit has no valid e-mail address" in page
    page = english_page(client, accounts_url + "?q=KT-DH", data)
    assert "never logged in" in page
    reset = reverse("orgs:reset_password", args=[tree.cdcs_dh1.code])
    page = english_page(client, reset, data)
    assert "will get a new one-time password" in page
    response = client.post(reset, {"send_mail": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "One-time password" in page and "E-mail sent to kt-dh-01@example.vn." in page
    assert not vietnamese_left(page, user_data()), vietnamese_left(page, user_data())
    newcomer = Unit.objects.create(
        code="KT-DH-03", name="CĐCS Trường THCS Lê Lợi", kind=UnitKind.GRASSROOTS, parent=tree.dakha
    )
    page = english_page(client, reverse("orgs:reset_password", args=[newcomer.code]), user_data())
    assert "issue the account first" in page
