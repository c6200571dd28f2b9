"""How an action refuses: exceptions whose message a union officer can read, and the messages
more than one action gives."""

from __future__ import annotations

from baocao.errors import InputError, gettext_noop

__all__ = ["ActionError", "CLOSED", "FigureMoved", "NotAllowed", "STALE", "StaleReport"]

CLOSED = gettext_noop("Đợt báo cáo đã kết thúc, không thể sửa.")
STALE = gettext_noop("Báo cáo vừa được người khác thay đổi, hãy tải lại trang.")


class ActionError(InputError):
    """An action refused; the message says why and what to do, in Vietnamese."""


class NotAllowed(ActionError):
    """The user's unit or roles do not allow this action (a view answers 403)."""


class StaleReport(ActionError):
    """The report changed since the user loaded it (a view answers 409 and offers a reload)."""


class FigureMoved(ActionError):
    """A figure was changed by someone else after the person loaded it (or typed their copy):
    nothing is written; `current` is what the cell holds now, `by` who saved it."""

    def __init__(self, message: str, *, current: str, by: str):
        super().__init__(message)
        self.current = current
        self.by = by
