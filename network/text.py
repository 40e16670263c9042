"""Text rules shared by the registry, its search and its imports."""

import unicodedata
from functools import lru_cache

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


@lru_cache(maxsize=65_536)
def identity_key(value: str) -> str:
    """A person's (or a place's) name as its identity: NFC, case and spaces folded, marks kept.

    "Lê Thị Thanh Hà" and "Lê Thị Thanh Hạ" are two people: accent-insensitive comparison
    (``fold``) is for search only, never to decide who a row is.
    """
    return unicodedata.normalize("NFC", clean_name(value).casefold())
