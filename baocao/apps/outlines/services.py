"""Changes to stored outlines, shared by the CLI, the views and the tests."""

import re
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from baocao.apps.audit.log import record
from baocao.apps.outlines.models import OutlineDocument, OutlineVersion
from baocao.errors import InputError
from baocao.outline.builtin import builtin_slugs, builtin_yaml
from baocao.outline.editing import checked
from baocao.outline.model import Outline
from baocao.outline.serialize import dump_yaml, load_yaml
from baocao.text import fold


@transaction.atomic
def install_builtin_outlines() -> list[tuple[OutlineDocument, str]]:
    """Create or refresh the outlines shipped with baocao; safe to run at every start.

    Returns each document with what happened to it: "created", "updated" or "unchanged", so
    the caller can say so. Only the built-in copy is touched: an outline a user imported under
    another slug stays as it is.
    """
    results = []
    for slug in builtin_slugs():
        text = builtin_yaml(slug)
        title = load_yaml(text).title  # a broken built-in file must fail here, loudly
        doc = OutlineDocument.objects.filter(slug=slug).first()
        if doc is None:
            doc = OutlineDocument.objects.create(
                slug=slug, title=title, yaml_text=text, builtin=True
            )
            status = "created"
        elif (doc.title, doc.yaml_text, doc.builtin) != (title, text, True):
            doc.title, doc.yaml_text, doc.builtin = title, text, True
            doc.version += 1  # an editor page open on the old text must not save over it
            doc.save()
            status = "updated"
        else:
            status = "unchanged"
        results.append((doc, status))
    return results


@transaction.atomic
def save_imported_outline(
    outline: Outline, actor: Any = None, *, slug: str = ""
) -> tuple[OutlineDocument, bool]:
    """Store an imported outline under `slug`, or a free slug made from its title.

    Returns (document, created). The same outline uploaded twice (a double submit, or the same
    file again) finds the first copy instead of making a second. `actor`: who imports, for the
    audit log (None from the command line). InputError for a slug malformed or taken.
    """
    text = dump_yaml(outline)
    existing = OutlineDocument.objects.filter(yaml_text=text).first()
    if existing:
        return existing, False
    if slug:
        if not re.fullmatch(r"[-a-z0-9_]{1,100}", slug):
            raise InputError(
                f'Mã "{slug}" không hợp lệ: chỉ dùng chữ thường không dấu, số và "-", ví dụ ct05-2024.'
            )
        if OutlineDocument.objects.filter(slug=slug).exists():
            raise InputError(f'Mã "{slug}" đã được dùng cho một đề cương khác.')
        return _store(outline, text, slug, actor), True
    return _store(outline, text, _free_slug(outline.title), actor), True


def _free_slug(title: str) -> str:
    base = slugify(fold(title))[:80].strip("-") or "de-cuong"
    slug, n = base, 2
    while OutlineDocument.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _store(outline: Outline, text: str, slug: str, actor: Any, **details: Any) -> OutlineDocument:
    doc = OutlineDocument.objects.create(slug=slug, title=outline.title[:500], yaml_text=text)
    OutlineVersion.objects.create(
        document=doc, number=doc.version, yaml_text=text, note=IMPORTED, saved_by=_user(actor)
    )
    record(actor, "outline.import", doc, sections=sum(1 for _ in outline.walk()), **details)
    return doc


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


IMPORTED = "Nhập từ tệp"
BUILTIN_READ_ONLY = (
    "Đề cương có sẵn được cài lại mỗi khi cập nhật phần mềm nên không sửa trực tiếp được. Hãy "
    "bấm “Tạo bản sao để sửa” rồi sửa bản sao."
)


class StaleVersion(InputError):
    """The editor's page was made from an older version than the one stored."""


@transaction.atomic
def copy_outline(doc: OutlineDocument, actor: Any) -> OutlineDocument:
    """A copy anyone allowed to edit may change (the built-in outlines are reinstalled)."""
    outline = doc.outline()
    outline.title = f"{outline.title} (bản sao)"
    slug = _free_slug(f"{doc.slug}-ban-sao")
    return _store(outline, dump_yaml(outline), slug, actor, copied_from=doc.slug)


@transaction.atomic
def save_version(
    doc: OutlineDocument, outline: Outline, actor: Any, *, note: str, base_version: int
) -> tuple[OutlineDocument, bool]:
    """Store the edited outline as the document's next version; (document, changed).

    Refused (InputError) for a built-in outline, for an outline that does not load whole, and
    (StaleVersion) when someone saved since `base_version`: their work is never overwritten.
    Campaigns already open keep the outline they snapshotted when they opened.
    """
    doc = OutlineDocument.objects.select_for_update().get(pk=doc.pk)
    if doc.builtin:
        raise InputError(BUILTIN_READ_ONLY)
    if doc.version != base_version:
        raise StaleVersion(
            f"Đề cương vừa được lưu thành phiên bản {doc.version} (trang của bạn mở từ phiên bản "
            f"{base_version}), nên thay đổi này chưa được lưu để không ghi đè lên người khác. "
            "Hãy tải lại trang, xem lại rồi làm lại thay đổi."
        )
    text = dump_yaml(checked(outline))
    if text == doc.yaml_text:
        return doc, False
    if not doc.versions.exists():  # stored before versions were kept: keep that state first
        OutlineVersion.objects.create(document=doc, number=doc.version, yaml_text=doc.yaml_text)
    doc.version += 1
    doc.yaml_text, doc.title = text, outline.title[:500]
    doc.save()
    OutlineVersion.objects.create(
        document=doc, number=doc.version, yaml_text=text, note=note[:300], saved_by=_user(actor)
    )
    record(actor, "outline.edit", doc, version=doc.version, change=note[:300])
    return doc, True
