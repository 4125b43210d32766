"""Greetings, thanks, goodbyes, laughter, a bare "??", and words that call off what is going on
("취소", "그만", "됐어요"): recognised only when that is the whole message, so "감사보고서" or
"안녕하세요, 수수료 있나요?" still reach the FAQ."""

from __future__ import annotations

import re
from typing import Literal

from bot.korean.hangul import squash

SmallTalk = Literal["greeting", "thanks", "bye", "help", "laugh", "puzzled", "cancel", "who"]

_PATTERNS: list[tuple[SmallTalk, re.Pattern[str]]] = [
    ("cancel", re.compile(r"^(취소|그만|됐어|됐어요|됐습니다|됐구요|안할래요|안할게요|그만할게요|그만할래요|그만둘게요|"
                          r"취소할게요|취소해주세요|취소해줘|취소요|그만요|중단|중지|필요없어요|괜찮아요그만)+[ㅎㅋ.]*$")),
    ("greeting", re.compile(r"^(안녕(하세요|하십니까|하세여|요)?|반갑(습니다|네요|다)|반가워(요)?|하이|헬로|hi|hello|ㅎㅇ|"
                            r"좋은(아침|하루|오후)(입니다|이에요)?|처음뵙겠습니다|시작)+[ㅎㅋ]*$")),
    ("thanks", re.compile(r"^(정말|너무|진짜|매우)?(감사(합니다|해요|드립니다|요)?|고마워(요)?|고맙(습니다|네요)|땡큐|thanks?|"
                          r"thankyou|수고(하세요|하셨습니다|많으세요)?|잘알겠습니다|알겠습니다|확인했습니다|좋아요|네|"
                          # "감사합니다 많이 도움됐어요", "덕분에 해결했어요": thanks, not a question.
                          r"(많이|큰|덕분에|정말|너무)*(도움(이)?(많이)?(됐|되었|돼|됬)(어요|습니다|네요|어|다)?|"
                          r"해결(됐|되었|했)(어요|습니다|네요)?|잘(됐|되었)(어요|습니다|네요)|이해(했|됐)(어요|습니다)))+[ㅎㅋ^]*$")),
    ("bye", re.compile(r"^(안녕히(계세요|가세요)|잘있어(요)?|바이|bye|다음에(봐요|뵐게요)?|종료)+$")),
    ("help", re.compile(r"^(도움말|도움|도와줘(요)?|도와주세요|메뉴|help|뭐(할수있어|할수있나요|해줄수있어)(요)?|"
                        r"무엇을할수있나요|사용법|기능)+$")),
    # Who is answering: "너 사람이야 봇이야?", "혹시 상담원이세요?".
    # Asked as a question of the bot ("~이야", "~인가요", "~이죠"): a bare "사람" or "직원이요?"
    # is a follow-up or a question about someone else.
    ("who", re.compile(r"^(너|넌|당신|님|여기|이거|이건)?(혹시)?((사람|상담원|로봇|봇|챗봇|ai|기계|자동응답|인공지능)"
                       r"(이야|이에요|인가요|이세요|이신가요|이니|이냐|냐|야|임|맞아요|맞나요|아니에요|아니야|이죠|죠)요?)+$")),
    ("laugh", re.compile(r"^([ㅋㅎ]+|크+|하하+|허허+|호호+|lol)+$")),
    ("puzzled", re.compile(r"^([ㅠㅜ]+|헐|엥|음+|흠+)+$")),
]
_THANKING = re.compile(r"감사|고마|고맙|땡큐|thank|수고")
# Marks alone: "^^" smiles back; "??", "...", "?!" wonder what to say.
_SMILE = re.compile(r"^\s*(?:\^+[_\s]*\^+|:\)|:D)[\s~]*$")
_PUZZLED = re.compile(r"^[\s?？!.…~]+$")


def classify(text: str) -> SmallTalk | None:
    if _SMILE.match(text):
        return "laugh"
    if text.strip() and _PUZZLED.match(text):
        return "puzzled"
    key = squash(text)
    if not key or len(key) > 20:
        return None
    for kind, pattern in _PATTERNS:
        if pattern.match(key):
            # "해결됐어요?" asks whether it is solved; a thank-you does not end in a question mark.
            if kind == "thanks" and "?" in text and not _THANKING.search(key):
                return None
            return kind
    return None
