from django.urls import path

from . import notice_views, views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("tong-hop/<int:year>/", views.consolidated, name="consolidated"),
    path("duyet/", views.bulk_approve, name="bulk-approve"),
    path("thong-bao/", notice_views.notices, name="notices"),
    path("<str:code>/<int:year>/", views.report, name="report"),
    path("<str:code>/<int:year>/trang-thai/", views.transition, name="transition"),
    path("<str:code>/<int:year>/mau-excel/", views.download_template, name="template"),
    path("<str:code>/<int:year>/tai-len/", views.upload, name="upload"),
]
