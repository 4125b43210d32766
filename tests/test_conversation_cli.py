"""Issue 12's conversations through `bot ask --chat`, as a member's script would drive them (the
state in BOT_DB between calls; `--batch` continues the same chat line by line, a typed number
pressing a button): follow-ups, a flow called off, a correction, numbers for choices, an
answer's calculator button; Korean in `--json` written as Korean; `--inline` as JSON lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_cli import bot


@pytest.fixture(scope="module")
def tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("conversation-cli")


def ask(tmp: Path, *args: str) -> list[dict[str, Any]]:
    out = bot("ask", "--json", "--today", "2026-11-22", *args, tmp=tmp)
    assert out.returncode == 0, out.stderr
    assert "\\u" not in out.stdout  # Korean as Korean
    return [json.loads(line) for line in out.stdout.splitlines()]


def conversation(tmp: Path, chat: str, *messages: str) -> list[dict[str, Any]]:
    """The replies to `messages` typed one after another in conversation `chat`."""
    batch = tmp / f"{chat}.txt"
    batch.write_text("\n".join(messages) + "\n", encoding="utf-8")
    return ask(tmp, "--chat", chat, "--batch", str(batch))


def first_line(reply: dict[str, Any]) -> str:
    return str(reply["text"]).splitlines()[0]


def test_a_conversation_that_keeps_up(tmp: Path) -> None:
    replies = conversation(
        tmp, "12",
        "신용평가 수수료 있나요", "전화번호는요?",                                    # 0-1 a follow-up to an answer
        "3월 결산인데 언제까지 신청해요", "유효기간은요?",                            # 2-3 ... to a calculation
        "해제 문자 발송일 계산해줘", "신용평가 수수료가 있나요?", "그만",              # 4-6 a flow, an aside, called off
        "계약보증 12월 10일 종료 금액 500만원 해제 문자 언제", "아니 3천만원이요",     # 7-8 a correction
        "수수료", "7", "2",                                                          # 9-11 numbers for choices
        "보증해제 문자는 언제 와요?", "1", "2027년 1월 9일이요",                      # 12-14 the answer's calculator
        "수원지점 전화번호")                                                         # 15
    assert "02-3449-8738" in first_line(replies[1])
    assert first_line(replies[3]) == "2026년 3월 31일(화) 결산으로 받은 등급은 2027년 9월 30일(목)까지 유효합니다."
    assert first_line(replies[4]).startswith("보증 종료일을 알려 주시면")
    assert replies[5]["kind"] == "answer" and replies[5]["text"].endswith("/cancel 을 입력해 주세요.)")
    assert first_line(replies[6]) == "진행 중이던 대화를 취소했습니다. 저장된 내용은 없습니다."
    assert first_line(replies[7]) == "보증금액이 1천만원 미만(5,000,000원)이라 대상이 아닙니다."
    assert "2026년 11월 25일(수)에 발송됩니다" in first_line(replies[8])
    assert replies[9]["kind"] == "suggest"
    assert first_line(replies[10]) == "7번은 없는 선택지입니다. 1번부터 3번 가운데에서 골라 주세요."
    assert replies[11]["kind"] == "answer" and replies[11]["text"] == replies[9]["candidates"][1]["answer"] + (
        replies[11]["text"].removeprefix(replies[9]["candidates"][1]["answer"]))
    assert replies[12]["buttons"][0] == {"label": "📅 내 보증 종료일로 발송일 계산하기", "payload": "menu:deadline:notice"}
    assert first_line(replies[13]).startswith("보증 종료일을 알려 주시면")
    assert "2026년 12월 24일(목)에 발송됩니다" in first_line(replies[14])
    # A later call of the same conversation: the branch just shown is still its topic.
    (fax,) = ask(tmp, "--chat", "12", "거기 팩스는?")
    assert first_line(fax) == "수원지점 팩스번호는 031-271-3066입니다."


def test_inline_answers_are_json_lines(tmp: Path) -> None:
    out = bot("ask", "--inline", "신용평가 수수료", tmp=tmp)
    assert out.returncode == 0, out.stderr
    results = [json.loads(line) for line in out.stdout.splitlines()]
    assert results and all(set(r) == {"id", "title", "kind", "text"} for r in results)
    assert results[0]["id"] == "rating-fee" and results[0]["title"] == "신용평가 신청 시 수수료가 발생하나요?"
    assert len({r["id"] for r in results}) == len(results)
