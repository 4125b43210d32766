"""Date and rule questions in chat: credit-rating windows and validity, guarantee-release SMS send
dates, mileage expiry, required documents and evaluation exclusions, computed by `rules/`.

A message is claimed only when it asks for a calculation: it carries a value (a date, a month,
an amount, a stated fact) or asks outright with 결산/종료일/만기 and 언제/까지/신청. Questions about
the rules themselves ("신청 기간이 언제예요?") are the FAQ's. Missing values are asked for, with
buttons where they fit, and kept in the chat's flow until the answer is complete."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.capability import Capability
from bot.conversation import Button, Reply, Turn
from bot.korean.hangul import squash
from bot.korean.values import (
    AmountMention,
    DateMention,
    bare_month,
    find_amounts,
    find_dates,
    last_on_or_before,
    next_on_or_after,
    yes_no,
)
from bot.templates import render
from rules.business_days import preload
from rules.calendar_math import month_end
from rules.credit_rating import (
    LATE_NOTE,
    MonthSchedule,
    RatingSchedule,
    next_schedule_for_month,
    rating_schedule,
    rating_validity,
)
from rules.documents import (
    CONSENT_ASSET_THRESHOLD,
    PROPERTY_TAX_THRESHOLD,
    DocumentFacts,
    DocumentItem,
    DocumentList,
    required_documents,
)
from rules.errors import RuleInputError
from rules.evaluation import EvaluationFacts, assess
from rules.formatting import format_date, format_won
from rules.mileage import is_mileage_valid, mileage_expiry
from rules.release_notice import EXCLUDED_KINDS, MIN_AMOUNT, check_eligibility, find_kinds, plan_notice
from rules.sources import MILEAGE, RATING_WINDOW, RELEASE_NOTICE

NAME = "deadline"

# Button codes for guarantee kinds: ASCII keeps payloads short (Telegram allows 64 bytes).
KIND_CODES = {
    "contract": "계약보증", "advance": "선급금보증", "payment": "지급보증", "perform": "공사이행보증",
    "damage": "손해배상보증", "defect": "하자보수보증", "bid": "입찰보증",
}
KIND_LABELS = {
    "contract": "계약", "advance": "선급금", "payment": "지급", "perform": "공사이행",
    "damage": "손해배상", "defect": "하자보수", "bid": "입찰",
}

# Yes/no facts of the documents rule, by button code.
FACT_CODES = {
    "audited": "externally_audited", "consent": "consent_submitted_last_year", "ceo": "ceo_changed_since",
}
QUESTIONS = {
    "externally_audited": "외부감사를 받는 법인(외감법인)이신가요?",
    "consent_submitted_last_year": "작년 신용평가 때 이 동의서를 제출하셨나요?",
    "ceo_changed_since": "그 뒤 대표이사가 바뀌었나요?",
    "total_assets_won": "최근 결산일 기준 총자산이 얼마인지 알려 주세요(예: 150억).",
}

_ASKING_WORDS = ("언제", "까지", "신청", "며칠", "몇일", "날짜", "계산")
_SMS_WORDS = ("문자", "sms", "메시지", "안내", "알림", "통보")
_END_WORDS = ("종료", "만기", "만료", "끝나", "끝날")
_RATING_WORDS = ("결산", "회계연도", "회계년도", "신용평가", "신용등급", "등급", "신청기간", "유효기간", "유효기한", "정기평가")
# "2025년 결산으로 받은 등급": the rating made from that year's statements, not the one held before.
_NEW_RATING_WORDS = ("받은등급", "받은신용등급", "받는등급", "받을등급", "받으실등급", "결산등급", "결산기준등급",
                     "결산기준신용등급", "결산신용등급")
# Asking for the window even when validity is mentioned too.
_WINDOW_WORDS = ("신청기간", "신청기한", "언제신청", "언제까지신청", "신청언제", "신청마감", "신청시기", "신청은언제")
_DOCUMENT_WORDS = ("동의서", "과세", "납세", "재산세", "재산현황", "서류", "감사보고서", "제출", "내야", "내요")


# -- what a message says ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Said:
    """The values and topic words of one message, parsed once."""

    text: str
    key: str
    dates: tuple[DateMention, ...]
    amounts: tuple[AmountMention, ...]
    kinds: tuple[str, ...]

    @classmethod
    def parse(cls, text: str, today: date) -> Said:
        """Parse dates, amounts and guarantee kinds out of one message."""
        return cls(text, squash(text), tuple(find_dates(text, today)), tuple(find_amounts(text)),
                   find_kinds(text))

    def has(self, *words: str) -> bool:
        """Any of these words, spacing and punctuation ignored."""
        return any(word in self.key for word in words)


def _stated(pattern: str, text: str) -> bool:
    """The pattern occurs and is not denied right after ("회생절차는 아니고")."""
    for match in re.finditer(pattern, text, re.IGNORECASE):
        if not re.match(r"\s*(?:은|는|이|가|도)?\s*(?:아니|않|없|안\s)", text[match.end():match.end() + 8]):
            return True
    return False


# -- facts for the documents and evaluation rules ------------------------------------------------------

_NOT_AUDITED = re.compile(r"비\s*외감|외감\s*(?:법인|대상)?\s*(?:이|은|는|이가)?\s*아니|외부\s*감사\s*(?:를|는)?\s*"
                          r"(?:안\s|받지\s*않|대상이?\s*아니)|외감\s*안\s")
_AUDITED = re.compile(r"외감|외부\s*감사\s*(?:를|는)?\s*(?:받|대상|법인)")
_CONSENT_NO = re.compile(r"(?:작년|지난\s*해|전년)[^.?!]{0,14}?(?:안\s*냈|제출\s*안|제출하지\s*않|못\s*냈|미제출)")
_CONSENT_YES = re.compile(r"(?:작년|지난\s*해|전년)[^.?!]{0,14}?(?:냈|제출했|제출하였|제출함)")
_CEO = re.compile(r"대표(?:이사|자)?(?P<before>[^.?!]{0,6}?)(?:바뀌|바꼈|바뀐|변경|교체)(?P<after>[^.?!]{0,8})")
_YEARS = re.compile(
    r"(?P<n>\d+|한|두|세)\s*(?:개\s*(?:사업\s*)?(?:년|연도)(?:\s*분|\s*치)?|년\s*(?:치|분)|해\s*(?:치|분))"
)
_WORD_NUMBERS = {"한": 1, "두": 2, "세": 3}
_OVERDUE = re.compile(r"연체[^.?!]{0,10}?(?P<n>\d+)\s*(?P<unit>일|개월|달)|(?P<n2>\d+)\s*(?P<unit2>일|개월|달)[^.?!]{0,6}연체")


def document_facts(said: Said) -> dict[str, Any]:
    """The facts of DocumentFacts a message states, as a JSON-safe dict."""
    text = said.text
    facts: dict[str, Any] = {}
    if _NOT_AUDITED.search(text):
        facts["externally_audited"] = False
    elif _AUDITED.search(text):
        facts["externally_audited"] = True
    for amount in said.amounts:
        before = text[max(0, amount.start - 10):amount.start]
        if "자산" in before:
            facts["total_assets_won"] = amount.won
        elif "재산세" in before or ("재산세" in text and "자산" not in before):
            facts["ceo_net_property_tax_won"] = amount.won
    if _CONSENT_NO.search(text):
        facts["consent_submitted_last_year"] = False
    elif _CONSENT_YES.search(text):
        facts["consent_submitted_last_year"] = True
    ceo = _CEO.search(text)
    if ceo is not None:
        denied = re.search(r"안\s", ceo.group("before") + " ") or re.search(r"안|않|없|아니", ceo.group("after"))
        facts["ceo_changed_since"] = not denied
    elif re.search(r"대표(?:이사|자)?\s*(?:는|가)?\s*(?:그대로|같)", text):
        facts["ceo_changed_since"] = False
    return facts


def evaluation_facts(said: Said) -> dict[str, Any]:
    """The facts of EvaluationFacts a message states (a rule question states none)."""
    text = said.text
    facts: dict[str, Any] = {}
    if said.has("있어야", "필요", "몇년", "몇개"):
        return {}  # "2년치가 있어야 하나요?" asks about the rule; the FAQ answers it
    years = _YEARS.search(text)
    if years is not None and said.has("재무제표", "결산", "재무"):
        n = years.group("n")
        facts["years_of_statements"] = _WORD_NUMBERS.get(n) or int(n)
    elif re.search(r"재무제표\s*(?:가|는)?\s*(?:하나도|전혀)?\s*없", text):
        facts["years_of_statements"] = 0
    if re.search(r"매출\s*(?:액)?\s*(?:이|은|가)?\s*(?:전혀|하나도)?\s*(?:없|0원)", text):
        facts["has_sales"] = False
    flags = {
        "audit_opinion": r"의견\s*거절", "falsified": r"분식|허위", "n3": r"(?<![A-Za-z0-9])N3(?!\d)",
        "checking_suspended": r"당좌\s*(?:거래)?\s*정지", "rehabilitation_filed": r"회생",
        "subrogation_paid": r"대급금", "provisionally_allowed": r"잠정\s*허용",
    }
    for name, pattern in flags.items():
        if _stated(pattern, text):
            facts[name] = "의견거절" if name == "audit_opinion" else True
    overdue = _OVERDUE.search(text)
    if overdue is not None:
        n = int(overdue.group("n") or overdue.group("n2"))
        unit = overdue.group("unit") or overdue.group("unit2")
        facts["loan_overdue_days"] = n if unit == "일" else n * 30
    return facts


# -- topic and claim -----------------------------------------------------------------------------------


def topic_of(said: Said) -> str | None:
    """Which calculator a message is about, or None."""
    if said.has("마일리지"):
        return "mileage"
    ends = said.has(*_END_WORDS) or (said.has("보증기간") and said.has(*_SMS_WORDS))
    if said.has("해제", "해지") or (ends and (said.has(*_SMS_WORDS, "보증") or bool(said.kinds))):
        return "notice"
    if evaluation_facts(said) and said.has("평가", "등급"):
        return "evaluation"
    if document_facts(said) and said.has(*_DOCUMENT_WORDS):
        return "documents"
    if said.has(*_RATING_WORDS):
        return "rating"
    return None


def claims(topic: str, said: Said) -> bool:
    """True when the message asks this calculator for a result (not the FAQ for the rule)."""
    if topic == "mileage":
        return any(d.month is not None for d in said.dates)
    if topic == "notice":
        values = any(d.has_day or d.error for d in said.dates) or bool(said.amounts)
        return values or (said.has("종료일", "만기", "종료", "만료") and said.has(*_ASKING_WORDS))
    if topic == "rating":
        if _fiscal_year_end(said) is not None or _fiscal_month(said) is not None:
            return True
        return _says_fiscal(said) and not said.has("결산보고서") and said.has("언제", "까지", "신청")
    return topic in ("evaluation", "documents")


def _says_fiscal(said: Said) -> bool:
    """The message talks of a 결산 (or 회계연도, as some members say)."""
    return said.has("결산", "회계연도", "회계년도")


def _fiscal_year_end(said: Said) -> DateMention | None:
    """The mention naming the fiscal year-end with its year: "2025.12.31 결산", "작년 12월 말"."""
    dated = [d for d in said.dates if d.year is not None and d.month is not None]
    marked = [d for d in dated if d.fiscal]
    if marked:
        return marked[0]
    if not _says_fiscal(said):
        return None  # "등급이 2026년 6월 30일까지인데" names a validity end, not a 결산일
    return next((d for d in dated if d.month_end or d.day is None), dated[0] if dated else None)


def _fiscal_month(said: Said, *, loose: bool = False) -> DateMention | None:
    """The month named as 결산 without a year: "3월 결산", "12월말 법인", "12월 31일 결산";
    any month when loose (the flow already asked about 결산)."""
    months = [d for d in said.dates if d.year is None and d.month is not None]
    marked = [d for d in months if d.fiscal]
    if marked:
        return marked[0]
    return months[0] if months and (loose or _says_fiscal(said)) else None


def _raise_errors(mentions: Sequence[DateMention]) -> None:
    """An impossible date said anywhere in the message is answered first."""
    for mention in mentions:
        if mention.error is not None:
            raise RuleInputError(mention.error)


# -- the capability --------------------------------------------------------------------------------------


class DeadlineCapability(Capability):
    """Rule calculators in chat; each reply is kind "rule"."""

    name = NAME
    commands = ("deadline",)
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
        if turn.text.strip():
            reply = self._fresh(turn, Said.parse(turn.text, turn.today))
            if reply is not None:
                return reply
        turn.end_flow()
        buttons = [Button("📅 신용평가 신청기간", f"{NAME}:topic:rating"),
                   Button("✉️ 보증해제 문자 발송일", f"{NAME}:topic:notice"),
                   Button("🎫 마일리지 유효기간", f"{NAME}:topic:mileage")]
        return _rule(render("rule_menu"), buttons)

    def on_button(self, turn: Turn, payload: str) -> Reply | None:
        action, _, value = payload.partition(":")
        handler = _BUTTONS.get(action)
        if handler is None:
            return None
        try:
            return handler(turn, value)
        except RuleInputError as exc:
            return _rule(render("rule_error", message=exc.message))

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
        if topic not in _TOPICS or not _adds_to(topic, data, said):
            return None
        return _run(turn, topic, data, said)


def _adds_to(topic: str, data: dict[str, Any], said: Said) -> bool:
    """Whether a message inside the flow carries something this topic can use."""
    if topic == "rating":
        return (_fiscal_year_end(said) is not None or bool(said.dates)
                or (data.get("asking") == "month" and bare_month(said.text) is not None))
    if topic == "notice":
        return bool(said.dates or said.amounts or said.kinds)
    if topic == "mileage":
        return any(d.month is not None for d in said.dates)
    if topic == "documents":
        asking = data.get("asking")
        if asking == "total_assets_won":
            return bool(said.amounts)
        return bool(document_facts(said)) or (asking is not None and yes_no(said.text) is not None)
    return False


def _run(turn: Turn, topic: str, data: dict[str, Any], said: Said | None) -> Reply:
    """Compute (or ask) for one topic; an input the rules refuse becomes a polite message."""
    try:
        return _TOPICS[topic](turn, data, said)
    except RuleInputError as exc:
        # Keep what was said, so a corrected value in the next message completes the question.
        data.pop("asking", None)
        turn.start_flow(NAME, **data)
        return _rule(render("rule_error", message=exc.message))


def _rule(text: str, buttons: Sequence[Button] = ()) -> Reply:
    return Reply(kind="rule", text=text, buttons=list(buttons))


# -- credit rating ---------------------------------------------------------------------------------------


def _rating(turn: Turn, data: dict[str, Any], said: Said | None) -> Reply:
    """Window and validity for a fiscal year-end, or the next window for "N월 결산"."""
    if said is not None:
        _merge_rating(data, said, turn.today, loose=_flow_topic(turn) == "rating")
    turn.end_flow()
    if data.get("fye"):
        fye = date.fromisoformat(data["fye"])
        check = data.get("check")
        if check:
            return _validity_reply(fye, date.fromisoformat(check))
        day = date.fromisoformat(data["day"]) if data.get("day") else None
        return _schedule_reply(rating_schedule(fye), data.get("focus", "window"), turn.today, day)
    month = data.get("month")
    if month is None:
        return _ask_month(turn, data)
    year = data.get("year")
    if year is not None:
        return _schedule_reply(rating_schedule(month_end(int(year), int(month))), data.get("focus", "window"),
                               turn.today, None)
    return _month_reply(next_schedule_for_month(int(month), turn.today), data.get("focus", "window"))


def _merge_rating(data: dict[str, Any], said: Said, today: date, *, loose: bool) -> None:
    """Take the fiscal year-end, month, year, check date and focus out of a message."""
    _raise_errors(said.dates)
    if said.has(*_NEW_RATING_WORDS) and said.has("유효", "만료", "효력", "언제까지"):
        data["focus"] = "new"
    elif said.has("유효", "만료", "효력") and not said.has(*_WINDOW_WORDS):
        data["focus"] = "validity"
    elif said.has("신청", "기간"):
        data["focus"] = "window"
    fye = _fiscal_year_end(said)
    if fye is not None:
        data.update(fye=_fye_date(fye).isoformat(), month=None, year=None)
        others = [d for d in said.dates if d is not fye and d.has_day]
        data["check"] = _check_date(said, others, today)
        # "…결산인데 5월 1일에 신청해도 돼요?": say where that day falls against the window.
        data["day"] = next_on_or_after(others[0], today).to_date().isoformat() if others else None
        return
    month = _fiscal_month(said, loose=loose)
    if month is not None:
        _require_month_end(month)
        data["month"] = month.month
    elif data.get("asking") == "month" and bare_month(said.text) is not None:
        data["month"] = bare_month(said.text)
    for year in (d for d in said.dates if d.month is None):
        data["year"] = year.year


def _fye_date(mention: DateMention) -> date:
    """The 결산일 of a mention: its date, or the end of its month when no day was said."""
    if mention.has_day:
        return mention.to_date()
    assert mention.year is not None and mention.month is not None
    return month_end(mention.year, mention.month)


def _require_month_end(mention: DateMention) -> None:
    """A yearless 결산 day must be a month end ("3월 15일 결산" is refused politely)."""
    if mention.day is not None and not mention.month_end:
        raise RuleInputError(
            f"결산일은 월말이어야 합니다. {mention.month}월 결산이라면 “{mention.month}월 결산”으로 알려 주세요."
        )


def _check_date(said: Said, others: Sequence[DateMention], today: date) -> str | None:
    """The day to check validity on, when the message asks "is it valid (then)?"."""
    asks_whether = said.has("유효", "살아", "효력") and not said.has("언제", "까지", "기한", "기간", "얼마")
    if not asks_whether:
        return None
    if others:
        return next_on_or_after(others[0], today).to_date().isoformat()
    return today.isoformat() if said.has("지금", "현재", "오늘", "아직") else None


def _ask_month(turn: Turn, data: dict[str, Any]) -> Reply:
    """No 결산월 yet: ask with twelve buttons, keeping the year if one was said."""
    data["asking"] = "month"
    turn.start_flow(NAME, **data)
    buttons = [Button(f"{m}월", f"{NAME}:month:{m}") for m in range(1, 13)]
    return _rule(render("rule_ask_month", year=data.get("year"), source=RATING_WINDOW), buttons)


def _schedule_reply(schedule: RatingSchedule, focus: str, today: date, day: date | None) -> Reply:
    return _rule(render("rule_rating", headline=_schedule_headline(schedule, focus, today), s=schedule,
                        fmt=format_date, status=_window_status(schedule, today),
                        day_line=_day_line(schedule, day), late_note=LATE_NOTE))


def _day_line(schedule: RatingSchedule, day: date | None) -> str | None:
    """Where a day the member named falls: before, inside or after the regular window."""
    if day is None:
        return None
    if day < schedule.window_start:
        return f"{format_date(day)}은 정기 신청기간 전입니다."
    if day <= schedule.window_end:
        return f"{format_date(day)}은 정기 신청기간 안입니다."
    return (f"{format_date(day)}은 정기 신청기간이 지난 뒤입니다. 신청은 받지만, 지금 등급이 "
            f"{format_date(schedule.held_valid_until)} 뒤로는 유효하지 않아 업무거래에 제한이 생길 수 있습니다.")


def _schedule_headline(schedule: RatingSchedule, focus: str, today: date) -> str:
    """The first sentence: the window, or the validity of the ratings around this 결산."""
    f, held, new = (format_date(d) for d in
                    (schedule.fiscal_year_end, schedule.held_valid_until, schedule.new_valid_until))
    if focus == "window":
        return (f"{f} 결산이면 정기 신청기간은 {format_date(schedule.window_start)}부터 "
                f"{format_date(schedule.window_end)}까지입니다.")
    new_first = f"{f} 결산으로 받는 등급은 {new}까지 유효합니다(결산일로부터 1년 6개월)."
    # Once the held rating has lapsed, the rating "now" is this 결산's; for years wholly past
    # the guide's own framing (the held rating first) reads best.
    if focus == "new" or schedule.held_valid_until < today <= schedule.new_valid_until:
        return f"{new_first} 직전 결산으로 받은 등급은 {held}까지 유효합니다."
    return f"{f} 결산 기준으로, 지금 보유하신 등급(직전 결산으로 받은 등급)은 {held}까지 유효하고, 이 결산으로 받는 등급은 {new}까지 유효합니다."


def _window_status(schedule: RatingSchedule, today: date) -> str | None:
    """Where today stands against the window, when that is news (not for long-past years)."""
    if schedule.window_end < today - timedelta(days=365):
        return None
    if today < schedule.window_start:
        return f"오늘({format_date(today)}) 기준으로 신청기간 시작까지 {(schedule.window_start - today).days}일 남았습니다."
    if today <= schedule.window_end:
        return f"지금이 정기 신청기간입니다(마감까지 {(schedule.window_end - today).days}일)."
    if today <= schedule.held_valid_until:
        return (f"정기 신청기간은 지났지만 지금도 신청하실 수 있습니다. 지금 등급이 "
                f"{format_date(schedule.held_valid_until)}까지만 유효하니 서둘러 주세요.")
    return f"오늘({format_date(today)}) 기준으로 이 결산의 정기 신청기간은 이미 지났습니다."


def _month_reply(schedule: MonthSchedule, focus: str) -> Reply:
    """"N월 결산" without a year: the window to come (or open now) and the last one."""
    reasons = [r for r in schedule.reasons if r != LATE_NOTE]
    validity = next((r for r in reasons if "결산으로 받은 등급은" in r), reasons[0])
    headline = reasons[0] if focus == "window" else validity
    # The bullets already show the windows and validity; only the late-application warning stays.
    details = [r for r in reasons[1:] if r != validity and not r.startswith("지난 신청기간은")]
    return _rule(render("rule_rating_month", headline=headline, details=details, s=schedule,
                        fmt=format_date, late_note=LATE_NOTE))


def _validity_reply(fye: date, on: date) -> Reply:
    validity = rating_validity(fye, on)
    answer = "네, 유효합니다." if validity.valid else "아니요, 유효하지 않습니다."
    return _rule(render("rule_validity", answer=answer, v=validity, fmt=format_date))


# -- guarantee-release SMS -------------------------------------------------------------------------------


def _notice(turn: Turn, data: dict[str, Any], said: Said | None) -> Reply:
    """Eligibility and send date; the end date is asked for when the guarantee may be eligible."""
    if said is not None:
        _merge_notice(data, said, turn.today)
    kinds: list[str] = list(data.get("kinds") or [])
    amount: int | None = data.get("amount")
    eligible, lines = _eligibility(kinds, amount)
    if eligible is False:
        if not data.get("picked"):
            turn.end_flow()
            return _rule(render("rule_notice_excluded", lines=lines, source=RELEASE_NOTICE))
        # The kind came from a button: keep the end date so another kind can be tried.
        turn.start_flow(NAME, **data)
        return _rule(render("rule_notice_excluded", lines=lines, source=RELEASE_NOTICE), _kind_buttons())
    if not data.get("end"):
        data["asking"] = "end"
        turn.start_flow(NAME, **data)
        return _rule(render("rule_ask_end", lines=lines, source=RELEASE_NOTICE))
    return _notice_reply(turn, data, kinds, amount, lines)


def _merge_notice(data: dict[str, Any], said: Said, today: date) -> None:
    """Take the end date, guarantee kinds and amount out of a message."""
    _raise_errors(said.dates)
    ends = [d for d in said.dates if d.has_day]
    if ends:
        end = next_on_or_after(ends[0], today)
        data["end"] = end.to_date().isoformat()
        data["end_inferred"] = end.year_inferred
    if said.kinds:
        data.update(kinds=list(said.kinds), picked=False)
    if said.amounts:
        data["amount"] = said.amounts[0].won
        if data["amount"] < 0:
            raise RuleInputError("보증금액은 0원 이상으로 알려 주세요.")
    data.pop("asking", None)


def _eligibility(kinds: Sequence[str], amount: int | None) -> tuple[bool | None, list[str]]:
    """(True, False, or None while the kind or amount is unknown; the lines saying why)."""
    if kinds and amount is not None:
        results = [check_eligibility(kind, amount) for kind in kinds]
        return any(r.eligible for r in results), [line for r in results for line in r.reasons]
    lines: list[str] = []
    if amount is not None and amount < MIN_AMOUNT:
        return False, [f"보증금액이 1천만원 미만({format_won(amount)})이라 대상이 아닙니다."]
    if amount is not None:
        lines.append(f"보증금액이 1천만원 이상({format_won(amount)})이라, 입찰·하자보증만 아니면 대상입니다.")
    for kind in kinds:
        if kind in EXCLUDED_KINDS:
            lines.append(check_eligibility(kind, MIN_AMOUNT).reasons[0])
        else:
            lines.append(f"{kind}은 대상 보증입니다(보증금액이 1천만원 이상이면).")
    if kinds and all(kind in EXCLUDED_KINDS for kind in kinds):
        return False, lines
    return None, lines


def _notice_reply(turn: Turn, data: dict[str, Any], kinds: list[str], amount: int | None,
                  lines: list[str]) -> Reply:
    """The send date, with the eligibility known so far and kind buttons when it is not."""
    end = date.fromisoformat(data["end"])
    # plan_notice judges a kind and an amount too; when either is unknown an eligible stand-in
    # gives the date and its reasons alone (eligibility was settled above).
    kind = next((k for k in kinds if k not in EXCLUDED_KINDS), "계약보증")
    stand_in = amount if amount is not None else MIN_AMOUNT
    plan = plan_notice(kind, stand_in, end, turn.today)
    assert plan.send_date is not None
    known = set(check_eligibility(kind, stand_in).reasons)
    complete = bool(kinds) and amount is not None
    buttons: list[Button] = []
    if complete:
        turn.end_flow()
    else:
        turn.start_flow(NAME, **data)
        if not kinds:
            buttons = _kind_buttons()
    return _rule(render("rule_notice", plan=plan, fmt=format_date, lines=lines,
                        date_lines=[r for r in plan.reasons if r not in known and not r.startswith("발송일(")],
                        inferred=bool(data.get("end_inferred")), complete=complete,
                        ask_kind=not kinds, ask_amount=amount is None), buttons)


def _kind_buttons() -> list[Button]:
    return [Button(label, f"{NAME}:kind:{code}") for code, label in KIND_LABELS.items()]


# -- mileage ------------------------------------------------------------------------------------------------


def _mileage(turn: Turn, data: dict[str, Any], said: Said | None) -> Reply:
    """Expiry of mileage earned on the given day(s): one year."""
    days = [d for d in (said.dates if said else ()) if d.month is not None]
    _raise_errors(days)
    if not days:
        turn.start_flow(NAME, topic="mileage")
        return _rule(render("rule_ask_earned", source=MILEAGE))
    turn.end_flow()
    rows = []
    for mention in days:
        earned = last_on_or_before(mention, turn.today).to_date() if mention.has_day else None
        if earned is None:
            raise RuleInputError("적립된 날짜를 일까지 알려 주세요(예: 2025년 3월 5일).")
        if earned > turn.today:
            raise RuleInputError(f"{format_date(earned)}은 아직 오지 않은 날짜입니다. 적립일을 다시 확인해 주세요.")
        expiry = mileage_expiry(earned)
        rows.append((earned, expiry, is_mileage_valid(earned, turn.today), (expiry - turn.today).days))
    return _rule(render("rule_mileage", rows=rows, today=turn.today, fmt=format_date, source=MILEAGE))


# -- documents ----------------------------------------------------------------------------------------------


def _documents(turn: Turn, data: dict[str, Any], said: Said | None) -> Reply:
    """Which documents, by what the member said; one yes/no question at a time when needed."""
    facts: dict[str, Any] = dict(data.get("facts") or {})
    if said is not None:
        asking = data.get("asking")
        answer = yes_no(said.text)
        if asking in QUESTIONS and asking != "total_assets_won" and answer is not None:
            facts[asking] = answer
        stated = document_facts(said)
        if asking == "total_assets_won" and said.amounts and "total_assets_won" not in stated:
            stated["total_assets_won"] = said.amounts[0].won
        facts.update(stated)
        data.setdefault("focus", _document_focus(said))
    data["facts"] = facts
    result = required_documents(DocumentFacts(**facts))
    focus = str(data.get("focus", "all"))
    if focus == "all":
        turn.end_flow()
        return _rule(render("rule_documents_all", d=result))
    item, bucket = _find_item(result, focus)
    question = _next_question(focus, bucket, DocumentFacts(**facts))
    buttons: list[Button] = []
    if question is None:
        turn.end_flow()
    else:
        data["asking"] = question
        turn.start_flow(NAME, **data)
        code = next((c for c, name in FACT_CODES.items() if name == question), None)
        if code is not None:
            buttons = [Button("예", f"{NAME}:yes:{code}"), Button("아니요", f"{NAME}:no:{code}")]
    return _rule(render("rule_document", item=item, bucket=bucket, headline=_document_headline(item, bucket),
                        question=QUESTIONS.get(question or ""), notes=result.notes), buttons)


def _document_focus(said: Said) -> str:
    """The document asked about: the consent form, the property-tax certificate, or all."""
    if said.has("동의서"):
        return "consent"
    if said.has("과세", "납세증명", "재산현황"):
        return "tax"
    # "재산세 60만원이면 뭐 내요?" asks for the whole list; "재산세 60만원이면 내요?" for the certificate.
    if said.has("재산세") and not said.has("뭐", "무엇", "무슨", "어떤", "서류"):
        return "tax"
    return "all"


def _find_item(result: DocumentList, focus: str) -> tuple[DocumentItem, str]:
    """The focused document and its bucket."""
    word = "동의서" if focus == "consent" else "과세"
    for bucket in ("required", "not_needed", "undetermined", "optional"):
        for item in getattr(result, bucket):
            if word in item.name:
                return item, bucket
    raise LookupError(focus)  # the rules always list both documents


def _next_question(focus: str, bucket: str, facts: DocumentFacts) -> str | None:
    """The one fact still needed to settle the focused document, or None."""
    if focus == "tax":
        taxed = facts.ceo_net_property_tax_won is not None and facts.ceo_net_property_tax_won >= PROPERTY_TAX_THRESHOLD
        return "externally_audited" if taxed and facts.externally_audited is None else None
    if bucket != "undetermined":
        return None
    small = facts.total_assets_won is not None and facts.total_assets_won < CONSENT_ASSET_THRESHOLD
    if facts.externally_audited is None and not small:
        return "externally_audited"
    if facts.externally_audited and facts.total_assets_won is None:
        return "total_assets_won"
    if facts.consent_submitted_last_year is None:
        return "consent_submitted_last_year"
    if facts.consent_submitted_last_year and facts.ceo_changed_since is None:
        return "ceo_changed_since"
    return None


def _document_headline(item: DocumentItem, bucket: str) -> str:
    """The first sentence: whether the focused document is to be submitted."""
    if bucket == "required":
        return f"{item.name}{_josa(item.name, '을', '를')} 제출하셔야 합니다."
    if bucket == "not_needed":
        return f"{item.name}{_josa(item.name, '은', '는')} 제출하지 않으셔도 됩니다."
    if bucket == "optional":
        return f"{item.name}{_josa(item.name, '은', '는')} 필수 서류가 아니라, 내시면 가점이 되는 임의 제출서류입니다."
    return f"{item.name} 제출 여부는 몇 가지를 더 확인해야 알 수 있습니다."


def _josa(word: str, with_final: str, without_final: str) -> str:
    """The particle that fits the last Hangul syllable of word (을/를, 은/는)."""
    for ch in reversed(word):
        if "가" <= ch <= "힣":
            return with_final if (ord(ch) - 0xAC00) % 28 else without_final
    return with_final


# -- evaluation exclusions ------------------------------------------------------------------------------------


def _evaluation(turn: Turn, data: dict[str, Any], said: Said | None) -> Reply:
    """Whether the stated facts allow a credit rating (제2절 3)."""
    turn.end_flow()
    facts = evaluation_facts(said) if said is not None else {}
    result = assess(EvaluationFacts(**facts))
    overdue_unclear = said is not None and said.has("연체") and "loan_overdue_days" not in facts
    return _rule(render("rule_evaluation", r=result, overdue_unclear=overdue_unclear))


# -- buttons -----------------------------------------------------------------------------------------------


def _month_button(turn: Turn, value: str) -> Reply | None:
    if not value.isdigit() or not 1 <= int(value) <= 12:
        return None
    data: dict[str, Any] = dict(turn.flow_data()) if _flow_topic(turn) == "rating" else {"topic": "rating"}
    data.update(month=int(value), fye=None)
    return _run(turn, "rating", data, None)


def _kind_button(turn: Turn, value: str) -> Reply | None:
    kind = KIND_CODES.get(value)
    if kind is None:
        return None
    data: dict[str, Any] = dict(turn.flow_data()) if _flow_topic(turn) == "notice" else {"topic": "notice"}
    data.update(kinds=[kind], picked=True)
    return _run(turn, "notice", data, None)


def _fact_button(answer: bool) -> Callable[[Turn, str], Reply | None]:
    def press(turn: Turn, value: str) -> Reply | None:
        fact = FACT_CODES.get(value)
        if fact is None or _flow_topic(turn) != "documents":
            return None  # the question belongs to a conversation that has ended
        data = dict(turn.flow_data())
        data["facts"] = {**(data.get("facts") or {}), fact: answer}
        return _run(turn, "documents", data, None)
    return press


def _topic_button(turn: Turn, value: str) -> Reply | None:
    if value not in ("rating", "notice", "mileage"):
        return None
    return _run(turn, value, {"topic": value}, None)


def _flow_topic(turn: Turn) -> str | None:
    """The topic of our flow in this chat, if we hold it."""
    return str(turn.flow_data().get("topic")) if turn.flow() == NAME else None


_TOPICS: dict[str, Callable[[Turn, dict[str, Any], Said | None], Reply]] = {
    "rating": _rating, "notice": _notice, "mileage": _mileage, "documents": _documents,
    "evaluation": _evaluation,
}
_BUTTONS: dict[str, Callable[[Turn, str], Reply | None]] = {
    "month": _month_button, "kind": _kind_button, "yes": _fact_button(True), "no": _fact_button(False),
    "topic": _topic_button,
}

__all__ = ["DeadlineCapability", "Said", "claims", "document_facts", "evaluation_facts", "topic_of"]
