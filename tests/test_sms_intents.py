"""Free text: a request to DO something with SMS notices starts the SMS conversation; a question
about how, when or what the service is stays with the FAQ, which quotes the guide."""

from __future__ import annotations

import pytest

from bot.sms.intents import detect_intent
from support import engine, say

REQUESTS = [
    ("문자 그만 받고 싶어요", "opt_out"),
    ("해제 안내문자 안받고 싶어요", "opt_out"),
    ("보증해제 문자 수신거부 해주세요", "opt_out"),
    ("문자 수신거부", "opt_out"),
    ("보증해제 알림 끄기", "opt_out"),
    ("문자 다시 받을래요", "opt_in"),
    ("수신거부 취소해 주세요", "opt_in"),
    ("수신자 추가", "register"),
    ("수신자 등록할게요", "register"),
    ("경리 직원도 해제문자 받게 해주세요", "register"),
    ("대표님 말고 저도 보증해제 문자 받고 싶어요", "register"),
    ("문자 수신 신청합니다", "register"),
    ("내 등록 정보", "view"),
    ("제 번호 등록되어 있는지 확인해 주세요", "view"),
    ("내 번호 삭제해 주세요", "erase"),
    ("문자 수신 정보 지워 주세요", "erase"),
]
QUESTIONS = [
    "SMS 수신자 추가 등록은 어떻게 하나요",
    "보증해제 문자 수신거부 방법",
    "보증해제 문자는 언제 와요",
    "문자 서비스 이용요금",
    "문자 수신거부 어디서 해요?",
    "수신자 추가등록 방법",
    "대표님 핸드폰으로 해제문자 그만 오게 하려면요",
    "마이페이지 수신거부 등록",
    "문자 알림 받으려면 뭘 해야 돼요?",
    "보증서 결과 문자로 받을 수 있나요",
    "하자보증도 해제 문자 오나요",
    "문자서비스 신청 방법",
    "보증해제 문자",
    "문자 마일리지",
    "사업자번호 등록할게요",
    "신용정보 삭제해 주세요",
    "지점 전화번호 알려주세요",
    "등록할게요",
    "수신거부 했는데 문자가 와요",
]


@pytest.mark.parametrize(("text", "intent"), REQUESTS)
def test_requests_to_act_are_recognised(text: str, intent: str) -> None:
    assert detect_intent(text) == intent


@pytest.mark.parametrize("text", QUESTIONS)
def test_questions_about_the_service_are_left_to_the_faq(text: str) -> None:
    assert detect_intent(text) is None


def test_in_the_whole_bot_requests_start_the_sms_conversation_and_questions_get_the_guide() -> None:
    bot = engine()
    for n, (text, _) in enumerate(REQUESTS):
        assert say(bot, text, chat=f"r{n}").kind == "sms", text
    for n, text in enumerate(QUESTIONS[:8]):
        reply = say(bot, text, chat=f"q{n}")
        assert reply.kind != "sms", text
    assert say(bot, "보증해제 문자 수신거부 방법", chat="q").kind in ("answer", "suggest")
