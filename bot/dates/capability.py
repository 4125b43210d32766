"""Date and rule questions in chat: credit-rating windows and validity, guarantee-release SMS send
dates, mileage expiry, required documents and evaluation exclusions, computed by `rules/`.

A message is claimed only when it asks for a calculation: it carries a value (a date, a month,
an amount, a stated fact) or asks outright with 결산/종료일/만기 and 언제/까지/신청. Questions about
the rules themselves ("신청 기간이 언제예요?") are the FAQ's. Missing values are asked for, with
buttons where they fit, and kept in the chat's flow until the answer is complete (docs/flows.md
draws the flow)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from types import MappingProxyType
from typing import Any

from bot.capability import Capability, Command
from bot.conversation import Button, Reply, Topic, Turn
from bot.dates.documents import FACT_CODES, answer_documents, document_facts, fact_answer
from bot.dates.evaluation import answer_evaluation, evaluation_facts
from bot.dates.mileage import answer_mileage
from bot.dates.notice import KIND_CODES, answer_notice
from bot.dates.rating import answer_rating
from bot.dates.reading import (
    NAME,
    Calculator,
    Said,
    fiscal_month,
    fiscal_year_end,
    flow_topic,
    rule_reply,
    says_fiscal,
)
from bot.korean.discourse import asks, is_follow_up
from bot.korean.values import bare_month
from bot.templates import render
from rules.business_days import preload
from rules.errors import RuleInputError

# The calculators, by topic: each computes its answer, or asks for what is missing.
TOPICS: dict[str, Calculator] = {
    "rating": answer_rating, "notice": answer_notice, "mileage": answer_mileage, "documents": answer_documents,
    "evaluation": answer_evaluation,
}

_ASKING_WORDS = ("언제", "까지", "신청", "며칠", "몇일", "날짜", "계산")
# "해제 문자 발송일 계산해줘", "마일리지 유효기간 계산": a calculation asked for by name, even
# without its values (they are asked for); not "등급은 어떻게 계산하나요?", a question for the FAQ.
_CALCULATE = ("계산", "구해줘", "구해주", "따져")
_DATE_NOUNS = ("기간", "기한", "날짜", "발송일", "날", "일정", "유효", "만료", "언제", "며칠", "몇일")
_HOW_WORDS = ("어떻게", "방법", "기준", "왜", "무엇", "뭐", "점수", "산정")
# Letters and digits of a message that only gives a value ("2027년 4월 30일 종료예요").
_MAX_VALUE_ONLY = 16
# Words asking again about a rating just calculated, and what each asks for.
_FOCUS_WORDS = (("validity", ("유효", "만료", "효력", "끝나")), ("window", ("신청기간", "신청", "접수", "기간")))
_SMS_WORDS = ("문자", "sms", "메시지", "안내", "알림", "통보")
_END_WORDS = ("종료", "만기", "만료", "끝나", "끝날")
_DOCUMENT_WORDS = ("동의서", "과세", "납세", "재산세", "재산현황", "서류", "감사보고서", "제출", "내야", "내요")
# The documents and exclusion calculators say what to submit and whether one is excluded, never
# when or from which year: "재산세 50만원 기준은 몇 년도 재산세예요?" asks the FAQ for the rule.
_WHEN_WORDS = ("언제", "몇년", "어느해", "어느년도", "어느연도", "몇월", "며칠", "몇일")
# "언제든 내도 되나요" asks whether, not when.
_ANY_TIME = ("언제든", "언제라도")
_RATING_WORDS = ("결산", "회계연도", "회계년도", "신용평가", "신평", "신용등급", "등급", "신청기간", "유효기간", "유효기한",
                 "정기평가")


def topic_of(said: Said) -> str | None:
    """Which calculator a message is about, or None."""
    if said.has("마일리지"):
        return "mileage"
    ends = said.has(*_END_WORDS) or (said.has("보증기간") and said.has(*_SMS_WORDS))
    if said.has("해제", "해지") or (ends and (said.has(*_SMS_WORDS, "보증") or bool(said.kinds))):
        return "notice"
    if said.has("평가", "등급") and evaluation_facts(said):
        return "evaluation"
    if said.has(*_DOCUMENT_WORDS) and document_facts(said):
        return "documents"
    if said.has(*_RATING_WORDS):
        return "rating"
    return None


def asks_to_calculate(said: Said) -> bool:
    """The message asks outright for a date to be worked out: "발송일 계산해줘"."""
    return said.has(*_CALCULATE) and said.has(*_DATE_NOUNS) and not said.has(*_HOW_WORDS)


def claims(topic: str, said: Said) -> bool:
    """True when the message asks this calculator for a result (not the FAQ for the rule)."""
    if topic in ("rating", "notice", "mileage") and asks_to_calculate(said):
        return True
    if topic == "mileage":
        return any(d.month is not None for d in said.dates)
    if topic == "notice":
        values = any(d.has_day or d.error for d in said.dates) or bool(said.amounts)
        return values or (said.has("종료일", "만기", "종료", "만료") and said.has(*_ASKING_WORDS))
    if topic == "rating":
        if fiscal_year_end(said) is not None or fiscal_month(said) is not None:
            return True
        return says_fiscal(said) and not said.has("결산보고서") and said.has("언제", "까지", "신청")
    asks_when = said.has(*_WHEN_WORDS) and not said.has(*_ANY_TIME)
    return topic in ("evaluation", "documents") and not asks_when


class DatesCapability(Capability):
    """Rule calculators in chat; each reply is kind "rule"."""

    name = NAME
    commands = (Command("deadline", "신용평가 신청기간·문자 발송일 계산"),)
    menu_label = "📅 날짜 계산"
    menu_order = 2
    answer_button = "📅 내 날짜로 계산하기"
    answer_actions = MappingProxyType({
        "rating": "📅 내 결산월로 신청기간 계산하기", "notice": "📅 내 보증 종료일로 발송일 계산하기",
        "mileage": "📅 내 적립일로 유효기간 계산하기",
    })
    help_line = '날짜 계산: 예) "3월 결산인데 언제까지 신청해요?", "보증 종료일이 12월 10일이면 해제 문자는 언제 와요?"'

    def __init__(self, today: date | None = None) -> None:
        year = (today or date.today()).year
        # Holiday tables cost milliseconds per year to build; pay that now, not in a reply.
        preload(range(year - 2, year + 4))

    def on_text(self, turn: Turn) -> Reply | None:
        said = Said.parse(turn.text, turn.today)
        if turn.flow() == self.name:
            reply = self._continue(turn, said)
            if reply is not None:
                return reply
        return self._fresh(turn, said)

    def on_command(self, turn: Turn) -> Reply | None:
        """/deadline: the calculators' menu; /deadline rating|notice|mileage (an answer's button,
        `actions: [deadline:notice]`) opens that one; /deadline <question> answers it."""
        argument = turn.text.strip()
        if argument in self.answer_actions:
            return _run(turn, argument, {"topic": argument}, None)
        if argument:
            reply = self._fresh(turn, Said.parse(argument, turn.today))
            if reply is not None:
                return reply
        turn.end_flow()
        buttons = [Button("📅 신용평가 신청기간", f"{NAME}:topic:rating"),
                   Button("✉️ 보증해제 문자 발송일", f"{NAME}:topic:notice"),
                   Button("🎫 마일리지 유효기간", f"{NAME}:topic:mileage")]
        return rule_reply(render("rule_menu"), buttons)

    def on_button(self, turn: Turn, payload: str) -> Reply | None:
        action, _, value = payload.partition(":")
        handler = BUTTONS.get(action)
        if handler is None:
            return None
        try:
            return handler(turn, value)
        except RuleInputError as exc:
            return rule_reply(render("rule_error", message=exc.message))

    def follow_up(self, turn: Turn, topic: Topic) -> Reply | None:
        """After a calculation, a new value or a word for another of its results ("아니 3천만원이요",
        "그럼 6월 결산이면요?", "유효기간은요?") computes it again with the rest kept. After an
        answer offering a calculator (`deadline:notice`), a value for it runs it."""
        ours = topic.owner == self.name
        if not ours and not any(action.startswith(f"{self.name}:") for action in topic.actions):
            return None  # another capability's topic with no calculator on offer: nothing to parse
        said = Said.parse(turn.text, turn.today)
        if not _leans_on(said):
            return None
        if ours:
            return self._again(turn, topic, said)
        for action in topic.actions:
            command, _, name = action.partition(":")
            if command == self.name and name in TOPICS and _adds_to(name, {}, said):
                return _run(turn, name, {"topic": name}, said)
        return None

    def _again(self, turn: Turn, topic: Topic, said: Said) -> Reply | None:
        """The calculation of `topic` again, with what this message changes."""
        name = topic.about
        other = topic_of(said)
        if name not in TOPICS or (other is not None and other != name and claims(other, said)):
            return None  # not ours, or a calculation of its own: _fresh reads it whole
        data = {**topic.values, "topic": name}
        data.pop("asking", None)
        focus = next((f for f, words in _FOCUS_WORDS if said.has(*words)), None) if name == "rating" else None
        if name == "rating" and is_follow_up(said.text):
            data["again"] = True  # "6월이면요?": a month alone is the 결산월
        if focus is not None:
            data["focus"] = focus
        elif not (_adds_to(name, data, said) or (data.get("again") and bare_month(said.text))):
            return None
        return _run(turn, name, data, said)

    def _fresh(self, turn: Turn, said: Said) -> Reply | None:
        """A new question: claim it only when it is a calculation request."""
        topic = topic_of(said)
        if topic is None or not claims(topic, said):
            return None
        return _run(turn, topic, {"topic": topic}, said)

    def _continue(self, turn: Turn, said: Said) -> Reply | None:
        """A message inside our flow: use it when it adds what the flow is missing."""
        data = dict(turn.flow_data())
        topic = str(data.get("topic", ""))
        other = topic_of(said)
        if other is not None and other != topic and claims(other, said):
            return None  # a different calculation: _fresh starts it over
        if topic not in TOPICS or not _adds_to(topic, data, said):
            return None
        return _run(turn, topic, data, said)


def _leans_on(said: Said) -> bool:
    """Said against what was just calculated: a follow-up ("그럼 6월이면요?", "아니 3천만원이요") or a
    short value that is no question of its own ("3천만원", "2027년 4월 30일 종료예요"); not
    "3월 5일에 지점 가도 되나요?"."""
    return is_follow_up(said.text) or (len(said.key) <= _MAX_VALUE_ONLY and not asks(said.text))


def _adds_to(topic: str, data: dict[str, Any], said: Said) -> bool:
    """Whether a message inside the flow carries something this topic can use."""
    if topic == "rating":
        return (fiscal_year_end(said) is not None or bool(said.dates)
                or (data.get("asking") == "month" and bare_month(said.text) is not None))
    if topic == "notice":
        return bool(said.dates or said.amounts or said.kinds)
    if topic == "mileage":
        return any(d.month is not None for d in said.dates)
    if topic == "documents":
        asking = data.get("asking")
        if asking == "total_assets_won":
            return bool(said.amounts)
        return bool(document_facts(said)) or (asking is not None and fact_answer(said.text) is not None)
    return False


def _run(turn: Turn, topic: str, data: dict[str, Any], said: Said | None) -> Reply:
    """Compute (or ask) for one topic; an input the rules refuse becomes a polite message. What
    was said is kept as the conversation's topic, for follow-ups and corrections."""
    try:
        reply = TOPICS[topic](turn, data, said)
    except RuleInputError as exc:
        # Keep what was said, so a corrected value in the next message completes the question.
        data.pop("asking", None)
        turn.start_flow(NAME, **data)
        reply = rule_reply(render("rule_error", message=exc.message))
    turn.remember(Topic(NAME, topic, values=data))
    return reply


def _resumed(turn: Turn, topic: str) -> dict[str, Any]:
    """What is known of `topic` so far: our flow's data, else the topic just answered, else nothing."""
    if flow_topic(turn) == topic:
        return dict(turn.flow_data())
    if turn.topic is not None and turn.topic.owner == NAME and turn.topic.about == topic:
        return {**turn.topic.values, "topic": topic}
    return {"topic": topic}


def _month_button(turn: Turn, value: str) -> Reply | None:
    if not value.isdigit() or not 1 <= int(value) <= 12:
        return None
    data = _resumed(turn, "rating")
    data.update(month=int(value), fye=None, check=None, day=None)
    return _run(turn, "rating", data, None)


def _kind_button(turn: Turn, value: str) -> Reply | None:
    kind = KIND_CODES.get(value)
    if kind is None:
        return None
    data = _resumed(turn, "notice")
    data["kinds"] = [kind]
    return _run(turn, "notice", data, None)


def _fact_button(answer: bool) -> Callable[[Turn, str], Reply | None]:
    def press(turn: Turn, value: str) -> Reply | None:
        fact = FACT_CODES.get(value)
        if fact is None or flow_topic(turn) != "documents":
            return None  # the question belongs to a conversation that has ended
        data = dict(turn.flow_data())
        data["facts"] = {**(data.get("facts") or {}), fact: answer}
        return _run(turn, "documents", data, None)
    return press


def _topic_button(turn: Turn, value: str) -> Reply | None:
    if value not in ("rating", "notice", "mileage"):
        return None
    return _run(turn, value, {"topic": value}, None)


BUTTONS: dict[str, Callable[[Turn, str], Reply | None]] = {
    "month": _month_button, "kind": _kind_button, "yes": _fact_button(True), "no": _fact_button(False),
    "topic": _topic_button,
}
