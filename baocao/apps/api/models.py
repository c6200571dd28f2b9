"""API keys: one per user, stored only as a hash.

The key itself is shown once, when it is made (admin or `baocao manage apitoken`); the database
keeps its SHA-256, so a copy of the database or of a backup gives nobody a working key. A request
authenticates with the header `Authorization: Token <key>` and acts as the key's user, with
exactly that user's permissions.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_PREFIX = "bc_"
SHOWN_PREFIX = 10  # characters kept in clear to tell keys apart ("bc_Xy12abc")
LAST_USED_EVERY = datetime.timedelta(minutes=5)  # at most one write per key every 5 minutes


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class Token(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="api_token",
    )
    key_hash = models.CharField(_("mã băm của khóa"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("đầu khóa"), max_length=SHOWN_PREFIX, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")

    def __str__(self) -> str:
        return f"{self.user} ({self.prefix}…)"

    def new_key(self) -> str:
        """Give this token a fresh key (the old one stops working once saved); return it."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        self.key_hash = _digest(key)
        self.prefix = key[:SHOWN_PREFIX]
        return key

    @classmethod
    def issue(cls, user) -> tuple[Token, str]:
        """The user's token with a new key, created or replaced; the key is returned once."""
        token = cls.objects.filter(user=user).first() or cls(user=user)
        key = token.new_key()
        token.save()
        return token, key

    @classmethod
    def user_for(cls, key: str):
        """The active user a key belongs to, or None."""
        if not key or not key.startswith(KEY_PREFIX) or len(key) > 200:
            return None
        token = cls.objects.select_related("user").filter(key_hash=_digest(key)).first()
        if token is None or not token.user.is_active:
            return None
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user
