"""One row per login attempt that counts against a login name or a client address."""

from django.db import models


class LoginFailure(models.Model):
    """An attempt counted before its password was checked; deleted again when it succeeded,
    and once older than the throttle's window. `key` names the counter (a hashed login name
    or address, baocao.web.throttle); `at` is epoch seconds."""

    key = models.CharField(max_length=64)
    at = models.FloatField()

    class Meta:
        indexes = [
            models.Index(fields=["key", "at"], name="loginfailure_key_at"),
            models.Index(fields=["at"], name="loginfailure_at"),
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {self.at}"
