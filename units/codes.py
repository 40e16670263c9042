"""Rules about administrative unit names and codes, shared by the models and the generator."""

# The GSO codes have a fixed width per level; the source data gives them as integers.
CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}

# Name prefixes, longest first so "Thị trấn" is not read as "Thị xã"-like "Thị".
KIND_PREFIXES = [
    ("Thành phố ", "city"),
    ("Thị trấn ", "township"),
    ("Thị xã ", "town"),
    ("Huyện ", "rural_district"),
    ("Quận ", "urban_district"),
    ("Phường ", "ward"),
    ("Tỉnh ", "province"),
    ("Xã ", "commune"),
]


def kind_from_name(name: str) -> str:
    """The kind of a unit read from its official name ("Thị xã Việt Yên" → "town")."""
    for prefix, kind in KIND_PREFIXES:
        if name.startswith(prefix):
            return kind
    raise ValueError(f"Unknown kind of administrative unit: {name!r}")


def format_code(code: int | str, level: str) -> str:
    """A GSO code zero-padded to its level's width: 7201 → "07201" for a commune."""
    return str(code).strip().zfill(CODE_WIDTH[level])
