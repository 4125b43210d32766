"""What members get back from the guides, on questions of our own: an answer that holds when
the message comes with a greeting and background, two neighbouring entries shown together
rather than a guess, and an honest decline, with whom to ask, for what the guides do not say
(another body's procedure, a rate they never give, a topic next to theirs)."""

from __future__ import annotations

import pytest

from bot.faq.capability import ANSWER_BESIDES, MAX_OWN_QUESTIONS
from support import engine, faq_index, press, say


def test_a_long_message_with_greeting_and_background_is_answered() -> None:
    reply = say(engine(), "안녕하세요, 경리 담당자입니다. 올해 처음 신평 준비하는데요. "
                          "세무사무실에서 재무제표를 보내주면 저희는 부속명세서만 따로 내면 되나요?")
    assert reply.kind == "answer"
    assert "부속명세서" in reply.text and "출처:" in reply.text


def test_two_entries_the_ranking_cannot_tell_apart_are_answered_together() -> None:
    message = "안녕하세요, 경리 담당자입니다. 올해 처음 신평 준비하는데요. 세무사무실에서 재무제표를 보내주면 저희는 부속명세서만 따로 내면 되나요?"
    ranking = faq_index().rank(message)
    assert ranking.companion is not None
    reply = say(engine(), message)
    assert ranking.companion.entry.answer.splitlines()[0] in reply.text
    assert reply.text.count("출처:") == 2
    assert len(reply.text) <= 4096


def test_another_question_the_ranking_is_sure_of_is_answered_in_full_below_the_first() -> None:
    reply = say(engine(), "세무대리인 안내문은 누가 세무사한테 전달해요? 재무제표 전송하면 수수료 드나요?")
    assert reply.kind == "answer" and reply.entry_id == "guide-tax-agent-notice"
    assert "함께 물어보신 것 · 재무제표를 전송할 때 수수료가 드나요?" in reply.text
    assert "수수료는 절대 발생하지 않습니다" in reply.text
    assert "faq:guide-statement-sending-fee" not in [b.payload for b in reply.buttons]
    assert reply.text.count("출처:") == 2 and len(reply.text) <= 4096


def test_another_question_the_ranking_is_less_sure_of_is_offered_first_among_the_buttons() -> None:
    bot = engine()
    message = "원클릭 마지막 인증은 결제 아닌 거 맞죠? 그리고 제출한 건 어디서 확인해요"
    second = faq_index().rank("제출한 건 어디서 확인해요")
    assert second.outcome == "answer" and second.confidence < ANSWER_BESIDES
    reply = say(bot, message)
    assert reply.kind == "answer" and reply.entry_id == "guide-oneclick-consent-not-payment"
    assert reply.buttons[0].payload == "faq:guide-oneclick-result-check"
    assert reply.text.endswith("함께 물어보신 내용은 아래 「원클릭으로 제출한 결과는 어디서 확인하나요?」 버튼에서 보실 수 있습니다.")
    assert press(bot, reply.buttons[0].payload).entry_id == "guide-oneclick-result-check"


def test_one_question_offers_nothing_besides() -> None:
    reply = say(engine(), "세무대리인 안내문은 누가 세무사한테 전달해요?")
    assert reply.kind == "answer" and "함께 물어보신 내용" not in reply.text


@pytest.mark.parametrize(("message", "topic", "contact"), [
    ("B등급이면 보증수수료 할인율이 몇 %예요?", "oos-guarantee-fee-rate", "관할 지점"),
    ("출자증권 잃어버렸는데 재발급 어떻게 해요", "oos-investment-certificate", "관할 지점"),
])
def test_a_question_next_to_the_guides_is_declined_with_whom_to_ask(message: str, topic: str, contact: str) -> None:
    ranking = faq_index().rank(message)
    assert ranking.outcome == "fallback"
    assert ranking.declined is not None and ranking.declined.id == topic
    reply = say(engine(), message)
    assert reply.kind == "fallback"
    assert "찾지 못했습니다" in reply.text and ranking.declined.why in reply.text and contact in reply.text


def test_a_declined_question_still_offers_the_entries_that_share_its_words() -> None:
    reply = say(engine(), "출자증권 잃어버렸는데 재발급 어떻게 해요")
    assert reply.buttons and all(b.payload.startswith("faq:") for b in reply.buttons)
    assert "guide-early-warning-items" in [b.payload.removeprefix("faq:") for b in reply.buttons]


def test_another_bodys_procedure_is_not_answered_with_our_window() -> None:
    assert faq_index().rank("기계설비건설공제조합 신용평가도 4월에 접수해요?").outcome != "answer"


@pytest.mark.parametrize("text", ["오늘 점심 뭐 먹지", "점심 뭐 먹지"])
def test_small_talk_the_guides_never_touch_gets_the_menu_not_near_entries(text: str) -> None:
    reply = say(engine(), text)
    assert reply.kind in ("fallback", "chat")
    assert not any(b.payload.startswith("faq:") for b in reply.buttons)
    # Not declined as a cooperative topic that merely shares a word (a branch's lunch hours).
    assert "그 내용(" not in reply.text


def test_a_message_of_many_questions_ranks_only_the_first_few_on_their_own(monkeypatch: pytest.MonkeyPatch) -> None:
    index = faq_index()
    ranked: list[str] = []
    rank = index.rank
    monkeypatch.setattr(index, "rank", lambda text, limit=5: ranked.append(text) or rank(text, limit))
    say(engine(), " ".join(["신용평가 수수료 있나요?", "재무제표는 누가 보내나요?"] * 10))
    assert len(ranked) == 1 + MAX_OWN_QUESTIONS  # the message, then its first questions
