"""The checked result of an import's preview, kept until the confirmation.

The preview reads and checks every row; the confirmation writes what the preview found,
without reading the file again (issue 20: re-reading it took 2.4 of 5.9 seconds). The
result is stored as JSON beside the uploaded file, with:

- the SHA-256 of the file, and the session keeps it with the result's own SHA-256: the
  confirmation refuses a file or a result that is not the one previewed;
- a fingerprint of everything stored that the checks read (``RegistryExcel.fingerprint``):
  the confirmation refuses, writing nothing, when any of it changed since the preview.

The rows are kept as the values of their model's concrete fields, in field order; a row that
points at another new row of the same import (an attendance of a new training) keeps that
row's position instead of an id.
"""

import hashlib
import json
from datetime import date, datetime

from django.apps import apps

from .bulk import unsaved, values_of
from .imports import ImportPlan

FORMAT = 1


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _fields(model):
    return model._meta.concrete_fields


def dump(plan: ImportPlan, fingerprint: str, file_hash: str) -> bytes:
    labels, models = [], {}
    position = {id(obj): index for index, obj in enumerate(plan.new)}

    def record(obj):
        model = type(obj)
        if model not in models:
            fields = _fields(model)
            special = [
                (index, field)
                for index, field in enumerate(fields)
                if field.is_relation or field.get_internal_type() not in PLAIN_KINDS
            ]
            models[model] = (len(labels), values_of([f.attname for f in fields]), special)
            labels.append(model._meta.label)
        number, read, special = models[model]
        values = list(read(obj))
        for index, field in special:
            value = values[index]
            if value is None and field.is_relation and field.is_cached(obj):
                parent = field.get_cached_value(obj)
                if parent is not None and parent.pk is None:
                    values[index] = {"new": position[id(parent)]}
            elif isinstance(value, date):
                values[index] = value.isoformat()
            elif not isinstance(value, str | int | float | bool | dict | list | None):
                values[index] = field.value_to_string(obj)  # a decimal, a UUID …
        return [number, values]

    new = [record(obj) for obj in plan.new]
    changed = [record(obj) for obj in plan.changed]
    document = {
        "format": FORMAT,
        "file": file_hash,
        "fingerprint": fingerprint,
        "models": labels,
        "new": new,
        "changed": changed,
        "unchanged": plan.unchanged,
        "touched": sorted(plan.touched),
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def load(content: bytes) -> tuple[ImportPlan, str, str]:
    """(the plan, the file's SHA-256, the fingerprint) of a stored result."""
    document = json.loads(content)
    if document.get("format") != FORMAT:
        raise ValueError("An import result of another format.")
    models = [apps.get_model(label) for label in document["models"]]
    shapes = [_shape(model) for model in models]
    new = []

    def build(record, saved):
        model_index, values = record
        model = models[model_index]
        fields, attnames, readers = shapes[model_index]
        parents = []
        for index, read in readers:
            value = values[index]
            if isinstance(value, dict) and fields[index].is_relation:
                parents.append((fields[index], new[value["new"]]))
                values[index] = None
            elif value is not None:
                values[index] = read(value)
        obj = unsaved(model, attnames, values)
        for field, parent in parents:
            field.set_cached_value(obj, parent)  # its id is read when it is inserted
        if saved:
            obj._state.adding = False
            obj._state.db = "default"
        return obj

    for record in document["new"]:
        new.append(build(record, saved=False))
    changed = [build(record, saved=True) for record in document["changed"]]
    plan = ImportPlan(new=new, changed=changed, unchanged=document["unchanged"])
    plan.touched = set(document["touched"])
    return plan, document["file"], document["fingerprint"]


READERS = {
    "DateField": date.fromisoformat,
    "DateTimeField": datetime.fromisoformat,
}


def _shape(model):
    """(fields, attnames, [(position, reader)]) of a model's concrete fields: the dates to
    read back from their ISO text, the foreign keys that may point at a new row."""
    fields = list(_fields(model))
    readers = []
    for index, field in enumerate(fields):
        kind = field.get_internal_type()
        if kind in READERS:
            readers.append((index, READERS[kind]))
        elif field.is_relation:
            readers.append((index, lambda value: value))
        elif kind not in PLAIN_KINDS:
            readers.append((index, field.to_python))
    return fields, [field.attname for field in fields], readers


PLAIN_KINDS = {
    "AutoField",
    "BigAutoField",
    "CharField",
    "TextField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "BooleanField",
}
