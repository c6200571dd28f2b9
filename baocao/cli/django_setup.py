"""Django, set up on demand by the commands that need it.

Each command that touches the database calls `setup_django()` inside its body, not at import,
so `baocao --help` and the outline commands start fast and need neither Django settings nor a
database.
"""

import os


def setup_django() -> None:
    """Point Django at `baocao.web.settings` (unless DJANGO_SETTINGS_MODULE says otherwise) and
    set it up; calling it again is harmless."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baocao.web.settings")
    import django

    django.setup()
