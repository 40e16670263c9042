"""Bắc Giang's administrative units and the hierarchy rules."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from units.codes import format_code, kind_from_name
from units.models import AdminUnit

pytestmark = pytest.mark.django_db


def test_bac_giang_has_ten_districts_and_their_communes():
    province = AdminUnit.objects.get(level="province")
    assert (province.code, province.name) == ("24", "Tỉnh Bắc Giang")
    districts = AdminUnit.objects.districts()
    assert districts.count() == 10
    assert set(districts.values_list("parent__code", flat=True)) == {"24"}
    assert AdminUnit.objects.communes().count() == 195
    assert set(AdminUnit.objects.communes().values_list("parent__level", flat=True)) == {"district"}


def test_codes_are_zero_padded_to_their_level():
    widths = {"province": 2, "district": 3, "commune": 5}
    for code, level in AdminUnit.objects.values_list("code", "level"):
        assert len(code) == widths[level], code
    assert AdminUnit.objects.get(name="Phường Thọ Xương").code == "07201"


def test_kinds_are_read_from_the_names():
    assert AdminUnit.objects.get(code="213").kind == AdminUnit.Kind.CITY
    assert AdminUnit.objects.get(name="Thị xã Việt Yên").kind == AdminUnit.Kind.TOWN
    assert AdminUnit.objects.get(code="215").kind == AdminUnit.Kind.RURAL_DISTRICT
    assert AdminUnit.objects.filter(kind=AdminUnit.Kind.TOWNSHIP).exists()


@pytest.mark.parametrize(
    ("name", "kind"),
    [("Thị trấn Cầu Gồ", "township"), ("Thị xã Chũ", "town"), ("Xã Tân Sỏi", "commune")],
)
def test_kind_from_name(name, kind):
    assert kind_from_name(name) == kind


def test_format_code_pads_by_level():
    assert format_code(7201, "commune") == "07201"
    assert format_code(24, "province") == "24"


def test_within_a_district_means_the_district_and_its_communes():
    district = AdminUnit.objects.get(code="215")
    units = AdminUnit.objects.within(district)
    assert units.count() == 1 + district.children.count()
    assert not units.filter(code="213").exists()


def vietnamese_errors(unit):
    with translation.override("vi"), pytest.raises(ValidationError) as info:
        unit.full_clean()
    return info.value.message_dict


def test_a_commune_under_a_commune_is_refused_in_vietnamese():
    commune = AdminUnit.objects.get(code="07201")
    unit = AdminUnit(code="99999", name="Xã Thử", level="commune", kind="commune", parent=commune)
    errors = vietnamese_errors(unit)
    assert errors["parent"] == ["Không đơn vị nào được trực thuộc một đơn vị cấp xã."]


def test_a_district_under_a_district_is_refused():
    district = AdminUnit.objects.get(code="213")
    unit = AdminUnit(code="998", name="Huyện Thử", level="district", kind="rural_district",
                     parent=district)  # fmt: skip
    assert "parent" in vietnamese_errors(unit)


def test_a_commune_may_sit_directly_under_the_province():
    province = AdminUnit.objects.get(code="24")
    unit = AdminUnit(code="99998", name="Xã Thử", level="commune", kind="commune", parent=province)
    unit.full_clean()  # no error
    unit.save()
    assert unit.district is None
    assert unit in AdminUnit.objects.within(province)


def test_a_commune_code_must_have_five_digits():
    province = AdminUnit.objects.get(code="24")
    unit = AdminUnit(code="123", name="Xã Thử", level="commune", kind="commune", parent=province)
    assert vietnamese_errors(unit)["code"] == ["Mã đơn vị cấp xã có đúng 5 chữ số."]


def test_codes_are_unique():
    province = AdminUnit.objects.get(code="24")
    unit = AdminUnit(code="07201", name="Xã Trùng", level="commune", kind="commune",
                     parent=province)  # fmt: skip
    assert "code" in vietnamese_errors(unit)


def test_a_province_has_no_parent():
    other = AdminUnit(code="25", name="Tỉnh Thử", level="province", kind="province",
                      parent=AdminUnit.objects.get(code="24"))  # fmt: skip
    assert "parent" in vietnamese_errors(other)
