from django.db import migrations

from accounts.roles import sync_role_groups


class Migration(migrations.Migration):
    """Sở Tư pháp reads the log of exports of personal data."""

    dependencies = [("accounts", "0008_data_export")]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
