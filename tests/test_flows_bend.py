"""Flows that bend instead of breaking (issue 12, §2, and the manners of §5 the engine keeps):
words that call a flow off, questions answered on the side with the flow kept, asking to do a
thing starts it, an answer's button opens its own calculator, a request switches the SMS flow,
numbers typed for choices, small talk, /help and /cancel."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_sms_support import MEMBERS

from bot.conversation import Event, Reply
from bot.engine import Engine, command_list
from support import TODAY, engine, press, say

KEPT = "(진행 중이던 대화는 이어서 하실 수 있습니다. 그만두시려면 \"취소\"나 /cancel 을 입력해 주세요.)"
ASK_END = "보증 종료일을 알려 주시면 보증해제 안내 문자 발송일을 계산해 드리겠습니다(예: 2027년 1월 15일 또는 2027.1.15)."
ASK_MONTH = "결산월을 알려 주시면 신용평가 정기 신청기간과 등급 유효기한을 계산해 드리겠습니다. 아래에서 결산월을 눌러 주세요."
ASK_EARNED = "마일리지가 적립된 날짜를 알려 주시면 언제까지 쓰실 수 있는지 계산해 드리겠습니다(예: 2026년 3월 5일)."


def flow(bot: Engine, chat: str = "t1") -> object:
    return bot.states.load(chat).get("flow")


def first_line(reply: Reply) -> str:
    return reply.text.splitlines()[0]


# -- calling a flow off ----------------------------------------------------------------------------


@pytest.mark.parametrize("words", ["취소", "그만", "됐어요", "취소할게요", "그만할게요"])
def test_words_that_call_a_flow_off_cancel_it_as_the_command_does(words: str) -> None:
    bot = engine()
    assert first_line(press(bot, "deadline:topic:notice")) == ASK_END
    reply = say(bot, words)
    assert reply.text == "진행 중이던 대화를 취소했습니다. 저장된 내용은 없습니다.\n다른 궁금한 점을 입력해 주세요."
    assert reply.buttons == [] and reply.keyboard == "remove" and flow(bot) is None
    assert say(bot, "12월 10일").kind != "rule"  # nothing of the cancelled question is kept


def test_cancel_answers_once_with_nothing_to_cancel() -> None:
    bot = engine()
    reply = bot.handle("t1", Event.from_text("/cancel"), today=TODAY)
    assert reply.text == "취소할 진행 중인 대화가 없습니다.\n다른 궁금한 점을 입력해 주세요."
    assert reply.buttons == []


# -- questions on the side -------------------------------------------------------------------------


def test_a_question_mid_flow_is_answered_and_the_flow_kept_every_time() -> None:
    bot = engine()
    press(bot, "deadline:topic:notice")
    for question in ("신용평가 수수료가 있나요?", "공인인증서 발급은행을 바꾸려면 어떻게 하나요?"):
        aside = say(bot, question)
        assert aside.kind == "answer" and aside.text.endswith(KEPT)
        assert flow(bot) == "deadline"
    done = say(bot, "2027년 1월 9일")
    assert first_line(done) == "보증 종료일이 2027년 1월 9일(토)이면 보증해제 안내 문자는 2026년 12월 24일(목)에 발송됩니다."


def test_an_unsure_question_mid_flow_shows_suggestions_and_keeps_the_flow() -> None:
    bot = engine()
    press(bot, "deadline:topic:mileage")
    aside = say(bot, "수수료?")
    assert aside.kind == "suggest" and aside.text.endswith(KEPT)
    assert flow(bot) == "deadline"


def test_what_a_flow_cannot_use_is_answered_as_new_and_the_flow_still_waits() -> None:
    bot = engine()
    press(bot, "deadline:topic:rating")
    reply = say(bot, "몰라요 그런 거")
    assert reply.text.endswith(KEPT) and flow(bot) == "deadline"
    assert press(bot, "deadline:month:12").kind == "rule"
    assert flow(bot) is None


def test_a_branch_flow_survives_a_question_for_the_faq() -> None:
    bot = engine()
    say(bot, "/branch")
    assert say(bot, "신용평가 수수료가 있나요?").text.endswith(KEPT)
    assert first_line(say(bot, "분당")).startswith("경기도 성남시 분당구에서 가장 가까운 지점은 성남지점입니다")


# -- asking to do a thing starts it ----------------------------------------------------------------


@pytest.mark.parametrize(("text", "asked"), [
    ("해제 문자 발송일 계산해줘", ASK_END), ("해제문자 날짜 계산", ASK_END), ("신평 신청기간 계산해줘", ASK_MONTH),
    ("마일리지 유효기간 계산", ASK_EARNED),
])
def test_asking_for_a_calculation_starts_it(text: str, asked: str) -> None:
    bot = engine()
    reply = say(bot, text)
    assert reply.kind == "rule" and first_line(reply) == asked
    assert flow(bot) == "deadline"


def test_how_a_rating_is_calculated_is_a_question_for_the_faq() -> None:
    assert say(engine(), "신용평가 점수는 어떻게 계산하나요?").kind != "rule"


@pytest.mark.parametrize(("entry", "action", "asked"), [
    ("sms-release-notice", "menu:deadline:notice", ASK_END), ("sms-mileage", "menu:deadline:mileage", ASK_EARNED),
    ("guide-application-window", "menu:deadline:rating", ASK_MONTH),
])
def test_an_answers_calculate_button_opens_that_answers_calculator(entry: str, action: str, asked: str) -> None:
    bot = engine()
    answer = press(bot, f"faq:{entry}")
    button = next(b for b in answer.buttons if b.payload.startswith("menu:deadline"))
    assert button.payload == action and button.follow_on
    assert first_line(press(bot, action)) == asked


def test_a_request_while_a_number_is_awaited_starts_what_it_asks() -> None:
    bot = engine()
    bot.by_name["sms"].registry.import_members(MEMBERS)  # type: ignore[attr-defined]
    for text in ("수신자 추가", "1001", "홍길동"):
        asked = say(bot, text)
    staff = next(b.payload for b in asked.buttons if b.label == "담당자")  # the flow's own button
    assert press(bot, staff).keyboard == "contact"
    reply = say(bot, "문자 그만 받고 싶어요")
    assert first_line(reply) == "수신거부하실 휴대전화 번호를 확인하겠습니다."
    assert bot.states.load("t1")["data"]["action"] == "opt_out"


# -- numbers typed for choices ---------------------------------------------------------------------


def test_a_number_picks_one_of_the_choices_shown() -> None:
    bot = engine()
    suggestion = say(bot, "수수료")
    assert suggestion.kind == "suggest" and len(suggestion.buttons) == 3
    picked = say(bot, "2번이요")
    assert picked.kind == "answer" and picked.entry_id == suggestion.candidates[1].id


def test_a_number_outside_the_choices_lists_them_again() -> None:
    bot = engine()
    suggestion = say(bot, "수수료")
    reply = say(bot, "5")
    assert reply.text == "5번은 없는 선택지입니다. 1번부터 3번 가운데에서 골라 주세요."
    assert [b.payload for b in reply.buttons] == [b.payload for b in suggestion.buttons]
    assert bot.feedback.report() == []  # not a question the guides failed to answer


def test_a_number_after_a_reply_without_choices_is_not_a_question() -> None:
    bot = engine()
    say(bot, "감사합니다")
    reply = say(bot, "2")
    assert reply.text == "지금은 고르실 번호가 없습니다. 궁금한 점을 평소 말씀하시듯 적어 주세요."
    assert reply.kind == "chat"


def test_a_number_a_flow_asked_for_reaches_the_flow() -> None:
    bot = engine()
    press(bot, "deadline:topic:rating")
    assert first_line(say(bot, "12")).startswith("다음 정기 신청기간은 2026년 12월 31일(목) 결산 기준")  # 12월
    bot.by_name["sms"].registry.import_members(MEMBERS)  # type: ignore[attr-defined]
    say(bot, "수신자 추가")
    reply = say(bot, "1001")  # a member number, not a choice: the flow takes it and asks the name
    assert reply.kind == "sms" and "성함" in reply.text


# -- small talk and the capability list ------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("ㅋㅋ", "😊 더 궁금한 점이 있으시면 편하게 물어봐 주세요."),
    ("ㅎㅎㅎ", "😊 더 궁금한 점이 있으시면 편하게 물어봐 주세요."),
    ("^^", "😊 더 궁금한 점이 있으시면 편하게 물어봐 주세요."),
    ("??", "어떤 점이 궁금하신가요? 평소 말씀하시듯 적어 주시면 안내자료에서 찾아 드리겠습니다."),
    ("감사합니다", "도움이 되었다니 다행입니다. 더 궁금한 점이 있으시면 언제든 물어봐 주세요."),
    ("감사합니다 덕분에 많이 도움됐어요", "도움이 되었다니 다행입니다. 더 궁금한 점이 있으시면 언제든 물어봐 주세요."),
    ("네 해결됐어요 ㅎㅎ", "도움이 되었다니 다행입니다. 더 궁금한 점이 있으시면 언제든 물어봐 주세요."),
])
def test_small_talk_gets_a_short_reply_without_the_capability_list(text: str, expected: str) -> None:
    reply = say(engine(), text)
    assert reply.kind == "chat" and first_line(reply) == expected
    assert "이런 것을 도와드릴 수 있습니다" not in reply.text


@pytest.mark.parametrize("text", ["너 사람이야 봇이야?", "혹시 상담원이세요?", "챗봇인가요", "이거 봇이죠?"])
def test_asked_who_is_answering_the_bot_says_it_is_a_bot_and_whom_to_call(text: str) -> None:
    reply = say(engine(), text)
    assert reply.kind == "chat" and first_line(reply).startswith("저는 사람이 아니라 자동으로 답하는 안내 봇")
    assert "02-3449-8738" in reply.text and "이런 것을 도와드릴 수 있습니다" in reply.text


@pytest.mark.parametrize("text", ["도움 받을 수 있나요", "사람 몇 명까지 등록돼요?", "직원이 대신 신청해도 되나요",
                                  "직원이요?", "사람", "해결됐어요?"])
def test_questions_that_share_those_words_are_not_small_talk(text: str) -> None:
    assert say(engine(), text).kind != "chat"


@pytest.mark.parametrize(("media", "expected"), [
    ("sticker", "😊 스티커 잘 받았습니다. 궁금한 점을 글로 적어 주시면 안내해 드리겠습니다."),
    ("voice", "죄송합니다. 음성 메시지는 아직 알아듣지 못합니다. 궁금한 점을 글로 적어 주세요."),
    ("photo", "죄송합니다. 사진이나 파일은 아직 읽지 못합니다. 궁금한 점을 글로 적어 주세요."),
])
def test_what_the_bot_cannot_read_gets_a_friendly_line(media: str, expected: str) -> None:
    reply = engine().handle("t1", Event(kind="media", media=media), today=TODAY)
    assert reply.kind == "chat" and reply.text == expected


def test_the_fallback_reads_naturally_and_lists_the_capabilities_once() -> None:
    bot = engine()
    first = say(bot, "오늘 서울 날씨 어때요")
    assert first.kind == "fallback"
    assert first_line(first) == ("죄송합니다. 그 내용은 제가 가진 안내자료(조합업무 Q&A, 2017년도 신용평가 업무안내)에서 "
                                 "찾지 못했습니다.")
    assert "이(가)" not in first.text and "이런 것을 도와드릴 수 있습니다" in first.text
    second = say(bot, "비트코인 시세 알려줘")
    assert second.kind == "fallback" and "이런 것을 도와드릴 수 있습니다" not in second.text
    assert second.buttons  # the menu buttons stay


def test_help_lists_every_command_a_member_has_and_an_admin_their_own() -> None:
    bot = engine()
    member = bot.handle("t1", Event.from_text("/help"), today=TODAY).text
    for command in command_list(bot.capabilities):
        assert f"/{command.name} {command.help}" in member
    assert "/report" not in member
    admin = bot.handle("t2", Event.from_text("/help", is_admin=True), today=TODAY).text
    for command in command_list(bot.capabilities, admin=True):
        assert f"/{command.name} {command.help}" in admin  # /report, /inbox, /reload too


# Pieces of what members type around flows and follow-ups, put together at random.
PIECES = ["그건", "거기", "팩스는?", "전화번호는요?", "유효기간은요?", "그럼", "6월", "결산이면요?", "아니", "3천만원이요",
          "천오백만원", "다음 달 20일", "이번달 말", "모레", "10000년", "1월 5일", "취소", "그만", "ㅋㅋ", "??", "2", "5", "12",
          "김해", "동구", "본점", "해제 문자", "계산해줘", "마일리지", "신평", "수원지점", "근처", "지점", "/branch", "/deadline",
          "/sms", "/cancel", "문자 그만 받고 싶어요", "수수료", "하자보증", "999만 9999원", "010-1234-5678", "평양", "어디서 해요?"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(PIECES), min_size=1, max_size=3).map(" ".join), min_size=1, max_size=6),
       st.booleans())
def test_any_conversation_gets_replies_never_the_apology(messages: list[str], press_offered: bool) -> None:
    bot = engine()
    for text in messages:
        offered = bot.states.load("t1").get("offered") or []
        reply = press(bot, offered[-1][1]) if press_offered and offered else say(bot, text)
        assert reply.text.strip() and "문제가 생겼습니다" not in reply.text
        assert len(reply.text) <= 4096
