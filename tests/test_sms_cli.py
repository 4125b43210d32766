"""Staff commands: `bot members import`, `bot sms list|pending|approve|reject|export|optout|optin|
outbox`, through the same parser `bot` uses, on a temporary BOT_DB with the clock pinned (BOT_NOW).
Gateway files are written whole, 0600, never through a symlink, and only once per message."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from test_sms_support import CEO_1, DATA, STAFF, code_in

from bot.cli import build_parser
from bot.settings import Settings
from bot.sms.registry import Registration, Registry, Requester
from bot.storage import open_db

NOW = "2026-11-22T09:30:00+09:00"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "bot.sqlite3"
    monkeypatch.setenv("BOT_DB", str(path))
    monkeypatch.setenv("BOT_NOW", NOW)
    monkeypatch.delenv("BOT_SMS_KEY", raising=False)
    return path


def run(*argv: str) -> int:
    args = build_parser().parse_args(list(argv))
    return int(args.handler(args))


def store(path: Path) -> Registry:
    return Registry(open_db(path), clock=lambda: Settings.from_env().now)  # type: ignore[arg-type,return-value]


def request(path: Path, member: str = "1002", phone: str = STAFF, verification: str = "typed") -> None:
    """A registration request as a chat makes it: pending, its codes in the outbox."""
    from bot.app import branch_directory
    from bot.sms.service import RecipientService

    service = RecipientService(store(path), branch_directory(Settings.from_env().knowledge_dir))
    proven = phone if verification == "contact" else None
    service.request(member, Registration(member, "홍길동", "담당자", phone, verification, "v2"),  # type: ignore[arg-type]
                    Requester.chat("c", proven))


def read_csv(path: Path, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle))


def test_import_reports_counts_then_updates(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("members", "import", str(DATA / "good_members" / "cp949.csv")) == 0
    assert "새로 추가 3, 변경 0, 그대로 0 (인코딩 cp949)" in capsys.readouterr().out
    assert run("members", "import", str(DATA / "members.csv")) == 0
    assert "새로 추가 0, 변경 0, 그대로 3" in capsys.readouterr().out
    assert store(db).get_member("1001").branch == "종로지점"  # type: ignore[union-attr]


def test_a_bad_import_lists_every_row_and_exits_one(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("members", "import", str(DATA / "bad_members" / "landline.csv")) == 1
    out = capsys.readouterr().out
    assert "가져오지 않았습니다. 잘못된 행 3개" in out
    assert [line.split(":")[0].strip() for line in out.splitlines()[1:]] == ["2행", "3행", "4행"]
    assert run("members", "import", str(DATA / "bad_members" / "empty.csv")) == 2


def test_a_branch_that_is_not_one_of_the_35_is_refused_naming_the_row(db: Path, tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "m.csv"
    path.write_text("조합원번호,사업자등록번호,상호,대표자명,대표자휴대폰,지점\n"
                    "1001,101-81-00016,가나설비(주),김대표,010-1111-2222,성남\n"
                    "1002,101-81-00020,다라기계,이사장,010-3333-4444,서울지점\n"
                    "1003,101-81-00035,=HYPERLINK(\"x\"),박대표,010-5555-6666,성남 지점\n", encoding="utf-8")
    assert run("members", "import", str(path)) == 1
    out = capsys.readouterr().out
    assert "3행: 지점: '서울지점'은 조합의 35개 지점에 없습니다" in out
    assert "4행: 상호는 =, +, -, @로 시작할 수 없습니다" in out
    assert "2행" not in out and store(db).members() == []


def test_list_is_masked_and_all_shows_opted_out(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run("members", "import", str(DATA / "members.csv"))
    assert run("sms", "optout", "010-1111-2222", "--member", "1001") == 0
    assert "수신거부를 등록했습니다: 가나설비(주) 대표이사 010-****-2222" in capsys.readouterr().out
    run("sms", "list")
    listing = capsys.readouterr().out
    assert "수신자 2명" in listing and "1111" not in listing and "010-****-4444" in listing
    run("sms", "list", "--member", "1001", "--all")
    assert "수신거부" in capsys.readouterr().out


def test_pending_approve_and_reject_after_a_call(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run("members", "import", str(DATA / "members.csv"))
    request(db)
    request(db, member="1003", phone="+821099990000")
    capsys.readouterr()
    assert run("sms", "pending") == 0
    out = capsys.readouterr().out
    assert "승인을 기다리는 등록 요청 2건" in out and "1002 다라기계 | 담당자 홍길동 | 010-****-8888" in out
    assert "요청 2026-11-22 | 남은 확인: 회사 승인, 번호 확인 | 2026-12-06까지" in out and "7777" not in out
    assert run("sms", "approve", "010-7777-8888", "--member", "1002") == 0
    assert "승인했습니다: 다라기계 담당자 홍길동 010-****-8888" in capsys.readouterr().out
    registry = store(db)
    [entry] = [e for e in registry.active_recipients("1002") if e.phone == STAFF]
    assert (entry.approved_by, entry.verification) == ("staff", "staff")
    assert run("sms", "reject", "010-9999-0000", "--member", "1003") == 0
    assert "거절했습니다" in capsys.readouterr().out
    assert registry.pending() == []
    assert run("sms", "approve", "010-9999-0000", "--member", "1003") == 1
    assert "승인을 기다리는 요청이 없습니다" in capsys.readouterr().out
    assert run("sms", "approve", "010-9999-0000", "--member", "9999") == 2
    assert [a["action"] for a in registry.audit_log()][-2:] == ["approve", "reject"]


def test_export_holds_approved_proven_numbers_only_with_how_each_was_proven(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run("members", "import", str(DATA / "members.csv"))
    request(db)  # typed, never approved: stays out
    request(db, member="1003", phone="+821099990000", verification="contact")
    run("sms", "approve", "010-9999-0000", "--member", "1003")
    run("sms", "optout", "01011112222", "--member", "1001")
    out = tmp_path / "export.csv"
    assert run("sms", "export", str(out)) == 0
    assert "수신자 3명" in capsys.readouterr().out
    assert os.stat(out).st_mode & 0o777 == 0o600
    rows = [(r["조합원번호"], r["구분"], r["휴대전화"], r["verified_by"]) for r in read_csv(out)]
    assert rows == [("1002", "대표이사", "01033334444", "member_list"), ("1003", "대표이사", "01055556666", "member_list"),
                    ("1003", "담당자", "01099990000", "contact")]
    assert run("sms", "export", str(out), "--encoding", "cp949") == 0
    assert "박대표" in out.read_text(encoding="cp949")


def test_gateway_files_are_replaced_whole_never_followed_or_truncated(db: Path, tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    run("members", "import", str(DATA / "members.csv"))
    out = tmp_path / "export.csv"
    out.write_text("earlier export\n", encoding="utf-8")
    out.chmod(0o644)
    assert run("sms", "export", str(out)) == 0
    assert os.stat(out).st_mode & 0o777 == 0o600 and "01011112222" in out.read_text(encoding="utf-8-sig")
    # A symlink where the file should go is replaced, not written through.
    victim = tmp_path / "victim.txt"
    victim.write_text("do not touch", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(victim)
    assert run("sms", "export", str(link)) == 0
    assert victim.read_text(encoding="utf-8") == "do not touch" and not link.is_symlink()
    # A failed cp949 export leaves the previous file as it was.
    store(db).register(Registration("1001", "홍길동\u00e9\u4e00\U0001f600", "담당자", STAFF, "staff", "v2"),  # type: ignore[arg-type]
                       Requester.branch_staff())
    before = out.read_bytes()
    capsys.readouterr()
    assert run("sms", "export", str(out), "--encoding", "cp949") == 2
    assert "이전 파일은 그대로" in capsys.readouterr().err
    assert out.read_bytes() == before and not list(tmp_path.glob(".export.csv.*"))


def test_every_csv_written_neutralises_formulas(db: Path, tmp_path: Path) -> None:
    run("members", "import", str(DATA / "members.csv"))
    registry = store(db)
    registry.db.execute("UPDATE sms_members SET company = '=HYPERLINK(\"http://x\")' WHERE member_no = '1001'")
    registry.register(Registration("1001", "@홍길동", "담당자", STAFF, "staff", "v2"), Requester.branch_staff())  # type: ignore[arg-type]
    out = tmp_path / "export.csv"
    run("sms", "export", str(out))
    cells = [c for row in read_csv(out) for c in row.values()]
    assert "'=HYPERLINK(\"http://x\")" in cells and "'@홍길동" in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)


def test_optin_and_refusals(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run("members", "import", str(DATA / "members.csv"))
    run("sms", "optout", "010-1111-2222", "--member", "1001")
    assert run("sms", "optin", "010-1111-2222", "--member", "1001") == 0
    assert "다시 받도록 했습니다" in capsys.readouterr().out
    assert run("sms", "optin", "010-1111-2222", "--member", "1001") == 0
    assert "이미 받고 있습니다" in capsys.readouterr().out
    assert run("sms", "optout", "010-9999-0000", "--member", "1001") == 1
    assert "등록된 번호가 아닙니다" in capsys.readouterr().out
    assert run("sms", "optout", "02-1234-5678", "--member", "1001") == 2
    assert run("sms", "optout", "010-1111-2222", "--member", "9999") == 2
    assert "명단에 없는" in capsys.readouterr().err


def test_the_outbox_hands_each_message_over_once(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run("members", "import", str(DATA / "members.csv"))
    run("sms", "optout", "010-7777-8888", "--member", "1001")  # nothing held: nothing to tell
    request(db, member="1001", phone=STAFF)
    run("sms", "approve", "010-7777-8888", "--member", "1001")
    run("sms", "optout", "010-7777-8888", "--member", "1001")
    capsys.readouterr()
    out = tmp_path / "send" / "outbox.csv"
    assert run("sms", "outbox", "--out", str(out)) == 0
    assert "보낼 문자 2통" in capsys.readouterr().out
    assert os.stat(out).st_mode & 0o777 == 0o600
    rows = read_csv(out)
    assert [(r["종류"], r["조합원번호"], r["휴대전화"]) for r in rows] == [
        ("등록안내", "1001", "01011112222"), ("수신거부안내", "1001", "01011112222")]
    assert "홍길동님(담당자, 010-****-8888)" in rows[0]["문자내용"] and "종로지점 ☎02-3449-2100" in rows[0]["문자내용"]
    first = out.read_bytes()
    assert run("sms", "outbox", "--out", str(out)) == 0
    assert "보낼 문자가 없습니다" in capsys.readouterr().out and out.read_bytes() == first
    registry = store(db)
    kept = registry.db.execute("SELECT phone, text, exported_at FROM sms_outbox").fetchall()
    assert all(phone is None and text is None and at for phone, text, at in kept)


def test_a_failed_outbox_write_keeps_the_messages_for_next_time(db: Path, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    run("members", "import", str(DATA / "members.csv"))
    request(db, member="1001", phone=STAFF)
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    assert run("sms", "outbox", "--out", str(tmp_path / "a-file" / "outbox.csv")) == 2
    assert "그대로 남아 있습니다" in capsys.readouterr().err
    out = tmp_path / "outbox.csv"
    assert run("sms", "outbox", "--out", str(out)) == 0
    kinds = [r["종류"] for r in read_csv(out)]
    assert kinds == ["승인코드", "번호확인코드"]
    assert code_in_text(read_csv(out)[0]["문자내용"])


def code_in_text(text: str) -> str:
    from bot.sms.outbox import Message

    return code_in(Message(0, "approve_code", "1001", CEO_1, text, ""))


def test_requests_expire_when_the_pinned_clock_says_so(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.app import branch_directory
    from bot.sms.service import RecipientService

    run("members", "import", str(DATA / "members.csv"))
    request(db)
    monkeypatch.setenv("BOT_NOW", "2026-12-06T09:30:00+09:00")  # fourteen days on: not yet
    directory = branch_directory(Settings.from_env().knowledge_dir)
    assert RecipientService(store(db), directory).expire().expired_requests == 0
    monkeypatch.setenv("BOT_NOW", "2026-12-06T09:30:01+09:00")
    assert RecipientService(store(db), directory).expire().expired_requests == 1
    assert store(db).pending() == []
    last = store(db).audit_log()[-1]
    assert (last["action"], last["actor"]) == ("expire", "system")
