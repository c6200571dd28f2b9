"""How fast the outline engine imports the seed outline and round-trips it through YAML.

Prints figures; asserts nothing. Run: `make bench` or `.venv/bin/python bench/bench_outline.py`.
"""

import time
from pathlib import Path

from baocao.outline.parse_text import parse_text
from baocao.outline.serialize import dump_yaml, load_yaml

SEED = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "seed_nq20.txt"
ROUNDS = 200


def main() -> None:
    text = SEED.read_text(encoding="utf-8")
    start = time.perf_counter()
    for _ in range(ROUNDS):
        outline = parse_text(text)
    parsed = time.perf_counter() - start
    yaml_text = dump_yaml(outline)
    start = time.perf_counter()
    for _ in range(ROUNDS):
        load_yaml(yaml_text)
    loaded = time.perf_counter() - start
    print(
        f"seed outline ({len(text.splitlines())} lines): import {ROUNDS / parsed:,.0f} per s "
        f"({parsed / ROUNDS * 1000:.2f} ms each)"
    )
    print(f"YAML load: {ROUNDS / loaded:,.0f} per s ({loaded / ROUNDS * 1000:.2f} ms each)")


if __name__ == "__main__":
    main()
