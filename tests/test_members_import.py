"""`bot members import`: every encoding and header spelling branch offices produce, every bad
row listed with its line and reason, all-or-nothing, and re-imports that update in place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_sms_support import CEO_1, DATA, DIRECTORY

from bot.sms.members import ImportReport, import_members
from bot.sms.registry import Member, Registry
from bot.storage import open_db

GOOD = sorted((DATA / "good_members").glob("*.csv"))
BAD_DIR = DATA / "bad_members"
EXPECTED = json.loads((BAD_DIR / "expected.json").read_text(encoding="utf-8"))


def fresh() -> Registry:
    return Registry(open_db(None), key=b"k")


def import_file(store: Registry, path: Path) -> ImportReport:
    """`bot members import` with the cooperative's 35 branches."""
    return import_members(store, path, DIRECTORY)


@pytest.mark.parametrize("path", GOOD, ids=[p.stem for p in GOOD])
def test_every_readable_file_imports_the_same_three_members(path: Path) -> None:
    store = fresh()
    report = import_file(store, path)
    assert report.ok, report.problems
    assert (report.counts.added, report.counts.updated) == (3, 0)  # type: ignore[union-attr]
    assert store.get_member("1001") == Member("1001", "1018100016", "가나설비(주)", "김대표", CEO_1, "종로지점")
    assert [m.ceo_mobile for m in store.members()] == [CEO_1, "+821033334444", "+821055556666"]
    assert store.get_member("1002").company == "다라기계"  # type: ignore[union-attr]


def test_the_encoding_that_read_the_file_is_reported() -> None:
    assert import_file(fresh(), DATA / "good_members" / "cp949.csv").encoding == "cp949"
    assert import_file(fresh(), DATA / "good_members" / "utf8_bom.csv").encoding == "utf-8-sig"
    assert import_file(fresh(), DATA / "good_members" / "english_headers.csv").ignored_columns == ["memo"]


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=lambda n: n.removesuffix(".csv"))
def test_a_bad_file_imports_nothing_and_names_every_bad_row(name: str) -> None:
    store = fresh()
    before = store.members()
    report = import_file(store, BAD_DIR / name)
    expected = EXPECTED[name]
    assert not report.ok
    assert store.members() == before == []
    assert store.audit_log() == []
    if "file_error" in expected:
        assert expected["file_error"] in report.file_error
        return
    found = {str(p.line): p.reason for p in report.problems}
    assert sorted(found, key=int) == sorted(expected["lines"], key=int)
    for line, reason in expected["lines"].items():
        assert reason in found[line], (line, found[line])


def test_a_bad_file_leaves_an_earlier_import_untouched() -> None:
    store = fresh()
    import_file(store, DATA / "members.csv")
    before = store.members()
    assert not import_file(store, BAD_DIR / "bad_brn.csv").ok
    assert store.members() == before


def test_reimport_updates_in_place_and_counts_what_changed(tmp_path: Path) -> None:
    store = fresh()
    import_file(store, DATA / "members.csv")
    changed = (DATA / "members.csv").read_text(encoding="utf-8").replace("다라기계", "다라기계(주)")
    changed += "1004,101-81-00049,사아건설,최대표,010-7777-8888,광주지점\n"
    (tmp_path / "again.csv").write_text(changed, encoding="utf-8")
    report = import_file(store, tmp_path / "again.csv")
    assert report.counts is not None
    assert (report.counts.added, report.counts.updated, report.counts.unchanged) == (1, 1, 2)
    assert len(store.members()) == 4
    assert store.get_member("1002").company == "다라기계(주)"  # type: ignore[union-attr]
    actions = [(a["action"], a["member_no"], a["detail"]) for a in store.audit_log()]
    assert actions[-2:] == [("member_update", "1002", "fields=company"), ("member_add", "1004", "")]


def test_a_business_number_held_by_another_member_is_refused(tmp_path: Path) -> None:
    store = fresh()
    import_file(store, DATA / "members.csv")
    (tmp_path / "clash.csv").write_text(
        "조합원번호,사업자등록번호,상호,대표자명,대표자휴대폰,지점\n2001,101-81-00016,새회사,김새롬,010-1212-3434,종로지점\n",
        encoding="utf-8")
    report = import_file(store, tmp_path / "clash.csv")
    assert not report.ok and "조합원번호 1001" in report.problems[0].reason


def test_sql_looking_company_names_are_stored_as_plain_text(tmp_path: Path) -> None:
    store = fresh()
    evil = "x'); DROP TABLE sms_members; --"
    (tmp_path / "evil.csv").write_text(
        f'조합원번호,사업자등록번호,상호,대표자명,대표자휴대폰,지점\n1001,101-81-00016,"{evil}",김대표,010-1111-2222,종로지점\n',
        encoding="utf-8")
    assert import_file(store, tmp_path / "evil.csv").ok
    assert store.get_member("1001").company == evil  # type: ignore[union-attr]
    assert store.db["sms_members"].exists() and store.db["sms_recipients"].exists()


def test_a_missing_file_is_a_file_error(tmp_path: Path) -> None:
    report = import_file(fresh(), tmp_path / "nope.csv")
    assert not report.ok and "읽을 수 없습니다" in report.file_error
