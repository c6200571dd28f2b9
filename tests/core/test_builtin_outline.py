"""The built-in outline is the seed outline, enriched with the indicators its sections ask for."""

from baocao.outline.builtin import DEFAULT_SLUG, builtin_slugs, load_builtin
from baocao.outline.catalogue import catalogue_of
from baocao.outline.parse_text import parse_text
from baocao.outline.serialize import dump_yaml, load_yaml, outline_to_dict


def without_indicators(data: dict) -> dict:
    def strip(node: dict) -> dict:
        return {**node, "indicators": [], "children": [strip(c) for c in node["children"]]}

    return {
        "title": data["title"],
        "preamble": data["preamble"],
        "sections": [strip(s) for s in data["sections"]],
    }


def test_builtin_sections_are_exactly_the_seed_import(seed_text):
    builtin = outline_to_dict(load_builtin())
    seed = outline_to_dict(parse_text(seed_text))
    assert without_indicators(builtin) == without_indicators(seed)


def test_builtin_catalogue_is_attached_to_the_sections_that_ask_for_it():
    outline = load_builtin()
    catalogue = catalogue_of(outline)
    assert DEFAULT_SLUG in builtin_slugs()
    assert catalogue.years == {"baseline": "2008", "current": "2017"}
    asking = {s.id for s, _ in outline.walk() if s.indicators}
    assert asking == {
        "P1/II/1", "P1/II/2", "P1/II/4/4.1", "P1/II/4/4.2", "P1/II/4/4.3", "P1/II/4/4.4",
    }  # fmt: skip
    attached = [code for s, _ in outline.walk() for code in s.indicators]
    assert sorted(attached) == sorted(i.code for i in outline.indicators)
    assert {"members", "workers", "unionisation_rate", "collective_agreements_signed"} <= set(
        attached
    )
    assert outline.indicator("unionisation_rate").rollup == "ratio"


def test_builtin_yaml_round_trips():
    outline = load_builtin()
    text = dump_yaml(outline)
    assert dump_yaml(load_yaml(text)) == text
