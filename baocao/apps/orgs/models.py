"""The unit tree and who belongs where.

A unit stores its materialised path (the codes from the root down, "TLD/KT/KT-DH/"), so "every
unit under X" is one indexed prefix query on any database, not a recursion in Python.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from baocao.apps.orgs.signals import units_moved
from baocao.text import fold

PATH_SEPARATOR = "/"


class UnitKind(models.TextChoices):
    NATIONAL = "national", _("Tổng LĐLĐ")
    PROVINCE = "province", _("LĐLĐ tỉnh, thành phố")
    NATIONAL_SECTOR = "national_sector", _("Công đoàn ngành Trung ương")
    DISTRICT = "district", _("LĐLĐ huyện, thành phố thuộc tỉnh")
    SECTOR = "sector", _("Công đoàn ngành địa phương")
    ZONE = "zone", _("Công đoàn khu kinh tế, khu công nghiệp")
    GRASSROOTS = "grassroots", _("Công đoàn cơ sở")


def name_matches(query: str, prefix: str = "") -> models.Q:
    """The units whose name (without diacritics, in any case) or code holds `query`, as a
    condition; `prefix` is the lookup path to the unit ("unit__" from a report). Through an
    index on PostgreSQL (trigram GIN on the folded name and on the code); LIKE on SQLite."""
    needle = fold(query)
    return models.Q(**{f"{prefix}name_folded__contains": needle}) | models.Q(
        **{f"{prefix}code__icontains": needle}
    )


class UnitQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """As Django's, with each unit's folded name (`name_folded`) filled in."""
        objs = list(objs)
        for unit in objs:
            unit.name_folded = fold(unit.name)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        """As Django's; a new name carries its folded form along."""
        objs = list(objs)
        if "name" in fields:
            for unit in objs:
                unit.name_folded = fold(unit.name)
            fields = [*fields, "name_folded"]
        return super().bulk_update(objs, fields, *args, **kwargs)

    def subtree(self, unit: Unit, *, include_self: bool = True) -> UnitQuerySet:
        """The unit and everything under it: one prefix query on the indexed path."""
        units = self.filter(path__startswith=unit.path)
        return units if include_self else units.exclude(pk=unit.pk)

    def children_of(self, unit: Unit) -> UnitQuerySet:
        return self.filter(parent=unit)


class Unit(models.Model):
    code = models.CharField(_("mã đơn vị"), max_length=50, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=255)
    # `fold(name)` ("lien doan lao dong huyen dak ha"): the name searched without diacritics,
    # through an index (trigram GIN on PostgreSQL). Kept by save(), the manager's bulk_create
    # and bulk_update, and the bulk writers (unit import, the national demo's COPY).
    name_folded = models.CharField(
        _("tên không dấu"), max_length=255, blank=True, default="", db_default="", editable=False
    )
    kind = models.CharField(_("loại đơn vị"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    # "TLD/KT/KT-DH/": the codes from the root down, each followed by the separator.
    path = models.CharField(_("đường dẫn"), max_length=1000, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("cấp"), default=0, editable=False)
    # Made up by `baocao demo` (baocao.demo.province), not a real unit's data.
    synthetic = models.BooleanField(_("dữ liệu mẫu"), default=False, editable=False)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        """Compute the path; a unit that moved or changed its code carries its subtree along
        (one UPDATE), so every descendant's path stays true."""
        old_path = self._stored_path() if self.pk else ""
        parent_path = self.parent.path if self.parent_id else ""
        if old_path and parent_path.startswith(old_path):
            raise ValueError(f"{self.code}: a unit cannot move under its own subtree")
        self.path = f"{parent_path}{self.code}{PATH_SEPARATOR}"
        self.name_folded = fold(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_folded"}
        self.depth = self.path.count(PATH_SEPARATOR) - 1
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                old_depth = old_path.count(PATH_SEPARATOR) - 1
                Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(self.path), Substr("path", len(old_path) + 1)),
                    depth=F("depth") + (self.depth - old_depth),
                )
                moved = list(
                    Unit.objects.filter(path__startswith=self.path).values_list("pk", flat=True)
                )
                units_moved.send(sender=Unit, unit_ids=moved)

    def clean(self) -> None:
        super().clean()
        if PATH_SEPARATOR in self.code:
            raise ValidationError({"code": _("Mã đơn vị không được có dấu “/”.")})
        if self.pk and self.parent_id and self.parent.is_within_path(self._stored_path()):
            raise ValidationError(
                {"parent": _("Không thể chuyển một đơn vị vào dưới đơn vị cấp dưới của nó.")}
            )

    def _stored_path(self) -> str:
        return Unit.objects.filter(pk=self.pk).values_list("path", flat=True).first() or ""

    def is_within_path(self, path: str) -> bool:
        return bool(path) and self.path.startswith(path)

    def is_within(self, other: Unit) -> bool:
        """True when this unit is `other` or lies under it."""
        return self.path.startswith(other.path)

    def ancestor_codes(self) -> list[str]:
        return self.path.rstrip(PATH_SEPARATOR).split(PATH_SEPARATOR)[:-1]


class Role(models.TextChoices):
    WRITER = "writer", _("Người viết báo cáo")
    REVIEWER = "reviewer", _("Người duyệt báo cáo cấp dưới")
    CONSOLIDATOR = "consolidator", _("Người tổng hợp báo cáo")
    VIEWER = "viewer", _("Người xem")
    ADMIN = "admin", _("Quản trị đơn vị")


class Membership(models.Model):
    """A user's unit and roles: every user belongs to one unit, and no role reaches outside
    that unit and its subtree."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="members")
    roles = models.JSONField(_("vai trò"), default=list)

    class Meta:
        verbose_name = _("thành viên")
        verbose_name_plural = _("thành viên")

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit.code}"

    def has_role(self, role: str) -> bool:
        return role in self.roles
