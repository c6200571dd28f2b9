"""How long the consolidated DOCX takes: Kon Tum (about 1,000 units below it; target < 3 s) and
the national summary (about 130,000; target < 2 s, its figures read from the live roll-up
when the campaign's is built: `baocao demo` builds it), each from the database to the bytes of
the file (roll-up, texts, document model, rendering with its chart), with the peak resident
memory of a process that did only that (each case runs in a child process of its own).

Kon Tum is measured on a fresh SQLite file with the demo province (`baocao demo`), and on the
database of `DATABASE_URL` when it is PostgreSQL, where the national summary is measured too
(load it first: `baocao demo --scale national`).

Prints figures; asserts nothing. Run:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/baocao_scale .venv/bin/python bench/bench_docx.py
    .venv/bin/python bench/bench_docx.py      # SQLite only
"""

from __future__ import annotations

import json
import time

import harness

ROUNDS = 3
ENGINES = {
    "LiveSubtreeFigures": "read live",
    "SqlSubtreeFigures": "in SQL",
    "SubtreeFigures": "in Python",
}
CASES = {
    # case: (campaign slug, unit code, target seconds)
    "kontum": ("nq20-kon-tum-2017", "KT", 3.0),
    "kontum-national": ("nq20-toan-quoc-2017", "KT", 3.0),
    "national": ("nq20-toan-quoc-2017", "TLD", 2.0),
}


def child(case: str) -> None:
    harness.child_setup()
    from django.db import connection

    from baocao.apps.campaigns.consolidation import report_document
    from baocao.apps.campaigns.models import Campaign, Report
    from baocao.apps.orgs.models import Unit
    from baocao.docx_out.render import render_docx

    slug, code, _target = CASES[case]
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None:
        print(json.dumps({"skipped": f"no campaign {slug}"}))
        return
    unit = Unit.objects.get(code=code)
    below = Report.objects.filter(campaign=campaign, unit__path__startswith=unit.path).count()
    from baocao.demo.national import peak_rss_mb

    settled = peak_rss_mb()
    times, size = [], 0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        document, subtree = report_document(campaign, unit, include_submitted=False)
        data = render_docx(document)
        times.append(time.perf_counter() - start)
        size = len(data)
    members = subtree.figures(unit).get("members", {}).get(campaign.current_year)
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "reports": below,
                "engine": type(subtree).__name__,
                "times": times,
                "bytes": size,
                "members": float(members or 0),
                "peak_mb": peak_rss_mb(),
                "before_mb": settled,
            }
        )
    )


def run(case: str, env: dict[str, str]) -> None:
    result = harness.run_case(__file__, case, env)
    slug, code, target = CASES[case]
    if "skipped" in result:
        print(f"{case}: skipped ({result['skipped']})")
        return
    best = min(result["times"])
    print(
        f"{code} in {slug} on {result['vendor']}: {result['reports']:,} reports, "
        f"roll-up {ENGINES.get(result['engine'], result['engine'])}; "
        f"DOCX {result['bytes'] / 1024:.0f} KB in best {best:.2f} s of "
        f"{', '.join(f'{t:.2f}' for t in result['times'])} (target < {target:.0f} s: "
        f"{'met' if best < target else 'NOT met'}); peak RSS {result['peak_mb']:.0f} MB "
        f"({result['before_mb']:.0f} MB before the first document); members "
        f"{result['members']:,.0f}"
    )


def main() -> None:
    harness.main(__file__, child, run, ["kontum"], ["kontum", "kontum-national", "national"])


if __name__ == "__main__":
    main()
