"""Background work of campaigns: sending a confirmed batch of reminders (`send_reminders`).

The dashboard's confirmation enqueues the batch (`start_reminders`) and shows its progress
page, which reads it back with `find_batch`: how many of its letters are out (its reminder
logs), and at the end the summary the task returned. A worker sends the e-mails
(`reminders.remind`: each claimed by its log before it is sent), so a run that is repeated
(the worker died and the task was queued again, or a retry) never sends one twice: the reports
this batch has already reminded are counted as its own and left out of the next run. No mail
server is a transient failure: the batch is tried again later (`background.retry_later`), so
are the e-mails left unsent by a lost connection; each retry is a new run that the first
one's summary points to.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from baocao.apps.campaigns.actions import ActionError
from baocao.apps.campaigns.models import Campaign, ReminderLog
from baocao.apps.campaigns.reminders import Reminders, remind
from baocao.web.background import (
    ATTEMPTS,
    TaskResultStatus,
    find_result,
    retry_later,
    task,
)
from baocao.web.mailing import LOST_CONNECTION, NoMailServer

NO_CAMPAIGN = "Không còn đợt báo cáo này: không gửi thư nhắc nhở nào."
NO_SENDER = "Không còn tài khoản của người gửi nhắc nhở: không gửi thư nhắc nhở nào."


@task()
def send_reminders(
    *,
    campaign_id: int,
    actor_id: int,
    report_ids: list[int],
    since: str,
    letters: int = 0,
    attempt: int = 1,
) -> dict[str, Any]:
    """Remind the reports `report_ids` of the campaign as `actor_id` confirmed them (at
    `since`, ISO time; `letters` e-mails were to go). Returns the summary (`summary`)."""
    since_at = datetime.datetime.fromisoformat(since)
    earlier = sent_by_batch(actor_id, report_ids, since_at)
    campaign = Campaign.objects.select_related("root_unit").filter(pk=campaign_id).first()
    actor = get_user_model().objects.filter(pk=actor_id).first()
    if campaign is None or actor is None:
        return summary(Reminders(), earlier, error=NO_CAMPAIGN if campaign is None else NO_SENDER)
    again = {
        "campaign_id": campaign_id,
        "actor_id": actor_id,
        "report_ids": report_ids,
        "since": since,
        "letters": letters,
    }
    try:
        sent = remind(campaign, actor=actor, only=set(report_ids) - set(earlier))
    except ActionError as error:
        retry = None
        if isinstance(error.__cause__, NoMailServer):  # nothing was sent: all of it later
            retry = retry_later(send_reminders, attempt, **again)
        return summary(Reminders(), earlier, error=error.message, retry=retry, attempt=attempt)
    retry = None
    if any(item.reason == LOST_CONNECTION for item in sent.failed):  # the rest, later
        retry = retry_later(send_reminders, attempt, **again)
    return summary(sent, earlier, retry=retry, attempt=attempt)


def start_reminders(campaign: Campaign, actor: Any, report_ids: Collection[int], letters: int):
    """Enqueue the batch confirmed by `actor`: its task result (finished already when the
    backend runs tasks at once)."""
    return send_reminders.enqueue(
        campaign_id=campaign.pk,
        actor_id=actor.pk,
        report_ids=sorted(report_ids),
        since=timezone.now().isoformat(),
        letters=letters,
    )


def sent_by_batch(
    actor_id: int, report_ids: Collection[int], since: datetime.datetime
) -> dict[int, str]:
    """{report id: reason} of the reminders this batch has logged (sent, or being sent)."""
    return dict(
        ReminderLog.objects.filter(
            report_id__in=list(report_ids), sent_by_id=actor_id, sent_at__gte=since
        ).values_list("report_id", "reason")
    )


def summary(
    sent: Reminders,
    earlier: dict[int, str] | None = None,
    *,
    error: str = "",
    retry: dict | None = None,
    attempt: int = 1,
) -> dict[str, Any]:
    """A run's outcome as plain data (a task's return value): how many e-mails went (those
    of the batch's earlier runs included), of which late and returned; the units that failed
    (name, why), were reminded within the window already, or have no address; an error that
    stopped the run; the retry that will follow, if any."""
    earlier = earlier or {}
    reasons = [item.reason for item in sent] + list(earlier.values())
    return {
        "sent": len(reasons),
        "late": reasons.count(ReminderLog.Reason.LATE),
        "returned": reasons.count(ReminderLog.Reason.RETURNED),
        "failed": [[item.unit_name, item.reason] for item in sent.failed],
        "already": [name for _code, name in sent.already],
        "without_address": [name for _code, name in sent.without_address],
        "error": error,
        "retry": retry,
        "attempt": attempt,
    }


# --- following a batch ----------------------------------------------------------------------

WAITING, RUNNING, RETRYING, DONE, BROKEN = "waiting", "running", "retrying", "done", "broken"


@dataclass
class Batch:
    """A batch of reminders as its progress page shows it: whose, which reports, how many
    letters, how far (`sent_so_far`), and its state: waiting for a worker, running, waiting
    to be tried again (at `retry_at`, attempt `attempt`), done (with `summary`), or broken
    (the task failed: an error in the program, or its worker died again and again)."""

    id: str
    campaign_id: int
    actor_id: int
    report_ids: list[int]
    since: datetime.datetime
    letters: int
    state: str
    summary: dict[str, Any] | None = None
    attempt: int = 1
    retry_at: datetime.datetime | None = None
    enqueued_at: datetime.datetime | None = None

    attempts = ATTEMPTS

    @property
    def finished(self) -> bool:
        return self.state in (DONE, BROKEN)

    def sent_so_far(self) -> int:
        if self.state == DONE and self.summary is not None:
            return self.summary["sent"]
        return min(len(sent_by_batch(self.actor_id, self.report_ids, self.since)), self.letters)


def remembered(result) -> dict[str, Any]:
    """A finished run (the immediate backend keeps none), as plain data for the session."""
    done = result.status == TaskResultStatus.SUCCESSFUL
    return {
        **result.kwargs,
        "state": DONE if done else BROKEN,
        "summary": result.return_value if done else None,
    }


def find_batch(result_id: str, campaign: Campaign, kept: dict | None = None) -> Batch | None:
    """The batch `result_id` of this campaign, followed through its retries to the last run;
    `kept`: what the session remembers of it when the backend keeps no results. None when
    there is no such batch (or it is another campaign's)."""
    result = find_result(send_reminders, result_id)
    if result is None:
        if not kept or kept.get("campaign_id") != campaign.pk:
            return None
        return _batch(result_id, kept, kept["state"], kept["summary"])
    if result.kwargs.get("campaign_id") != campaign.pk:
        return None
    for _ in range(ATTEMPTS):  # the retries, each pointed to by the run before
        if result.status != TaskResultStatus.SUCCESSFUL:
            break
        retry = (result.return_value or {}).get("retry")
        later = find_result(send_reminders, retry["id"]) if retry else None
        if later is None:
            break
        result = later
    kwargs = result.kwargs
    if result.status == TaskResultStatus.SUCCESSFUL:
        return _batch(result_id, kwargs, DONE, result.return_value, result)
    if result.status == TaskResultStatus.FAILED:
        return _batch(result_id, kwargs, BROKEN, None, result)
    run_after = result.task.run_after
    if result.status == TaskResultStatus.READY and run_after and run_after > timezone.now():
        batch = _batch(result_id, kwargs, RETRYING, None, result)
        batch.retry_at = run_after
        return batch
    state = RUNNING if result.status == TaskResultStatus.RUNNING else WAITING
    return _batch(result_id, kwargs, state, None, result)


def _batch(result_id: str, kwargs: dict, state: str, outcome: Any, result=None) -> Batch:
    return Batch(
        id=result_id,
        campaign_id=kwargs["campaign_id"],
        actor_id=kwargs["actor_id"],
        report_ids=list(kwargs["report_ids"]),
        since=datetime.datetime.fromisoformat(kwargs["since"]),
        letters=kwargs.get("letters", 0),
        state=state,
        summary=outcome if isinstance(outcome, dict) else None,
        attempt=kwargs.get("attempt", 1),
        enqueued_at=result.enqueued_at if result is not None else None,
    )
