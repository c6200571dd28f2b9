"""The home page and the logins page on a 390 px phone, in a real Chromium: a province officer
who consolidates and administers sees the progress of its subtree and what needs setting up,
nothing wider than the screen; screenshots kept in var/screenshots/."""

import pytest
from playwright.sync_api import expect

from baocao.apps.orgs.models import Unit, UnitKind

from . import campaign_scenario
from .samples import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = 390


@pytest.fixture
def officer(settings, tree, member):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "baocao.apps.orgs.accounts.OneTimePasswordHasher",
    ]
    campaign_scenario.build(tree, member)
    Unit.objects.create(
        code="KT-DH-03",
        name="CĐCS Trường Trung học cơ sở Lê Lợi, xã Đăk Ui, huyện Đăk Hà",
        kind=UnitKind.GRASSROOTS,
        parent=tree.dakha,
    )
    return member("tinh.quantri", tree.province, "consolidator", "admin", password=PASSWORD)


def test_the_home_page_and_the_logins_page_fit_a_phone(new_page, log_in, officer, screenshots):
    page = new_page(PHONE, 844)
    log_in(page, "tinh.quantri", PASSWORD)
    expect(
        page.get_by_role("heading", name="Tiến độ các đơn vị thuộc LĐLĐ tỉnh Kon Tum")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Việc cần thiết lập")).to_be_visible()
    expect(page.get_by_role("link", name="Theo dõi tiến độ")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    page.screenshot(path=screenshots / "home-phone.png", full_page=True)

    page.get_by_role("link", name="Cấp tài khoản").first.click()
    expect(page.get_by_role("button", name="Cấp tài khoản và tải bảng")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    page.get_by_label("Cấp cho các đơn vị thuộc").select_option(label="— LĐLĐ huyện Đăk Hà (KT-DH)")
    with page.expect_download() as downloaded:
        page.get_by_role("button", name="Cấp tài khoản và tải bảng").click()
    assert downloaded.value.suggested_filename.startswith("tai-khoan-KT-DH-")
    page.screenshot(path=screenshots / "accounts-phone.png", full_page=True)
