"""An outline's indicator catalogue: the outline is its one source.

An outline's YAML carries the catalogue's root keys (years, indicators, rules) and each
section's `indicators` list, which is the catalogue's attach map. The outline depends on the
indicators package (what an indicator and a rule are, how rules are checked), never the other
way round: `baocao.indicators` knows nothing of outlines.
"""

from __future__ import annotations

from baocao.indicators.catalogue import Catalogue
from baocao.indicators.rules import check_rules
from baocao.outline.model import Outline


def catalogue_of(outline: Outline) -> Catalogue:
    """The outline's catalogue, checked whole (InputError naming every problem at once): its
    sections' `indicators` lists are the attach map."""
    catalogue = Catalogue(
        years={role: str(year) for role, year in outline.years.items()},
        indicators=list(outline.indicators),
        rules=list(outline.rules),
        attach={s.id: list(s.indicators) for s, _ in outline.walk() if s.indicators},
    )
    check_rules(catalogue.rules, catalogue)  # the same check as `validate_catalogue`
    return catalogue
