"""The inbox on the command line, as staff run it: a member's question falls back (`bot ask`),
`bot inbox --json` lists it, `bot inbox teach` teaches it, the next `bot ask` is answered
outright, `bot kb learned --apply` writes it into faq.yaml and `bot kb check` passes. And two
processes on one BOT_DB, members asking while staff teach, lose nothing."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import DEFAULT_KNOWLEDGE_DIR

ROOT = Path(__file__).resolve().parent.parent
MISSED = "문자 결과통보 해지하고싶어요"
# Members' messages the bot declines (distinct questions), and some it answers.
DECLINED = ["보증서 출력이 안돼요", "출자증권 담보 얼마나 돼요", "비트코인 시세 알려줘", "점심 메뉴 추천해줘",
            "보증수수료 카드결제 되나요", "조합 주차장 있어요"]
ANSWERED = ["신용평가 수수료가 있나요?", "안녕하세요"]


def env_for(tmp: Path) -> dict[str, str]:
    env = {**os.environ, "BOT_DB": str(tmp / "bot.sqlite3"), "BOT_KNOWLEDGE_DIR": str(tmp / "knowledge")}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return env


def bot(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=env_for(tmp),
                          cwd=ROOT, timeout=180)


@pytest.fixture
def tmp(tmp_path: Path) -> Path:
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, tmp_path / "knowledge")
    return tmp_path


def test_ask_inbox_teach_ask_apply_check(tmp: Path) -> None:
    assert json.loads(bot(tmp, "ask", "--json", MISSED).stdout)["kind"] == "fallback"
    listed = bot(tmp, "inbox", "--json")
    [item] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert {k: item[k] for k in ("id", "question", "count", "reply_kind")} == {
        "id": 1, "question": MISSED, "count": 1, "reply_kind": "fallback"}
    assert isinstance(item["candidates"], list) and all(isinstance(c, str) for c in item["candidates"])
    taught = bot(tmp, "inbox", "teach", "1", "sms-apply")
    assert taught.returncode == 0, taught.stderr
    assert "이제 같은 질문에 바로 이 답을 합니다." in taught.stdout
    answer = json.loads(bot(tmp, "ask", "--json", MISSED).stdout)
    assert answer["kind"] == "answer" and answer["candidates"][0]["id"] == "sms-apply"
    assert bot(tmp, "inbox", "--json").stdout == ""  # taught: out of the inbox
    applied = bot(tmp, "kb", "learned", "--apply")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert f"  + {MISSED}  (#1, cli:" in applied.stdout and "이상 없음" in applied.stdout
    assert f"- {MISSED}  # 가르침 " in (tmp / "knowledge" / "faq.yaml").read_text(encoding="utf-8")
    assert bot(tmp, "kb", "check").returncode == 0


def test_wrong_items_and_entries_are_refused_politely(tmp: Path) -> None:
    missing = bot(tmp, "inbox", "teach", "7", "sms-apply")
    assert (missing.returncode, missing.stderr.splitlines()[0]) == (
        1, "받은편지함에 #7 질문이 없습니다. `bot inbox --all`로 번호를 확인해 주세요.")
    assert bot(tmp, "inbox", "dismiss", "7").returncode == 1


def test_members_asking_while_staff_teach_in_another_process_lose_nothing(tmp: Path) -> None:
    seed = tmp / "seed.txt"
    seed.write_text("\n".join([MISSED, *DECLINED[:2]]) + "\n", encoding="utf-8")
    assert bot(tmp, "ask", "--batch", str(seed)).returncode == 0  # inbox items 1..3
    batch = tmp / "members.txt"
    rounds = 4
    batch.write_text("\n".join((DECLINED + ANSWERED) * rounds) + "\n", encoding="utf-8")
    members = subprocess.Popen([sys.executable, "-m", "bot", "ask", "--json", "--batch", str(batch)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env_for(tmp), cwd=ROOT)
    staff = [bot(tmp, "inbox", "teach", "1", "sms-apply"), bot(tmp, "inbox", "dismiss", "3")]
    out, err = members.communicate(timeout=180)
    assert members.returncode == 0, err
    assert [s.returncode for s in staff] == [0, 0], [s.stderr for s in staff]
    replies = [json.loads(line) for line in out.splitlines()]
    assert len(replies) == len(DECLINED + ANSWERED) * rounds
    with sqlite3.connect(tmp / "bot.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        typed = db.execute("SELECT SUM(count) FROM reply_outcomes WHERE via = 'text'").fetchone()[0]
        assert typed == 3 + len(replies)  # every reply counted, the seed's included
        declined = sum(r["kind"] == "fallback" for r in replies)
        kept = db.execute("SELECT COUNT(*) FROM inbox_questions").fetchone()[0]
        assert kept == 3 + declined  # every miss kept
        pending = db.execute("SELECT COUNT(*) FROM inbox_pending").fetchone()[0]
        assert pending == sum(r["kind"] == "suggest" for r in replies)  # suggestions wait their ten minutes
        assert db.execute("SELECT id, status FROM inbox_groups WHERE id IN (1, 3) ORDER BY id").fetchall() == [
            (1, "taught"), (3, "dismissed")]
        assert db.execute("SELECT entry_id, question, status FROM faq_taught").fetchall() == [
            ("sms-apply", MISSED, "active")]
        assert db.execute("SELECT version FROM faq_changes").fetchone() == (1,)
    db.close()
