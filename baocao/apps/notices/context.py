"""The unread count in every page's header ("Thông báo (3)")."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from baocao.apps.notices.models import Notice


def unread_notices(request) -> dict:
    """`unread_notices`: counted when a template first shows it (the header of a signed-in
    person's page), so other pages never pay the query."""

    def count() -> int:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        return unread_count(user)

    return {"unread_notices": SimpleLazyObject(count)}


def unread_count(user) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()
