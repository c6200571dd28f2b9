"""Form pieces about units that more than one page uses."""

from __future__ import annotations

from django import forms

from baocao.apps.orgs.models import Unit


class UnitChoiceField(forms.ModelChoiceField):
    """A unit among those offered, indented by its depth below the highest one offered."""

    top_depth = 0  # the depth of the highest unit offered: it gets no dash

    def label_from_instance(self, obj: Unit) -> str:
        return f"{'— ' * max(0, obj.depth - self.top_depth)}{obj.name} ({obj.code})"
