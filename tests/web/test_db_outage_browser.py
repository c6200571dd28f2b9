"""The editor through a database outage, in a real Chromium: the autosave that meets it shows
"mất kết nối cơ sở dữ liệu, đang thử lại", the text stays in the box, and the editor sends it
again by itself after Retry-After, once the database is back; nothing clicked."""

import pytest
from playwright.sync_api import expect

from baocao.apps.campaigns.models import SectionText
from baocao.richtext import clean_section_text, from_plain_lines

from .editor_steps import expect_lines, write
from .outage import server_connections_lost, short_sqlite_timeout
from .samples import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECTION = "P1/I/1"
TYPED = "Viết trong lúc mất kết nối: 12 buổi học tập Nghị quyết."
OUTAGE = "Mất kết nối cơ sở dữ liệu, đang thử lại…"


def test_the_editor_retries_a_save_refused_during_an_outage(
    browser_page, log_in, live_server, report, writer
):
    page = browser_page
    path = f"/dot-bao-cao/{report.campaign.slug}/bao-cao/{report.unit.code}/"
    with short_sqlite_timeout():
        log_in(page, writer.username, PASSWORD, next_path=path)
        editor = page.locator(f'[id="muc-{SECTION}"]')
        status = editor.locator(".editor__status")
        with server_connections_lost():
            write(editor, TYPED)
            expect(status).to_contain_text(OUTAGE, timeout=10_000)
            expect_lines(editor, TYPED)
        # The database is back: within Retry-After (5 s) the editor saves on its own.
        expect(status).to_contain_text("Đã lưu lúc", timeout=15_000)
    stored = SectionText.objects.get(report=report, section_id=SECTION)
    assert stored.text == clean_section_text(from_plain_lines(TYPED))
