from django.db import migrations

from accounts.roles import sync_role_groups


class Migration(migrations.Migration):
    """The commune officer's group (since 1/7/2025 communes report straight to the Sở)."""

    dependencies = [("accounts", "0012_user_phone")]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
