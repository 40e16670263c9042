import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """From 2025 communes report straight to the Sở Tư pháp: the report's district becomes
    its reporting unit (a district for 2024, a commune after). A rename: every report and
    its history keep their unit."""

    dependencies = [
        ("reports", "0005_alter_communeyear_commune_and_more"),
        ("units", "0005_unit_order"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="yearlyreport", name="yearly_report_unique"),
        migrations.RenameField(model_name="yearlyreport", old_name="district", new_name="unit"),
        migrations.RenameField(
            model_name="historicalyearlyreport", old_name="district", new_name="unit"
        ),
        migrations.AlterField(
            model_name="yearlyreport",
            name="unit",
            field=models.ForeignKey(
                limit_choices_to={"level__in": ["district", "commune"]},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="yearly_reports",
                to="units.adminunit",
                verbose_name="reporting unit",
            ),
        ),
        migrations.AlterField(
            model_name="historicalyearlyreport",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                limit_choices_to={"level__in": ["district", "commune"]},
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="units.adminunit",
                verbose_name="reporting unit",
            ),
        ),
        migrations.AlterModelOptions(
            name="yearlyreport",
            options={
                "ordering": ["-year", "unit__code"],
                "permissions": [("review_yearlyreport", "Can return or approve yearly reports")],
                "verbose_name": "yearly report",
                "verbose_name_plural": "yearly reports",
            },
        ),
        migrations.AlterField(
            model_name="communeyear",
            name="corrected_fields",
            field=models.JSONField(
                blank=True,
                default=list,
                editable=False,
                verbose_name="figures corrected by the reporting unit",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcommuneyear",
            name="corrected_fields",
            field=models.JSONField(
                blank=True,
                default=list,
                editable=False,
                verbose_name="figures corrected by the reporting unit",
            ),
        ),
        migrations.AddConstraint(
            model_name="yearlyreport",
            constraint=models.UniqueConstraint(
                fields=("unit", "year"), name="yearly_report_unique"
            ),
        ),
    ]
