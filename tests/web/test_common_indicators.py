"""Indicators of the catalogue attached to no section (an appendix row whose section was not
found): the report page shows them in a table of their own, "Chỉ tiêu chung", written and saved
like a section's table, and the unit's DOCX carries them in its figures appendix."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import IndicatorValue
from baocao.apps.orgs.models import UnitKind
from baocao.apps.outlines.display import COMMON_TABLE
from baocao.apps.outlines.models import OutlineDocument
from baocao.indicators.catalogue import Indicator
from baocao.outline.builtin import load_builtin
from baocao.outline.serialize import dump_yaml

from .campaign_scenario import as_user, open_nq20, report_of, url

pytestmark = pytest.mark.django_db

HOUSES = "mai_am_houses"
HOUSES_NAME = "Số nhà “Mái ấm Công đoàn” xây mới"


@pytest.fixture
def report(tree, django_user_model):
    """KT-DH-01's report in a campaign whose outline has one indicator no section asks for."""
    outline = load_builtin()
    outline.indicators.append(Indicator(HOUSES, HOUSES_NAME, "căn"))
    document = OutlineDocument.objects.create(
        slug="nq20-mai-am", title=outline.title, yaml_text=dump_yaml(outline)
    )
    admin = django_user_model.objects.create_superuser("quantri")
    campaign = actions.open_campaign(
        document,
        tree.province,
        kinds=[UnitKind.GRASSROOTS],
        deadline=timezone.localdate() + datetime.timedelta(days=10),
        actor=admin,
        slug="mai-am",
    )
    return report_of(campaign, tree.cdcs_dh1)


@pytest.fixture
def writer(member, tree):
    return member("xa.dakmar", tree.cdcs_dh1, "writer")


def stored(report, year=2017):
    value = IndicatorValue.objects.filter(report=report, code=HOUSES, year=year).first()
    return value.raw if value else None


def test_the_report_page_has_a_common_table_the_writer_fills(client, report, writer):
    as_user(client, writer)
    page = client.get(url("report", report)).content.decode()
    assert 'id="muc-chi-tieu-chung"' in page and 'href="#muc-chi-tieu-chung"' in page
    assert HOUSES_NAME in page
    assert f'name="v-{HOUSES}-2017"' in page
    assert page.index("muc-chi-tieu-chung") > page.index("muc-P2")  # after the sections

    table = reverse(
        "campaigns:indicators_save", args=[report.campaign.slug, "KT-DH-01", COMMON_TABLE]
    )
    response = client.post(table, {f"v-{HOUSES}-2017": "12", f"o-v-{HOUSES}-2017": ""})
    assert response.status_code == 302 and response["Location"].endswith("#muc-chi-tieu-chung")
    assert stored(report) == "12"

    cell = url("indicator_save", report, HOUSES, 2008) + f"?muc={COMMON_TABLE}"
    answer = client.post(cell, {f"v-{HOUSES}-2008": "3"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and stored(report, 2008) == "3"
    # Only the common table's own indicators go through it.
    other = url("indicator_save", report, "members", 2017) + f"?muc={COMMON_TABLE}"
    assert client.post(other, {"v-members-2017": "5"}).status_code == 404


def test_a_reader_sees_the_common_table_without_inputs(client, report, writer, member, tree):
    actions.save_indicator(report, HOUSES, 2017, "7", writer)
    reader = member("dh.duyet", tree.dakha, "reviewer")
    page = as_user(client, reader).get(url("report", report)).content.decode()
    assert "Chỉ tiêu chung" in page and f'name="v-{HOUSES}-2017"' not in page


def test_the_unit_docx_carries_the_common_indicators(client, report, writer, django_user_model):
    actions.save_indicator(report, HOUSES, 2008, "3", writer)
    actions.save_indicator(report, HOUSES, 2017, "1.250", writer)
    actions.save_indicator(report, "members", 2017, "28", writer)
    actions.submit(report, writer, report.version)
    report.refresh_from_db()  # the document counts accepted reports
    actions.accept(report, django_user_model.objects.get(username="quantri"), report.version)
    data = as_user(client, writer).get(url("report_download", report, "docx")).content
    cells = [
        cell.text
        for table in Document(io.BytesIO(data)).tables
        for row in table.rows
        for cell in row.cells
    ]
    assert "Chỉ tiêu chung" in cells and HOUSES_NAME in cells
    assert "1.250" in cells


def test_an_outline_whose_indicators_all_have_a_section_has_no_common_table(
    client, tree, django_user_model
):
    admin = django_user_model.objects.create_superuser("quantri")
    report = report_of(open_nq20(tree, admin), tree.cdcs_dh1)
    assert (
        "Chỉ tiêu chung" not in as_user(client, admin).get(url("report", report)).content.decode()
    )
