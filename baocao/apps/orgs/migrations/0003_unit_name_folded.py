# Every unit's name without diacritics (`baocao.text.fold`), searched through an index instead of
# folding 130,000 names in Python: a trigram GIN index on PostgreSQL (the name and the code, for
# `LIKE '%dak ha%'` and Django's `icontains` on the code), a plain column read with LIKE on SQLite.

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

BATCH = 10_000


def fill(apps, schema_editor):
    from baocao.text import fold

    connection = schema_editor.connection
    Unit = apps.get_model("orgs", "Unit")
    table = connection.ops.quote_name(Unit._meta.db_table)
    rows = list(Unit.objects.order_by().values_list("pk", "name"))
    batch = []

    def flush():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"UPDATE {table} AS u SET name_folded = v.folded FROM "
                    "(SELECT unnest(%s::bigint[]) AS id, unnest(%s::text[]) AS folded) AS v "
                    "WHERE u.id = v.id",
                    [[pk for pk, _ in batch], [folded for _, folded in batch]],
                )
            else:
                cursor.executemany(
                    f"UPDATE {table} SET name_folded = %s WHERE id = %s",
                    [(folded, pk) for pk, folded in batch],
                )
        batch.clear()

    for pk, name in rows:
        batch.append((pk, fold(name)))
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS orgs_unit_name_folded_trgm "
        "ON orgs_unit USING gin (name_folded gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS orgs_unit_code_upper_trgm "
        "ON orgs_unit USING gin ((UPPER(code::text)) gin_trgm_ops)"
    )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS orgs_unit_name_folded_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS orgs_unit_code_upper_trgm")


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0002_unit_synthetic'),
    ]

    operations = [
        migrations.AddField(
            model_name='unit',
            name='name_folded',
            field=models.CharField(blank=True, db_default='', default='', editable=False, max_length=255, verbose_name='tên không dấu'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        # CREATE EXTENSION pg_trgm; Django's operation does nothing on other databases.
        TrigramExtension(),
        migrations.RunPython(add_indexes, drop_indexes),
    ]
