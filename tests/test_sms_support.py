"""Shared helpers for the SMS recipient tests (this module holds no tests): three members, a
store on a fresh database, and an engine with only the SMS capability in front of a stub, so
the chat tests run without loading the FAQ analyser."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlite_utils

from bot.capability import Capability
from bot.conversation import Event, Reply, Turn
from bot.engine import Engine
from bot.sms.capability import SmsCapability
from bot.sms.registry import Member, Registry
from bot.storage import open_db
from bot.storage.feedback import FeedbackStore
from bot.storage.state import StateStore

DATA = Path(__file__).parent / "data" / "sms"
TODAY = dt.date(2026, 11, 22)
KEY = b"test-key"

CEO_1 = "+821011112222"
CEO_2 = "+821033334444"
CEO_3 = "+821055556666"
STAFF = "+821077778888"
OTHER = "+821099990000"

MEMBERS = [
    Member("1001", "1018100016", "가나설비(주)", "김대표", CEO_1, "서울지점"),
    Member("1002", "1018100020", "다라기계", "이사장", CEO_2, "부산지점"),
    Member("1003", "1018100035", "마바건설", "박대표", CEO_3, "대구지점"),
]


def registry(db: sqlite_utils.Database | None = None, *, members: bool = True) -> Registry:
    """A store on db (a fresh in-memory one by default), with the three members imported."""
    store = Registry(db if db is not None else open_db(None), key=KEY)
    if members:
        store.import_members(MEMBERS)
    return store


class Stub(Capability):
    """Stands in for the FAQ: answers every message nobody else claimed."""

    name = "stub"

    def on_text(self, turn: Turn) -> Reply:
        return Reply(kind="fallback", text="(FAQ)")


def sms_engine(store: Registry) -> Engine:
    return Engine([SmsCapability(store), Stub()], StateStore(store.db), FeedbackStore(store.db))


class Chat:
    """One person talking to the bot: typed lines, buttons and the contact button."""

    def __init__(self, bot: Engine, chat_id: str = "c1", *, admin: bool = False, chat_type: str = "private"):
        self.bot, self.chat_id, self.admin, self.chat_type = bot, chat_id, admin, chat_type

    def _send(self, event: Event) -> Reply:
        return self.bot.handle(self.chat_id, event, today=TODAY, chat_type=self.chat_type)

    def say(self, text: str) -> Reply:
        return self._send(Event.from_text(text, user_id=1, is_admin=self.admin))

    def press(self, payload: str) -> Reply:
        return self._send(Event(kind="button", payload=payload, user_id=1, is_admin=self.admin))

    def share(self, phone: str) -> Reply:
        return self._send(Event(kind="contact", phone=phone, user_id=1, is_admin=self.admin))

    def state(self) -> dict[str, object]:
        return self.bot.states.load(self.chat_id)


def register(chat: Chat, *, member: str = "1001", name: str = "홍길동", role: str = "sms:role:staff",
             phone: str | None = STAFF, contact: str | None = None, agree: bool = True) -> Reply:
    """A whole registration: typed number, or the contact button when `contact` is given."""
    chat.say("수신자 추가")
    chat.say(member)
    chat.say(name)
    chat.press(role)
    reply = chat.share(contact) if contact else chat.say(phone or "")
    if reply.buttons and reply.buttons[0].payload == "sms:agree":
        return chat.press("sms:agree" if agree else "sms:disagree")
    return reply
