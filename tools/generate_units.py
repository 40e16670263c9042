"""Generate fixtures/units_bac_giang.json: Tỉnh Bắc Giang, its districts and communes.

Source: the PyPI package ``vietnam-provinces`` 0.6.0 (data of the General Statistics
Office, three-level divisions of early 2025, before the 1/7/2025 reorganisation).

    pip install -e '.[generate]'
    python tools/generate_units.py

The output is committed; run this again only to regenerate it.
"""

import json
import sys
from importlib import metadata, resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from network.units import format_code, kind_from_name  # noqa: E402

PROVINCE_CODE = 24  # Tỉnh Bắc Giang
SOURCE_VERSION = "0.6.0"
OUTPUT = ROOT / "fixtures" / "units_bac_giang.json"


def unit(code, name, level, parent_code):
    return {
        "model": "units.adminunit",
        "fields": {
            "code": code,
            "name": name,
            "level": level,
            "kind": kind_from_name(name),
            "parent": [parent_code] if parent_code else None,
            "valid_from": None,
            "valid_to": None,
        },
    }


def build(divisions):
    province = next(p for p in divisions if p["code"] == PROVINCE_CODE)
    province_code = format_code(province["code"], "province")
    rows = [unit(province_code, province["name"], "province", None)]
    for district in province["districts"]:
        district_code = format_code(district["code"], "district")
        rows.append(unit(district_code, district["name"], "district", province_code))
        for ward in district["wards"]:
            rows.append(
                unit(format_code(ward["code"], "commune"), ward["name"], "commune", district_code)
            )
    return rows


def main():
    version = metadata.version("vietnam-provinces")
    if version != SOURCE_VERSION:
        sys.exit(f"vietnam-provinces {SOURCE_VERSION} is required, found {version}")
    data = resources.files("vietnam_provinces") / "data" / "nested-divisions.json"
    rows = build(json.loads(data.read_text(encoding="utf-8")))
    OUTPUT.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    levels = [row["fields"]["level"] for row in rows]
    print(
        f"{OUTPUT.relative_to(ROOT)}: {levels.count('district')} districts, "
        f"{levels.count('commune')} communes"
    )


if __name__ == "__main__":
    main()
