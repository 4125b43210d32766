"""`bot notices plan`: every notice to send on a day, one per guarantee and active recipient,
never to an opted-out number; bad rows listed with line and reason while good ones are still
planned; the gateway file holds full numbers and is readable by its owner only."""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path

import pytest
from test_sms_support import (
    CEO_1,
    CEO_2,
    DATA,
    DIRECTORY,
    MEMBERS,
    STAFF,
    code_in,
    codes_sent,
    registry,
    service,
)

from bot.cli import build_parser
from bot.sms.csv_table import TableError
from bot.sms.notices import parse_amount, parse_end_date, plan_day, read_guarantees
from bot.sms.registry import Registration, Registry, Requester
from bot.storage import open_db

DAY = dt.date(2026, 11, 13)


def store_with_people(store: Registry | None = None) -> Registry:
    """1001: CEO and a staff member the branch approved; 1002: CEO opted out; 1003: CEO only."""
    store = store or registry()
    store.register(Registration("1001", "홍길동", "담당자", STAFF, "staff", "v2"), Requester.branch_staff())
    store.opt_out(CEO_2, Requester.branch_staff(), "1002")
    return store


def plan(store: Registry, path: Path = DATA / "guarantees.csv", day: dt.date = DAY):  # type: ignore[no-untyped-def]
    return plan_day(read_guarantees(path), day, store.get_member, store.active_recipients, DIRECTORY,
                    "기계설비건설공제조합")


def test_the_day_s_notices_go_to_the_ceo_and_staff_never_to_an_opted_out_number() -> None:
    result = plan(store_with_people())
    assert [(n.guarantee.guarantee_no, n.recipient.phone) for n in result.notices] == [
        ("G-2026-001", CEO_1), ("G-2026-001", STAFF)]
    assert result.without_recipients == ["G-2026-002"]  # its CEO opted out
    assert (result.rows, result.not_eligible, result.other_days, result.guarantees) == (10, 3, 1, 2)
    assert [(p.line, p.reason.split(" ")[0]) for p in result.problems] == [
        (8, "조합원번호"), (9, "보증금액"), (10, "보증종료일"), (11, "보증번호가")]


def test_the_message_names_the_guarantee_its_end_the_notice_and_the_cooperative() -> None:
    text = plan(store_with_people()).notices[0].text
    for part in ("[기계설비건설공제조합] 보증해제 안내", "가나설비(주)", "G-2026-001", "계약보증", "50,000,000원",
                 "2026년 11월 30일(월)", "문의: 종로지점 ☎02-3449-2100"):
        assert part in text
    assert len(text) < 200


def test_a_typed_number_stays_out_of_the_plan_until_its_code_is_entered() -> None:
    store = registry()
    desk = service(store)
    chat = Requester.chat("c")
    desk.request("1001", Registration("1001", "홍길동", "담당자", STAFF, "typed", "v2"), chat)

    def to_1001() -> list[str | None]:
        return [n.recipient.phone for n in plan(store).notices if n.guarantee.member_no == "1001"]

    assert to_1001() == [CEO_1]
    approval, verify = codes_sent(store)
    desk.enter_code("c", code_in(approval))
    assert to_1001() == [CEO_1]  # approved, not yet proven
    desk.enter_code("c", code_in(verify))
    assert to_1001() == [CEO_1, STAFF]


def test_a_guarantee_number_that_reads_as_a_formula_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("보증번호,조합원번호,보증종류,보증금액,보증종료일\n=1+1,1001,계약보증,\"50,000,000\",2026-11-30\n"
                    "-G,1001,계약보증,\"50,000,000\",2026-11-30\n", encoding="utf-8")
    result = plan(registry(), path)
    assert [(p.line, "=, +, -, @로 시작할 수 없습니다" in p.reason) for p in result.problems] == [(2, True), (3, True)]
    assert result.notices == []


def test_each_guarantee_is_planned_on_its_own_send_day_only() -> None:
    store = store_with_people()
    later = plan(store, day=dt.date(2026, 11, 30))
    assert (later.guarantees, later.without_recipients) == (1, ["G-2026-006"])  # 1002's CEO opted out
    weekend = plan(store, day=dt.date(2026, 11, 15))
    assert not weekend.business_day and weekend.notices == []


def test_bad_rows_are_reported_and_good_ones_still_planned() -> None:
    store = registry()
    result = plan(store, DATA / "bad_guarantees.csv")
    reasons = {p.line: p.reason for p in result.problems}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "보증종류" in reasons[3] and "보증금액" in reasons[4] and "보증금액" in reasons[5]
    assert "YYYY-MM-DD" in reasons[6] and "보증번호" in reasons[7]
    assert "010-****-5678" in reasons[8] and "1234" not in reasons[8]
    assert "2100년" in reasons[9] and "조합원번호" in reasons[10] and "보증종류" in reasons[11]
    assert sorted(n.guarantee.guarantee_no for n in result.notices) == ["B-01", "B-11", "B-12"]


def test_long_cells_are_cut_in_the_report(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("보증번호,조합원번호,보증종류,보증금액,보증종료일\nG,1001," + "가" * 10_000 + ",1,2026-11-30\n",
                    encoding="utf-8")
    (problem,) = plan(registry(), path).problems
    assert len(problem.reason) < 100


@pytest.mark.parametrize(("content", "error"), [
    (b"", "비어"),
    ("보증번호,회원,종류,금액\n".encode(), "없는 열: 조합원번호, 보증종료일"),
])
def test_unusable_files_are_refused_whole(tmp_path: Path, content: bytes, error: str) -> None:
    path = tmp_path / "g.csv"
    path.write_bytes(content)
    with pytest.raises(TableError, match=error):
        read_guarantees(path)


def test_cp949_guarantee_files_are_read(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_bytes((DATA / "guarantees.csv").read_text(encoding="utf-8").encode("cp949"))
    assert len(plan(store_with_people(), path).notices) == 2


@pytest.mark.parametrize(("text", "value"), [("10,000,000", 10_000_000), ("10000000원", 10_000_000), (" 0 ", 0)])
def test_amounts(text: str, value: int) -> None:
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["2026-11-30", "2026.11.30", "2026/11/30", "20261130", "2026. 11. 30.".replace(" ", "")])
def test_end_dates(text: str) -> None:
    assert parse_end_date(text) == dt.date(2026, 11, 30)


def run(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


def test_the_command_writes_a_private_gateway_file_and_prints_masked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "bot.sqlite3"
    monkeypatch.setenv("BOT_DB", str(db))
    monkeypatch.delenv("BOT_SMS_KEY", raising=False)
    store = Registry(open_db(db))
    store.import_members(MEMBERS)
    store_with_people(store)
    out = tmp_path / "send" / "2026-11-13.csv"
    code = run(["notices", "plan", "--date", "2026-11-13", "--guarantees", str(DATA / "guarantees.csv"),
                "--out", str(out), "--cooperative", "조합"])
    printed = capsys.readouterr().out
    assert code == 1  # four bad rows
    assert "이날 발송할 보증 2건, 문자 2통" in printed and "잘못된 행 4" in printed and "8행:" in printed
    assert "받을 사람이 없는 보증 1건: G-2026-002" in printed
    assert "1111" not in printed and "7777" not in printed
    assert os.stat(out).st_mode & 0o777 == 0o600
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["보증번호"], r["휴대전화"], r["구분"]) for r in rows] == [
        ("G-2026-001", "01011112222", "대표이사"), ("G-2026-001", "01077778888", "담당자")]
    assert rows[0]["문자내용"].startswith("[조합] 보증해제 안내")
    code = run(["notices", "plan", "--date", "2026-11-13", "--guarantees", str(tmp_path / "missing.csv")])
    assert code == 2 and "읽을 수 없습니다" in capsys.readouterr().err


def test_a_clean_file_exits_zero_and_lists_masked_numbers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "bot.sqlite3"
    monkeypatch.setenv("BOT_DB", str(db))
    monkeypatch.delenv("BOT_SMS_KEY", raising=False)
    Registry(open_db(db)).import_members(MEMBERS)
    clean = tmp_path / "g.csv"
    clean.write_text("보증번호,조합원번호,보증종류,보증금액,보증종료일\nG-1,1001,선급금,\"20,000,000\",2026-11-30\n",
                     encoding="utf-8")
    assert run(["notices", "plan", "--date", "2026-11-13", "--guarantees", str(clean)]) == 0
    printed = capsys.readouterr().out
    assert "G-1 가나설비(주) 대표이사 010-****-2222" in printed and "--out" in printed
