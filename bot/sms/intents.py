"""Which free-text messages ask the bot to DO something with SMS notices.

A first-person request ("문자 그만 받고 싶어요", "내 번호 삭제해 주세요") or a short command-like
phrase ("수신자 추가", "내 등록 정보") is ours; a question about how, when or what the service is
("수신거부 방법", "보증해제 문자는 언제 와요") belongs to the FAQ, which quotes the guide."""

from __future__ import annotations

import re
from typing import Literal

from bot.korean.hangul import squash

Intent = Literal["register", "opt_out", "opt_in", "view", "erase"]

# Asking about the service rather than asking for an action.
_QUESTION = re.compile(
    r"어떻게|어떡|방법|하는법|는법|언제|어디|무엇|뭐|뭘|뭔|무슨|왜|얼마|요금|비용|이용료|수수료|절차|"
    r"려면|홈페이지|마이페이지|사이트|지점"
)
_QUESTION_END = re.compile(r"(나요|까요|는지|인가요|가요|니까|되요|돼요|해요|와요|오나요)$")
# Asking for it: wants, please, will, apply.
_REQUEST = re.compile(
    r"싶어|싶습니다|싶은|싶다|주세요|줘|주실래|주시겠|부탁|래요|할래|을래|할게|할께|을게|겠습니다|겠어요|"
    r"신청|원합니다|원해|하려고|할려고|해주|해줘"
)
# A short phrase ending in an action word is a command: "수신자 추가", "문자 수신거부".
_COMMAND_END = re.compile(r"(추가|등록|수신거부|거부|삭제|조회|정보|내역|끄기|재개|신청|해제)$")
_COMMAND_MAX = 12

_TOPIC = r"(문자|sms|메시지|메세지|알림|수신|휴대폰|핸드폰|휴대전화|연락처)"
# Checked in order: "다시 받을래요" is an opt-in before it is a registration, "그만 받고 싶어요"
# an opt-out before it is a wish to receive.
_ACTIONS: list[tuple[Intent, re.Pattern[str]]] = [
    ("opt_in", re.compile(r"다시받|다시보내|재수신|수신재개|다시수신|거부(를)?취소|거부(를)?철회|거부(를)?해제|"
                          r"거부(를)?풀")),
    ("erase", re.compile(r"(번호|문자|수신|sms|등록|개인정보|내정보|연락처).*(삭제|지워|지우|파기|없애)")),
    ("opt_out", re.compile(r"수신거부|" + _TOPIC + r".*(그만|안받|받지않|받기싫|끄기|꺼주|끄고|끌래|끊|중단|차단|"
                           r"거부|보내지마|보내지말|사절)")),
    ("view", re.compile(r"등록정보|등록내역|수신정보|내정보|등록된번호|등록번호|"
                        r"(등록|수신자|수신).*(확인|조회|보여|알려)")),
    ("register", re.compile(r"수신자(추가|등록)|담당자(추가|등록)|" + _TOPIC +
                            r".*(추가|등록|받고싶|받게|받을래|받을게|신청|구독)")),
]


def detect_intent(text: str) -> Intent | None:
    """The SMS action a message asks for, or None when it is not such a request."""
    key = squash(text)
    if not key or len(key) > 60:
        return None
    intent = next((name for name, pattern in _ACTIONS if pattern.search(key)), None)
    if intent is None:
        return None
    if _QUESTION.search(key):
        return None
    if _REQUEST.search(key):
        return intent
    if "?" in text or _QUESTION_END.search(key):
        return None
    return intent if len(key) <= _COMMAND_MAX and _COMMAND_END.search(key) else None
