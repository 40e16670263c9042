"""The registry's Excel template and the training-deadline export (issue 19, item 12).

The template: the coded columns offer a dropdown (openpyxl reads the data validations
back), a second sheet shows one filled-in example row — which imports as it is — and the
import page offers the template as a button. The training-deadline list: a district
column and an Excel export of the officer's own unit only, logged.
"""

import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse
from openpyxl.utils import get_column_letter

from accounts.models import DataExport
from network.imports import ETHNICITIES, MediatorExcel
from network.models import Mediator

from . import factories
from .test_excel_import import HEADERS

pytestmark = pytest.mark.django_db


def template(client, user, model="mediator"):
    client.force_login(user)
    response = client.get(reverse(f"admin:network_{model}_excel_template"))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def dropdowns(book) -> dict[str, list[str]]:
    """{column header: the values its dropdown offers} on the first sheet."""
    sheet, lists = book.worksheets[0], book.worksheets[2]
    offered = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        column = str(validation.sqref).split(":")[0].rstrip("0123456789")
        header = sheet[f"{column}1"].value
        reference = validation.formula1.split("!")[1].replace("$", "")
        offered[header] = [cell.value for row in lists[reference] for cell in row]
    return offered


def test_the_mediator_templates_coded_columns_have_dropdowns(client, officer_a):
    book = template(client, officer_a)
    assert [cell.value for cell in book.worksheets[0][1]] == HEADERS
    offered = dropdowns(book)
    assert offered["Giới tính (Nam/Nữ)"] == ["Nam", "Nữ"]
    assert offered["Vai trò (Tổ trưởng/Hòa giải viên)"] == ["Tổ trưởng", "Hòa giải viên"]
    assert offered["Dân tộc"] == ETHNICITIES
    # The commune column offers the officer's communes by name (a code may still be typed).
    communes = offered["Xã (mã hoặc tên)"]
    assert "Phường Thọ Xương" in communes and "Xã Canh Nậu" not in communes  # 215's
    validations = {
        book.worksheets[0][f"{str(v.sqref)[0]}1"].value: v
        for v in book.worksheets[0].data_validations.dataValidation
    }
    assert validations["Giới tính (Nam/Nữ)"].errorStyle == "stop"
    assert validations["Xã (mã hoặc tên)"].errorStyle == "warning"
    assert book.worksheets[2].sheet_state == "hidden"


def test_each_registers_template_has_its_dropdowns(client, province_staff):
    assert dropdowns(template(client, province_staff, "mediationteam"))[
        "Vùng đồng bào dân tộc thiểu số (Có/Không)"
    ] == ["Có", "Không"]
    assert dropdowns(template(client, province_staff, "trainer"))["Cấp (Tỉnh/Huyện)"] == [
        "Tỉnh",
        "Huyện",
    ]
    training = dropdowns(template(client, province_staff, "training"))
    assert training["Cấp (Tỉnh/Huyện/Xã)"] == ["Tỉnh", "Huyện", "Xã"]
    assert len(training) == 3  # level, audience, programme; none on free text


def test_the_second_sheet_holds_one_example_row_that_imports_as_it_is(client, officer_a):
    book = template(client, officer_a)
    example = book.worksheets[1]
    assert example.title == "Ví dụ"
    rows = list(example.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS and len(rows) == 2
    values = dict(zip(HEADERS, rows[1], strict=True))
    assert values["Giới tính (Nam/Nữ)"] == "Nữ"
    assert values["Ngày công nhận"].date() == date(2025, 3, 15)
    # Copied to the first sheet, the example is a valid row (its team made first).
    commune = values["Xã (mã hoặc tên)"]
    factories.team(values["Tổ hòa giải (thôn, tổ dân phố)"], commune_code_of(commune))
    sheet = book.worksheets[0]
    for index, value in enumerate(rows[1], start=1):
        sheet[f"{get_column_letter(index)}2"] = value
    upload = io.BytesIO()
    book.save(upload)
    upload.name = "mau.xlsx"
    upload.seek(0)
    plan = MediatorExcel(officer_a).plan(upload)
    assert plan.ok, plan.errors
    assert [mediator.full_name for mediator in plan.new] == ["Nguyễn Thị Hoa"]


def commune_code_of(name):
    from units.models import AdminUnit

    return AdminUnit.objects.get(name=name, level="commune", valid_to__isnull=True).code


def test_the_import_page_offers_the_template_as_a_button(client, officer_a):
    client.force_login(officer_a)
    page = client.get(reverse("admin:network_mediator_excel_import")).content.decode()
    url = reverse("admin:network_mediator_excel_template")
    assert f'<a class="button" href="{url}">⬇ Tải mẫu trống</a>' in page


# --- The training-deadline list: a district column and an export ---


@pytest.fixture
def overdue(district_a, district_b):
    team_a = factories.team("Thôn A", district_a.children.first().code)
    team_b = factories.team("Thôn B", district_b.children.first().code)
    return [
        factories.mediator(team_a, "Nguyễn Văn Quá", recognised=date(2024, 10, 1)),
        factories.mediator(team_b, "Đỗ Văn Khác", recognised=date(2024, 10, 1)),
    ]


def test_the_list_names_each_mediators_district(client, province_staff, overdue, district_a):
    client.force_login(province_staff)
    page = client.get(reverse("training-due")).content.decode()
    assert '<th scope="col">Huyện</th>' in page
    assert f"<td>{district_a.name}</td>" in page


def test_an_officer_exports_its_own_units_list_and_the_export_is_logged(
    client, officer_a, overdue, district_a
):
    client.force_login(officer_a)
    response = client.get(reverse("training-due-export"), {"status": "overdue"})
    assert response["Content-Disposition"].startswith('attachment; filename="han-tap-huan-')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Hòa giải viên", "Tổ hòa giải", "Xã", "Huyện")
    assert [row[0] for row in rows[1:]] == ["Nguyễn Văn Quá"]  # not district B's
    assert rows[1][3] == district_a.name
    log = DataExport.objects.get()
    assert (log.user, log.rows, log.filters) == (officer_a, 1, "status=overdue")


def test_province_staff_export_every_district(client, province_staff, overdue):
    client.force_login(province_staff)
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("training-due-export")).content)
    ).active
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == {
        "Nguyễn Văn Quá",
        "Đỗ Văn Khác",
    }
    assert Mediator.objects.count() == 2
