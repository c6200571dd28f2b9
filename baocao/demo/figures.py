"""One year of a CĐCS's figures, drawn the same way for the province demo (`campaign`) and the
national one (`national`): both tell the same story of a CĐCS's year (members, training,
letters, agreements, ...) and differ only in the odds, which each demo gives as `Odds`.

The draws on the random stream come in a fixed order: moving, adding or dropping one changes
every figure after it, and the demos' figures are pinned by tests (Kon Tum's 36,970 members in
2017).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

BASE, NOW = 2008, 2017  # the two years the NQ20 review reports

# Every count and sum-money indicator a CĐCS reports (average income is apart: not summed).
COUNTS = (
    "workers", "workers_non_state", "members", "members_women", "members_non_state",
    "grassroots_unions", "grassroots_unions_non_state", "labour_disputes", "strikes",
    "complaint_letters_received", "complaint_letters_handled", "propaganda_sessions",
    "propaganda_attendees", "training_courses", "training_attendees",
    "training_attendees_political", "members_university", "members_college",
    "members_vocational", "members_untrained", "new_members", "new_grassroots_unions",
    "grassroots_unions_strong", "officers_trained", "members_introduced_to_party",
    "members_admitted_to_party", "union_houses", "union_houses_value", "inspections",
    "collective_agreements_signed", "collective_agreements_in_force", "initiatives",
    "initiatives_value",
)  # fmt: skip

Range = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Odds:
    """What sets one kind of CĐCS apart in `year_counts`. A pair indexed by year holds the
    value for 2008, then for 2017."""

    non_state: bool
    enterprise: bool  # signs collective agreements and puts a value on its initiatives
    workers_then: Range  # 2008's workers as a share of 2017's
    members: tuple[Range, Range] | None  # members as a share of workers; None: all but a few
    women: Range  # of the members
    university: Range  # of the members in 2017 (three quarters of that in 2008)
    letters: float  # odds of complaint letters received
    late_letters: bool  # some letters are handled the year after (so one more or one fewer)
    houses: float  # odds of a union house built
    agreements: Range  # odds of a collective agreement signed, by year
    initiatives: int  # most initiatives in 2017 (half that in 2008)
    strikes: float  # odds of a strike (a non-state CĐCS only)
    strong: Range  # odds of being rated strong, by year


def year_counts(
    rng: random.Random, odds: Odds, year: int, founded: int, workers_now: int
) -> list[int]:
    """A CĐCS's counts for `year` (founded by then), in `COUNTS` order, within the outline's
    hard rules (members ≤ workers, women ≤ members, a CĐCS counts one CĐCS, ...)."""
    recent = year == NOW  # indexes the by-year pairs
    non_state, enterprise = odds.non_state, odds.enterprise
    if recent:
        workers = workers_now
    else:
        workers = max(3, round(workers_now * rng.uniform(*odds.workers_then)))
    if odds.members is None:
        members = workers - rng.randint(0, workers // 25)
    else:
        members = max(1, round(workers * rng.uniform(*odds.members[recent])))
    women = round(members * rng.uniform(*odds.women))
    university = rng.uniform(*odds.university) * (1 if recent else 0.75)
    qualification = _split(members, [university, rng.uniform(0.05, 0.2), rng.uniform(0.05, 0.25)])
    sessions = rng.randint(2, 10) if recent else rng.randint(1, 4)
    courses = rng.randint(0, 3) if recent else rng.randint(0, 1)
    trained = courses * max(1, round(members * rng.uniform(0.2, 0.7)))
    introduced = rng.randint(0, 3 if recent else 2)
    received = rng.randint(1, 3) if rng.random() < odds.letters else 0
    handled = received
    if received and odds.late_letters:
        if rng.random() < 0.15:
            handled = received - 1
        elif rng.random() < 0.05:
            handled = received + 1  # letters of the year before, settled this year
    houses = 1 if rng.random() < odds.houses else 0
    signed = 1 if enterprise and rng.random() < odds.agreements[recent] else 0
    initiatives = rng.randint(0, odds.initiatives) // (1 if recent else 2)
    values = {
        "workers": workers,
        "workers_non_state": workers if non_state else 0,
        "members": members,
        "members_women": women,
        "members_non_state": members if non_state else 0,
        "grassroots_unions": 1,
        "grassroots_unions_non_state": 1 if non_state else 0,
        "labour_disputes": 1 if non_state and rng.random() < 0.04 else 0,
        "strikes": 1 if non_state and rng.random() < odds.strikes else 0,
        "complaint_letters_received": received,
        "complaint_letters_handled": handled,
        "propaganda_sessions": sessions,
        "propaganda_attendees": sessions * max(1, round(members * rng.uniform(0.6, 0.95))),
        "training_courses": courses,
        "training_attendees": trained,
        "training_attendees_political": round(trained * rng.uniform(0.1, 0.5)),
        "members_university": qualification[0],
        "members_college": qualification[1],
        "members_vocational": qualification[2],
        "members_untrained": qualification[3],
        "new_members": members
        if founded == year
        else rng.randint(0, max(1, members // (12 if recent else 10))),
        "new_grassroots_unions": 1 if founded == year else 0,
        "grassroots_unions_strong": 1 if rng.random() < odds.strong[recent] else 0,
        "officers_trained": rng.randint(1, 5) if recent else rng.randint(0, 3),
        "members_introduced_to_party": introduced,
        "members_admitted_to_party": rng.randint(0, introduced),
        "union_houses": houses,
        "union_houses_value": houses * rng.choice((30, 40, 50, 60)),
        "inspections": rng.randint(0, 2),
        "collective_agreements_signed": signed,
        "collective_agreements_in_force": signed if rng.random() < 0.9 else 0,
        "initiatives": initiatives,
        "initiatives_value": initiatives * rng.randint(5, 40) if enterprise else 0,
    }
    return [values[code] for code in COUNTS]


def _split(total: int, shares: list[float]) -> list[int]:
    """`total` cut into parts by `shares` (the last part takes the rest; never negative)."""
    parts, left = [], total
    for share in shares:
        part = min(left, max(0, round(total * share)))
        parts.append(part)
        left -= part
    parts.append(left)
    return parts
