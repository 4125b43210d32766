"""The engine as every channel sees it: small talk, commands, deep links, suggestions pressed
as buttons, feedback, honest fallbacks, and state that survives a new engine on the same file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import Services, build_engine
from bot.conversation import Event
from bot.sms.registry import Registry
from bot.storage import open_db
from bot.storage.feedback import FeedbackStore
from support import TODAY, engine, knowledge, press, say, services


def test_a_greeting_gets_the_menu_not_an_faq_entry() -> None:
    reply = say(engine(), "안녕하세요!")
    assert reply.kind == "chat"
    assert "도와드릴" in reply.text
    assert reply.candidates == []


def test_thanks_and_a_word_containing_thanks_are_told_apart() -> None:
    bot = engine()
    assert say(bot, "감사합니다 ^^").kind == "chat"
    assert say(bot, "감사보고서 내야 하나요").kind in ("answer", "suggest")


def test_a_confident_answer_names_its_source_and_offers_feedback() -> None:
    reply = say(engine(), "공인인증서 발급 은행을 바꾸고 싶어요")
    assert reply.kind == "answer"
    assert reply.candidates[0].id == "cert-change-bank"
    assert "출처: 조합업무 Q&A" in reply.text
    assert reply.feedback_ref is not None and reply.feedback_ref.isdigit()  # the answer's record, not its text
    assert reply.text.splitlines()[0].strip()


def test_a_suggestion_pressed_as_a_button_answers_it() -> None:
    bot = engine()
    reply = say(bot, "수수료")
    assert reply.kind == "suggest"
    assert reply.text.startswith("혹시 이 질문을 찾으셨나요?")
    assert [b.payload for b in reply.buttons] == [f"faq:{c.id}" for c in reply.candidates]
    chosen = press(bot, reply.buttons[0].payload)
    assert chosen.kind == "answer"
    assert bot.feedback.db.execute("SELECT entry_id FROM feedback_answers WHERE id = ?",
                                   [int(chosen.feedback_ref or 0)]).fetchone()[0] == reply.candidates[0].id


def test_a_fallback_says_so_points_to_a_contact_and_is_logged_for_the_report() -> None:
    bot = engine()
    reply = say(bot, "오늘 서울 날씨 어때요")
    assert reply.kind == "fallback"
    assert "찾지 못했습니다" in reply.text
    assert "02-3449-8738" in reply.text
    assert [line.question for line in bot.feedback.report()] == ["오늘 서울 날씨 어때요"]


def test_thumbs_down_is_stored_with_the_question_and_masks_numbers() -> None:
    bot = engine()
    first = say(bot, "010-1234-5678 번호로 문자 안 와요 수수료 있어요?")
    # Answered outright, or one of the suggestions taken: either way an answer to vote on.
    answer = first if first.kind == "answer" else press(bot, first.buttons[0].payload)
    assert answer.kind == "answer"
    reply = press(bot, f"fb:down:{answer.feedback_ref}")
    assert reply.kind == "chat"
    [line] = bot.feedback.report()
    assert line.downvotes == 1 and line.entry_id == first.candidates[0].id
    assert "1234" not in line.question and "5678" in line.question


def test_commands_help_cancel_unknown_and_deep_links() -> None:
    bot = engine()
    start = bot.handle("c", Event.from_text("/start"), today=TODAY)
    assert start.kind == "chat" and "조합 도우미" in start.text
    assert "/help" in bot.handle("c", Event.from_text("/help"), today=TODAY).text
    assert "없는 명령" in bot.handle("c", Event.from_text("/frobnicate"), today=TODAY).text
    assert "취소할 진행 중인 대화가 없습니다" in bot.handle("c", Event.from_text("/cancel"), today=TODAY).text
    assert bot.handle("c", Event.from_text("/start@johap_bot"), today=TODAY).kind == "chat"


def test_odd_input_gets_a_polite_reply() -> None:
    bot = engine()
    assert "비어 있습니다" in say(bot, "   ").text
    assert say(bot, "가" * 20_000).kind in ("fallback", "suggest", "answer")
    assert "사용할 수 없습니다" in press(bot, "faq:no-such-entry").text
    assert "사용할 수 없습니다" in press(bot, "nonsense").text


def test_state_survives_a_new_engine_on_the_same_database(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"

    def fresh() -> Services:
        base = services()
        db = open_db(path)
        return Services(base.settings, base.knowledge_dir, db, base.faq, FeedbackStore(db), Registry(db))

    first = build_engine(fresh())
    say(first, "010 번호 말고 수수료 질문입니다", chat="42")
    second = build_engine(fresh())
    assert second.states.load("42")["last_question"].endswith("수수료 질문입니다")


def test_every_entry_answer_fits_one_telegram_message() -> None:
    bot = engine()
    for entry in knowledge().entries:
        reply = press(bot, f"faq:{entry.id}")
        assert reply.kind == "answer"
        assert len(reply.text) <= 4096


def test_an_answer_about_something_the_bot_can_do_offers_to_do_it() -> None:
    bot = engine()
    reply = press(bot, "faq:sms-release-optout")
    assert reply.buttons[0].payload == "menu:sms"
    started = press(bot, "menu:sms")
    assert started.kind == "sms"


def test_a_question_in_the_middle_of_a_flow_is_answered_and_the_flow_goes_on() -> None:
    bot = engine()
    say(bot, "문자 그만 받고 싶어요")
    assert bot.states.load("t1").get("flow") == "sms"
    aside = say(bot, "공인인증서 발급은행을 바꾸려면 어떻게 하나요?")
    assert aside.kind == "answer" and "/cancel" in aside.text
    assert bot.states.load("t1").get("flow") == "sms"
    # What the flow waits for (a name, a number, "동의합니다") still reaches it.
    assert say(bot, "동의합니다").kind == "sms"


def test_a_failing_capability_costs_an_apology_not_the_conversation(caplog: pytest.LogCaptureFixture) -> None:
    bot = engine()
    say(bot, "문자 그만 받고 싶어요")
    before = bot.states.load("t1")

    def broken(turn: object) -> None:
        raise RuntimeError("boom")

    bot.by_name["sms"].on_text = broken  # type: ignore[method-assign]
    reply = say(bot, "010-1234-5678")
    assert reply.kind == "chat" and "문제가 생겼습니다" in reply.text
    assert bot.states.load("t1") == before
    assert "1234" not in caplog.text
