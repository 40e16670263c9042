"""The training materials library (``/tai-lieu/``): the materials published by today, for
anyone, searched without accents and filtered by audience and year."""

from django.db.models import CharField, ExpressionWrapper, Q, TextField

from hoagiai.text import fold

from .lookups import Unaccent
from .models import Material

SEARCH_LENGTH = 100
# At most this many words of a search are matched (each must be found).
SEARCH_WORDS = 8


def clean_search(text: str | None) -> str:
    return (text or "").replace("\x00", "").strip()[:SEARCH_LENGTH]


def published():
    """The library's materials, newest first (a stable order for the pages)."""
    return (
        Material.objects.published()
        .select_related("publisher")
        .order_by("-published_on", "title", "pk")
    )


def search(materials, text: str):
    """The materials whose title or description holds every word of ``text``, typed with or
    without accents ("so tay hoa giai" finds "Sổ tay hòa giải viên"). The words are folded
    here, once; the columns by the database (``network.lookups.Unaccent``)."""
    words = (fold(text) or "").split()[:SEARCH_WORDS]
    if not words:
        return materials
    materials = materials.alias(
        folded_title=ExpressionWrapper(Unaccent("title"), output_field=CharField()),
        folded_description=ExpressionWrapper(Unaccent("description"), output_field=TextField()),
    )
    for word in words:
        materials = materials.filter(
            Q(folded_title__contains=word) | Q(folded_description__contains=word)
        )
    return materials


def find(text="", audience=None, year=None):
    materials = published()
    if audience:
        materials = materials.filter(kind=audience)
    if year:
        materials = materials.filter(published_on__year=year)
    return search(materials, text)


def years() -> list[int]:
    """The years in which something was published, newest first (the year filter)."""
    return [day.year for day in Material.objects.published().dates("published_on", "year", "DESC")]


def parse_year(value) -> int | None:
    """A year from ``?year=2025``; None for anything else (no filter)."""
    if isinstance(value, str) and len(value) == 4 and value.isascii() and value.isdigit():
        return int(value)
    return None
