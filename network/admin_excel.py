"""Excel buttons of the registry's admin lists: template, export, import with preview.

The uploaded file and the preview's checked result wait in storage until the confirmation
(network/import_results.py). The confirmation writes that result without reading the file
again, after checking that the file is the one previewed (its SHA-256) and that nothing the
checks read has changed since (the fingerprint); otherwise it writes nothing and shows the
file's preview again, as the data now stands.
"""

import io
import uuid

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import DataExport

from . import import_results
from .imports import StaleImport
from .spreadsheets import MAX_EXCEL_BYTES, xlsx_response

PREVIEW_ROWS = 20
# Uploads wait here between preview and confirmation; `manage.py clear_stale_imports`
# removes the ones never confirmed.
IMPORTS_DIR = "imports"


class ExcelAdminMixin:
    excel_class = None  # a network.imports.RegistryExcel subclass
    change_list_template = "admin/excel_change_list.html"

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}_excel"
        wrap = self.admin_site.admin_view
        return [
            path("excel/mau/", wrap(self.excel_template_view), name=f"{prefix}_template"),
            path("excel/xuat/", wrap(self.excel_export_view), name=f"{prefix}_export"),
            path("excel/nhap/", wrap(self.excel_import_view), name=f"{prefix}_import"),
            *super().get_urls(),
        ]

    def _excel_url(self, action):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_excel_{action}")

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "excel_template_url": self._excel_url("template"),
            "excel_export_url": self._excel_url("export"),
            "excel_import_url": self._excel_url("import"),
            "can_import": self._can_import(request),
        }
        return super().changelist_view(request, extra_context)

    def _can_import(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def _download(self, content, name):
        return xlsx_response(content, name)

    def excel_template_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        excel = self.excel_class(request.user)
        return self._download(excel.template(), f"mau-{slugify(str(excel.title))}")

    def excel_export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        # The list as filtered on screen, within the user's scope. A filter the list refuses
        # (an unknown parameter, "?district=abc") sends back to the list, as the admin does.
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            changelist_url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"
            )
            return redirect(f"{changelist_url}?{ERROR_FLAG}=1")
        queryset = changelist.get_queryset(request).select_related(*self.excel_select_related)
        excel = self.excel_class(request.user)
        content = excel.export(queryset)
        # Registry lists name people (mediators also by ethnicity and birth year): every
        # export is logged (Decree 13/2023/NĐ-CP).
        DataExport.objects.create(
            user=request.user,
            what=str(self.opts.verbose_name_plural),
            rows=queryset.count(),
            filters=request.GET.urlencode()[:500],
            address=request.META.get("REMOTE_ADDR"),
        )
        return self._download(content, slugify(str(excel.title)))

    def excel_import_view(self, request):
        if not self._can_import(request):
            raise PermissionDenied
        excel = self.excel_class(request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import %(list)s from Excel") % {"list": excel.title},
            "excel": excel,
            "headers": excel.headers(),
            "template_url": self._excel_url("template"),
            "changelist_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"
            ),
        }
        if request.method == "POST" and "token" in request.POST:
            return self._confirm(request, excel, context)
        if request.method == "POST":
            return self._preview(request, excel, context)
        return TemplateResponse(request, "admin/excel_import.html", context)

    @staticmethod
    def _take(name):
        """The content of a stored upload or result, removed from storage."""
        with default_storage.open(name) as stored:
            content = stored.read()
        default_storage.delete(name)
        return content

    def _preview(self, request, excel, context):
        upload = request.FILES.get("file")
        if upload is None:
            context["file_error"] = _("Choose a file to upload.")
        elif upload.size > MAX_EXCEL_BYTES:
            context["file_error"] = _("The file is larger than %(limit)d MB.") % {
                "limit": MAX_EXCEL_BYTES // 2**20
            }
        if "file_error" in context:
            return TemplateResponse(request, "admin/excel_import.html", context)
        self._check(request, excel, context, upload, upload.name)
        return TemplateResponse(request, "admin/excel_import.html", context)

    def _check(self, request, excel, context, upload, filename):
        """Read and check the file; when it is correct, keep it and the result for the
        confirmation under a new token."""
        fingerprint = excel.fingerprint()  # before the checks read anything
        plan = excel.plan(upload)
        context.update(plan=plan, filename=filename)
        if not plan.ok:
            return
        upload.seek(0)
        content = upload.read()
        file_hash = import_results.sha256(content)
        result = import_results.dump(plan, fingerprint, file_hash)
        token = uuid.uuid4().hex
        default_storage.save(f"{IMPORTS_DIR}/{token}.xlsx", ContentFile(content))
        default_storage.save(f"{IMPORTS_DIR}/{token}.json", ContentFile(result))
        request.session[f"excel_import_{token}"] = {
            "model": self.opts.label,
            "filename": filename,
            "file": file_hash,
            "result": import_results.sha256(result),
        }
        context.update(token=token, preview=(plan.new + plan.changed)[:PREVIEW_ROWS])

    def _confirm(self, request, excel, context):
        token = request.POST["token"]
        pending = request.session.pop(f"excel_import_{token}", None)
        names = [f"{IMPORTS_DIR}/{token}.{kind}" for kind in ("xlsx", "json")]
        if (
            not pending
            or pending["model"] != self.opts.label
            or "result" not in pending
            or not all(default_storage.exists(name) for name in names)
        ):
            messages.error(request, _("This import has expired; upload the file again."))
            return redirect(self._excel_url("import"))
        content, result = (self._take(name) for name in names)
        if (
            import_results.sha256(content) != pending["file"]
            or import_results.sha256(result) != pending["result"]
        ):
            messages.error(request, _("The stored file is not the one previewed; upload it again."))
            return redirect(self._excel_url("import"))
        plan, _file, fingerprint = import_results.load(result)
        try:
            excel.apply(plan, pending["filename"], fingerprint)
        except StaleImport:
            messages.error(
                request,
                _(
                    "Nothing was imported: the stored data this file was checked against "
                    "changed since the preview. The file has been checked again below; "
                    "confirm again if the preview is right."
                ),
            )
            upload = io.BytesIO(content)
            self._check(
                request, self.excel_class(request.user), context, upload, pending["filename"]
            )
            return TemplateResponse(request, "admin/excel_import.html", context)
        messages.success(
            request,
            _("Imported %(file)s: %(new)d added, %(changed)d updated, %(same)d unchanged.")
            % {
                "file": pending["filename"],
                "new": len(plan.new),
                "changed": len(plan.changed),
                "same": plan.unchanged,
            },
        )
        return redirect(context["changelist_url"])
