from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from api import views as api_views
from network import views as network_views
from plans import views as plan_views
from targets import document_views
from targets import views as target_views

from . import views
from .context_processors import admin_header

# Named after the province of today (Bắc Giang until 30/6/2025, Bắc Ninh since).
admin.site.site_header = lazy(admin_header, str)()
admin.site.site_title = _("Grassroots mediation portal")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("ke-hoach/", plan_views.plan_overview, name="plan-overview"),
    path("tien-do/", plan_views.progress_timeline, name="progress"),
    path("tien-do/xuat-excel/", plan_views.progress_export, name="progress-export"),
    path("tien-do/minh-chung/<int:pk>/", plan_views.evidence_file, name="evidence-file"),
    path("tien-do/<str:number>/<int:year>/", plan_views.progress_cell, name="progress-cell"),
    path("chi-tieu/", target_views.dashboard, name="dashboard"),
    path("chi-tieu/xuat-excel/", target_views.dashboard_export, name="dashboard-export"),
    path("chi-tieu/<str:code>/", target_views.target_detail, name="target-detail"),
    # The Sở's own report (Word): built from the approved reports by the KPI engine, so its
    # views live in targets, above reports (tests/test_layers.py).
    path("bao-cao/<int:year>/van-ban/", document_views.yearly_document, name="yearly-document"),
    path(
        "bao-cao/<int:year>/van-ban/noi-dung/",
        document_views.yearly_document_text,
        name="yearly-document-text",
    ),
    path("bao-cao/", include("reports.urls")),
    # Open to everyone: the year's figures from the approved reports, the materials library.
    path("cong-khai/", target_views.public_page, name="public"),
    path("cong-khai/<int:year>/", target_views.public_page, name="public-year"),
    path("tai-lieu/", network_views.library, name="library"),
    path(
        "tai-lieu/hoa-giai-vien/",
        network_views.library,
        {"audience": "for_mediators"},
        name="library-mediators",
    ),
    path("tai-lieu/<int:pk>/tep/", network_views.material_file, name="material-file"),
    path("hoa-giai-vien/han-tap-huan/", network_views.training_due, name="training-due"),
    path(
        "hoa-giai-vien/han-tap-huan/xuat-excel/",
        network_views.training_due_export,
        name="training-due-export",
    ),
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("tai-khoan/can-bo-xa/", network_views.commune_officers, name="commune-officers"),
    # The link of the set-password email a new commune officer receives.
    path(
        "dat-mat-khau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "dat-mat-khau/xong/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", api_views.api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_views.unknown_path, name="api-unknown"),
]
