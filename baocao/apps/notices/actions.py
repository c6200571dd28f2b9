"""The one change a person makes to notices: marking their own as read.

Not in the audit log: whether one has read a notice is one's own business, and changes nothing
anybody else sees.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from baocao.apps.notices.models import Notice


def mark_read(user: Any, notice_id: int | None = None) -> int:
    """Mark `user`'s notice `notice_id` read, or all their unread ones when None. Another
    person's notice is never touched (it is simply not found). Returns how many changed."""
    notices = Notice.objects.filter(recipient=user, read_at__isnull=True)
    if notice_id is not None:
        notices = notices.filter(pk=notice_id)
    return notices.update(read_at=timezone.now())
