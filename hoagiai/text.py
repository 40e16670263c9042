"""Text rules shared by the registry, its search, its imports, exports and forms."""

import re
import unicodedata
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Đ/đ are letters of their own, not D with a mark, so decomposition keeps them.
_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})


def clean_name(value: str) -> str:
    """Unicode NFC with stray spaces removed: a decomposed "Nguyễn" equals its twin."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def fold(value: str | None) -> str | None:
    """Lower-case text without Vietnamese marks, for accent-insensitive search."""
    if value is None:
        return None
    decomposed = unicodedata.normalize("NFD", value.translate(_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


_DIGITS = re.compile(r"\d+")


def natural_key(value: str | None, width: int = 8) -> str:
    """A name as it sorts for people: folded, its numbers padded so that "Tổ 2" comes
    before "Tổ 10" ("to 00000002" < "to 00000010")."""
    return _DIGITS.sub(lambda number: number.group().zfill(width), fold(value or ""))


@lru_cache(maxsize=65_536)
def identity_key(value: str) -> str:
    """A person's (or a place's) name as its identity: NFC, case and spaces folded, marks kept.

    "Lê Thị Thanh Hà" and "Lê Thị Thanh Hạ" are two people: accent-insensitive comparison
    (``fold``) is for search only, never to decide who a row is.
    """
    return unicodedata.normalize("NFC", clean_name(value).casefold())


# C0 and C1 control characters (tab, line feed and carriage return aside: they are white
# space, folded by ``clean_name``) and the bidi embeddings, overrides and isolates that make
# text display in another order than it is stored (U+202A–U+202E, U+2066–U+2069). Excel's
# _xHHHH_ escapes of them count too: a spreadsheet reader turns them into the character.
_FORBIDDEN = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_FORBIDDEN_CHARACTER = re.compile(f"[{_FORBIDDEN}]")
_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def forbidden_character(value: str) -> str | None:
    """The first control or bidi-override character in ``value`` as "U+202E", or None."""
    if value.isprintable() and "_x" not in value:  # every one of them is unprintable
        return None
    found = _FORBIDDEN_CHARACTER.search(value)
    if found:
        return f"U+{ord(found[0]):04X}"
    for escape in _EXCEL_ESCAPE.finditer(value):
        if _FORBIDDEN_CHARACTER.fullmatch(chr(int(escape[1], 16))):
            return f"U+{int(escape[1], 16):04X}"
    return None


def strip_forbidden(value: str) -> str:
    """``value`` without those characters: what an export writes for rows stored before."""
    value = _EXCEL_ESCAPE.sub(
        lambda escape: "" if _FORBIDDEN_CHARACTER.fullmatch(chr(int(escape[1], 16))) else escape[0],
        value,
    )
    return _FORBIDDEN_CHARACTER.sub("", value)


FORBIDDEN_MESSAGE = _(
    "contains an invisible control or text-direction character (%(character)s); remove it"
)


def validate_plain_text(value) -> None:
    """Form and model validator: no control or bidi-override character (issue 13)."""
    if isinstance(value, str) and (found := forbidden_character(value)):
        raise ValidationError(
            FORBIDDEN_MESSAGE, code="control_character", params={"character": found}
        )


def refuse_control_characters(field):
    """``field`` (a form field) with ``validate_plain_text`` when it takes text."""
    from django import forms

    if isinstance(field, forms.CharField) and validate_plain_text not in field.validators:
        field.validators.append(validate_plain_text)
    return field


class PlainTextFormMixin:
    """Every text field of the form refuses control and bidi-override characters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            refuse_control_characters(field)
