from django.utils.translation import gettext as _

from units.models import AdminUnit


def province_name() -> str:
    """Today's province as it reads inside a title: "tỉnh Bắc Ninh" (until 30/6/2025,
    "tỉnh Bắc Giang"); empty before any unit is loaded."""
    province = AdminUnit.objects.root_province()
    if province is None:
        return ""
    return province.name[:1].lower() + province.name[1:]


def organisation(request):
    """The department the portal belongs to, named after the province of today."""
    name = province_name()
    if not name:
        return {"organisation": _("Department of Justice")}
    return {"organisation": _("%(province)s Department of Justice") % {"province": name}}


def admin_header() -> str:
    name = province_name()
    return _("Grassroots mediation — %(province)s") % {"province": name} if name else ""
