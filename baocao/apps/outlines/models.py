"""An outline as its YAML text: the file a person can read and edit is the source of truth."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from baocao.errors import InputError
from baocao.outline.model import Outline
from baocao.outline.serialize import load_yaml


class OutlineDocument(models.Model):
    slug = models.SlugField(_("mã"), max_length=100, unique=True)
    title = models.CharField(_("tên đề cương"), max_length=500)
    yaml_text = models.TextField(_("nội dung (YAML)"))
    builtin = models.BooleanField(
        _("có sẵn"),
        default=False,
        help_text=_("Đề cương đi kèm phần mềm; được cập nhật khi cài đặt."),
    )
    # Counts the saves: an editor's form carries the version it was made from, and a save from an
    # older one is refused instead of undoing what another person saved in between.
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ngày cập nhật"), auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("đề cương")
        verbose_name_plural = _("đề cương")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("outlines:detail", args=[self.slug])

    def outline(self) -> Outline:
        """Parse the YAML; raises InputError with a message the editor can act on."""
        return load_yaml(self.yaml_text)

    def clean(self) -> None:
        """Refuse YAML that does not load, so the admin never saves a page that cannot render."""
        try:
            outline = self.outline()
        except InputError as exc:
            raise ValidationError({"yaml_text": str(exc)}) from exc
        if not self.title:
            self.title = outline.title


class OutlineVersion(models.Model):
    """One saved state of an outline: its YAML, who saved it and what changed, kept to read,
    download and restore. Campaigns keep their own copy (Campaign.outline_yaml)."""

    document = models.ForeignKey(
        OutlineDocument,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("đề cương"),
    )
    number = models.PositiveIntegerField(_("phiên bản"))
    yaml_text = models.TextField(_("nội dung (YAML)"))
    note = models.CharField(_("thay đổi"), max_length=300, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người lưu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    saved_at = models.DateTimeField(_("lúc lưu"), auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("phiên bản đề cương")
        verbose_name_plural = _("phiên bản đề cương")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="outline_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"
