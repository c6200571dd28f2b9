"""How long a section's history page takes when a writer saved a long section: two saves of a
1,500-line section (every line changed, then one line in ten), the same over 30 saves, and an
adversarial text of few distinct lines repeated in another order. Each case runs through
Django's full request handling in a child process of its own on a fresh SQLite file with the
demo province, so the peak resident memory printed is that page's.

Prints figures; asserts nothing. Run:
    .venv/bin/python bench/bench_history.py
"""

from __future__ import annotations

import json
import random
import time

import harness

ROUNDS = 3
LINES = 1_500
SECTION = "P1/I/1"


def _lines(seed: int) -> list[str]:
    draw = random.Random(seed)
    return [
        f"Công đoàn cơ sở số {i} có {draw.randint(10, 999)} đoàn viên, tăng {draw.randint(1, 99)}"
        for i in range(LINES)
    ]


def _one_in_ten(lines: list[str]) -> list[str]:
    return [line + " (đã sửa)" if i % 10 == 0 else line for i, line in enumerate(lines)]


def _repeated(step: int) -> list[str]:
    """15 distinct lines, each 100 times (1% of the text), in an order that depends on step."""
    return [f"Dòng lặp {(i * step) % 15}" for i in range(LINES)]


CASES = {
    # case: the texts saved one after another
    "2 saves, every line changed": lambda: [_lines(1), _lines(2)],
    "2 saves, one line in ten changed": lambda: [_lines(1), _one_in_ten(_lines(1))],
    "30 saves, every line changed": lambda: [_lines(seed) for seed in range(30)],
    "2 saves, 15 lines repeated in another order": lambda: [_repeated(1), _repeated(7)],
}


def child(case: str) -> None:
    harness.child_setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from baocao.apps.campaigns import actions
    from baocao.apps.campaigns.models import Report, SectionText, SectionVersion
    from baocao.apps.orgs import scope
    from baocao.demo.national import peak_rss_mb

    writer = get_user_model().objects.get(username="cdcs.nguyenhue")
    report = Report.objects.get(campaign__slug="nq20-kon-tum-2017", unit=scope.user_unit(writer))
    # The cases share one database file: each starts from a section never saved.
    SectionVersion.objects.filter(report=report, section_id=SECTION).delete()
    SectionText.objects.filter(report=report, section_id=SECTION).delete()
    for lines in CASES[case]():
        stored = SectionText.objects.filter(report=report, section_id=SECTION).first()
        actions.save_section(
            report, SECTION, "\n".join(lines), stored.version if stored else 0, writer
        )
    url = reverse(
        "campaigns:section_history", args=[report.campaign.slug, report.unit.code, SECTION]
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(writer)
    settled = peak_rss_mb()
    times, size, status = [], 0, 0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        size, status = len(response.content), response.status_code
    print(
        json.dumps(
            {
                "status": status,
                "times": times,
                "bytes": size,
                "peak_mb": peak_rss_mb(),
                "before_mb": settled,
            }
        )
    )


def run(case: str, env: dict[str, str]) -> None:
    result = harness.run_case(__file__, case, env)
    times = ", ".join(f"{t:.2f}" for t in result["times"])
    print(
        f"history page, {case} ({result['status']}, {result['bytes'] / 1024:.0f} KB): "
        f"best {min(result['times']):.2f} s of {times}; peak RSS {result['peak_mb']:.0f} MB "
        f"({result['before_mb']:.0f} MB before the first request)"
    )


def main() -> None:
    harness.main(__file__, child, run, list(CASES), [])


if __name__ == "__main__":
    main()
