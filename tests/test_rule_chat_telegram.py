"""The rule calculators in Telegram, end to end (the real application polling the fake Bot API):
a question missing its 결산월 gets month buttons; pressing one edits the message into the dates."""

from __future__ import annotations

from typing import Any

from fakebotapi import FakeBotApi

USER = 2001


async def test_a_missing_month_is_answered_by_pressing_a_button(fake_api: FakeBotApi, bot: Any) -> None:
    # A year long past, so the reply does not depend on the real clock the bot runs with.
    asked = await fake_api.ask(USER, "2017년 결산 기준으로 신용평가 언제 신청해요?")
    assert "결산월을 알려 주시면" in asked.text
    assert asked.button_data() == [f"deadline:month:{m}" for m in range(1, 13)]
    since = fake_api.mark()
    fake_api.press(fake_api.sent_message(asked), "deadline:month:3")
    edit = (await fake_api.wait_for("editMessageText", since=since))[0]
    assert "2017년 7월 1일(토)부터 2017년 9월 10일(일)까지" in edit.text
    assert "출처: 2017년도 신용평가 업무안내 제2절 2" in edit.text
    assert fake_api.calls_of("answerCallbackQuery", since=since)


async def test_a_release_notice_question_is_answered_in_telegram(fake_api: FakeBotApi, bot: Any) -> None:
    reply = await fake_api.ask(USER, "하자보수보증 2억 종료일 2099년 1월 5일 해제 문자 와요?")
    assert "하자보수보증은 보증해제 안내 문자 대상이 아닙니다" in reply.text
