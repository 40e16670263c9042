"""Audit history: every model people change keeps who changed what and when."""

import pytest
from django.apps import apps
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

# Rows that are themselves the audit record: they are written once and never edited (a
# report notice only gains the moment it was sent, or why it could not be).
AUDIT_RECORDS = {"accounts.DataExport", "reports.ReportEvent", "reports.Notice"}
APPS = ["accounts", "network", "plans", "reports", "targets"]


def tracked_models():
    return [
        model
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical") and model._meta.label not in AUDIT_RECORDS
    ]


@pytest.mark.parametrize("model", tracked_models(), ids=lambda model: model._meta.label)
def test_every_model_keeps_its_history(model):
    assert hasattr(model, "history"), f"{model._meta.label} has no HistoricalRecords"


@pytest.mark.parametrize(
    "model",
    [model for model in tracked_models() if model in admin.site._registry],
    ids=lambda model: model._meta.label,
)
def test_the_history_shows_in_the_admin(model):
    assert isinstance(admin.site._registry[model], SimpleHistoryAdmin)
