"""A file sent to the browser: one way to name it and to keep it out of shared caches.

Every download of the site (reports, templates, uploads, indicator and unit workbooks) comes
through `download`, so each gets an ASCII name for old clients and the real Vietnamese name for
the rest (RFC 6266/5987), `nosniff`, and no caching by proxies.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from django.http import HttpResponse

from baocao import filetypes

_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def ascii_name(name: str, default: str = "tep") -> str:
    """A file name for browsers that ignore filename*: no diacritics, no quotes or slashes."""
    folded = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = re.sub(r"[^A-Za-z0-9._-]+", "-", folded)
    folded = re.sub(r"-+", "-", folded).strip("-.")
    return folded or default


def attachment(filename: str, fallback: str = "") -> str:
    """Content-Disposition for a download: an ASCII name, and the real one (RFC 5987/6266)."""
    filename = _UNSAFE_IN_NAME.sub("-", filename).strip() or "tep"
    plain = ascii_name(fallback or filename)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(
    data: bytes, filename: str, *, fallback: str = "", content_type: str = ""
) -> HttpResponse:
    """`data` as a file named `filename` (its type from the suffix unless given)."""
    response = HttpResponse(data, content_type=content_type or filetypes.content_type(filename))
    response["Content-Disposition"] = attachment(filename, fallback)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
