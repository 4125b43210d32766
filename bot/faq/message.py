"""Reading a member's message before ranking: its sentences, which of them ask something, and
what kind of answer the asking words want.

Members write the way they would talk to a branch clerk: a greeting, who they are and what
happened, then the question, sometimes two. The asking sentences carry the topic; background
sentences still help ("비외감이고 세무사님이 전송 끝냈대요") but count for less, and a greeting
counts for nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

# How a sentence that asks ends: "?", "~나요", "~까요", "~죠", "~는지", "~되나", "~됨?"...
_ASKING_END = re.compile(
    r"(\?|나요|까요?|[어아여해돼줘]요|죠|는지|가요|니까|[은는]요|냐|래요|대요|고요|나|지|세요|할까|될까|됨|임|가능)"
    r"\s*[.!~ㅠㅜ;ㅎㅋ^]*\s*$"
)
# Words that ask or request wherever they stand in the sentence.
_ASKING_WORD = re.compile(
    r"언제|어디|얼마|몇|누가|누구|무엇|뭐|뭘|뭔|어떻게|어떤|어떡|어케|왜|어느|방법|알려|궁금|문의|가능|되나|될까|맞나|맞죠|인가요|인지|있나|없나"
)
_GREETING = re.compile(r"^(안녕|수고|감사|고맙|반갑|실례|좋은\s*(아침|하루))")
# A greeting longer than this is a sentence with content ("안녕하세요 신평 문의드립니다").
_GREETING_MAX_CHARS = 20
# How much a background sentence's words count next to an asking sentence's.
BACKGROUND_WEIGHT = 0.6

AnswerKind = Literal[
    "percent", "time_of_day", "duration", "frequency", "count", "fee", "amount", "date", "place", "person", "why", "how",
    "maximum",
]

# "몇" with the unit counted: "몇 좌예요?" wants a number of 좌.
_COUNTED = re.compile(r"몇\s*(단계|등급|좌|개|번|회|건|명|배|콜|통|장|가지|곳|군데|차)(?!씩)")

# What kind of answer the asking words want. The gate checks the kinds an entry can visibly fail
# to give (a rate, a time, a duration, a count, an amount, a date, a place) against its answer.
_KINDS: tuple[tuple[AnswerKind, re.Pattern[str]], ...] = (
    ("percent", re.compile(r"몇\s*(퍼센트|프로|%)|퍼센트|요율|수수료율|\d+\s*%|몇\s*배|비율이")),
    ("time_of_day", re.compile(r"몇\s*시(?!간)|영업\s*시간|업무\s*시간|문\s*(여|열)")),
    ("duration", re.compile(
        r"(며칠|몇\s*일|몇\s*달|몇\s*개월)\s*(걸|이나|정도|만에|간|동안|안에|이내|내로|전에)"
        r"|얼마나\s*(걸|오래|기다)|얼마\s*동안|소요\s*기간"
    )),
    ("frequency", re.compile(r"얼마나\s*자주|몇\s*번씩|주기가|주기로|마다\s*한\s*번")),
    ("count", _COUNTED),
    # Whether something costs money: the entry must speak of a fee at all.
    ("fee", re.compile(r"(수수료|비용|요금|이용료)\S{0,3}\s*(있|드|들|나오|내야|발생|얼마|무료|받|붙)")),
    # "얼마나" asks how much of anything (자주, 걸려, 쌓여), not a sum of money.
    ("amount", re.compile(r"얼마(?!나)|몇\s*(원|만원|억)|가격|시세")),
    ("date", re.compile(r"언제|며칠까지|마감일|기한이|몇\s*월")),
    # Where to go, send or ask; "어디에 적어요" and "어디에 해당해요" ask for a line of a form
    # or a class, which no address answers.
    ("place", re.compile(
        r"어디서|어디에서|어디로|어느\s*(곳|사이트|메뉴|지점|기관)"
        r"|어디에\s*(문의|신청|제출|연락|전화|접수|내|보내|가|물어|있|올리|등록)"
    )),
    ("person", re.compile(r"누가|누구")),
    # An upper limit ("최대 몇 명", "한도가 얼마"): the answer must state one.
    ("maximum", re.compile(r"최대(?!한)|상한|한도가\s*(얼마|몇|있)")),
    ("why", re.compile(r"왜|이유")),
    ("how", re.compile(r"어떻게|어떡|어케|방법|절차|순서")),
)


@dataclass(frozen=True)
class Sentence:
    text: str
    asks: bool
    greeting: bool


@dataclass(frozen=True)
class Message:
    """A message read once: what it asks is looked up by the views, the gate and the kind
    check, so it is worked out on first use and kept."""

    text: str
    sentences: tuple[Sentence, ...]

    def weighted_sentences(self) -> list[tuple[str, float]]:
        """Each sentence with how much its words count: greetings not at all, background less
        than the question when there is one."""
        any_question = any(s.asks for s in self.sentences)
        out = [
            (s.text, 1.0 if s.asks or not any_question else BACKGROUND_WEIGHT)
            for s in self.sentences
            if not s.greeting
        ]
        # A message that is nothing but a greeting still has its words (small talk decides).
        return out or [(s.text, 1.0) for s in self.sentences]

    @cached_property
    def asked(self) -> str:
        """The asking sentences, or the whole message when none reads as one."""
        asking = [s.text for s in self.sentences if s.asks]
        return " ".join(asking) if asking else self.text

    @cached_property
    def answer_kinds(self) -> frozenset[AnswerKind]:
        return frozenset(kind for kind, pattern in _KINDS if pattern.search(self.asked))

    @cached_property
    def counted(self) -> frozenset[str]:
        """The units a "몇" asks to count ("좌", "단계")."""
        return frozenset(m.group(1) for m in _COUNTED.finditer(self.asked))


def read_message(text: str, split: Callable[[str], list[str]]) -> Message:
    """`split` cuts text into sentences (Kiwi's sentence splitter, which also finds the ends of
    sentences typed without punctuation or spaces)."""
    sentences = []
    for part in split(text):
        part = part.strip()
        if not part:
            continue
        greeting = bool(_GREETING.match(part)) and len(part) <= _GREETING_MAX_CHARS
        asks = not greeting and bool(_ASKING_END.search(part) or _ASKING_WORD.search(part))
        sentences.append(Sentence(part, asks, greeting))
    if not sentences and text.strip():
        sentences.append(Sentence(text.strip(), True, False))
    return Message(text, tuple(sentences))
