from datetime import date

from django.db import migrations


def add_deadlines(apps, schema_editor):
    """A sensible default Sở Tư pháp can change: each year's reports due by 15 January."""
    ReportDeadline = apps.get_model("reports", "ReportDeadline")
    for year in range(2024, 2031):
        ReportDeadline.objects.get_or_create(year=year, defaults={"due_on": date(year + 1, 1, 15)})


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_yearly_reports")]

    operations = [migrations.RunPython(add_deadlines, migrations.RunPython.noop)]
