"""Demo accounts, one per role, for a developer's machine (never with DEBUG off)."""

import secrets

from django.contrib.auth.models import Group
from django.utils import timezone

from units.models import AdminUnit

from .models import Role, User

DEMO_DISTRICT_CODE = "213"  # Thành phố Bắc Giang
PROVINCE_CODE = "24"
# Phường Bắc Giang since 1/7/2025 (the code was Phường Hoàng Văn Thụ's before: read as of today).
DEMO_COMMUNE_CODE = "07210"

DEMO_ACCOUNTS = [
    # username, first name, last name, role, unit code, is_staff
    ("sotuphap", "Hoa", "Nguyễn Thị", Role.PROVINCE_STAFF, PROVINCE_CODE, True),
    ("phongtuphap", "Minh", "Trần Văn", Role.DISTRICT_OFFICER, DEMO_DISTRICT_CODE, True),
    ("lanhdao", "Hùng", "Lê Quang", Role.LEADERSHIP, None, False),
    ("canboxa", "Thảo", "Phạm Thị", Role.COMMUNE_OFFICER, DEMO_COMMUNE_CODE, True),
]


def create_demo_accounts() -> list[tuple[str, str | None, Role]]:
    """Create or reset the demo accounts; return (username, new password, role) for each.

    An account whose unit no longer exists today (the district, since 1/7/2025) is left as
    the reorganisation left it (deactivated), and its password is None. The commune
    officer acts for the commune that has the code today.
    """
    created = []
    today = timezone.localdate()
    for username, first, last, role, unit_code, is_staff in DEMO_ACCOUNTS:
        unit = AdminUnit.objects.by_code(unit_code, today) if unit_code else None
        if unit_code and unit is None:
            created.append((username, None, role))
            continue
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.unit = unit
        user.is_staff = is_staff
        user.is_active = True
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=role.value)])
        created.append((username, password, role))
    return created
