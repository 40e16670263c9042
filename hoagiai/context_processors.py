from django.utils.translation import gettext as _

from units.models import AdminUnit


def organisation(request):
    """The department the portal belongs to, named after the province of today (Sở Tư pháp
    tỉnh Bắc Giang until 30/6/2025, tỉnh Bắc Ninh since)."""
    province = AdminUnit.objects.root_province()
    if province is None:
        return {"organisation": _("Department of Justice")}
    # "Tỉnh Bắc Ninh" → "Sở Tư pháp tỉnh Bắc Ninh": the kind is lower case inside a name.
    name = province.name[:1].lower() + province.name[1:]
    return {"organisation": _("%(province)s Department of Justice") % {"province": name}}
