"""Rule calculators in chat, through the engine: which messages are claimed, the dates replied,
missing values asked for with buttons and completed over several turns, polite refusals."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from bot.app import Services, faq_actions, load_services
from bot.conversation import Event, Reply, Turn
from bot.dates.capability import DatesCapability
from bot.engine import Engine
from bot.faq.capability import FaqCapability
from bot.settings import Settings
from bot.storage import open_db
from bot.storage.feedback import FeedbackStore
from bot.storage.state import StateStore

TODAY = date(2026, 11, 22)
RULE_NOTE = "2017년도 업무안내의 규칙을 해당 연도에 그대로 적용해"


@pytest.fixture(scope="module")
def services() -> Services:
    """Knowledge and the Kiwi analyser, loaded once for this module."""
    return load_services(Settings(), db_path=None)


@pytest.fixture(scope="module")
def deadlines() -> DatesCapability:
    return DatesCapability(TODAY)


@pytest.fixture
def engine(services: Services, deadlines: DatesCapability) -> Iterator[Engine]:
    """The deadline capability before the FAQ, on a fresh in-memory database."""
    db = open_db(None)
    yield Engine([deadlines, FaqCapability(services.faq, faq_actions())], StateStore(db), FeedbackStore(db))


def say(engine: Engine, text: str, chat: str = "c1", today: date = TODAY) -> Reply:
    return engine.handle(chat, Event.from_text(text), today=today)


def press(engine: Engine, payload: str, chat: str = "c1", today: date = TODAY) -> Reply:
    return engine.handle(chat, Event(kind="button", payload=payload), today=today)


def rule(reply: Reply) -> str:
    """The reply's text, after checking it is a calculator's reply."""
    assert reply.kind == "rule", reply.text
    assert all(len(b.payload.encode()) <= 64 for b in reply.buttons)
    return reply.text


def first_line(reply: Reply) -> str:
    return rule(reply).splitlines()[0]


# -- credit rating ------------------------------------------------------------------------------------

# The guide's table, asked in different words and formats: window start, end and held validity.
GUIDE_CASES = [
    ("결산일 2016.12.31 기준으로 신청기간 알려 주세요", "2017년 4월 1일", "2017년 6월 10일", "2017년 6월 30일"),
    ("2017-03-31 결산 법인 신청은 언제부터 언제까지요", "2017년 7월 1일", "2017년 9월 10일", "2017년 9월 30일"),
    ("17.06.30 결산인데 신청 기간", "2017년 10월 1일", "2017년 12월 10일", "2017년 12월 31일"),
    ("2017년 9월 30일이 결산일이면 신용평가 언제 신청하나요", "2018년 1월 1일", "2018년 3월 10일", "2018년 3월 31일"),
]


@pytest.mark.parametrize(("text", "start", "end", "held"), GUIDE_CASES)
def test_guide_table_in_chat(engine: Engine, text: str, start: str, end: str, held: str) -> None:
    reply = say(engine, text)
    head = first_line(reply)
    assert start in head and end in head
    assert held in reply.text
    assert "출처: 2017년도 신용평가 업무안내 제2절 2" in reply.text
    assert "표에 그대로 나와 있는 날짜" in reply.text
    assert "업무거래에 제한" in reply.text


def test_other_years_say_the_rule_was_applied(engine: Engine) -> None:
    reply = say(engine, "2028년 2월 29일 결산이면 신청기간이 언제예요?")
    assert "2028년 6월 1일(목)부터 2028년 8월 10일(목)까지" in first_line(reply)
    assert RULE_NOTE in reply.text


def test_validity_focus_answers_validity_first(engine: Engine) -> None:
    reply = say(engine, "결산일이 2025.12.31이면 지금 등급 언제까지 유효해요?")
    assert "2026년 6월 30일(화)까지 유효" in first_line(reply)
    assert "2027년 6월 30일" in reply.text  # the new rating's validity follows


def test_year_words_resolve_against_today(engine: Engine) -> None:
    reply = say(engine, "작년 12월 말 결산 기준으로 언제까지 신청해야 하나요")
    assert "2025년 12월 31일(수) 결산" in first_line(reply)
    assert "2026년 6월 10일" in first_line(reply)
    assert "이미 지났습니다" in reply.text


def test_month_without_year_gives_the_next_open_window(engine: Engine) -> None:
    reply = say(engine, "3월 결산 법인은 신용평가 언제 신청해요?")
    head = first_line(reply)
    assert "2027년 3월 31일" in head and "2027년 7월 1일" in head and "2027년 9월 10일" in head
    assert "지난 신청기간(2026년 3월 결산): 2026년 7월 1일(수) ~ 2026년 9월 10일(목)" in reply.text
    assert RULE_NOTE in reply.text


def test_month_whose_window_is_open_says_so(engine: Engine) -> None:
    reply = say(engine, "6월 결산인데 언제까지 신청해요", today=date(2026, 11, 1))
    assert first_line(reply).startswith("지금이 2026년 6월 30일(화) 결산 정기 신청기간입니다")


def test_fiscal_year_said_as_accounting_year(engine: Engine) -> None:
    reply = say(engine, "회계연도가 3월에 끝나는 회사는 언제 신청하나요")
    assert "2027년 7월 1일(목)부터 2027년 9월 10일(금)까지" in first_line(reply)


def test_validity_asked_alongside_not_having_applied(engine: Engine) -> None:
    reply = say(engine, "12월말 결산인데 아직 신청 안 했어요. 등급 언제까지 유효해요?")
    assert "유효합니다" in first_line(reply)
    assert "2026년 6월 30일(화)에 유효기한이 끝났습니다" in reply.text


def test_validity_on_a_day(engine: Engine) -> None:
    valid = say(engine, "2024년 12월 결산으로 받은 등급이 2026년 5월 1일에도 유효한가요?")
    assert first_line(valid).startswith("네, 유효합니다.")
    lapsed = say(engine, "2024년 12월 결산 등급 지금도 유효해요?")
    assert first_line(lapsed).startswith("아니요")
    assert "2026년 6월 30일(화)에 유효기한이 끝났습니다" in lapsed.text


def test_a_named_day_is_placed_against_the_window(engine: Engine) -> None:
    reply = say(engine, "2027년 3월 결산인데 2027년 5월 1일에 신청해도 되나요?")
    assert "2027년 7월 1일(목)부터 2027년 9월 10일(금)까지" in first_line(reply)
    assert "2027년 5월 1일(토)은 정기 신청기간 전입니다." in reply.text


def test_a_validity_date_is_not_a_fiscal_year_end(deadlines: DatesCapability) -> None:
    turn = Turn("c", Event.from_text("등급 유효기한이 2027년 6월 30일인데 언제 신청하나요"), {}, TODAY)
    assert deadlines.on_text(turn) is None


def test_fiscal_day_must_be_a_month_end(engine: Engine) -> None:
    text = rule(say(engine, "2025년 3월 15일 결산이면 언제 신청해요"))
    assert "결산일은 월말이어야 합니다" in text


def test_missing_month_is_asked_with_buttons_then_completed(engine: Engine) -> None:
    asked = say(engine, "결산 기준으로 신용평가 언제까지 신청해야 돼요?")
    assert "결산월을 알려 주시면" in rule(asked)
    assert [b.payload for b in asked.buttons] == [f"deadline:month:{m}" for m in range(1, 13)]
    done = press(engine, "deadline:month:3")
    assert "2027년 7월 1일(목)부터 2027년 9월 10일(금)까지" in first_line(done)
    assert done.buttons == []


def test_year_is_kept_while_the_month_is_asked(engine: Engine) -> None:
    assert "2024년 결산월" in rule(say(engine, "2024년 결산 기준 신청기간 언제예요"))
    done = say(engine, "9월이요")
    assert "2024년 9월 30일(월) 결산이면" in first_line(done)
    assert "2025년 1월 1일(수)부터 2025년 3월 10일(월)까지" in first_line(done)


def test_month_button_works_without_a_flow(engine: Engine) -> None:
    reply = press(engine, "deadline:month:12", chat="fresh")
    assert "2027년 4월 1일(목)부터 2027년 6월 10일(목)까지" in first_line(reply)


# -- guarantee-release SMS ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "send"), [
    ("선급금보증 5천만원 보증기간 종료일이 2027.1.9인데 해제 문자 언제 받나요", "2026년 12월 24일(목)"),
    ("지급보증 3억 만기 2026년 10월 10일이면 보증해제 문자 며칠에 와요", "2026년 9월 23일(수)"),
    ("계약이행보증 1억5천 종료일 2027-02-24 해제 안내 문자 발송일", "2027년 2월 5일(금)"),
])
def test_send_date_over_holidays(engine: Engine, text: str, send: str) -> None:
    reply = say(engine, text, today=date(2026, 9, 1))
    assert send in first_line(reply)
    assert "대상입니다" in reply.text
    assert "영업일이 아니어서" in reply.text
    assert "출처: 조합업무 Q&A 보증해제대상 정보 문자메시지" in reply.text


@pytest.mark.parametrize(("text", "why"), [
    ("입찰보증 종료일 2027년 3월 2일인데 해제 문자 오나요", "입찰보증은 보증해제 안내 문자 대상이 아닙니다"),
    ("하자보수보증 2억 만기 2027.5.31 해제문자 언제 와요", "하자보수보증은 보증해제 안내 문자 대상이 아닙니다"),
    ("계약보증 500만원 종료일 2027년 3월 2일 해제 문자 와요?", "1천만원 미만(5,000,000원)"),
])
def test_not_eligible_says_why(engine: Engine, text: str, why: str) -> None:
    reply = say(engine, text)
    assert why in first_line(reply)
    assert "입찰보증·하자보수보증을 제외한" in reply.text


def test_missing_kind_gives_the_date_with_the_condition_and_kind_buttons(engine: Engine) -> None:
    reply = say(engine, "보증 종료일이 12월 10일이면 해제 문자는 언제 와요?")
    assert "2026년 11월 25일(수)에 발송됩니다" in first_line(reply)
    assert "연도를 말씀하지 않으셔서 2026년으로" in reply.text
    assert "1천만원 이상인 보증만 문자 대상" in reply.text
    assert "deadline:kind:defect" in [b.payload for b in reply.buttons]
    excluded = press(engine, "deadline:kind:defect")
    assert "하자보수보증은 보증해제 안내 문자 대상이 아닙니다" in first_line(excluded)
    eligible = press(engine, "deadline:kind:contract")
    assert "2026년 11월 25일(수)" in first_line(eligible)
    assert "계약보증은 대상 보증입니다" in eligible.text


@pytest.mark.parametrize("text", ["보증기간 ~2027.01.20 문자 언제 와요", "보증 해지 문자, 2027-01-20 종료예요"])
def test_other_ways_of_naming_the_end(engine: Engine, text: str) -> None:
    assert "2027년 1월 5일(화)에 발송됩니다" in first_line(say(engine, text))


def test_missing_end_date_is_asked_then_completed(engine: Engine) -> None:
    asked = say(engine, "공사이행보증 2억 보증해제 문자 언제 와요")
    assert "보증 종료일을 알려 주시면" in first_line(asked)
    done = say(engine, "2027년 1월 16일이요")
    assert "2026년 12월 31일(목)에 발송됩니다" in first_line(done)
    assert "공사이행보증이고 보증금액이 1천만원 이상(200,000,000원)" in done.text


def test_an_end_date_in_the_past_still_gets_its_day_said_as_past(engine: Engine) -> None:
    reply = say(engine, "계약보증 1억 종료일 2025년 3월 3일 해제 문자 언제 와요")
    assert first_line(reply) == ("보증 종료일이 2025년 3월 3일(월)이면 보증해제 안내 문자 발송일은 2025년 2월 14일(금)이었습니다. "
                                 "종료일과 발송일 모두 이미 지났습니다.")
    assert reply.buttons == []
    corrected = say(engine, "아 2027년 3월 3일이에요")
    assert "2027년 2월 16일(화)" in first_line(corrected)


def test_negative_amount_is_refused_politely(engine: Engine) -> None:
    reply = say(engine, "계약보증 -5천만원 종료일 2027.3.2 해제 문자")
    assert first_line(reply) == "보증금액은 0원 이상으로 알려 주세요."


def test_send_date_already_past(engine: Engine) -> None:
    reply = say(engine, "계약보증 2억 종료일이 2026년 11월 30일이면 해제 안내 문자 언제 와요")
    assert "2026년 11월 13일(금)로, 이미 지났습니다" in first_line(reply)


# -- impossible dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "message"), [
    ("2월 30일 결산이면 언제 신청해요", "2월 30일은 없는 날짜입니다."),
    ("보증 종료일 2027년 2월 29일이면 해제 문자 언제 와요", "2027년 2월 29일은 없는 날짜입니다."),
    ("마일리지 2026년 4월 31일에 적립됐는데 언제까지 써요", "2026년 4월 31일은 없는 날짜입니다."),
])
def test_impossible_date(engine: Engine, text: str, message: str) -> None:
    reply = say(engine, text)
    assert first_line(reply).startswith(message)


# -- mileage, documents, evaluation ------------------------------------------------------------------------


def test_mileage_expiry(engine: Engine) -> None:
    reply = say(engine, "문자 마일리지 2026년 3월 5일에 적립됐는데 언제까지 써요")
    assert "2027년 3월 5일(금)까지 쓰실 수 있습니다" in first_line(reply)
    expired = say(engine, "마일리지가 2025.3.5 적립분인데 아직 쓸 수 있나요")
    assert "이미 유효기간이 지났습니다" in first_line(expired)


def test_consent_form_not_needed_for_large_audited(engine: Engine) -> None:
    reply = say(engine, "저희는 외감법인이고 총자산이 200억인데 동의서도 제출하나요?")
    assert "제출하지 않으셔도 됩니다" in first_line(reply)
    assert reply.buttons == []


def test_consent_form_questions_one_at_a_time(engine: Engine) -> None:
    asked = say(engine, "자산 90억짜리 회사인데 신용평가 동의서 내야 해요?")
    assert "작년 신용평가 때 이 동의서를 제출하셨나요?" in rule(asked)
    assert [b.label for b in asked.buttons] == ["예", "아니요"]
    then = press(engine, "deadline:yes:consent")
    assert "대표이사가 바뀌었나요?" in rule(then)
    done = say(engine, "네 바뀌었어요")
    assert "제출하셔야 합니다" in first_line(done)


def test_typed_assets_complete_the_consent_question(engine: Engine) -> None:
    asked = say(engine, "외감법인인데 동의서 제출해야 하나요?")
    assert "총자산이 얼마인지" in rule(asked)
    done = say(engine, "150억이요")
    assert "제출하지 않으셔도 됩니다" in first_line(done)


def test_consent_renewal_stated_in_one_message(engine: Engine) -> None:
    reply = say(engine, "동의서 작년에 제출했고 대표이사 안 바뀌었는데 또 내야 돼요?")
    assert "제출하지 않으셔도 됩니다" in first_line(reply)
    changed = say(engine, "비외감인데 작년에 동의서 냈지만 대표가 바뀌었어요. 동의서 내요?")
    assert "제출하셔야 합니다" in first_line(changed)


def test_property_tax_certificate_asks_audit_status(engine: Engine) -> None:
    asked = say(engine, "대표님 재산세가 70만원인데 세목별 과세증명서 내야 하나요")
    assert "외감법인" in rule(asked)
    done = press(engine, "deadline:no:audited")
    assert "임의 제출서류" in first_line(done)
    assert "700,000원" in done.text


def test_property_tax_below_threshold(engine: Engine) -> None:
    reply = say(engine, "대표 재산세 30만원이면 과세증명서 안 내도 되나요")
    assert "제출하지 않으셔도 됩니다" in first_line(reply)


@pytest.mark.parametrize(("text", "fragment"), [
    ("결산 재무제표가 1년치뿐인데 신용평가 받을 수 있을까요", "2개 사업연도"),
    ("작년에 당좌거래정지 처분을 받았는데 신용평가 되나요", "당좌거래정지"),
    ("조합 융자금이 100일 연체 중인데 평가 신청 가능해요?", "연체 100일"),
])
def test_evaluation_exclusions(engine: Engine, text: str, fragment: str) -> None:
    reply = say(engine, text)
    assert "받으실 수 없습니다" in first_line(reply)
    assert fragment in reply.text
    assert "제2절 3" in reply.text


def test_provisional_allowance_lifts_rehabilitation(engine: Engine) -> None:
    reply = say(engine, "회생절차 신청했지만 잠정허용 받았는데 신용평가 받을 수 있나요")
    assert "받으실 수 있습니다" in first_line(reply)
    assert "잠정허용" in reply.text


# -- what is left to the FAQ, and leaving the flow --------------------------------------------------------

FAQ_STYLE = [
    "신용평가 신청 기간은 보통 언제예요",
    "신용등급 유효기간이 얼마나 돼요",
    "보증해제 문자는 언제 보내 주나요",
    "하자보수보증도 해제 문자를 받나요",
    "입찰보증은 해제 안내 문자 대상인가요",
    "동의서는 매년 내야 하나요",
    "세목별 과세증명서는 누가 제출해요",
    "문자 마일리지 유효기간",
    "신용평가 제외대상이 뭐예요",
    "재무제표가 몇 년치 있어야 평가받나요",
    "신용평가 수수료가 있나요",
    # A value is given, but the question is when or which year: the calculators never say that.
    "대표 재산세 60만원 기준은 어느 해 재산세로 봐요",
    "재산세 50만원 넘으면 증명서는 언제까지 내요",
    "재산세 60만원 넘으면 증명서는 몇일까지 내요",
]


def test_whether_at_any_time_is_still_the_documents_calculators(engine: Engine) -> None:
    assert say(engine, "대표 재산세 70만원인데 세목별 과세증명서 언제든 내도 되나요").kind == "rule"


@pytest.mark.parametrize("text", FAQ_STYLE)
def test_rule_questions_without_values_are_left_to_the_faq(deadlines: DatesCapability, text: str) -> None:
    turn = Turn("c", Event.from_text(text), {}, TODAY)
    assert deadlines.on_text(turn) is None
    assert turn.state == {}


def test_a_question_asked_mid_flow_is_answered_and_the_flow_kept(engine: Engine) -> None:
    rule(say(engine, "결산 기준으로 언제까지 신청해요?"))
    reply = say(engine, "신용평가 수수료가 있나요?")
    assert reply.kind == "answer"
    assert "이어서 하실 수 있습니다" in reply.text
    assert engine.states.load("c1").get("flow") == "deadline"


def test_a_new_calculation_replaces_the_flow(engine: Engine) -> None:
    rule(say(engine, "공사이행보증 2억 보증해제 문자 언제 와요"))
    reply = say(engine, "2017.03.31 결산이면 신청기간은요?")
    assert "2017년 7월 1일(토)부터 2017년 9월 10일(일)까지" in first_line(reply)


def test_yes_no_buttons_of_an_ended_conversation_are_stale(engine: Engine) -> None:
    reply = press(engine, "deadline:yes:consent", chat="other")
    assert reply.kind == "chat"


def test_command_menu_and_topic_buttons(engine: Engine) -> None:
    menu = engine.handle("c1", Event.from_text("/deadline"), today=TODAY)
    assert [b.payload for b in menu.buttons] == ["deadline:topic:rating", "deadline:topic:notice",
                                                 "deadline:topic:mileage"]
    asked = press(engine, "deadline:topic:mileage")
    assert "적립된 날짜를 알려 주시면" in rule(asked)
    done = say(engine, "2026년 10월 2일")
    assert "2027년 10월 2일(토)까지" in first_line(done)


def test_command_with_an_argument(engine: Engine) -> None:
    reply = engine.handle("c1", Event.from_text("/deadline 9월 결산"), today=TODAY)
    assert "2027년 1월 1일" in first_line(reply)


def test_help_menu_lists_the_capability(engine: Engine) -> None:
    assert "날짜 계산" in engine.handle("c1", Event.from_text("/help"), today=TODAY).text


# -- issue 12: amounts and dates as people write them ------------------------------------------------


@pytest.mark.parametrize(("text", "line"), [
    ("계약보증 천오백만원 종료일 2027년 1월 20일 해제 문자 언제", "계약보증이고 보증금액이 1천만원 이상(15,000,000원)이라 대상입니다."),
    ("선급금보증 일억오천만원, 2027년 1월 20일 끝나요. 해제 문자 언제?", "선급금보증이고 보증금액이 1천만원 이상(150,000,000원)이라 대상입니다."),
    ("계약보증 3천5백만원 2027.1.20 종료 해제문자", "계약보증이고 보증금액이 1천만원 이상(35,000,000원)이라 대상입니다."),
    ("지급보증 1억2천 2027.1.20 종료 해제문자", "지급보증이고 보증금액이 1천만원 이상(120,000,000원)이라 대상입니다."),
])
def test_amounts_in_words_decide_eligibility(engine: Engine, text: str, line: str) -> None:
    assert f"- {line}" in rule(say(engine, text))


def test_one_won_short_of_ten_million_is_not_eligible(engine: Engine) -> None:
    reply = say(engine, "계약보증 999만 9999원 종료일 2027.3.3 해제문자")
    assert first_line(reply) == "보증금액이 1천만원 미만(9,999,999원)이라 대상이 아닙니다."


def test_a_five_digit_year_is_refused_not_read_as_next_year(engine: Engine) -> None:
    reply = say(engine, "보증 종료 10000년 1월 5일 해제 문자")
    assert first_line(reply) == "10000년은 날짜로 볼 수 없는 연도입니다. 연도를 다시 확인해 주세요(예: 2027년)."


@pytest.mark.parametrize(("text", "send"), [
    ("다음 달 15일 끝나는 선급금보증 5천만원 문자 언제", "2026년 11월 30일(월)"),
    ("계약보증 1억 이번 달 말 종료, 해제 문자 언제 와요", "2026년 11월 13일(금)"),
    ("계약보증 1억 모레 끝나는데 해제 문자는요?", "2026년 11월 9일(월)"),
])
def test_end_dates_said_against_today(engine: Engine, text: str, send: str) -> None:
    assert send in first_line(say(engine, text))


def test_next_years_window_for_a_december_year_end_is_next_years(engine: Engine) -> None:
    reply = say(engine, "12월 결산인데 내년 신청기간 알려주세요")
    assert first_line(reply) == ("2026년 12월 31일(목) 결산이면 정기 신청기간은 2027년 4월 1일(목)부터 "
                                 "2027년 6월 10일(목)까지입니다.")


def test_this_years_fiscal_year_and_next_years_application(engine: Engine) -> None:
    reply = say(engine, "12월 결산이에요. 올해 결산으로 내년에 신평 신청할 때 기간이 어떻게 되나요?", today=date(2026, 12, 14))
    assert "2027년 4월 1일(목)부터 2027년 6월 10일(목)까지" in first_line(reply)
    assert "- 직전 결산으로 받은 등급 유효기한: 2027년 6월 30일(수)" in reply.text


@pytest.mark.parametrize(("text", "earned", "until"), [
    ("오늘 발급받은 보증서 마일리지 언제까지", "2026년 11월 22일(일)", "2027년 11월 22일(월)"),
    ("지난달 10일에 보증서 발급받아서 쌓인 문자 마일리지, 언제까지 써야 돼요?", "2026년 10월 10일(토)", "2027년 10월 10일(일)"),
    ("어제 적립된 마일리지 유효기간", "2026년 11월 21일(토)", "2027년 11월 21일(일)"),
])
def test_mileage_earned_on_a_day_said_against_today(engine: Engine, text: str, earned: str, until: str) -> None:
    assert first_line(say(engine, text)).startswith(f"{earned}에 적립된 마일리지는 {until}까지 쓰실 수 있습니다.")


def test_a_second_question_the_guides_answer_is_answered_below_the_date(engine: Engine) -> None:
    reply = say(engine, "보증 종료 2027.4.30, 금액 2천. 해제문자 언제 오고, 수신거부는 어디서 등록해요?")
    assert first_line(reply).endswith("2027년 4월 15일(목)에 발송됩니다.")
    second = reply.text.split("함께 물어보신 것 · ", 1)[1]
    assert second.startswith("보증해제대상 문자메시지를 받고 싶지 않으면 어떻게 하나요?")
    assert "마이페이지(SMS 수신자 등록)" in second
    assert "menu:sms" in [b.payload for b in reply.buttons]
    # The calculation stays what the conversation is about: "6월 결산이면요?" still reads against it.
    assert engine.states.load("c1")["topic"]["owner"] == "deadline"


def test_a_second_question_the_ranking_is_unsure_of_is_offered_as_a_button(engine: Engine) -> None:
    reply = say(engine, "보증 종료 2027.4.30, 금액 2천. 해제문자 언제 오고, 받는 담당자 바꾸려면요?")
    assert first_line(reply).endswith("2027년 4월 15일(목)에 발송됩니다.")
    assert "함께 물어보신 것 · " not in reply.text
    assert reply.text.endswith("함께 물어보신 내용은 아래 「보증해제대상 문자메시지를 대표이사 말고 다른 담당자도 받을 수 있나요?」"
                               " 버튼에서 보실 수 있습니다.")
    assert "faq:sms-release-add-recipient" in [b.payload for b in reply.buttons]


@pytest.mark.parametrize("text", [
    # Typed as the entry's own question: it is that entry's, though the send-date entry is near.
    "보증 종료 2027.4.30, 금액 2천. 해제문자 언제 와요? 보증해제대상 문자메시지를 받고 싶지 않으면 어떻게 하나요?",
    # The mileage calculator answered: the send-date entry near the question is not its own.
    "2026년 1월 5일 적립된 마일리지 언제까지 써요? 보증해제대상 문자메시지를 받고 싶지 않으면 어떻게 하나요?",
])
def test_a_second_question_beside_another_calculators_entry_is_still_answered(engine: Engine, text: str) -> None:
    reply = rule(say(engine, text))
    assert "함께 물어보신 것 · 보증해제대상 문자메시지를 받고 싶지 않으면 어떻게 하나요?" in reply


@pytest.mark.parametrize("text", [
    # One question: nothing is added.
    "보증 종료 2027.4.30, 금액 2천. 해제문자 언제 와요?",
    # Two questions, both the calculator's own (the entries it serves would repeat its reply).
    "12월 결산이에요. 올해 결산으로 내년에 신평 신청할 때 기간이 어떻게 되고, 지금 쓰는 등급은 언제 끝나요?",
    # The second too short to be read alone.
    "하자보수보증 3천만원이 2027년 6월 30일에 끝나요. 해제 문자 오나요? 오면 언제요?",
])
def test_nothing_is_added_without_a_second_question_of_another_kind(engine: Engine, text: str) -> None:
    assert "함께 물어보신 것" not in rule(say(engine, text))
