"""How well free-form unit reports are mapped onto the outline, on two sets of Word reports:

- `reports` (tests/fixtures/reports, 13 reports written while the matcher was tuned, and 100
  generated ones): the share of paragraphs that land in the right section and of the table
  figures read right;
- `freeform` (tests/fixtures/freeform, 12 reports written for issue 15 BEFORE the ingest was
  tuned for them, and frozen): paragraphs placed in the right section and figures read right
  (ratios aside), kept apart, the figures also by where they are stated (a table, a table
  with the years as rows, only a sentence) and those written in another unit than the
  catalogue's; targets of issue 15: >= 99% paragraphs, >= 80% figures. A figure proposed
  from a sentence counts as read (the preview shows it with its sentence, to be accepted):
  for a code and year no table gives, the surest proposal (`with_proposals`).

Prints figures, then one line of JSON with all of them; asserts nothing (the floor of the
first set is in tests/core/test_ingest_quality.py, that of the second, issue 15's targets, in
tests/core/test_freeform_quality.py).
Run: `make bench` or `.venv/bin/python bench/bench_ingest_quality.py [--set reports|freeform|all] [-v]`.
"""

import argparse
import dataclasses
import json
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
sys.path.insert(0, str(FIXTURES / "reports"))
sys.path.insert(0, str(FIXTURES / "freeform"))

import scoring  # noqa: E402  (tests/fixtures/freeform)
from build import generate  # noqa: E402  (tests/fixtures/reports)
from score import overall, score_all, score_result  # noqa: E402

from baocao.ingest import ingest_docx  # noqa: E402
from baocao.outline.builtin import load_builtin  # noqa: E402

GENERATED = 100


def tuned_set(outline, verbose: bool) -> dict:
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
    generated_right = sum(s.right for s in generated)
    generated_total = sum(s.total for s in generated)
    worst = min(s.accuracy for s in generated)
    print(
        f"{GENERATED} generated reports: {generated_right}/{generated_total} paragraphs in the "
        f"right section ({overall(generated):.1%}); worst report {worst:.1%}"
    )
    return {
        "reports": len(scores),
        "paragraphs": [right, total],
        "values": list(values),
        "generated": {"reports": GENERATED, "paragraphs": [generated_right, generated_total],
                      "worst": round(worst, 4)},
    }  # fmt: skip


def _line(score: scoring.FreeformScore, width: int = 16) -> str:
    where = ", ".join(
        f"{label} {score.by_where[key]}"
        for key, label in (("table", "table"), ("transposed_table", "years as rows"),
                           ("prose", "prose only"))
        if score.by_where[key].total
    )  # fmt: skip
    extra = [f"other unit {score.other_unit}"] if score.other_unit.total else []
    extra += [f"{score.wrong} read wrong"] if score.wrong else []
    return (
        f"{score.name:{width}} paragraphs {score.paragraphs} ({score.paragraphs.share:6.1%}); "
        f"figures {score.values} ({score.values.share:6.1%}) [{where}]"
        + (f"; {'; '.join(extra)}" if extra else "")
        + f"; header/signature {score.matter}"
    )


def with_proposals(result):
    """The result as the person sees it in the preview: the table figures, and for a code and
    year no table gives, the surest figure proposed from a sentence (shown with its sentence,
    to be accepted). Only the collection changes; scoring.py scores it as it scores tables."""
    indicators = {code: dict(by_year) for code, by_year in result.indicators.items()}
    for proposal in sorted(result.proposals, key=lambda p: -p.confidence):
        indicators.setdefault(proposal.code, {}).setdefault(proposal.year, proposal.value)
    return dataclasses.replace(result, indicators=indicators)


def freeform_scores(outline) -> list:
    ratios = {indicator.code for indicator in outline.indicators if indicator.derived}
    return [
        scoring.score_result(
            name, with_proposals(ingest_docx(data, outline, name=f"{name}.docx")), truth, ratios
        )
        for name, data, truth in scoring.fixtures()
    ]


def freeform_set(outline, verbose: bool) -> dict:
    scores = freeform_scores(outline)
    print(
        f"free-form set of issue 15 (tests/fixtures/freeform, {len(scores)} reports written "
        "before tuning, frozen):"
    )
    for score in scores:
        print(_line(score))
        if verbose:
            print(f"    traps: {', '.join(score.traps)}")
            for miss in score.misses:
                print(f"    {miss}")
    whole = scoring.total(scores)
    print(_line(whole))
    print(
        f"targets: paragraphs >= {scoring.TARGET_PARAGRAPHS:.0%} "
        f"({'met' if whole.paragraphs.share >= scoring.TARGET_PARAGRAPHS else 'not met'}), "
        f"figures (ratios aside) >= {scoring.TARGET_VALUES:.0%} "
        f"({'met' if whole.values.share >= scoring.TARGET_VALUES else 'not met'})"
    )
    return {
        "reports": len(scores),
        **whole.to_json(),
        "per_report": {score.name: score.to_json() for score in scores},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("reports", "freeform", "all"), default="all")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()
    outline = load_builtin()
    figures = {}
    if args.set in ("reports", "all"):
        figures["reports"] = tuned_set(outline, args.verbose)
    if args.set in ("freeform", "all"):
        if figures:
            print()
        figures["freeform"] = freeform_set(outline, args.verbose)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
