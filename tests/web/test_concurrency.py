"""Concurrency through the web: real HTTP requests, released together from several threads
against the live server (one thread and one database connection per request, as in
production), so the row locks and version checks of `baocao.apps.campaigns.actions` are
exercised through the views that people use.

On PostgreSQL the requests really overlap in the database (SELECT ... FOR UPDATE decides);
on SQLite they queue for the write lock taken at BEGIN. Either way the contract is the same:
one wins, the other gets a Vietnamese message (never a 500, never "database is locked"),
the database holds exactly the winner's change with one event and one audit entry, and
nothing anyone typed is lost. `test_campaign_actions.py` races the actions themselves; these
tests race the pages.
"""

from __future__ import annotations

import datetime
import functools
import re
import threading
from collections import Counter
from types import SimpleNamespace

import pytest
from django.urls import reverse

from baocao.apps.audit.models import AuditEntry
from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import (
    Report,
    ReportEvent,
    ReportStatus,
    SectionText,
    SectionVersion,
)
from baocao.apps.orgs.models import UnitKind
from baocao.richtext import clean_section_text, editable_lines, from_plain_lines

from .campaign_scenario import nq20_document, report_of
from .live_http import Answer, logged_in

pytestmark = pytest.mark.django_db(transaction=True)

SECTION = "P1/I/1"
SENT = "Đã gửi báo cáo tới LĐLĐ huyện Đăk Hà."
ALREADY_SENT = re.compile(r"Báo cáo đã được gửi lúc \d\d:\d\d ngày \d\d/\d\d/\d{4}\.")
RETURNED = "Đã trả lại báo cáo cho CĐCS UBND xã Đăk Mar."
NOT_SUBMITTED = "Báo cáo đang ở trạng thái &quot;Bị trả lại&quot;, không phải &quot;Đã gửi&quot;."


@pytest.fixture
def people(tree, member, django_user_model):
    return SimpleNamespace(
        admin=django_user_model.objects.create_superuser("quantri"),
        an=member("an.viet", tree.cdcs_dh1, "writer"),
        binh=member("binh.viet", tree.cdcs_dh1, "writer"),
        reviewer=member("dakha.duyet", tree.dakha, "reviewer"),
    )


@pytest.fixture
def school(tree, people) -> Report:
    campaign = actions.open_campaign(
        nq20_document(),
        tree.province,
        kinds=[UnitKind.GRASSROOTS],
        deadline=datetime.date.today() + datetime.timedelta(days=30),
        actor=people.admin,
        name="Đợt thử đồng thời",
        slug="nq20-dong-thoi",
    )
    return report_of(campaign, tree.cdcs_dh1)


def url(name: str, report: Report, *args: str) -> str:
    return reverse(f"campaigns:{name}", args=[report.campaign.slug, report.unit.code, *args])


def at_once(*calls):
    """Run the calls in their own threads, released together by a barrier; their results."""
    start = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index, call):
        try:
            start.wait(timeout=10)
            results[index] = call()
        except BaseException as error:  # re-raised below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a request never came back"
    if errors:
        raise errors[0]
    return results


def stored_html(typed: str) -> str:
    """A section's text as the server stores what the editor sent."""
    return clean_section_text(from_plain_lines(typed))


def audit_count(verb: str) -> int:
    return AuditEntry.objects.filter(action=verb).count()


# --- 1. Two writers, one section, one base version -----------------------------------------


def saved(answer: Answer, htmx: bool) -> bool:
    if htmx:
        assert answer.status == 200, (answer.status, answer.body[:300])
        return "baocao-saved" in answer.header("HX-Trigger")
    assert answer.status in (302, 409), (answer.status, answer.body[:300])
    return answer.status == 302


def test_two_writers_saving_one_section_at_once_one_wins_nothing_is_lost(
    live_server, school, people
):
    """Each round both writers save the same section from the same base version at the same
    moment (autosave, or the Save button without JavaScript): one save becomes the next
    version, the other gets the conflict view with both texts, and saves the merge."""
    path = url("section_save", school, SECTION)
    writers = {"An": logged_in(live_server.url, people.an)}
    writers["Bình"] = logged_in(live_server.url, people.binh)
    base, winners, typed_everything = 0, Counter(), []
    for round_ in range(1, 7):
        htmx = round_ % 2 == 1  # autosave (HTMX), then the plain form, in turn
        texts = {
            "An": f"Vòng {round_}: An ghi số buổi học tập Nghị quyết.\n- {round_ * 3} buổi",
            "Bình": f"Vòng {round_}: Bình ghi kết quả sau {round_} năm.",
        }
        typed_everything += texts.values()
        answers = dict(
            zip(
                texts,
                at_once(
                    *(
                        functools.partial(
                            writers[name].post,
                            path,
                            {"text": texts[name], "base_version": base},
                            htmx=htmx,
                        )
                        for name in texts
                    )
                ),
                strict=True,
            )
        )
        won = [name for name, answer in answers.items() if saved(answer, htmx)]
        assert len(won) == 1, f"vòng {round_}: {won} saved from base version {base}"
        winner = won[0]
        loser = next(name for name in texts if name != winner)
        winners[winner] += 1

        # The winner's text is the next version, once; the loser's is not stored (yet)...
        current = SectionText.objects.get(report=school, section_id=SECTION)
        assert (current.version, current.text) == (base + 1, stored_html(texts[winner]))
        assert SectionVersion.objects.filter(report=school, section_id=SECTION).count() == (
            2 * round_ - 1
        )
        # ...but it comes back in the conflict view, beside theirs: nothing typed is lost.
        conflict = answers[loser].body
        assert f'tabindex="0">{current.text}</div>' in conflict  # theirs, as it reads
        assert f'name="text">{texts[loser]}</textarea>' in conflict
        assert f'name="base_version" value="{base + 1}"' in conflict
        assert f"Người khác ({'an.viet' if winner == 'An' else 'binh.viet'}, lúc" in conflict
        if htmx:
            assert answers[loser].header("HX-Retarget").startswith("#editor-m")

        # The loser keeps both: the merge is saved on top of the winner's version.
        merged = f"{texts[winner]}\n{texts[loser]}"
        answer = writers[loser].post(
            path, {"text": merged, "base_version": base + 1, "choice": "merge"}, htmx=htmx
        )
        assert saved(answer, htmx)
        base += 2

    versions = list(
        SectionVersion.objects.filter(report=school, section_id=SECTION)
        .order_by("version")
        .values_list("version", "text", "note")
    )
    assert [version for version, _text, _note in versions] == list(range(1, base + 1))
    assert [note for _version, _text, note in versions[1::2]] == ["Gộp sau khi trùng sửa"] * 6
    history = "\n".join(editable_lines(text) for _version, text, _note in versions)
    assert all(typed in history for typed in typed_everything)
    assert audit_count("section.save") == base  # one entry per version, none for a conflict
    assert sum(winners.values()) == 6


# --- 2. A double submit --------------------------------------------------------------------


def test_a_double_submit_changes_the_state_once_and_the_second_click_is_told_why(
    live_server, school, people
):
    """The same browser sends "Gửi báo cáo" twice at once (a double click on a slow line):
    one submission, one event, one audit entry; the other answer says when it was sent."""
    browser = logged_in(live_server.url, people.an)
    path = url("report_submit", school)
    for round_ in range(1, 5):
        school.refresh_from_db()
        version = school.version
        form = {"expected_version": version}
        answers = at_once(*(functools.partial(browser.post, path, form) for _ in range(2)))
        assert [answer.status for answer in answers] == [302, 302]
        pages = [browser.follow(answer) for answer in answers]
        assert [page.status for page in pages] == [200, 200]
        told = sorted("sent" if SENT in page.body else "again" for page in pages)
        assert told == ["again", "sent"], [page.body[:200] for page in pages]
        again = next(page.body for page in pages if SENT not in page.body)
        assert ALREADY_SENT.search(again)

        school.refresh_from_db()
        assert (school.status, school.version) == (ReportStatus.SUBMITTED, version + 1)
        submitted = ReportEvent.objects.filter(report=school, to_status=ReportStatus.SUBMITTED)
        assert submitted.count() == round_
        assert audit_count("report.submit") == round_
        # the reviewer gives it back, so the next round can send it again
        actions.return_report(
            school, people.reviewer, f"Lần {round_}: bổ sung.", expected_version=school.version
        )


# --- 3. A submit racing a return -----------------------------------------------------------


def _bring_to(report: Report, status: str, people) -> None:
    """Move the report to `status` (submitted or returned) through the actions."""
    report.refresh_from_db()
    if report.status == status:
        return
    if report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        actions.submit(report, people.an, report.version)
    if status == ReportStatus.RETURNED:
        actions.return_report(report, people.reviewer, "Chuẩn bị", expected_version=report.version)


def test_a_submit_racing_a_return_lets_exactly_one_through(live_server, school, people):
    """The writer presses "Gửi báo cáo" as the reviewer presses "Trả lại", both on pages of
    the same version. Only one of them can be right: in turn the report is submitted (the
    return is right, the submit stale) or returned (the submit is right). Whichever arrives
    first, exactly that one changes the report, with one event and one audit entry, and the
    other person reads why nothing happened."""
    writer = logged_in(live_server.url, people.an)
    reviewer = logged_in(live_server.url, people.reviewer)
    submit_path, return_path = url("report_submit", school), url("report_return", school)
    seen = Counter()
    for round_ in range(20):
        start = ReportStatus.SUBMITTED if round_ % 2 == 0 else ReportStatus.RETURNED
        _bring_to(school, start, people)
        school.refresh_from_db()
        version, events = school.version, school.events.count()
        audits = {verb: audit_count(verb) for verb in ("report.submit", "report.return")}
        reason = f"Lần {round_}: thiếu số liệu năm 2008."
        sent, given_back = at_once(
            functools.partial(writer.post, submit_path, {"expected_version": version}),
            functools.partial(
                reviewer.post,
                return_path,
                {"expected_version": version, "reason": reason, f"comment:{SECTION}": "Viết rõ"},
            ),
        )

        # Exactly one change, the right one, recorded once.
        school.refresh_from_db()
        new_events = list(school.events.order_by("pk"))[events:]
        assert len(new_events) == 1, [(e.from_status, e.to_status) for e in new_events]
        event = new_events[0]
        expected = (
            ReportStatus.RETURNED if start == ReportStatus.SUBMITTED else ReportStatus.SUBMITTED
        )
        assert (event.from_status, event.to_status) == (start, expected)
        assert (school.status, school.version) == (expected, version + 1)
        winner_verb = "report.return" if expected == ReportStatus.RETURNED else "report.submit"
        for verb, before in audits.items():
            assert audit_count(verb) == before + (verb == winner_verb)
        if expected == ReportStatus.RETURNED:
            assert event.reason == reason and event.section_comments == {SECTION: "Viết rõ"}

        # No 500; both people are told, in Vietnamese, what became of their click.
        assert sent.status == 302, (sent.status, sent.body[:300])
        writer_page = writer.follow(sent).body
        if expected == ReportStatus.SUBMITTED:
            assert SENT in writer_page
        elif ALREADY_SENT.search(writer_page):
            seen["submit before the return"] += 1
        else:
            assert actions.STALE in writer_page
            seen["submit after the return"] += 1
        if expected == ReportStatus.RETURNED:
            assert given_back.status == 302, (given_back.status, given_back.body[:300])
            assert RETURNED in reviewer.follow(given_back).body
        elif given_back.status == 400:  # before the submit: the report was not sent yet
            assert NOT_SUBMITTED in given_back.body
            # nothing to return yet, but what the reviewer typed is shown (read-only to copy,
            # or in the return form again when the racing submit landed before the page was
            # drawn)
            assert f">{reason}</textarea>" in given_back.body
            assert ">Viết rõ</textarea>" in given_back.body
            seen["return before the submit"] += 1
        else:  # after it: the reviewer's page was of an older version; what was typed stays
            assert given_back.status == 409, (given_back.status, given_back.body[:300])
            assert actions.STALE in given_back.body
            assert f">{reason}</textarea>" in given_back.body
            assert ">Viết rõ</textarea>" in given_back.body
            seen["return after the submit"] += 1
    assert sum(seen.values()) == 20, seen


# --- A save racing the submit --------------------------------------------------------------


def test_a_save_racing_the_submit_lands_before_it_or_is_refused_with_the_text_kept(
    live_server, school, people
):
    """A colleague's autosave arrives as the writer submits: the save is either part of the
    submitted report (saved before the submission) or refused with the typed text kept in
    the editor; never saved into a report already sent."""
    submitter = logged_in(live_server.url, people.an)
    colleague = logged_in(live_server.url, people.binh)
    submit_path, save_path = url("report_submit", school), url("section_save", school, SECTION)
    outcomes = Counter()
    for round_ in range(8):
        if round_:
            _bring_to(school, ReportStatus.RETURNED, people)
        school.refresh_from_db()
        current = SectionText.objects.filter(report=school, section_id=SECTION).first()
        base = current.version if current else 0
        typed = f"Lần {round_}: bổ sung 12 buổi sinh hoạt chuyên đề."
        sent, save = at_once(
            functools.partial(submitter.post, submit_path, {"expected_version": school.version}),
            functools.partial(
                colleague.post, save_path, {"text": typed, "base_version": base}, htmx=True
            ),
        )
        assert sent.status == 302 and SENT in submitter.follow(sent).body
        assert save.status == 200, (save.status, save.body[:300])
        submit_entry = AuditEntry.objects.filter(action="report.submit").latest("pk")
        if "baocao-saved" in save.header("HX-Trigger"):
            version = SectionVersion.objects.get(
                report=school, section_id=SECTION, version=base + 1
            )
            assert version.text == stored_html(typed)
            save_entry = AuditEntry.objects.filter(action="section.save").latest("pk")
            assert save_entry.details["version"] == base + 1
            assert save_entry.pk < submit_entry.pk  # saved, then sent: it is in the report
            outcomes["saved before the submit"] += 1
        else:
            assert "Chưa lưu được:" in save.body and "Nội dung vẫn còn trong ô." in save.body
            assert "không thể sửa" in save.body
            assert not SectionVersion.objects.filter(
                report=school, section_id=SECTION, version=base + 1
            ).exists()
            outcomes["refused after the submit"] += 1
    assert sum(outcomes.values()) == 8, outcomes


def test_the_reviewer_who_lost_the_race_reads_why_and_keeps_what_was_typed(client, school, people):
    """The losing order of the race above, made certain: the report was returned by someone
    else while this reviewer typed. The answer says so, and shows the reason and remarks
    typed (read-only: there is nothing to return any more), whichever version the page had."""
    actions.submit(school, people.an, school.version)
    seen = school.version
    actions.return_report(school, people.admin, "Trả lại trước", expected_version=seen)
    client.force_login(people.reviewer)
    typed = {"reason": "Thiếu số liệu năm 2008.", f"comment:{SECTION}": "Nêu số buổi học tập"}
    for version, status, message in (
        (seen, 409, actions.STALE),  # the page was of the submitted version
        (school.version, 400, NOT_SUBMITTED),  # reloaded, but the form was sent again
    ):
        response = client.post(url("report_return", school), {"expected_version": version, **typed})
        assert response.status_code == status
        html = response.content.decode()
        assert message in html
        assert "readonly>Thiếu số liệu năm 2008.</textarea>" in html
        assert "readonly>Nêu số buổi học tập</textarea>" in html
        assert 'action="' + url("report_return", school) not in html  # no form to send again
    assert school.events.count() == 2
