"""How people are named to each other on pages, in timelines and in e-mails."""

from __future__ import annotations

from typing import Any


def display_name(user: Any) -> str:
    """How a person is named to others: full name, else login name."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
