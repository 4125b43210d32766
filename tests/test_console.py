"""The terminal chat a newcomer meets first: greeting, numbered choices, /quit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import bot.app
from bot import console
from bot.console import display_width, wrap
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


def test_the_terminal_never_asks_for_a_button_it_lacks(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    typed: Iterator[str] = iter(["/branch", "수원지점", "/sms", "5", "/quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(typed))
    monkeypatch.setattr(bot.app, "load_services", lambda settings: services())
    assert console.run_console(Settings()) == 0
    out = capsys.readouterr().out
    assert "계신 지역 이름을 적어 주세요" in out
    assert "위치 보내기" not in out and "연락처 공유" not in out
    assert "삭제하실 휴대전화 번호를 확인하겠습니다." in out  # "5" picked the fifth choice of /sms
    assert "이 대화에서 등록하신 번호를 입력하시거나" in out


@pytest.mark.parametrize("width", [24, 40, 60])
def test_long_lines_wrap_at_the_width_without_splitting_a_date(width: int) -> None:
    line = ("- 종료일 15일 전인 2026년 12월 25일(금)이 영업일이 아니어서(12/25 기독탄신일) 직전 영업일인 "
            "2026년 12월 24일(목)에 미리 보냅니다.")
    pieces = wrap(line, width)
    assert " ".join(p.strip() for p in pieces) == line
    assert all(display_width(p) <= width for p in pieces if " " in p.strip())
    for date in ("2026년 12월 25일(금)이", "2026년 12월 24일(목)에"):
        assert any(date in p for p in pieces)
    assert all(p.startswith("  ") for p in pieces[1:])  # the rest of a list item stands under its text


def test_hangul_takes_two_columns() -> None:
    assert display_width("가나 ab") == 7
