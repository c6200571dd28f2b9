"""How well free-form unit reports are mapped onto the outline: the share of paragraphs that
land in the right section, over the fixture reports in tests/fixtures/reports and per report,
and the share of table figures read right.

Prints figures; asserts nothing (the floor is in tests/core/test_ingest_quality.py).
Run: `make bench` or `.venv/bin/python bench/bench_ingest_quality.py [-v]`.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "reports"))

from build import generate  # noqa: E402
from score import overall, score_all, score_result  # noqa: E402

from baocao.ingest import ingest_docx  # noqa: E402
from baocao.outline.builtin import load_builtin  # noqa: E402

GENERATED = 100


def main() -> None:
    verbose = "-v" in sys.argv
    outline = load_builtin()
    scores = score_all(outline)
    for score in scores:
        print(
            f"{score.name:16} {score.right:3}/{score.total:3} paragraphs "
            f"({score.accuracy:6.1%}); header/signature {score.matter_right}/{score.matter_total}; "
            f"figures {score.values_right}/{score.values_total}"
            + (f" (+{score.values_extra} extra)" if score.values_extra else "")
            + (
                f"; value warnings {score.warnings_right}/{score.warnings_total}"
                if score.warnings_total
                else ""
            )
        )
        if verbose:
            for miss in score.misses:
                print(f"    {miss}")
    right = sum(s.right for s in scores)
    total = sum(s.total for s in scores)
    values = sum(s.values_right for s in scores), sum(s.values_total for s in scores)
    print(
        f"\nall {len(scores)} reports: {right}/{total} paragraphs in the right section "
        f"({overall(scores):.1%}); figures read right {values[0]}/{values[1]}"
    )
    # A second, harsher set: generated reports whose headings all carry "1." or "I." (as if
    # renumbered badly) and drop one section in ten. Same prose bank: not an independent set.
    generated = []
    for seed in range(1000, 1000 + GENERATED):
        data, truth = generate(seed)
        generated.append(score_result(str(seed), ingest_docx(data, outline), truth))
    right = sum(s.right for s in generated)
    total = sum(s.total for s in generated)
    print(
        f"{GENERATED} generated reports: {right}/{total} paragraphs in the right section "
        f"({overall(generated):.1%}); worst report {min(s.accuracy for s in generated):.1%}"
    )


if __name__ == "__main__":
    main()
