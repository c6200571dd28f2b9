"""Clean the text stored before every entry point cleaned it (issue 16): control characters,
zero-width and bidi characters out of unit names and addresses, campaign names, outlines (and
the copies campaigns keep), section texts and their versions, typed figures, reviewers' reasons
and remarks, file names; line breaks out of one-line fields. The same functions as at entry
(`baocao.text`). Only the rows that need it are read: a regular expression in the database.

Reversing does nothing: what was removed was never meant to be there.
"""

from django.db import IntegrityError, migrations, transaction
from django.db.models import Q

# field -> one line? (clean_line, else clean_text)
FIELDS = {
    ("orgs", "Unit"): {"name": True, "email": True},
    ("outlines", "OutlineDocument"): {"title": True},
    ("campaigns", "Campaign"): {"name": True},
    ("campaigns", "SectionText"): {"section_id": False, "text": False},
    ("campaigns", "SectionVersion"): {"section_id": False, "text": False, "note": True},
    ("campaigns", "IndicatorValue"): {"raw": True},
    ("campaigns", "IndicatorChange"): {"raw": True},
    ("campaigns", "ReportEvent"): {"reason": False},
    ("campaigns", "Upload"): {"filename": True},
}
OUTLINES = {("outlines", "OutlineDocument"): "yaml_text", ("campaigns", "Campaign"): "outline_yaml"}


def clean_stored_text(apps, schema_editor):
    from baocao.text import clean_line, clean_strings, clean_text, needs_cleaning

    for (app, name), fields in FIELDS.items():
        model = apps.get_model(app, name)
        dirty = Q()
        for field, one_line in fields.items():
            dirty |= Q(**{f"{field}__regex": needs_cleaning(one_line=one_line)})
        for row in model.objects.filter(dirty).only("pk", *fields).iterator(chunk_size=500):
            changes = {}
            for field, one_line in fields.items():
                value = getattr(row, field)
                cleaned = clean_line(value) if one_line else clean_text(value)
                if cleaned != value:
                    changes[field] = cleaned
            _update(model, row.pk, changes)

    events = apps.get_model("campaigns", "ReportEvent").objects.exclude(section_comments={})
    for event in events.only("pk", "section_comments").iterator(chunk_size=500):
        comments = clean_strings(event.section_comments)
        if comments is not event.section_comments:
            _update(events.model, event.pk, {"section_comments": comments})

    for (app, name), field in OUTLINES.items():
        model = apps.get_model(app, name)
        for row in model.objects.only("pk", field).iterator(chunk_size=50):
            cleaned = _cleaned_outline(getattr(row, field))
            if cleaned is not None:
                _update(model, row.pk, {field: cleaned})


def _cleaned_outline(text: str) -> str | None:
    """The outline's YAML written again from its cleaned texts; None when nothing needs it (or
    it does not load: it is refused where it is used, with its reason)."""
    import yaml

    from baocao.errors import InputError
    from baocao.outline.serialize import dump_yaml, load_yaml
    from baocao.text import clean_strings

    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    if clean_strings(data) is data:
        return None
    try:
        return dump_yaml(load_yaml(text))
    except InputError:
        return None


def _update(model, pk, changes) -> None:
    """One row; a cleaned section id that now equals another of the report's is left as it
    was rather than stop the migration."""
    if not changes:
        return
    try:
        with transaction.atomic():
            model.objects.filter(pk=pk).update(**changes)
    except IntegrityError:
        pass


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_upload"),
        ("orgs", "0002_unit_synthetic"),
        ("outlines", "0001_initial"),
    ]

    operations = [migrations.RunPython(clean_stored_text, migrations.RunPython.noop)]
