"""The fixed command line (DESIGN.md): `bot ask --json --batch`, `--chat` with `--choose`,
and `bot kb check`, run as a member's script would run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def bot(*args: str, env: dict[str, str] | None = None, tmp: Path) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "BOT_DB": str(tmp / "cli.sqlite3"), **(env or {})}
    full_env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          env=full_env, cwd=ROOT, timeout=120)


@pytest.fixture(scope="module")
def tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli")


def test_ask_json_batch_prints_one_object_per_line_in_order(tmp: Path) -> None:
    batch = tmp / "questions.txt"
    batch.write_text("안녕하세요\n신용평가 수수료 있나요\n수수료\n비트코인 시세\n", encoding="utf-8")
    out = bot("ask", "--json", "--today", "2026-11-22", "--batch", str(batch), tmp=tmp)
    assert out.returncode == 0, out.stderr
    replies = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["kind"] for r in replies] == ["chat", "answer", "suggest", "fallback"]
    for reply in replies:
        assert set(reply) == {"kind", "text", "candidates", "confidence", "buttons"}
        assert isinstance(reply["text"], str) and reply["text"]
        for candidate in reply["candidates"]:
            assert set(candidate) == {"id", "question", "answer", "score"}
        for button in reply["buttons"]:
            assert set(button) == {"label", "payload"}
    assert 0.0 <= replies[1]["confidence"] <= 1.0
    assert len(replies[2]["candidates"]) == 3


def test_a_conversation_continues_with_chat_and_choose(tmp: Path) -> None:
    first = json.loads(bot("ask", "--json", "--chat", "7", "수수료", tmp=tmp).stdout)
    payload = first["buttons"][0]["payload"]
    second = json.loads(bot("ask", "--json", "--chat", "7", "--choose", payload, tmp=tmp).stdout)
    assert second["kind"] == "answer"
    assert second["text"].startswith(first["candidates"][0]["answer"].splitlines()[0])


def test_plain_ask_prints_text_and_buttons(tmp: Path) -> None:
    out = bot("ask", "수수료", tmp=tmp)
    assert out.returncode == 0
    assert "혹시 이 질문을 찾으셨나요?" in out.stdout
    assert "[faq:" in out.stdout


def test_kb_check_passes_on_the_real_knowledge(tmp: Path) -> None:
    out = bot("kb", "check", tmp=tmp)
    assert out.returncode == 0, out.stdout
    assert "이상 없음" in out.stdout


def test_a_broken_knowledge_file_is_refused_with_reasons(tmp: Path) -> None:
    folder = tmp / "broken-kb"
    folder.mkdir()
    (folder / "faq.yaml").write_text(
        (ROOT / "tests" / "data" / "kb_bad" / "duplicate_id.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "lexicon.yaml").write_text((ROOT / "knowledge" / "lexicon.yaml").read_text(encoding="utf-8"),
                                         encoding="utf-8")
    check = bot("kb", "check", env={"BOT_KNOWLEDGE_DIR": str(folder)}, tmp=tmp)
    assert check.returncode == 1
    assert "20행, 항목 'sms-fee', 필드 'id'" in check.stdout
    ask = bot("ask", "안녕", env={"BOT_KNOWLEDGE_DIR": str(folder)}, tmp=tmp)
    assert ask.returncode == 2
    assert "시작할 수 없습니다" in ask.stderr and "id가 중복됩니다" in ask.stderr


def test_bad_arguments_are_explained(tmp: Path) -> None:
    out = bot("ask", "--today", "2026-02-30", "안녕", tmp=tmp)
    assert out.returncode == 2
    assert "YYYY-MM-DD" in out.stderr


def test_a_broken_branch_table_is_refused_with_its_line(tmp: Path) -> None:
    folder = tmp / "broken-branches"
    folder.mkdir()
    for name in ("faq.yaml", "lexicon.yaml", "out_of_scope.yaml", "ranker.json", "classifier.npz", "faq-words.json.gz",
                 "corrections.yaml", "places.csv"):
        (folder / name).write_bytes((ROOT / "knowledge" / name).read_bytes())
    rows = (ROOT / "knowledge" / "branches.csv").read_text(encoding="utf-8").splitlines()
    rows[8] = rows[8].replace("031-253-1501", "031-ABC-1501")
    (folder / "branches.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    check = bot("kb", "check", env={"BOT_KNOWLEDGE_DIR": str(folder)}, tmp=tmp)
    assert check.returncode == 1
    assert "branches.csv 9행" in check.stdout
    ask = bot("ask", "안녕", env={"BOT_KNOWLEDGE_DIR": str(folder)}, tmp=tmp)
    assert ask.returncode == 2
    assert "시작할 수 없습니다" in ask.stderr and "9행" in ask.stderr
    assert "Traceback" not in ask.stderr


def test_a_reader_that_leaves_early_is_no_error(tmp: Path) -> None:
    """`bot ask --batch FILE | head -1`: the pipe closes under the bot; it stops quietly."""
    batch = tmp / "many.txt"
    batch.write_text("신용평가 수수료 있나요\n" * 400, encoding="utf-8")
    env = {**os.environ, "BOT_DB": str(tmp / "cli.sqlite3")}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    process = subprocess.Popen([sys.executable, "-m", "bot", "ask", "--json", "--batch", str(batch)], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith(b"{")
    process.stdout.close()  # the reader leaves
    with process.stderr:
        errors = process.stderr.read().decode("utf-8")
    assert process.wait(timeout=120) == 0
    assert "Traceback" not in errors
