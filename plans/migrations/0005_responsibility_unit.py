from django.db import migrations


class Migration(migrations.Migration):
    """A responsibility's local unit is a district until 30/6/2025 and a commune since."""

    dependencies = [("plans", "0004_plan_area")]

    operations = [
        migrations.RemoveConstraint(
            model_name="responsibility", name="responsibility_unique_per_district"
        ),
        migrations.RemoveConstraint(
            model_name="responsibility", name="responsibility_unique_provincial"
        ),
        migrations.RenameField(model_name="responsibility", old_name="district", new_name="unit"),
        migrations.RenameField(
            model_name="historicalresponsibility", old_name="district", new_name="unit"
        ),
    ]
