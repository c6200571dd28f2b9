"""Importing an outline as the browser does it: the file is sent and a preview comes back, then
the preview's form (its signed draft, the title, the years and one row of fields per indicator)
is sent back, with whatever corrections a test makes, and the outline is stored."""

from __future__ import annotations

from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

PREVIEW_FORM = "xem-truoc"


class _Fields(HTMLParser):
    """The values a browser would send for the form with id `form_id`."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, {}
        self.select: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            if attrs.get("type") not in ("submit", "button", "file"):
                self.fields[name] = attrs.get(
                    "value", "on" if attrs.get("type") == "checkbox" else ""
                )
        elif tag == "select" and name:
            self.select, self.first_option = name, None
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if self.first_option is None:
                self.first_option = value
                self.fields.setdefault(self.select, value)
            if "selected" in attrs:
                self.fields[self.select] = value
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += (
                data.removeprefix("\n") if not self.fields[self.textarea] else data
            )


def form_fields(html: str, form_id: str = PREVIEW_FORM) -> dict[str, str]:
    parser = _Fields(form_id)
    parser.feed(html)
    return parser.fields


def upload_outline(
    client, name: str, data: bytes, *, sheet: tuple[str, bytes] | None = None, **extra
):
    """Send the file (and an indicators workbook): the preview page, or the form's refusal."""
    files = {"file": SimpleUploadedFile(name, data)}
    if sheet:
        files["chi_tieu"] = SimpleUploadedFile(*sheet)
    return client.post(reverse("outlines:import"), files, **extra)


def confirm_preview(client, preview, changes: dict[str, str] | None = None, **extra):
    """Send the preview's form back as shown, with `changes` (field name → value; None
    removes the field, as an unticked box is not sent)."""
    fields = form_fields(preview.content.decode())
    assert "ban_nhap" in fields, "not a preview page"
    for name, value in (changes or {}).items():
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value
    return client.post(reverse("outlines:import"), fields, **extra)


def import_outline(
    client, name: str, data: bytes, *, changes: dict[str, str] | None = None, follow=False, **extra
):
    """Upload, then confirm the preview as it is (or with `changes`): the answer to the
    confirm, or to the upload when it was refused."""
    preview = upload_outline(client, name, data, **extra)
    if preview.status_code != 200 or f'id="{PREVIEW_FORM}"' not in preview.content.decode():
        return preview
    return confirm_preview(client, preview, changes, follow=follow, **extra)
