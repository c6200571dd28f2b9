"""Fixtures for the whole suite (tests/core with Django blocked too: nothing here needs it)."""

import pytest

from baocao import libreoffice


@pytest.fixture(autouse=True, scope="session")
def _own_conversion_slots(tmp_path_factory):
    """LibreOffice slots of this run's own: a machine allows so many conversions at once
    (`baocao.libreoffice`), and another test run converting at the same moment must not
    turn this run's PDF into "busy, try again in a minute"."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(libreoffice.LOCKS_ENV, str(tmp_path_factory.mktemp("conversions")))
        yield
