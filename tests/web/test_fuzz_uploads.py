"""The fuzz pass over every upload page: real files with mutations (tests/mutations.py) posted
where a person posts them (a unit's report, the outline import, the unit import). Each answer
is the page (200, 302) or the page with the Vietnamese refusal (400), never a 500: the test
client raises any exception a view lets out. Derandomized and bounded."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from mutations import MUTATIONS, mutate, seeds

from .campaign_scenario import url

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


@pytest.mark.parametrize("seed", list(seeds()))
@FUZZ
@given(operations=MUTATIONS)
def test_a_mutated_upload_gets_a_page_never_a_server_error(
    client, school, people, seed, operations
):
    reader, name, data = seeds()[seed]
    if reader == "report":
        client.force_login(people["school_writer"])
        address = url("report_upload", school)
    else:
        client.force_login(people["admin"])
        address = reverse("outlines:import" if reader == "outline" else "orgs:import")
    upload = SimpleUploadedFile(name, mutate(data, operations))
    response = client.post(address, {"file": upload})
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 400:  # the page again, saying what is wrong
        html = response.content.decode()
        shown = ('role="alert"', 'class="errorlist', 'class="field-error"')
        assert any(mark in html for mark in shown), html[-3000:]
        assert "Traceback" not in html
