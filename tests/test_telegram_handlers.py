"""Handler unit tests: real telegram Update objects through `application.process_update`, with a
request class that never leaves the process (fakebotapi.InProcessRequest) recording each call.
The engine is the real one, or a spy around it that can hand back a prepared Reply."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ADMIN_ID, services_on
from fakebotapi import BOT_ID, BOT_USERNAME, TOKEN, FakeBotApi, InProcessRequest
from telegram import (
    CallbackQuery,
    Chat,
    Contact,
    InaccessibleMessage,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Location,
    Message,
    MessageEntity,
    Update,
    User,
)
from telegram.error import NetworkError

from bot.app import Services
from bot.conversation import Button, Event, Reply, Venue
from bot.handlers import delivery
from bot.handlers.callbacks import DEPS_KEY, set_commands
from bot.settings import Settings
from bot.telegram_app import build_application
from bot.templates import render

USER = 1001
GROUP = -100_777
NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
_ids = itertools.count(1)


class EngineSpy:
    """Records what the engine is asked; answers with `canned` when set, else the real engine."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.calls: list[tuple[str, Event, str]] = []
        self.canned: Reply | None = None
        self.error: Exception | None = None

    @property
    def events(self) -> list[Event]:
        return [event for _, event, _ in self.calls]

    def handle(self, chat_id: str, event: Event, *, today: dt.date | None = None,
               chat_type: str = "private") -> Reply:
        self.calls.append((chat_id, event, chat_type))
        if self.error is not None:
            raise self.error
        if self.canned is not None:
            return self.canned
        return self.engine.handle(chat_id, event, today=today, chat_type=chat_type)  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Any:
        """Everything else (the command list...) is the real engine's."""
        return getattr(self.engine, name)


class Harness:
    def __init__(self, application: Any, api: FakeBotApi, spy: EngineSpy) -> None:
        self.application = application
        self.api = api
        self.spy = spy

    async def send(self, update: Update) -> list[Any]:
        """Process one update; the calls it caused."""
        since = self.api.mark()
        await self.application.process_update(update)
        return self.api.calls[since:]

    def methods(self, calls: list[Any]) -> list[str]:
        return [c.method for c in calls]

    def shown(self, text: str, markup: InlineKeyboardMarkup | None = None, **kw: Any) -> Message:
        """A message the bot sent earlier (the fake server knows it, so it can be edited)."""
        sent = bot_message(text, markup=markup, **kw)
        self.api.messages[(sent.chat.id, sent.message_id)] = sent.to_dict()
        return sent


@pytest.fixture
async def harness(base_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Harness]:
    api = FakeBotApi()  # not listening: InProcessRequest calls it directly
    settings = Settings(telegram_token=TOKEN, admin_ids=frozenset({ADMIN_ID}), db_path=tmp_path / "bot.sqlite3",
                        rate_limiter=False)
    services = services_on(base_services, settings)
    application = build_application(settings, services, request=InProcessRequest(api))
    deps = application.bot_data[DEPS_KEY]
    spy = EngineSpy(deps.engine)
    deps.engine = spy
    sleeps: list[float] = []

    async def no_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    monkeypatch.setattr(delivery.asyncio, "sleep", no_sleep)
    async with application:
        h = Harness(application, api, spy)
        h.sleeps = sleeps  # type: ignore[attr-defined]
        yield h
    services.db.close()


# -- real Update objects ------------------------------------------------------------------------


def user(user_id: int) -> User:
    return User(user_id, f"사용자{user_id}", False)


def chat(chat_id: int, chat_type: str = Chat.PRIVATE) -> Chat:
    return Chat(chat_id, chat_type)


def message(text: str | None = None, *, chat_id: int = USER, chat_type: str = Chat.PRIVATE,
            user_id: int | None = None, entities: list[MessageEntity] | None = None, **content: Any) -> Message:
    return Message(next(_ids), NOW, chat(chat_id, chat_type), from_user=user(user_id or chat_id), text=text,
                   entities=entities, **content)


def bot_message(text: str, *, chat_id: int = USER, markup: InlineKeyboardMarkup | None = None,
                chat_type: str = Chat.PRIVATE) -> Message:
    return Message(next(_ids), NOW, chat(chat_id, chat_type), from_user=User(BOT_ID, "조합 도우미", True,
                   username=BOT_USERNAME), text=text, reply_markup=markup)


def text_update(text: str, **kw: Any) -> Update:
    return Update(next(_ids), message=message(text, **kw))


def command_update(text: str, **kw: Any) -> Update:
    head = text.split()[0]
    return Update(next(_ids), message=message(text, entities=[MessageEntity(MessageEntity.BOT_COMMAND, 0, len(head))],
                                              **kw))


def press_update(application: Any, data: str, on: Message | InaccessibleMessage | None, *,
                 user_id: int = USER) -> Update:
    query = CallbackQuery(f"q{next(_ids)}", user(user_id), "instance", message=on, data=data)
    query.set_bot(application.bot)
    return Update(next(_ids), callback_query=query)


def canned(text: str = "답입니다.", **kw: Any) -> Reply:
    return Reply(kind="answer", text=text, **kw)


# -- messages become events ---------------------------------------------------------------------


async def test_text_becomes_a_text_event_and_the_reply_html_with_everything_escaped(harness: Harness) -> None:
    harness.spy.canned = canned("<첫 줄> & 답\n- 자세한 내용\n\n출처: 안내서 <p.3>", buttons=[Button("관련 질문", "faq:a")],
                                feedback_ref="a")
    calls = await harness.send(text_update("수수료 <b>있나요</b>?"))
    assert harness.spy.calls == [(str(USER), Event(kind="text", text="수수료 <b>있나요</b>?", user_id=USER), "private")]
    (call,) = calls
    assert call.method == "sendMessage" and call.params["parse_mode"] == "HTML"
    assert call.text == "<b>&lt;첫 줄&gt; &amp; 답</b>\n- 자세한 내용\n\n<i>출처: 안내서 &lt;p.3&gt;</i>"
    assert call.button_data() == ["faq:a", "fb:up:a", "fb:down:a"]
    assert call.markup["inline_keyboard"][1][0]["text"].startswith("👍")


async def test_commands_and_deep_links_become_command_events(harness: Harness) -> None:
    await harness.send(command_update("/start sms"))
    await harness.send(command_update(f"/Help@{BOT_USERNAME}"))
    calls = await harness.send(command_update("/help@other_bot"))
    assert [(e.kind, e.command, e.text) for e in harness.spy.events] == [("command", "start", "sms"),
                                                                       ("command", "help", "")]
    assert calls == []


async def test_admins_are_marked_on_messages_and_buttons(harness: Harness) -> None:
    await harness.send(command_update("/report", chat_id=ADMIN_ID))
    await harness.send(command_update("/report"))
    await harness.send(press_update(harness.application, "menu:help", bot_message("메뉴", chat_id=ADMIN_ID),
                                    user_id=ADMIN_ID))
    assert [e.is_admin for e in harness.spy.events] == [True, False, True]


async def test_report_is_served_to_admins_and_refused_to_others(harness: Harness) -> None:
    (admin, picture) = await harness.send(command_update("/report", chat_id=ADMIN_ID))
    (other,) = await harness.send(command_update("/report"))
    (in_group,) = await harness.send(command_update("/report", chat_id=GROUP, chat_type=Chat.GROUP, user_id=ADMIN_ID))
    assert "질문" in admin.text and "관리자만" not in admin.text
    assert (picture.method, picture.chat_id) == ("sendPhoto", ADMIN_ID)  # the weekly picture, after the text
    assert picture.params["photo"].startswith(b"\x89PNG") and picture.params["caption"].startswith("조합 도우미 주간 보고")
    assert "관리자만" in other.text
    assert "개인 대화에서만" in in_group.text  # members' questions are not shown to a group


async def test_in_a_group_only_addressed_messages_reach_the_engine(harness: Harness) -> None:
    group = {"chat_id": GROUP, "chat_type": Chat.SUPERGROUP, "user_id": USER}
    assert await harness.send(text_update("수수료 있나요?", **group)) == []
    mention = f"@{BOT_USERNAME}"
    calls = await harness.send(text_update(f"{mention}, 수수료 있나요?", entities=[
        MessageEntity(MessageEntity.MENTION, 0, len(mention))], **group))
    by_name = message("도우미 수수료 있나요?", entities=[MessageEntity(MessageEntity.TEXT_MENTION, 0, 3,
                                                                  user=User(BOT_ID, "도우미", True))], **group)
    await harness.send(Update(next(_ids), message=by_name))
    replying = message("수수료는요?", reply_to_message=bot_message("앞선 답", chat_id=GROUP, chat_type=Chat.SUPERGROUP),
                       **group)
    await harness.send(Update(next(_ids), message=replying))
    to_someone = message("수수료는요?", reply_to_message=message("사람의 말", chat_id=GROUP, chat_type=Chat.SUPERGROUP,
                                                            user_id=2002), **group)
    assert await harness.send(Update(next(_ids), message=to_someone)) == []
    assert [e.text for e in harness.spy.events] == ["수수료 있나요?", "수수료 있나요?", "수수료는요?"]
    assert {key for key, _, _ in harness.spy.calls} == {f"{GROUP}:{USER}"}  # each member's own conversation
    assert {kind for _, _, kind in harness.spy.calls} == {"supergroup"}
    assert calls[0].params["reply_parameters"]["message_id"] > 0  # quotes the question


async def test_locations_and_contacts_become_their_events(harness: Harness) -> None:
    harness.spy.canned = canned()
    await harness.send(Update(next(_ids), message=message(location=Location(longitude=127.04, latitude=37.5))))
    own = Contact("+82 10-1234-5678", "홍길동", user_id=USER)
    await harness.send(Update(next(_ids), message=message(contact=own)))
    someone_elses = Contact("010-9876-5432", "김철수", user_id=2002)
    await harness.send(Update(next(_ids), message=message(contact=someone_elses)))
    in_group = message(contact=own, chat_id=GROUP, chat_type=Chat.GROUP, user_id=USER)
    assert await harness.send(Update(next(_ids), message=in_group)) == []  # not addressed to the bot
    assert harness.spy.events == [
        Event(kind="location", location=(37.5, 127.04), user_id=USER),
        Event(kind="contact", phone="+82 10-1234-5678", user_id=USER),
        Event(kind="text", text="010-9876-5432", user_id=USER),  # treated as typed, not verified
    ]


async def test_captions_count_as_text_stickers_as_empty_and_edits_are_ignored(harness: Harness) -> None:
    harness.spy.canned = canned()
    await harness.send(Update(next(_ids), message=message(caption="이 화면이 떠요")))
    await harness.send(Update(next(_ids), message=message()))  # e.g. a sticker: no text at all
    assert await harness.send(Update(next(_ids), edited_message=message("고친 글"))) == []
    assert [e.text for e in harness.spy.events] == ["이 화면이 떠요", ""]


# -- replies become Bot API calls ---------------------------------------------------------------


async def test_reply_keyboards_for_location_and_contact_and_taking_them_away(harness: Harness) -> None:
    keyboards = []
    for keyboard in ("location", "contact", "remove", "remove"):
        harness.spy.canned = canned(keyboard=keyboard)
        calls = await harness.send(text_update("지점"))
        keyboards.append(calls[0].markup)
    location, contact, removed, again = keyboards
    assert location["keyboard"][0][0]["request_location"] is True
    assert contact["keyboard"][0][0]["request_contact"] is True
    assert location["one_time_keyboard"] and location["resize_keyboard"]
    assert removed == {"remove_keyboard": True}
    assert again == {}  # already taken away: nothing to do


async def test_a_reply_keyboard_and_buttons_go_in_two_messages(harness: Harness) -> None:
    harness.spy.canned = canned("번호를 알려 주세요.", keyboard="contact", buttons=[Button("취소", "sms:cancel")])
    text, choices = await harness.send(text_update("문자 등록"))
    assert text.markup["keyboard"][0][0]["request_contact"] is True
    assert choices.button_data() == ["sms:cancel"]


async def test_venues_follow_the_text_and_carry_the_keyboard_removal(harness: Harness) -> None:
    venues = [Venue(37.5 + n / 100, 127.0, f"지점{n}", f"주소{n}") for n in range(7)]
    harness.spy.canned = Reply(kind="branch", text="가까운 지점입니다.", venues=venues, keyboard="remove",
                               buttons=[Button("전체 지점 목록", "branch:list")])
    calls = await harness.send(text_update("강남"))
    assert harness.methods(calls) == ["sendMessage"] + ["sendVenue"] * 5
    assert calls[0].button_data() == ["branch:list"]
    assert calls[1].markup == {"remove_keyboard": True}
    assert (calls[1].params["latitude"], calls[1].params["title"]) == (37.5, "지점0")


async def test_a_long_reply_is_split_and_its_buttons_go_last(harness: Harness) -> None:
    paragraph = "가나다라마바사 & <아자차카> " * 30
    harness.spy.canned = canned("\n".join([paragraph] * 40), buttons=[Button("더", "faq:x")])
    calls = await harness.send(text_update("길게"))
    assert len(calls) >= 3
    assert all(len(c.text) <= 4096 for c in calls)
    assert [bool(c.markup) for c in calls] == [False] * (len(calls) - 1) + [True]


# -- inline buttons -----------------------------------------------------------------------------


async def test_a_pressed_suggestion_is_answered_then_edited_in_place(harness: Harness) -> None:
    entry = next(iter(harness.spy.engine.by_name["faq"].index.kb.by_id))
    shown = harness.shown("혹시 이 질문을 찾으셨나요?", InlineKeyboardMarkup(
        [[InlineKeyboardButton("질문", callback_data=f"faq:{entry}")]]))
    calls = await harness.send(press_update(harness.application, f"faq:{entry}", shown))
    assert harness.methods(calls) == ["answerCallbackQuery", "editMessageText"]
    assert calls[1].params["message_id"] == shown.message_id
    up, down = calls[1].button_data()[-2:]  # the answer's record number, not its entry's id
    assert up.startswith("fb:up:") and down == "fb:down:" + up.removeprefix("fb:up:") and down[8:].isdigit()
    assert harness.spy.events[-1] == Event(kind="button", payload=f"faq:{entry}", user_id=USER)


async def test_a_press_whose_reply_needs_a_reply_keyboard_sends_a_new_message(harness: Harness) -> None:
    harness.spy.canned = canned("위치를 보내 주세요.", keyboard="location")
    calls = await harness.send(press_update(harness.application, "menu:branch", bot_message("메뉴")))
    assert harness.methods(calls) == ["answerCallbackQuery", "sendMessage"]


async def test_when_the_message_cannot_be_edited_the_reply_is_sent(harness: Harness) -> None:
    harness.spy.canned = canned()
    harness.api.fail("editMessageText", status=400, description="Bad Request: message can't be edited")
    calls = await harness.send(press_update(harness.application, "faq:x", bot_message("옛 메시지")))
    assert harness.methods(calls) == ["answerCallbackQuery", "editMessageText", "sendMessage"]
    gone = InaccessibleMessage(chat(USER), 5)  # too old for the bot to see
    calls = await harness.send(press_update(harness.application, "faq:x", gone))
    assert harness.methods(calls) == ["answerCallbackQuery", "sendMessage"]


async def test_thumbs_down_gets_a_toast_and_the_thumbs_row_goes(harness: Harness) -> None:
    ref = harness.spy.engine.feedback.answered("질문", "a")
    rows = [[InlineKeyboardButton("관련 질문", callback_data="faq:b")],
            [InlineKeyboardButton("👍", callback_data=f"fb:up:{ref}"),
             InlineKeyboardButton("👎", callback_data=f"fb:down:{ref}")]]
    answer = harness.shown("답", InlineKeyboardMarkup(rows))
    calls = await harness.send(press_update(harness.application, f"fb:down:{ref}", answer))
    assert harness.methods(calls) == ["answerCallbackQuery", "editMessageReplyMarkup"]
    assert calls[0].params["text"].startswith("의견 감사합니다")
    assert len(calls[0].params["text"]) <= 200
    assert calls[1].button_data() == ["faq:b"]
    only_thumbs = harness.shown("답", InlineKeyboardMarkup(rows[1:]))
    calls = await harness.send(press_update(harness.application, f"fb:up:{ref}", only_thumbs))
    assert "reply_markup" not in calls[1].params  # no keyboard left


# -- when things go wrong -----------------------------------------------------------------------


async def test_an_error_is_apologised_for_and_logged_without_personal_data(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    harness.spy.error = RuntimeError("저장 실패: 010-1234-5678")
    calls = await harness.send(text_update("제 번호는 010-1234-5678 입니다"))
    assert harness.methods(calls) == ["sendMessage"]
    assert calls[0].text.startswith("죄송합니다, 처리 중 문제가 생겼습니다")
    assert calls[0].text == render("internal_error")  # the engine's own apology
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError" in logged and f"chat {USER}" in logged
    assert "1234-5678" not in logged and "제 번호는" not in logged


async def test_a_network_error_while_polling_is_a_warning_not_an_apology(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    since = harness.api.mark()
    await harness.application.process_error(None, NetworkError("connection reset"))
    assert harness.api.calls[since:] == []
    assert [r.levelname for r in caplog.records if r.name.startswith("bot")] == ["WARNING"]


async def test_flood_control_is_waited_out_then_retried(harness: Harness) -> None:
    harness.spy.canned = canned()
    harness.api.fail("sendMessage", status=429, retry_after=3)
    calls = await harness.send(text_update("질문"))
    assert [c.status for c in calls] == [429, 200]
    assert harness.sleeps == [3.0]  # type: ignore[attr-defined]


async def test_too_long_a_flood_wait_drops_the_message_without_crashing(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    harness.spy.canned = canned()
    harness.api.fail("sendMessage", status=429, retry_after=600)
    calls = await harness.send(text_update("질문"))
    assert [c.status for c in calls] == [429]
    assert "flood control" in caplog.text


async def test_network_errors_are_retried_with_backoff_then_given_up(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    harness.spy.canned = canned()
    harness.api.fail("sendMessage", status=502, times=2)
    calls = await harness.send(text_update("질문"))
    assert [c.status for c in calls] == [502, 502, 200]
    harness.api.fail("sendMessage", status=502, times=None)
    calls = await harness.send(text_update("질문"))
    assert [c.status for c in calls] == [502] * delivery.ATTEMPTS  # then given up: no apology either
    assert harness.sleeps == [0.5, 1.0, 0.5, 1.0, 2.0]  # type: ignore[attr-defined]
    assert "given up" in caplog.text


async def test_a_blocked_chat_is_logged_once_until_a_message_gets_through(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    harness.spy.canned = canned()
    harness.api.fail("sendMessage", status=403, times=None)
    for _ in range(3):
        calls = await harness.send(text_update("질문"))
        assert [c.status for c in calls] == [403]  # never retried
    assert caplog.text.count("refused") == 1
    harness.api.clear_failures()
    await harness.send(text_update("질문"))
    harness.api.fail("sendMessage", status=403)
    await harness.send(text_update("질문"))
    assert caplog.text.count("refused") == 2


async def test_the_command_menu_is_set_for_everyone_and_admins(harness: Harness,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    harness.api.fail("setMyCommands", status=400, description="Bad Request: chat not found", times=None,
                     chat_id=None)
    await set_commands(harness.application)  # failures are logged, never raised
    harness.api.clear_failures()
    since = harness.api.mark()
    await set_commands(harness.application)
    default, admin = harness.api.calls[since:]
    assert [c["command"] for c in default.params["commands"]] == ["start", "help", "branch", "deadline", "sms",
                                                                  "cancel"]
    assert admin.params["scope"] == {"type": "chat", "chat_id": ADMIN_ID}
    assert [c["command"] for c in admin.params["commands"]][-3:] == ["report", "inbox", "reload"]
