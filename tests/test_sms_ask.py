"""The register's trust, scripted through the fixed command line as a reviewer would drive it:
`bot ask --chat ID --json` (--choose pressing whatever payload the last reply offered, --contact
sharing one's own number) with the staff commands around it, on one BOT_DB with the clock pinned
(BOT_NOW). The commands run in this process (the FAQ's analyser and index loaded once for the
session, every call opening the database afresh as a new process would); one of them also runs
as a real `bot` process."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import services_on
from test_sms_support import DATA

from bot.app import Services
from bot.cli import main
from bot.sms import policy

ROOT = Path(__file__).resolve().parent.parent
STAFF = "010-7777-8888"
CEO_1 = "010-1111-2222"
COMPANIES = ("가나설비", "다라기계", "마바건설")
Ask = Callable[..., dict[str, Any]]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {"BOT_DB": str(tmp_path / "bot.sqlite3"), "BOT_NOW": "2026-11-22T09:30:00+09:00"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("BOT_SMS_KEY", raising=False)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return values


def bot(*argv: str) -> tuple[int, str]:
    """`bot ARGV` in this process: exit code and standard output."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exit_:
        main(list(argv))
    return int(exit_.value.code or 0), out.getvalue()


@pytest.fixture
def ask(env: dict[str, str], base_services: Services, monkeypatch: pytest.MonkeyPatch) -> Iterator[Ask]:
    """`bot ask --json --chat CHAT ...` -> the reply as JSON; the member list imported first."""
    opened: list[Services] = []

    def load(settings: Any, **_: Any) -> Services:
        opened.append(services_on(base_services, settings))
        return opened[-1]

    monkeypatch.setattr("bot.app.load_services", load)
    assert bot("members", "import", str(DATA / "members.csv"))[0] == 0

    def run(chat: str, *args: str) -> dict[str, Any]:
        code, out = bot("ask", "--json", "--chat", chat, *args)
        assert code == 0
        return dict(json.loads(out))

    yield run
    for services in opened:
        services.db.close()


def pick(reply: dict[str, Any], action: str) -> str:
    """The payload of the button for `action` in a reply: whatever it offered."""
    found = [b["payload"] for b in reply["buttons"] if b["payload"] == f"sms:{action}" or b["payload"].endswith(f":{action}")]
    assert found, f"{action} not in {reply['buttons']}"
    return found[0]


def request(ask: Ask, chat: str, member: str, phone: str | None = None, contact: str | None = None) -> list[dict[str, Any]]:
    """수신자 추가 → member → name → 담당자 → number → 동의, every reply kept."""
    replies = [ask(chat, "수신자 추가"), ask(chat, member), ask(chat, "홍길동")]
    replies.append(ask(chat, "--choose", pick(replies[-1], "role:staff")))
    replies.append(ask(chat, "--contact", contact) if contact else ask(chat, phone or STAFF))
    replies.append(ask(chat, "--choose", pick(replies[-1], "agree")))
    return replies


def rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def exported(tmp_path: Path) -> list[str]:
    """The numbers `bot sms export` gives the gateway."""
    assert bot("sms", "export", str(tmp_path / "export.csv"))[0] == 0
    return [r["휴대전화"] for r in rows(tmp_path / "export.csv")]


def planned(tmp_path: Path) -> list[str]:
    """The numbers `bot notices plan --out` would text on 2026-11-13 (guarantees.csv)."""
    bot("notices", "plan", "--date", "2026-11-13", "--guarantees", str(DATA / "guarantees.csv"),
        "--out", str(tmp_path / "plan.csv"))
    return [r["휴대전화"] for r in rows(tmp_path / "plan.csv")]


def outbox(tmp_path: Path) -> list[dict[str, str]]:
    """What `bot sms outbox` hands over this time (each message once)."""
    out = tmp_path / f"outbox-{len(list(tmp_path.glob('outbox-*')))}.csv"
    assert bot("sms", "outbox", "--out", str(out))[0] == 0
    return rows(out)


def test_a_stranger_with_a_guessed_member_number_learns_no_name_and_makes_no_one_active(ask: Ask,
                                                                                       tmp_path: Path) -> None:
    replies = request(ask, "stranger", "1001", phone="010-9999-0000")
    replies += request(ask, "stranger", "101-81-00020", phone="010-9999-0000")
    replies += [ask("stranger", "123456"), ask("stranger", "내 등록 정보"), ask("stranger", "010-9999-0000")]
    assert all(r["kind"] == "sms" for r in replies)
    assert not any(company in r["text"] for r in replies for company in COMPANIES)
    assert "01099990000" not in exported(tmp_path) and "01099990000" not in planned(tmp_path)


def test_the_ceo_on_file_approves_a_staff_request_who_then_is_exported(ask: Ask, tmp_path: Path) -> None:
    request(ask, "staff", "1001", contact=STAFF)
    assert "01077778888" not in exported(tmp_path)
    menu = ask("ceo", "--contact", CEO_1)
    view = ask("ceo", "--choose", pick(menu, "do:company"))
    assert "가나설비(주)(조합원번호 1001)" in view["text"] and "홍길동 010-****-8888" in view["text"]
    approved = ask("ceo", "--choose", view["buttons"][0]["payload"])
    assert "홍길동님을 승인했습니다" in approved["text"]
    assert "01077778888" in exported(tmp_path) and "01077778888" in planned(tmp_path)


def test_a_typed_number_stays_out_of_every_export_and_plan_until_its_code_is_entered(ask: Ask,
                                                                                     tmp_path: Path) -> None:
    receipt = request(ask, "typist", "1001", phone=STAFF)[-1]
    assert "입력하신 번호로도 번호 확인 코드" in receipt["text"]
    messages = outbox(tmp_path)  # staff hand the codes to the gateway
    assert [(m["종류"], m["휴대전화"]) for m in messages] == [("승인코드", "01011112222"), ("번호확인코드", "01077778888")]
    codes = [m["문자내용"].split("코드 ")[1][:6] for m in messages]
    assert "확인 코드가 맞습니다" in ask("typist", codes[0])["text"]
    assert "01077778888" not in exported(tmp_path) and "01077778888" not in planned(tmp_path)
    done = ask("typist", codes[1])
    assert "등록을 마쳤습니다: 가나설비(주) 담당자 홍길동님(010-****-8888)" in done["text"]
    assert "01077778888" in exported(tmp_path) and "01077778888" in planned(tmp_path)
    # The company is told, with its branch's phone, in the next batch for the gateway.
    [told] = outbox(tmp_path)
    assert (told["종류"], told["휴대전화"]) == ("등록안내", "01011112222")
    assert "홍길동님(담당자, 010-****-8888)" in told["문자내용"] and "종로지점 ☎02-3449-2100" in told["문자내용"]


def test_a_branch_approves_from_the_command_line_after_calling(ask: Ask, tmp_path: Path) -> None:
    request(ask, "typist", "1002", phone=STAFF)
    code, listing = bot("sms", "pending")
    assert code == 0 and "1002 다라기계 | 담당자 홍길동 | 010-****-8888" in listing
    assert bot("sms", "approve", STAFF, "--member", "1002")[0] == 0
    assert "01077778888" in exported(tmp_path)
    kinds = [m["종류"] for m in outbox(tmp_path)]
    assert kinds == ["등록안내"]  # the codes nobody needs any more were withdrawn unsent


def test_wrong_codes_are_throttled(ask: Ask) -> None:
    request(ask, "guesser", "1001", contact=STAFF)
    replies = [ask("guesser", f"{n:06d}") for n in range(policy.MAX_FAILED_PROOFS_PER_CHAT)]
    assert "앞으로 4번 더" in replies[0]["text"]
    assert "잠시 입력을 받지 않습니다" in replies[-1]["text"]


def test_the_bot_command_itself_answers_a_scripted_step(env: dict[str, str]) -> None:
    """One real `bot ask` process: the interface is the console script's, not only this module's."""
    full = {**os.environ, **env}
    subprocess.run([sys.executable, "-m", "bot", "members", "import", str(DATA / "members.csv")], env=full,
                   cwd=ROOT, check=True, capture_output=True, timeout=60)
    done = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "--chat", "p", "수신자 추가"], env=full,
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    reply = json.loads(done.stdout)
    assert done.returncode == 0 and reply["kind"] == "sms" and "조합원번호 또는 사업자등록번호" in reply["text"]
