"""Issue 12 in Telegram, end to end (the real application polling the fake Bot API on 127.0.0.1):
follow-ups, a flow called off in words, /cancel answered once, related-question and full-list
buttons opening a new message, groups (no location keyboard, one pin, /sms with a link into the
private chat from getMe's username), stickers and voice, and inline mode."""

from __future__ import annotations

from typing import Any

from fakebotapi import BOT_USERNAME, Call, FakeBotApi, iter_buttons

USER = 5001
GROUP = -100_777


async def settled(api: FakeBotApi, chat_id: int, since: int) -> list[Call]:
    """Every message sent to `chat_id` after `since`, once a /help sent after them is answered:
    one chat's updates are handled in order, so nothing of the earlier ones is still to come."""
    mark = api.mark()
    api.message(chat_id, "/help")
    (help_reply,) = await api.wait_for("sendMessage", chat_id=chat_id, since=mark,
                                       where=lambda c: c.text.startswith("<b>조합 도우미 사용법"))
    sent = api.calls_of("sendMessage", chat_id=chat_id, since=since)
    return sent[: sent.index(help_reply)]


async def test_a_follow_up_is_read_against_the_branch_just_shown(fake_api: FakeBotApi, bot: Any) -> None:
    phone = await fake_api.ask(USER, "수원지점 전화번호")
    assert phone.text.startswith("<b>수원지점 전화번호는 031-253-1501입니다.</b>")
    fax = await fake_api.ask(USER, "거기 팩스는?")
    assert fax.text.startswith("<b>수원지점 팩스번호는 031-271-3066입니다.</b>")


async def test_words_call_a_flow_off_and_cancel_answers_once(fake_api: FakeBotApi, bot: Any) -> None:
    menu = await fake_api.ask(USER, "/deadline")
    since = fake_api.mark()
    fake_api.press(fake_api.sent_message(menu), "deadline:topic:notice")
    await fake_api.wait_for("editMessageText", since=since)
    cancelled = await fake_api.ask(USER, "그만")
    assert cancelled.text.startswith("<b>진행 중이던 대화를 취소했습니다.")
    # A chat whose keyboard is not known (its first message, or after a restart) is sent the
    # keyboard's removal: with it, /cancel is still one message, with no buttons to carry apart.
    since = fake_api.mark()
    fake_api.message(USER + 1, "/cancel")
    answered = await fake_api.reply(USER + 1, since=since)
    assert answered.text.startswith("<b>취소할 진행 중인 대화가 없습니다.")
    assert answered.markup == {"remove_keyboard": True}
    sent = await settled(fake_api, USER + 1, since)
    assert [c.text for c in sent] == [answered.text]


async def test_a_related_question_opens_a_new_message_and_the_answer_stays(fake_api: FakeBotApi, bot: Any) -> None:
    answer = await fake_api.ask(USER, "신용평가 수수료 있나요")
    related = next(d for d in answer.button_data() if d.startswith("+faq:"))
    since = fake_api.mark()
    fake_api.press(fake_api.sent_message(answer), related)
    new = (await fake_api.wait_for("sendMessage", chat_id=USER, since=since))[0]
    assert new.text and fake_api.calls_of("editMessageText", since=since) == []
    assert fake_api.messages[(USER, answer.result["message_id"])]["text"] == answer.text  # still on screen


async def test_the_full_list_button_opens_a_new_message(fake_api: FakeBotApi, bot: Any) -> None:
    info = await fake_api.ask(USER, "수원지점 팩스")
    since = fake_api.mark()
    fake_api.press(fake_api.sent_message(info), "+branch:list")
    listing = (await fake_api.wait_for("sendMessage", chat_id=USER, since=since))[0]
    assert "전국 지점은 모두 35곳입니다" in listing.text
    assert fake_api.calls_of("editMessageText", since=since) == []


async def test_in_a_group_no_location_keyboard_one_pin_and_sms_links_to_the_private_chat(
        fake_api: FakeBotApi, bot: Any) -> None:
    asked = await fake_api.ask(GROUP, f"/branch@{BOT_USERNAME}", user_id=USER, chat_type="supergroup")
    assert "keyboard" not in asked.markup and "위치 보내기 버튼" not in asked.text
    since = fake_api.mark()
    fake_api.message(GROUP, f"@{BOT_USERNAME} 분당 근처 지점", user_id=USER, chat_type="supergroup")
    await fake_api.reply(GROUP, since=since)
    await settled(fake_api, GROUP, since)
    assert len(fake_api.calls_of("sendVenue", chat_id=GROUP, since=since)) == 1
    sms = await fake_api.ask(GROUP, f"/sms@{BOT_USERNAME}", user_id=USER, chat_type="supergroup")
    assert "1:1 대화에서만" in sms.text
    assert list(iter_buttons(sms.markup)) == [{"text": "1:1 대화에서 열기", "url": f"https://t.me/{BOT_USERNAME}?start=sms"}]


async def test_a_sticker_and_a_voice_message_get_a_short_friendly_reply(fake_api: FakeBotApi, bot: Any) -> None:
    since = fake_api.mark()
    fake_api.media(USER, "sticker")
    sticker = await fake_api.reply(USER, since=since)
    assert sticker.text == "😊 스티커 잘 받았습니다. 궁금한 점을 글로 적어 주시면 안내해 드리겠습니다."
    since = fake_api.mark()
    fake_api.media(USER, "voice")
    voice = await fake_api.reply(USER, since=since)
    assert voice.text == "죄송합니다. 음성 메시지는 아직 알아듣지 못합니다. 궁금한 점을 글로 적어 주세요."


async def test_inline_mode_offers_the_best_answers_to_share(fake_api: FakeBotApi, bot: Any) -> None:
    since = fake_api.mark()
    fake_api.inline_query(USER, "신용평가 수수료")
    (answered,) = await fake_api.wait_for("answerInlineQuery", since=since)
    results = answered.params["results"]
    assert answered.params["inline_query_id"] == "iq-1"
    assert results[0]["type"] == "article" and results[0]["id"] == "rating-fee"
    assert results[0]["title"] == "신용평가 신청 시 수수료가 발생하나요?"
    content = results[0]["input_message_content"]
    assert content["parse_mode"] == "HTML" and content["message_text"].startswith("<b>아니요, 신용평가 시 수수료는")
    assert "<i>출처: 2017년도 신용평가 업무안내" in content["message_text"]
    assert len({r["id"] for r in results}) == len(results) <= 5


async def test_an_empty_inline_query_is_answered_with_nothing(fake_api: FakeBotApi, bot: Any) -> None:
    since = fake_api.mark()
    fake_api.inline_query(USER, "")
    (answered,) = await fake_api.wait_for("answerInlineQuery", since=since)
    assert answered.params["results"] == []
