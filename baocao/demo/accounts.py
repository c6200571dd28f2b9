"""The local demo's accounts: known logins so a person can try the site at once, one for each
role at each level of the demo province (baocao.demo.province).

The demo campaign and its reports (`baocao.demo.campaign`) are built after these
accounts, by the same `baocao demo`; its writers and reviewers are these logins where they exist.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from baocao.apps.orgs.models import Membership, Role, Unit

# One password for every demo officer: long enough and uncommon enough for Django's validators.
DEMO_PASSWORD = "baocao-demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    superuser: bool
    role: str  # shown to the person running the demo
    unit_code: str = ""  # "" for the superuser, who belongs to no unit
    roles: tuple[str, ...] = ()
    unit_name: str = ""  # shown beside the login, so the table needs no database


DEMO_USERS = [
    DemoUser("admin", "baocao-admin", True, "Quản trị hệ thống (superuser)"),
    DemoUser(
        "tinh",
        DEMO_PASSWORD,
        False,
        "Viết báo cáo tổng hợp của tỉnh, duyệt cấp dưới, xem toàn tỉnh",
        "KT",
        (Role.WRITER, Role.CONSOLIDATOR, Role.REVIEWER, Role.VIEWER),
        "LĐLĐ tỉnh Kon Tum",
    ),
    DemoUser(
        "tinh.admin",
        DEMO_PASSWORD,
        False,
        "Quản trị đơn vị (nhập danh sách đơn vị)",
        "KT",
        (Role.ADMIN,),
        "LĐLĐ tỉnh Kon Tum",
    ),
    DemoUser(
        "lanhdao",
        DEMO_PASSWORD,
        False,
        "Lãnh đạo: xem toàn tỉnh",
        "KT",
        (Role.VIEWER,),
        "LĐLĐ tỉnh Kon Tum",
    ),
    DemoUser(
        "kontum",
        DEMO_PASSWORD,
        False,
        "Viết, duyệt CĐCS, tổng hợp",
        "KT-TP",
        (Role.WRITER, Role.REVIEWER, Role.CONSOLIDATOR),
        "LĐLĐ thành phố Kon Tum",
    ),
    DemoUser(
        "dakha",
        DEMO_PASSWORD,
        False,
        "Viết báo cáo của huyện",
        "KT-DH",
        (Role.WRITER,),
        "LĐLĐ huyện Đăk Hà",
    ),
    DemoUser(
        "giaoduc",
        DEMO_PASSWORD,
        False,
        "Viết, duyệt CĐCS, tổng hợp",
        "KT-GD",
        (Role.WRITER, Role.REVIEWER, Role.CONSOLIDATOR),
        "Công đoàn Giáo dục tỉnh",
    ),
    DemoUser(
        "cdcs.nguyenhue",
        DEMO_PASSWORD,
        False,
        "Viết báo cáo của CĐCS",
        "KT-TP-026",
        (Role.WRITER,),
        "CĐCS Trường TH Nguyễn Huệ",
    ),
    DemoUser(
        "cdcs.caosu",
        DEMO_PASSWORD,
        False,
        "Viết báo cáo của CĐCS",
        "KT-001",
        (Role.WRITER,),
        "CĐCS Cty Cao su Kon Tum",
    ),
]


@transaction.atomic
def create_demo_users() -> list[tuple[DemoUser, str]]:
    """Create the demo accounts that are missing, each in its demo unit (the demo province is
    created first if it is not there). An existing account is left as it is (its password or
    roles may have been changed on purpose); one without a unit is placed in its demo unit.
    Returns each with "created" or "exists"."""
    from baocao.demo.province import create_demo_province

    create_demo_province()
    units = Unit.objects.in_bulk(
        [demo.unit_code for demo in DEMO_USERS if demo.unit_code], field_name="code"
    )
    user_model = get_user_model()
    results = []
    for demo in DEMO_USERS:
        user = user_model.objects.filter(username=demo.username).first()
        if user is not None:
            status = "exists"
        elif demo.superuser:
            user = user_model.objects.create_superuser(demo.username, password=demo.password)
            status = "created"
        else:
            user = user_model.objects.create_user(demo.username, password=demo.password)
            status = "created"
        if demo.unit_code and not Membership.objects.filter(user=user).exists():
            Membership.objects.create(
                user=user, unit=units[demo.unit_code], roles=[str(role) for role in demo.roles]
            )
        results.append((demo, status))
    return results
