"""Uploaded documents (plan evidence, training materials): PDF, Word, Excel or images,
recognised by their content, size-limited.

A name can lie ("bao-cao.pdf" may be a program); the first bytes cannot. A file is accepted
when its content is one of the kinds below and its extension belongs to that kind.
"""

import io
import os
import unicodedata
import uuid
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc and .xls (and other old Office files)

# kind: (extensions, what the kind is called in messages)
KINDS = {
    "pdf": ({".pdf"}, "PDF"),
    "word": ({".docx", ".doc"}, "Word"),
    "excel": ({".xlsx", ".xls"}, "Excel"),
    "image": ({".png", ".jpg", ".jpeg"}, gettext_lazy("image")),
}
ALLOWED = sorted(ext for extensions, _name in KINDS.values() for ext in extensions)


def _zip_kind(data: bytes) -> str | None:
    """word or excel for an Office Open XML package, None for any other zip."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "word"
    if "xl/workbook.xml" in names:
        return "excel"
    return None


# A name people see and download under: the model field's length, and what a disk accepts for
# one file name (255 bytes on ext4, NTFS counts characters), so the saved download opens too.
NAME_MAX_CHARS = 200
NAME_MAX_BYTES = 255


def extension_of(name: str) -> str:
    """ ".pdf" for "Biên bản.PDF"; "" when the name has none."""
    return ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""


def display_name(name: str) -> str:
    """The person's file name, shortened to fit a database field and any disk.

    The stem is cut, never the extension, and only between whole characters (NFC first, so a
    tone mark is never left without its letter)."""
    name = unicodedata.normalize("NFC", os.path.basename(name.replace("\\", "/"))).strip()
    stem, extension = os.path.splitext(name)
    if len(extension) > 10:  # not an extension we accept: keep it in the stem
        stem, extension = name, ""
    stem = stem[: NAME_MAX_CHARS - len(extension)]
    budget = NAME_MAX_BYTES - len(extension.encode())
    stem = stem.encode()[:budget].decode(errors="ignore").rstrip()
    return stem + extension


def storage_name(name: str) -> str:
    """The stored file's own name: generated, so no person's name can be too long for a disk."""
    extension = extension_of(name)
    return uuid.uuid4().hex + (extension if extension in ALLOWED else "")


def sniff(data: bytes, extension: str) -> str | None:
    """The kind the content is, or None when it is none of the accepted kinds."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff"):
        return "image"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(OLE2):
        # An old Office file says what it is only deep inside: trust the extension here.
        return {".doc": "word", ".xls": "excel"}.get(extension)
    return None


TOO_LARGE = gettext_lazy("“%(name)s” is %(size)s; an evidence file may be at most %(limit)s.")


def check(uploaded, limit: int | None = None, too_large=TOO_LARGE) -> str:
    """The kind of an uploaded file; ValidationError (Vietnamese) when refused.

    ``limit`` is the largest size in bytes (``EVIDENCE_MAX_BYTES`` by default) and
    ``too_large`` the message naming what the file is for."""
    name = uploaded.name or ""
    extension = extension_of(name)
    limit = settings.EVIDENCE_MAX_BYTES if limit is None else limit
    if uploaded.size > limit:
        raise ValidationError(
            str(too_large)
            % {"name": name, "size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)}
        )
    if extension not in ALLOWED:
        raise ValidationError(
            _("“%(name)s” is not accepted: attach a PDF, Word, Excel or image file (%(allowed)s).")
            % {"name": name, "allowed": ", ".join(ALLOWED)}
        )
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    kind = sniff(data, extension)
    if kind is None or extension not in KINDS[kind][0]:
        raise ValidationError(
            _(
                "“%(name)s” is named like a %(expected)s file but its content is not one. "
                "Attach the document itself (a program or other file renamed is refused)."
            )
            % {"name": name, "expected": _kind_of(extension)}
        )
    return kind


def _kind_of(extension):
    return next(str(label) for extensions, label in KINDS.values() if extension in extensions)
