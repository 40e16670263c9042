"""Generate fixtures/units_bac_ninh_2025.json: the new Tỉnh Bắc Ninh of 1/7/2025.

Source: the GSO's conversion table of 1/7/2025 (units/data/bac-ninh-communes-2025-07-01.csv,
see units/data/README.md), one row per old commune. Written here:

- the new province (code 24, reused from Bắc Giang) and its 99 communes and wards, valid from
  1/7/2025, directly under the province (there is no district level any more);
- a succession from each former Bắc Giang commune in the table to the commune that took it,
  and from Tỉnh Bắc Giang to the new province. The 41 former Bắc Ninh communes' predecessors
  (the 121 old communes of Bắc Ninh) are not loaded: the plan never covered them.

Three pre-2025 communes of Bắc Giang are missing from the table (Tân An 07693, Nham Sơn
07732, Thắng Cương 07744): their successor is for a person to set, never guessed here.

    python tools/generate_units_2025.py [--check-package]

``--check-package`` compares names and codes with the PyPI package ``vietnam-provinces``
2025.10.1 (``pip install vietnam-provinces==2025.10.1`` in a scratch environment).
"""

import csv
import json
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from units.codes import kind_from_name  # noqa: E402

TABLE = ROOT / "units" / "data" / "bac-ninh-communes-2025-07-01.csv"
OUTPUT = ROOT / "fixtures" / "units_bac_ninh_2025.json"
START = "2025-07-01"
PLAN_PROVINCE = "Tỉnh Bắc Giang"
COMMUNE_BASIS = "NQ 1658/NQ-UBTVQH15"
PROVINCE_BASIS = "NQ 202/2025/QH15"
# Checked against vietnam-provinces 2025.10.1 (--check-package): it agrees on 96 of the 99,
# except that it spells "Xã Hiệp Hoà" (the table: "Hòa", the spelling used throughout here)
# and gives three former Bắc Ninh wards another of their predecessors' codes (Tam Sơn 09376,
# Phù Khê 09373, Đồng Nguyên 09385). The GSO table is the source; none is in the plan area.


def unit(code, name, level, parent):
    return {
        "model": "units.adminunit",
        "fields": {
            "code": code,
            "name": name,
            "level": level,
            "kind": kind_from_name(name),
            "parent": parent,
            "valid_from": START,
            "valid_to": None,
        },
    }


def succession(old_code, new_code, basis):
    return {
        "model": "units.succession",
        "fields": {
            "predecessor": [old_code, None],
            "successor": [new_code, START],
            "basis": basis,
            "set_by_person": False,
        },
    }


def build(rows):
    province_code, province_name = rows[0]["new_province_code"], rows[0]["new_province"]
    units = [unit(province_code, province_name, "province", None)]
    links = [succession(rows[0]["old_province_code"], province_code, PROVINCE_BASIS)]
    seen = set()
    for row in rows:
        if row["new_commune_code"] not in seen:
            seen.add(row["new_commune_code"])
            parent = [province_code, START]
            units.append(unit(row["new_commune_code"], row["new_commune"], "commune", parent))
        if row["old_province"] == PLAN_PROVINCE:
            links.append(
                succession(row["old_commune_code"], row["new_commune_code"], COMMUNE_BASIS)
            )
    return units + links


def check_package(units):
    from vietnam_provinces import Ward

    ours = {
        u["fields"]["code"]: u["fields"]["name"] for u in units if u["fields"]["level"] == "commune"
    }
    theirs = {f"{w.code:05d}": w.name for w in Ward.iter_by_province(24)}
    if ours != theirs:
        diff = sorted(set(ours.items()) ^ set(theirs.items()))
        sys.exit(f"differs from vietnam-provinces: {diff[:10]}")
    print(f"names and codes match vietnam-provinces ({len(theirs)} units)")


def main():
    with TABLE.open(encoding="utf-8") as table:
        # One name of the table (Phường Từ Sơn) is in decomposed Unicode: store NFC, as
        # every name is compared and searched in that form.
        rows = [
            {key: unicodedata.normalize("NFC", value.strip()) for key, value in row.items()}
            for row in csv.DictReader(table)
        ]
    data = build(rows)
    units = [row for row in data if row["model"] == "units.adminunit"]
    if "--check-package" in sys.argv:
        check_package(units)
    OUTPUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(
        f"{OUTPUT.relative_to(ROOT)}: {len(units) - 1} communes, "
        f"{len(data) - len(units)} successions"
    )


if __name__ == "__main__":
    main()
