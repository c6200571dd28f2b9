"""How long the synthesised draft of a whole consolidated report takes (`baocao consolidate
--draft`: every section's passages split, grouped, ranked and written with their sources),
and how long it is: Kon Tum's province report from its ~1,000 units (target: seconds, and a
body under ~12,000 words). Each case runs in a child process of its own, so the peak resident
memory is the draft's alone.

Kon Tum is measured on a fresh SQLite file with the demo province, and on the database of
`DATABASE_URL` when it is PostgreSQL (the national demo's Kon Tum and the national unit, when
loaded). The demo's texts were not written for this benchmark, but the grouping was tuned on
them while it was built; the hand-written fixture tests/fixtures/synthesis was written first.

Prints figures; asserts nothing. Run:
    .venv/bin/python bench/bench_draft.py
"""

from __future__ import annotations

import json
import re
import time

import harness

ROUNDS = 3
CASES = {
    # case: (campaign slug, unit code)
    "kontum": ("nq20-kon-tum-2017", "KT"),
    "kontum-national": ("nq20-toan-quoc-2017", "KT"),
    "national": ("nq20-toan-quoc-2017", "TLD"),
}


def child(case: str) -> None:
    harness.child_setup()
    from django.db import connection

    from baocao.apps.campaigns.consolidation import draft_texts, subtree_figures
    from baocao.apps.campaigns.models import Campaign
    from baocao.apps.orgs.models import Unit
    from baocao.demo.national import peak_rss_mb

    slug, code = CASES[case]
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None:
        print(json.dumps({"skipped": f"no campaign {slug}"}))
        return
    unit = Unit.objects.get(code=code)
    subtree = subtree_figures(campaign, unit)
    times, drafts = [], {}
    for _ in range(ROUNDS):
        start = time.perf_counter()
        drafts = draft_texts(campaign, unit, subtree)
        times.append(time.perf_counter() - start)
    text = " ".join(re.sub(r"<[^>]+>", " ", html) for html in drafts.values())
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "times": times,
                "sections": len(drafts),
                "words": len(re.findall(r"\w+", text)),
                "peak_mb": peak_rss_mb(),
            }
        )
    )


def run(case: str, env: dict[str, str]) -> None:
    result = harness.run_case(__file__, case, env)
    slug, code = CASES[case]
    if "skipped" in result:
        print(f"{case}: skipped ({result['skipped']})")
        return
    print(
        f"draft of {code} in {slug} on {result['vendor']}: {result['sections']} sections, "
        f"{result['words']:,} words, best {min(result['times']):.2f} s of "
        f"{', '.join(f'{t:.2f}' for t in result['times'])} (roll-up not included); "
        f"peak RSS {result['peak_mb']:.0f} MB"
    )


def main() -> None:
    harness.main(__file__, child, run, ["kontum"], ["kontum", "kontum-national", "national"])


if __name__ == "__main__":
    main()
