"""Text rules shared by the registry, its search and its imports."""

import unicodedata

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
