"""A bounded fuzz pass over every upload entry point: real files (tests/mutations.py) with
bytes overwritten, cut short, and zip members swapped, edited or dropped, read as the web and
the CLI read them. Each must be read or refused with an InputError (a Vietnamese message);
any other exception is a 500 on the web and a traceback in the CLI. Derandomized, so a run is
repeatable and a failure is found again."""

from __future__ import annotations

import pytest
from hostile_files import read_with
from hypothesis import HealthCheck, given, settings
from mutations import MUTATIONS, mutate, seeds

from baocao.errors import InputError

FUZZ = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("seed", list(seeds()))
@FUZZ
@given(operations=MUTATIONS)
def test_a_mutated_upload_is_read_or_refused_with_a_message(seed, operations):
    reader, name, data = seeds()[seed]
    try:
        read_with(reader, mutate(data, operations), name)
    except InputError as error:
        assert error.message.strip()
