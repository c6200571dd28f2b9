"""Where a unit's signing key is, and which root certificates a signature must chain to.

A unit signs with the PKCS#12 file BAOCAO_SIGNING_DIR/<UNIT CODE>.p12 (KT-DH.p12), whose
password is in the environment variable `signing.password_variable(code)`
(BAOCAO_SIGNING_PASSWORD_KT_DH); a PNG beside it (KT-DH.png) is the seal or signature image
shown under the visible signature. Passwords stay out of the database. Signatures are trusted
when they chain to a certificate of BAOCAO_SIGNING_TRUST (a PEM file: the national root
certificate authority's, or a province's own test CA).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from baocao.apps.orgs.models import Unit
from baocao.errors import InputError

if TYPE_CHECKING:
    from baocao.signing import SigningKey


def key_path(unit: Unit) -> Path | None:
    """The unit's key file, when signing is set up for it."""
    from baocao import signing  # pyHanko: loaded by the processes that sign only

    return signing.key_file(settings.BAOCAO_SIGNING_DIR, unit.code)


def unit_key(unit: Unit) -> tuple[SigningKey, bytes | None]:
    """The unit's key and its seal image (or None); InputError saying what to set up."""
    from baocao import signing

    path = key_path(unit)
    if path is None:
        raise InputError(
            _(
                "Chưa có khóa ký số của %(unit)s trên máy chủ: quản trị cần đặt tệp %(file)s "
                "vào thư mục BAOCAO_SIGNING_DIR (xem README, mục Ký số)."
            )
            % {"unit": unit.name, "file": f"{unit.code}.p12"}
        )
    password = os.environ.get(signing.password_variable(unit.code))
    key = signing.load_key(path.read_bytes(), password, label=path.name)
    seal = signing.seal_file(path)
    return key, seal.read_bytes() if seal else None


def trust_roots() -> list:
    """The root certificates of BAOCAO_SIGNING_TRUST (none when it is not set)."""
    path = settings.BAOCAO_SIGNING_TRUST
    if not path:
        return []
    file = Path(path)
    if not file.is_file():
        raise InputError(
            _("Không thấy tệp chứng thư gốc %(path)s (BAOCAO_SIGNING_TRUST).") % {"path": path}
        )
    return _roots(str(file), file.stat().st_mtime_ns)


@functools.cache
def _roots(path: str, _modified: int) -> list:
    from baocao import signing

    return signing.load_certificates(Path(path).read_bytes())
