"""Background work of notices: e-mailing the pending ones (`email_notices`), enqueued after
each commit that made notices (`notify.stored`), so they leave without waiting for cron.

The task is `sending.run`, as `baocao notices send` runs it: each notice marked before it is
sent, so two runs at once, or a run repeated after its worker died, never e-mail one twice.
No mail server is a transient failure: the run is tried again later
(`background.retry_later`), so are the e-mails left unsent by a lost connection; past the
last attempt the notices stay pending for cron's `baocao notices send` or the next task.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from baocao.apps.campaigns.actions.errors import ActionError
from baocao.apps.notices import notify, sending
from baocao.web.background import retry_later, task
from baocao.web.mailing import LOST_CONNECTION, NoMailServer

NOTHING = {"made": 0, "sent": 0, "taken": 0, "failed": [], "error": "", "retry": None}


@task()
def email_notices(*, attempt: int = 1) -> dict[str, Any]:
    """E-mail every pending notice (and make the due "sắp đến hạn" ones first). Returns what
    became of them: made, sent, taken (by another run), failed (person, address, why), an
    error that stopped the run, and the retry that will follow, if any."""
    try:
        outcome = sending.run()
    except ActionError as error:
        transient = isinstance(error.__cause__, NoMailServer)
        retry = retry_later(email_notices, attempt) if transient else None
        return {**NOTHING, "error": error.message, "retry": retry}
    lost = any(item.reason == LOST_CONNECTION for item in outcome.failed)
    return {
        "made": outcome.made,
        "sent": outcome.sent,
        "taken": outcome.taken,
        "failed": [[item.person, item.address, item.reason] for item in outcome.failed],
        "error": "",
        "retry": retry_later(email_notices, attempt) if lost else None,
    }


@receiver(notify.stored)
def enqueue_email_notices(**_kwargs: Any) -> None:
    """New notices were committed: e-mail them (in the background)."""
    email_notices.enqueue()
