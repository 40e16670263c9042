"""O6b is counted by the year in which the six-month deadline falls (issue 18, DESIGN §4):
the measure shown on the target's page says so. Only the text loaded from the fixture is
replaced; a text the Department has edited since is left alone."""

from django.db import migrations

OLD = (
    "Số hòa giải viên được tập huấn trong 06 tháng ÷ số hòa giải viên được công nhận trong "
    "năm đã hết hạn 06 tháng tính đến ngày chốt số liệu (số còn lại là “chưa đến hạn”)."
)
NEW = (
    "Số hòa giải viên được tập huấn trong 06 tháng ÷ số hòa giải viên mới có hạn 06 tháng "
    "rơi vào kỳ báo cáo của năm (sau ngày chốt số liệu năm trước, đến hết ngày chốt số liệu "
    "năm nay; hạn trùng ngày chốt là đã đến hạn). Người được công nhận sau tháng 6 được tính "
    "vào năm sau, không bị bỏ sót (số chưa đến hạn ghi là “chưa đến hạn”)."
)


def forward(apps, schema_editor):
    apps.get_model("targets", "Target").objects.filter(code="O6b", measure=OLD).update(
        measure=NEW
    )


def backward(apps, schema_editor):
    apps.get_model("targets", "Target").objects.filter(code="O6b", measure=NEW).update(
        measure=OLD
    )


class Migration(migrations.Migration):
    dependencies = [("targets", "0002_target_replacement")]

    operations = [migrations.RunPython(forward, backward)]
