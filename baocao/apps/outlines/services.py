"""Changes to stored outlines, shared by the CLI, the views and the tests."""

import re
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from baocao.apps.audit.log import record
from baocao.apps.outlines.models import OutlineDocument
from baocao.errors import InputError
from baocao.outline.builtin import builtin_slugs, builtin_yaml
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
    base = slugify(fold(outline.title))[:80].strip("-") or "de-cuong"
    slug, n = base, 2
    while OutlineDocument.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return _store(outline, text, slug, actor), True


def _store(outline: Outline, text: str, slug: str, actor: Any) -> OutlineDocument:
    doc = OutlineDocument.objects.create(slug=slug, title=outline.title[:500], yaml_text=text)
    record(actor, "outline.import", doc, sections=sum(1 for _ in outline.walk()))
    return doc
