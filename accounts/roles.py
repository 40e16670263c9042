"""Which model permissions each role's group holds.

The groups are created by a data migration (accounts 0003) and brought up to date by
later migrations that add models (accounts 0005 …), all through ``sync_role_groups``.
"""

from .models import Role

ALL = ("add", "change", "delete", "view")
VIEW = ("view",)

_REGISTRY = {
    "units": {"adminunit", "succession"},
    "network": {
        "mediationteam",
        "mediator",
        "trainer",
        "legalsupport",
        "training",
        "trainerattendance",
        "mediatorattendance",
        "officialattendance",
        "material",
        "pilotcommune",
        "modelcommune",
    },
    "reports": {"communeyear", "yearlyreport", "reportevent", "groupresult", "reportdeadline"},
    "plans": {"plan", "taskgroup", "task", "agency", "taskagency", "milestone"},
    "targets": {"target"},
}

# Plan progress (plans app): who did what for each task and year.
_PROGRESS = {"responsibility", "activity", "evidence"}

# A local officer's rights, for its own unit (accounts.scoping): a district officer until
# 30/6/2025, a commune's People's Committee since, doing what the district did.
_LOCAL_OFFICER = {
    "units": dict.fromkeys(_REGISTRY["units"], VIEW),
    "network": {
        **dict.fromkeys(_REGISTRY["network"], ALL),
        # The province designates pilot and model communes; districts read them.
        "pilotcommune": VIEW,
        "modelcommune": VIEW,
    },
    "reports": {
        "communeyear": VIEW,
        "yearlyreport": ("view", "add", "change"),
        "reportevent": VIEW,
        "groupresult": ("view", "change"),
        "reportdeadline": VIEW,
    },
    "plans": {
        **dict.fromkeys(_REGISTRY["plans"], VIEW),
        "responsibility": ("view", "change"),
        "activity": ALL,
        "evidence": ALL,
    },
    "targets": {"target": VIEW},
}

ROLE_PERMISSIONS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    Role.PROVINCE_STAFF: {
        "units": dict.fromkeys(_REGISTRY["units"], ALL),
        "network": dict.fromkeys(_REGISTRY["network"], ALL),
        "plans": {
            **dict.fromkeys(_REGISTRY["plans"], ALL),
            # Responsibilities are expanded from the plan: their status changes, rows do not.
            "responsibility": ("view", "change"),
            "activity": ALL,
            "evidence": ALL,
        },
        "targets": dict.fromkeys(_REGISTRY["targets"], ALL),
        # Reports are the districts' to fill: staff read, return and approve them, and set
        # the deadlines. The commune-year lines change only through a district's report.
        "reports": {
            "communeyear": VIEW,
            "yearlyreport": ("view", "review"),
            "reportevent": VIEW,
            "groupresult": VIEW,
            "reportdeadline": ALL,
        },
        "accounts": {"user": VIEW, "dataexport": VIEW},
    },
    Role.DISTRICT_OFFICER: _LOCAL_OFFICER,
    Role.COMMUNE_OFFICER: _LOCAL_OFFICER,
    Role.LEADERSHIP: {
        # Aggregates only: no mediator, attendance or supporter rows (Decree 13/2023).
        "units": dict.fromkeys(_REGISTRY["units"], VIEW),
        "network": {
            "training": VIEW,
            "material": VIEW,
            "pilotcommune": VIEW,
            "modelcommune": VIEW,
        },
        "reports": {
            "communeyear": VIEW,
            "yearlyreport": VIEW,
            "reportevent": VIEW,
            "groupresult": VIEW,
            "reportdeadline": VIEW,
        },
        "plans": dict.fromkeys(_REGISTRY["plans"] | _PROGRESS, VIEW),
        "targets": {"target": VIEW},
    },
}


def permission_codenames(role: str) -> set[tuple[str, str]]:
    """(app_label, codename) pairs the role's group should hold."""
    return {
        (app_label, f"{action}_{model}")
        for app_label, models in ROLE_PERMISSIONS[role].items()
        for model, actions in models.items()
        for action in actions
    }


def sync_role_groups(apps, schema_editor=None):
    """Create the role groups and set exactly their permissions (idempotent)."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; create them now so
    # the groups can hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        # An early migration runs before later models exist: grant what exists now.
        wanted = {
            (app_label, codename)
            for app_label, codename in permission_codenames(role)
            if _model_exists(apps, app_label, codename.split("_", 1)[1])
        }
        perms = [
            perm
            for perm in Permission.objects.select_related("content_type")
            if (perm.content_type.app_label, perm.codename) in wanted
        ]
        missing = wanted - {(p.content_type.app_label, p.codename) for p in perms}
        if missing:
            raise RuntimeError(f"Permissions missing for {role.value}: {sorted(missing)}")
        group.permissions.set(perms)


def _model_exists(apps, app_label, model_name):
    try:
        apps.get_model(app_label, model_name)
    except LookupError:
        return False
    return True
