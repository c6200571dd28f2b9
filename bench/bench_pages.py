"""How long the heaviest pages take, and how much memory a web worker needs for them: the
campaign dashboard and the consolidation workspace of the province (about 1,000 reports) and
of the whole country (about 130,000), and a writer's report page, each through Django's full
request handling (middleware, session, templates) in a child process of its own, so the peak
resident memory printed is what a worker serving only that page reaches (target: a web worker
under 300 MB).

The province is measured on a fresh SQLite file with the demo (`baocao demo`), and on the
database of `DATABASE_URL` when it is PostgreSQL, where the national pages are measured too
(load it first: `baocao demo --scale national`).

Prints figures; asserts nothing. Run:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/baocao_scale .venv/bin/python bench/bench_pages.py
    .venv/bin/python bench/bench_pages.py      # SQLite only
"""

from __future__ import annotations

import json
import time

import harness

ROUNDS = 3
PROVINCE, NATIONAL = "nq20-kon-tum-2017", "nq20-toan-quoc-2017"
CASES = {
    # case: (user, campaign slug, what follows /dot-bao-cao/<slug>/)
    "province dashboard": ("tinh", PROVINCE, ""),
    "province workspace": ("tinh", PROVINCE, "bao-cao/KT/tong-hop/"),
    "report page (CĐCS writer)": ("cdcs.nguyenhue", PROVINCE, "bao-cao/{own}/"),
    "national dashboard": ("tongld", NATIONAL, ""),
    "national dashboard, searched": ("tongld", NATIONAL, "?q=ha+noi&trang=2"),
    "national workspace": ("tongld", NATIONAL, "bao-cao/TLD/tong-hop/"),
}


def child(case: str) -> None:
    harness.child_setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from baocao.apps.campaigns.models import Campaign
    from baocao.apps.orgs import scope
    from baocao.demo.national import peak_rss_mb

    username, slug, rest = CASES[case]
    user = get_user_model().objects.filter(username=username).first()
    if user is None or not Campaign.objects.filter(slug=slug).exists():
        print(json.dumps({"skipped": f"no campaign {slug} or user {username}"}))
        return
    url = f"/dot-bao-cao/{slug}/" + rest.format(own=scope.user_unit(user).code)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
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
                "vendor": connection.vendor,
                "url": url,
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
    if "skipped" in result:
        print(f"{case}: skipped ({result['skipped']})")
        return
    times = ", ".join(f"{t:.2f}" for t in result["times"])
    print(
        f"{case} on {result['vendor']} ({result['url']}, {result['status']}, "
        f"{result['bytes'] / 1024:.0f} KB): best {min(result['times']):.2f} s of {times}; "
        f"peak RSS {result['peak_mb']:.0f} MB ({result['before_mb']:.0f} MB before the first "
        f"request; target for a worker < 300 MB: "
        f"{'met' if result['peak_mb'] < 300 else 'NOT met'})"
    )


def main() -> None:
    province = [case for case, (_user, slug, _rest) in CASES.items() if slug == PROVINCE]
    harness.main(__file__, child, run, province, list(CASES))


if __name__ == "__main__":
    main()
