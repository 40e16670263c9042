"""Demo accounts, one per role, for a developer's machine (never with DEBUG off)."""

import secrets

from django.contrib.auth.models import Group

from units.models import AdminUnit

from .models import Role, User

DEMO_DISTRICT_CODE = "213"  # Thành phố Bắc Giang
PROVINCE_CODE = "24"

DEMO_ACCOUNTS = [
    # username, first name, last name, role, unit code, is_staff
    ("sotuphap", "Hoa", "Nguyễn Thị", Role.PROVINCE_STAFF, PROVINCE_CODE, True),
    ("phongtuphap", "Minh", "Trần Văn", Role.DISTRICT_OFFICER, DEMO_DISTRICT_CODE, True),
    ("lanhdao", "Hùng", "Lê Quang", Role.LEADERSHIP, None, False),
]


def create_demo_accounts() -> list[tuple[str, str, Role]]:
    """Create or reset the demo accounts; return (username, new password, role) for each."""
    created = []
    for username, first, last, role, unit_code, is_staff in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.unit = AdminUnit.objects.get(code=unit_code) if unit_code else None
        user.is_staff = is_staff
        user.is_active = True
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=role.value)])
        created.append((username, password, role))
    return created
