"""End to end: the real application (build_application, polling for real over HTTP) against the
fake Bot API on 127.0.0.1. Every path of issue 3: /start with and without a deep link, a FAQ
answer with 👍/👎, a did-you-mean press edited in place, a 👎 and the admin report showing it, an
admin command from a non-admin, group messages with and without a mention, a 429, a 403, a
restart in the middle of a conversation, and webhook mode with its secret token."""

from __future__ import annotations

import json
import logging
import re
import socket
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import ADMIN_ID, StartBot, services_on
from fakebotapi import BOT_USERNAME, Call, FakeBotApi

from bot.app import Services, build_engine
from bot.conversation import Event, Reply
from bot.engine import Engine
from bot.handlers.render import callback_data, plan
from bot.settings import Settings

USER = 1001
OTHER_USER = 1002
GROUP = -100_555

# Short questions; the tests take the first the current knowledge base answers in the way needed,
# so they keep working as the knowledge base grows.
CONFIDENT = ["신용평가 수수료가 있나요?", "문자메시지 마일리지는 무엇인가요?", "공동인증서 은행을 바꾸려면?"]
UNSURE = ["조기경보", "등급", "서류", "신청", "인증서", "기간", "제출", "보증", "전송", "결산", "서식"]


@pytest.fixture(scope="module")
def reference_engine(base_services: Services) -> Engine:
    return build_engine(services_on(base_services, Settings(db_path=Path(":memory:"))))


@pytest.fixture(scope="module")
def reference(reference_engine: Engine) -> Any:
    """The engine's own reply to an event, on a scratch database: what the bot must convey."""

    def reply(event: Event, chat: str = "") -> Reply:
        return reference_engine.handle(chat or f"reference-{uuid.uuid4().hex}", event)

    return reply


def first_of(reference: Any, questions: list[str], kind: str) -> str:
    for question in questions:
        if reference(Event.from_text(question)).kind == kind:
            return question
    raise AssertionError(f"none of {questions} gets a '{kind}' reply any more: update the test's list")


def html_of(reply: Reply) -> str:
    return plan(reply)[0].html


async def conveyed(api: FakeBotApi, chat_id: int, since: int, reply: Reply) -> list[Call]:
    """Wait for every message and venue that carries `reply` and check each against the plan."""
    outgoing = plan(reply)
    venues = sum(1 for o in outgoing if o.venue is not None)
    await api.wait_for("sendMessage", chat_id=chat_id, since=since, count=len(outgoing) - venues)
    if venues:
        await api.wait_for("sendVenue", chat_id=chat_id, since=since, count=venues)
    calls = [c for c in api.calls[since:] if c.method in ("sendMessage", "sendVenue") and c.chat_id == chat_id]
    assert len(calls) == len(outgoing)
    for call, out in zip(calls, outgoing, strict=True):
        if out.venue is not None:
            assert call.method == "sendVenue"
            assert (call.params["latitude"], call.params["longitude"], call.params["title"]) == (
                out.venue.latitude, out.venue.longitude, out.venue.title)
        else:
            assert call.text == out.html
        # Flow buttons carry a nonce of their own conversation: compared without it.
        assert without_nonces(call.markup) == without_nonces(out.markup.to_dict() if out.markup else {})
    return calls


def without_nonces(markup: dict[str, Any]) -> str:
    return re.sub(r'"(\w+):[0-9a-f]{8}:', r'"\1:<nonce>:', json.dumps(markup, sort_keys=True))


async def test_the_command_menu_is_set_at_start_up_with_report_for_admins(fake_api: FakeBotApi, bot: Any) -> None:
    everyone = await fake_api.wait_for("setMyCommands", where=lambda c: c.params["scope"]["type"] == "default")
    admins = await fake_api.wait_for("setMyCommands", where=lambda c: c.params["scope"]["type"] == "chat")
    names = [c["command"] for c in everyone[0].params["commands"]]
    assert names == ["start", "help", "branch", "deadline", "sms", "cancel"]
    assert all(c["description"] for c in everyone[0].params["commands"])
    assert admins[0].params["scope"]["chat_id"] == ADMIN_ID
    assert [c["command"] for c in admins[0].params["commands"]][-3:] == ["report", "inbox", "reload"]


async def test_start_greets_in_html_with_the_menu(fake_api: FakeBotApi, bot: Any, reference: Any) -> None:
    call = await fake_api.ask(USER, "/start")
    expected = reference(Event.from_text("/start"))
    assert call.text == html_of(expected)
    assert call.params["parse_mode"] == "HTML"
    assert call.text.startswith("<b>")
    assert call.button_data() == [callback_data(b) for b in expected.buttons]


@pytest.mark.parametrize("argument", ["branch", "sms"])
async def test_a_start_deep_link_behaves_as_its_command(fake_api: FakeBotApi, bot: Any, reference: Any,
                                                        reference_engine: Engine, argument: str) -> None:
    call = await fake_api.ask(USER, f"/start {argument}")
    # t.me/<bot>?start=branch is /branch once a capability owns it, the welcome until then.
    same_as = f"/{argument}" if argument in reference_engine.by_command else "/start"
    assert call.text == html_of(reference(Event.from_text(same_as)))


async def test_a_faq_question_is_answered_with_thumbs(fake_api: FakeBotApi, bot: Any, reference: Any) -> None:
    question = first_of(reference, CONFIDENT, "answer")
    expected = reference(Event.from_text(question))
    call = await fake_api.ask(USER, question)
    assert call.text == html_of(expected)
    assert "<i>출처:" in call.text
    up, down = call.button_data()[-2:]  # the answer's record number, not text: nothing to forge
    assert re.fullmatch(r"fb:up:\d+", up) and down == "fb:down:" + up.removeprefix("fb:up:")


async def test_a_did_you_mean_press_is_answered_and_edited_in_place(fake_api: FakeBotApi, bot: Any,
                                                                    reference: Any) -> None:
    question = first_of(reference, UNSURE, "suggest")
    suggestion = await fake_api.ask(USER, question)
    choice = suggestion.button_data()[0]
    assert choice.startswith("faq:")
    since = fake_api.mark()
    fake_api.press(fake_api.sent_message(suggestion), choice)
    edit = (await fake_api.wait_for("editMessageText", since=since))[0]
    answered = fake_api.calls_of("answerCallbackQuery", since=since)
    assert len(answered) == 1 and answered[0].at <= edit.at
    assert edit.params["message_id"] == fake_api.sent_message(suggestion)["message_id"]
    assert edit.text == html_of(reference(Event(kind="button", payload=choice)))
    assert re.fullmatch(r"fb:down:\d+", edit.button_data()[-1])
    assert fake_api.calls_of("sendMessage", since=since) == []  # nothing piled up


async def test_a_thumbs_down_is_acknowledged_and_shows_in_the_admin_report(fake_api: FakeBotApi, bot: Any,
                                                                           reference: Any) -> None:
    question = first_of(reference, CONFIDENT, "answer")
    answer = await fake_api.ask(USER, question)
    since = fake_api.mark()
    fake_api.press(fake_api.sent_message(answer), answer.button_data()[-1])
    markup = (await fake_api.wait_for("editMessageReplyMarkup", since=since))[0]
    toast = fake_api.calls_of("answerCallbackQuery", since=since)[0]
    assert "의견 감사합니다" in toast.params["text"]
    assert not any(d.startswith("fb:") for d in markup.button_data())
    report = await fake_api.ask(ADMIN_ID, "/report")
    assert question in report.text and "👎 1회" in report.text


async def test_an_admin_command_from_a_non_admin_is_refused(fake_api: FakeBotApi, bot: Any) -> None:
    reply = await fake_api.ask(USER, "/report")
    assert "관리자만" in reply.text
    assert "많은 순" not in reply.text


async def test_in_a_group_only_commands_mentions_and_replies_are_answered(fake_api: FakeBotApi, bot: Any,
                                                                          reference: Any) -> None:
    question = first_of(reference, CONFIDENT, "answer")
    since = fake_api.mark()
    fake_api.message(GROUP, question, user_id=USER, chat_type="supergroup")  # not for the bot
    fake_api.message(GROUP, "/help@other_bot", user_id=USER, chat_type="supergroup")  # another bot's
    mentioned = fake_api.message(GROUP, f"@{BOT_USERNAME} {question}", user_id=USER, chat_type="supergroup")
    reply = await fake_api.reply(GROUP, since=since)
    assert reply.text == html_of(reference(Event.from_text(question)))  # the mention was taken out
    assert reply.params["reply_parameters"]["message_id"] == mentioned["message"]["message_id"]

    since = fake_api.mark()
    fake_api.message(GROUP, question, user_id=OTHER_USER, chat_type="supergroup",
                     reply_to=fake_api.sent_message(reply))
    fake_api.message(GROUP, f"/help@{BOT_USERNAME}", user_id=OTHER_USER, chat_type="supergroup")
    replies = await fake_api.wait_for("sendMessage", chat_id=GROUP, since=since, count=2)
    assert replies[1].text == html_of(reference(Event.from_text("/help")))
    assert len(fake_api.calls_of("sendMessage", chat_id=GROUP)) == 3


async def test_the_rate_limiter_is_in_the_way_only_when_asked_for(fake_api: FakeBotApi, start_bot: StartBot) -> None:
    async with start_bot(BOT_RATE_LIMITER="1") as application:
        assert application.bot.rate_limiter is not None
        reply = await fake_api.ask(USER, "/help")
    assert reply.params["parse_mode"] == "HTML"


async def test_flood_control_is_waited_out_and_the_reply_still_arrives(fake_api: FakeBotApi, bot: Any) -> None:
    fake_api.fail("sendMessage", status=429, retry_after=1)
    since = fake_api.mark()
    reply = await fake_api.ask(USER, "/help")
    refused = [c for c in fake_api.calls[since:] if c.method == "sendMessage" and c.status == 429]
    assert len(refused) == 1
    assert reply.at - refused[0].at >= 0.9  # retried after retry_after, not before


async def test_a_blocked_user_is_logged_once_and_others_are_still_served(
        fake_api: FakeBotApi, bot: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    fake_api.fail("sendMessage", status=403, chat_id=OTHER_USER, times=None)
    for text in ("/start", "/help", "안녕하세요"):
        fake_api.message(OTHER_USER, text)
    await fake_api.ask(USER, "/help")  # served meanwhile
    await fake_api.wait_for("sendMessage", chat_id=OTHER_USER, status=403, count=3)
    await fake_api.ask(USER, "/start")  # and afterwards
    refused = [c for c in fake_api.calls if c.chat_id == OTHER_USER]
    assert [c.status for c in refused] == [403, 403, 403]  # one try per message, no retries
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING and str(OTHER_USER) in r.getMessage()]
    assert len(warnings) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_restart_in_the_middle_of_a_conversation_continues_it(fake_api: FakeBotApi, start_bot: StartBot,
                                                                     reference: Any) -> None:
    question = first_of(reference, UNSURE, "suggest")
    async with start_bot():
        suggestion = await fake_api.ask(USER, question)
    # A new process on the same BOT_DB: the buttons of the old message still work, and the
    # conversation's state (the question asked before the restart) is still there.
    async with start_bot():
        since = fake_api.mark()
        fake_api.press(fake_api.sent_message(suggestion), suggestion.button_data()[0])
        answer = (await fake_api.wait_for("editMessageText", since=since))[0]
        since = fake_api.mark()
        fake_api.press(fake_api.sent_message(answer), answer.button_data()[-1])  # 👎
        await fake_api.wait_for("editMessageReplyMarkup", since=since)
        report = await fake_api.ask(ADMIN_ID, "/report")
    assert f"{question} (👎 1회)" in report.text


async def test_a_restart_between_the_steps_of_a_flow_resumes_it(fake_api: FakeBotApi, start_bot: StartBot,
                                                               reference: Any, reference_engine: Engine) -> None:
    if "deadline" not in reference_engine.by_command:
        pytest.skip("no multi-step flow installed")
    steps = [Event.from_text("/deadline"), Event(kind="button", payload="deadline:topic:rating"),
             Event.from_text("12월")]
    expected = [reference(step, "restart-flow") for step in steps]
    async with start_bot():
        menu = await fake_api.ask(USER, "/deadline")
        since = fake_api.mark()
        fake_api.press(fake_api.sent_message(menu), "deadline:topic:rating")
        asked = (await fake_api.wait_for("editMessageText", since=since))[0]
        assert asked.text == html_of(expected[1])
    async with start_bot():  # a new process on the same BOT_DB
        answer = await fake_api.ask(USER, "12월")
    assert answer.text == html_of(expected[2])  # the month answered the question asked before
    assert answer.text != html_of(reference(Event.from_text("12월")))  # not what "12월" alone gets


async def test_branch_offers_the_location_button_and_answers_a_location_with_pins(
        fake_api: FakeBotApi, bot: Any, reference: Any) -> None:
    flow = "branch-flow"
    since = fake_api.mark()
    fake_api.message(USER, "/branch")
    await conveyed(fake_api, USER, since, reference(Event.from_text("/branch"), flow))
    since = fake_api.mark()
    fake_api.location(USER, 37.5013, 127.0396)
    expected = reference(Event(kind="location", location=(37.5013, 127.0396), user_id=USER), flow)
    await conveyed(fake_api, USER, since, expected)


async def test_a_shared_contact_reaches_the_engine_verified_only_when_it_is_ones_own(
        fake_api: FakeBotApi, bot: Any, reference: Any) -> None:
    since = fake_api.mark()
    fake_api.contact(USER, "+821012345678", contact_user_id=USER)
    await conveyed(fake_api, USER, since, reference(Event(kind="contact", phone="+821012345678", user_id=USER)))
    since = fake_api.mark()
    fake_api.contact(OTHER_USER, "+821012345678", contact_user_id=USER)  # someone else's card
    await conveyed(fake_api, OTHER_USER, since, reference(Event(kind="text", text="+821012345678")))


async def test_webhook_mode_checks_the_secret_token(fake_api: FakeBotApi, bot_env: dict[str, str],
                                                    base_services: Services) -> None:
    from bot.telegram_app import build_application, webhook_options

    port = _free_port()
    settings = Settings.from_env({**bot_env, "BOT_WEBHOOK_URL": "https://bot.example.org/telegram/hook",
                                  "BOT_WEBHOOK_SECRET": "s3cret-token", "BOT_WEBHOOK_LISTEN": "127.0.0.1",
                                  "BOT_WEBHOOK_PORT": str(port)})
    services = services_on(base_services, settings)
    application = build_application(settings, services)
    update = {"update_id": 1, "message": {
        "message_id": 1, "date": 0, "chat": {"id": USER, "type": "private"},
        "from": {"id": USER, "is_bot": False, "first_name": "사용자"}, "text": "/help",
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}
    url = f"http://127.0.0.1:{port}/telegram/hook"
    async with application:
        await application.updater.start_webhook(**webhook_options(settings))
        await application.start()
        try:
            hook = (await fake_api.wait_for("setWebhook"))[0]
            assert hook.params["url"] == settings.webhook_url
            assert hook.params["secret_token"] == "s3cret-token"
            async with httpx.AsyncClient() as client:
                wrong = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"})
                since = fake_api.mark()
                right = await client.post(url, json=update,
                                          headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"})
            assert (wrong.status_code, right.status_code) == (403, 200)
            await fake_api.reply(USER, since=since)
        finally:
            await application.updater.stop()
            await application.stop()
            services.db.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
