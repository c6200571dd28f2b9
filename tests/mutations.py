"""Real upload files and their mutations, for the fuzz passes over every upload entry point
(tests/core/test_fuzz_uploads.py on the readers, tests/web/test_fuzz_uploads.py on the pages).

`SEEDS`: one real file of each kind a person uploads, by what reads it ("report": a unit's
Word or Excel report, "outline": an outline in Word, text or YAML, "units": a unit list in
Excel or CSV). `MUTATIONS` draws what is done to one: bytes overwritten, the file cut short, and,
inside a zip package, two members' contents swapped, bytes of one member overwritten, a member
dropped. `mutate` applies them.
"""

from __future__ import annotations

import io
import zipfile
from functools import cache
from pathlib import Path

import docx
from hypothesis import strategies as st
from office_files import to_bytes, zip_bytes

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@cache
def seeds() -> dict[str, tuple[str, str, bytes]]:
    """name -> (reader, file name, bytes)."""
    from baocao.outline.builtin import load_builtin
    from baocao.outline.serialize import dump_yaml
    from baocao.unitfile import UnitRow, write_csv, write_xlsx
    from baocao.xlsx_out import indicators_template_xlsx

    outline = load_builtin()
    seed_text = (FIXTURES / "seed_nq20.txt").read_text(encoding="utf-8")
    outline_docx = docx.Document()
    for line in seed_text.splitlines()[:80]:
        outline_docx.add_paragraph(line)
    units = [UnitRow("KT", "LĐLĐ tỉnh Kon Tum", "province", None, "tinh@kontum.vn")] + [
        UnitRow(f"KT-{n}", f"LĐLĐ huyện số {n}", "district", "KT", "") for n in range(12)
    ]
    return {
        "report docx": (
            "report",
            "bao_cao.docx",
            (FIXTURES / "reports" / "13_thuy_dien.docx").read_bytes(),
        ),
        "report xlsx": (
            "report",
            "chi_tieu.xlsx",
            indicators_template_xlsx(outline, unit_code="KT", unit_name="LĐLĐ tỉnh", campaign="x"),
        ),
        "outline docx": ("outline", "de_cuong.docx", to_bytes(outline_docx)),
        "outline txt": ("outline", "de_cuong.txt", seed_text.encode("utf-8")),
        "outline yaml": ("outline", "de_cuong.yaml", dump_yaml(outline).encode("utf-8")),
        "units xlsx": ("units", "don_vi.xlsx", write_xlsx(units)),
        "units csv": ("units", "don_vi.csv", write_csv(units)),
    }


MUTATIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("overwrite"),
            st.floats(0, 1, exclude_max=True),
            st.binary(min_size=1, max_size=4),
        ),
        st.tuples(st.just("cut"), st.floats(0, 1, exclude_max=True)),
        st.tuples(st.just("swap"), st.integers(0, 30), st.integers(0, 30)),
        st.tuples(
            st.just("member"),
            st.integers(0, 30),
            st.floats(0, 1, exclude_max=True),
            st.binary(min_size=1, max_size=6),
        ),
        st.tuples(st.just("drop"), st.integers(0, 30)),
    ),
    min_size=1,
    max_size=4,
)


def mutate(data: bytes, operations) -> bytes:
    for operation in operations:
        data = _apply(data, operation)
    return data


def _apply(data: bytes, operation) -> bytes:
    kind, *args = operation
    if kind == "overwrite":
        where, value = args
        index = int(where * len(data))
        return data[:index] + value + data[index + len(value) :]
    if kind == "cut":
        return data[: int(args[0] * len(data))]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    except Exception:
        return data  # not a sound zip (any more): only bytes are mutated
    if not members:
        return data
    first = args[0] % len(members)
    if kind == "swap":
        second = args[1] % len(members)
        (a, a_data), (b, b_data) = members[first], members[second]
        members[first], members[second] = (a, b_data), (b, a_data)
    elif kind == "member":
        name, content = members[first]
        index = int(args[1] * len(content))
        members[first] = (name, content[:index] + args[2] + content[index + len(args[2]) :])
    else:
        del members[first]
    return zip_bytes(dict(members))
