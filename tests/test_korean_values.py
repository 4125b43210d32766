"""Short answers to the bot's questions: 예/아니요 (the one word list, and a question's own), a month
alone, the number of a choice."""

from __future__ import annotations

import pytest

from bot.dates.documents import fact_answer
from bot.korean.values import bare_month, choice_number, yes_no


@pytest.mark.parametrize(("text", "answer"), [
    ("네", True), ("예", True), ("네 맞아요", True), ("냈어요", True), ("아니요", False), ("아뇨", False),
    ("아니오.", False), ("안 냈어요", False), ("신용평가 수수료가 있나요?", None), ("어떻게 해요", None),
])
def test_yes_no(text: str, answer: bool | None) -> None:
    """As the documents question reads a reply: the one yes/no list and its own answers."""
    assert fact_answer(text) is answer


@pytest.mark.parametrize(("text", "answer"), [
    ("네", True), ("예.", True), ("그래요", True), ("아니요", False), ("아니에요!", False), ("네 맞아요", None),
    ("냈어요", None), ("동의합니다", None),
])
def test_a_whole_yes_or_no_is_only_that(text: str, answer: bool | None) -> None:
    assert yes_no(text, whole=True) is answer


@pytest.mark.parametrize(("text", "month"), [
    ("3", 3), ("3월", 3), ("12월이요", 12), ("12월 결산입니다", 12), ("3월말", 3), ("13", None), ("3월 5일", None),
])
def test_bare_month(text: str, month: int | None) -> None:
    assert bare_month(text) == month


@pytest.mark.parametrize(("text", "number"), [
    ("2", 2), (" 3 ", 3), ("2번", 2), ("2번이요", 2), ("1번 주세요", 1), ("12", 12), ("3.", 3),
    ("123", None), ("2번 보증", None), ("3월", None), ("010-1234-5678", None), ("", None),
])
def test_choice_number(text: str, number: int | None) -> None:
    assert choice_number(text) == number
