# The live roll-up's rows are read only once built whole (`live_rollup.rebuild`, or a campaign
# opened from now on): campaigns already there stay unbuilt until `baocao rollup rebuild`.
# LiveFigure's rows, rebuilt a hundred thousand at a time, lose their foreign-key constraints
# and the indexes the unique constraint already gives.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0006_live_rollup"),
        ("orgs", "0002_unit_synthetic"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="live_rollup_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                null=True,
                verbose_name="số liệu tổng hợp tức thời dựng lúc",
            ),
        ),
        migrations.AlterField(
            model_name="livefigure",
            name="campaign",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="campaigns.campaign",
            ),
        ),
        migrations.AlterField(
            model_name="livefigure",
            name="unit",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="orgs.unit",
            ),
        ),
    ]
