"""The terminal chat a newcomer meets first: greeting, numbered choices, /quit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import bot.app
from bot import console
from bot.settings import Settings
from support import services


def test_a_short_session_greets_offers_numbered_choices_and_quits(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typed: Iterator[str] = iter(["수수료", "1", "/quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(typed))
    monkeypatch.setattr(bot.app, "load_services", lambda settings: services())
    assert console.run_console(Settings()) == 0
    out = capsys.readouterr().out
    assert "조합 도우미입니다" in out
    assert "혹시 이 질문을 찾으셨나요?" in out
    assert "(번호를 입력해 고를 수 있습니다)" in out
    assert "신용평가 시 수수료는 전혀 발생하지 않" in out
    assert out.rstrip().endswith("이용해 주셔서 감사합니다.")


def test_end_of_input_ends_the_chat(monkeypatch: pytest.MonkeyPatch) -> None:
    def closed(prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr("builtins.input", closed)
    monkeypatch.setattr(bot.app, "load_services", lambda settings: services())
    assert console.run_console(Settings()) == 0
