"""The local demo's accounts: known logins so a person can try the site at once.

Later issues add a whole demo province (units, campaign, reports); they belong here too.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    superuser: bool
    role: str  # shown to the person running the demo


DEMO_USERS = [
    DemoUser("admin", "baocao-admin", True, "Quản trị hệ thống (superuser)"),
    DemoUser("tinh", "baocao-demo", False, "Cán bộ LĐLĐ tỉnh"),
]


@transaction.atomic
def create_demo_users() -> list[tuple[DemoUser, str]]:
    """Create the demo accounts that are missing; an existing account is left as it is
    (its password may have been changed on purpose). Returns each with "created" or "exists"."""
    user_model = get_user_model()
    results = []
    for demo in DEMO_USERS:
        if user_model.objects.filter(username=demo.username).exists():
            results.append((demo, "exists"))
            continue
        if demo.superuser:
            user_model.objects.create_superuser(demo.username, password=demo.password)
        else:
            user_model.objects.create_user(demo.username, password=demo.password)
        results.append((demo, "created"))
    return results
