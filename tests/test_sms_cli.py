"""Staff commands: `bot members import`, `bot sms list|export|optout|optin`, through the same
parser `bot` uses, on a temporary BOT_DB."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from test_sms_support import DATA, STAFF

from bot.cli import build_parser
from bot.sms.registry import Registration, Registry, Requester
from bot.storage import open_db


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "bot.sqlite3"
    monkeypatch.setenv("BOT_DB", str(path))
    monkeypatch.delenv("BOT_SMS_KEY", raising=False)
    return path


def run(*argv: str) -> int:
    args = build_parser().parse_args(list(argv))
    return int(args.handler(args))


def test_import_reports_counts_then_updates(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("members", "import", str(DATA / "good_members" / "cp949.csv")) == 0
    assert "새로 추가 3, 변경 0, 그대로 0 (인코딩 cp949)" in capsys.readouterr().out
    assert run("members", "import", str(DATA / "members.csv")) == 0
    assert "새로 추가 0, 변경 0, 그대로 3" in capsys.readouterr().out


def test_a_bad_import_lists_every_row_and_exits_one(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("members", "import", str(DATA / "bad_members" / "landline.csv")) == 1
    out = capsys.readouterr().out
    assert "가져오지 않았습니다. 잘못된 행 3개" in out
    assert [line.split(":")[0].strip() for line in out.splitlines()[1:]] == ["2행", "3행", "4행"]
    assert run("members", "import", str(DATA / "bad_members" / "empty.csv")) == 2


def test_list_is_masked_and_all_shows_opted_out(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run("members", "import", str(DATA / "members.csv"))
    assert run("sms", "optout", "010-1111-2222", "--member", "1001") == 0
    assert "수신거부를 등록했습니다: 가나설비(주) 대표이사 010-****-2222" in capsys.readouterr().out
    run("sms", "list")
    listing = capsys.readouterr().out
    assert "수신자 2명" in listing and "1111" not in listing and "010-****-4444" in listing
    run("sms", "list", "--member", "1001", "--all")
    assert "수신거부" in capsys.readouterr().out


def test_export_holds_full_numbers_of_active_recipients_only(db: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    run("members", "import", str(DATA / "members.csv"))
    store = Registry(open_db(db))
    store.register(Registration("1002", "홍길동", "담당자", STAFF, "typed", "v1"), Requester.chat("c"))
    run("sms", "optout", "01011112222", "--member", "1001")
    out = tmp_path / "export.csv"
    assert run("sms", "export", str(out)) == 0
    assert "수신자 3명" in capsys.readouterr().out
    assert os.stat(out).st_mode & 0o777 == 0o600
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = [(r["조합원번호"], r["구분"], r["휴대전화"]) for r in csv.DictReader(handle)]
    assert rows == [("1002", "대표이사", "01033334444"), ("1002", "담당자", "01077778888"),
                    ("1003", "대표이사", "01055556666")]
    assert run("sms", "export", str(out), "--encoding", "cp949") == 0
    assert "홍길동" in out.read_text(encoding="cp949")


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
