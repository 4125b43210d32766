"""Shared helpers for the SMS recipient tests (this module holds no tests): three members, a
store on a fresh database (its clock pinned), the recipient service with the real branch
directory, and an engine with only the SMS capability in front of a stub, so the chat tests run
without loading the FAQ analyser."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlite_utils

from bot.app import branch_directory
from bot.capability import Capability
from bot.conversation import Event, Reply, Turn
from bot.engine import Engine
from bot.korean.clock import Clock
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from bot.sms.capability import SmsCapability
from bot.sms.outbox import Message
from bot.sms.registry import Member, Registry, Requester
from bot.sms.service import RecipientService
from bot.storage import open_db
from bot.storage.feedback import FeedbackStore
from bot.storage.state import StateStore

DATA = Path(__file__).parent / "data" / "sms"
TODAY = dt.date(2026, 11, 22)
NOW = dt.datetime(2026, 11, 22, 0, 30, tzinfo=dt.UTC)  # 09:30 in Seoul
KEY = b"test-key"
DIRECTORY = branch_directory(DEFAULT_KNOWLEDGE_DIR)

CEO_1 = "+821011112222"
CEO_2 = "+821033334444"
CEO_3 = "+821055556666"
STAFF = "+821077778888"
OTHER = "+821099990000"

MEMBERS = [
    Member("1001", "1018100016", "가나설비(주)", "김대표", CEO_1, "종로지점"),
    Member("1002", "1018100020", "다라기계", "이사장", CEO_2, "부산지점"),
    Member("1003", "1018100035", "마바건설", "박대표", CEO_3, "대구지점"),
]


class Ticking:
    """A clock tests move by hand: `now` is where it stands."""

    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def registry(db: sqlite_utils.Database | None = None, *, members: bool = True,
             clock: Ticking | None = None) -> Registry:
    """A store on db (a fresh in-memory one by default), with the three members imported."""
    store = Registry(db if db is not None else open_db(None), key=KEY, clock=clock or Ticking())
    if members:
        store.import_members(MEMBERS)
    return store


def service(store: Registry) -> RecipientService:
    return RecipientService(store, DIRECTORY)


class Stub(Capability):
    """Stands in for the FAQ: answers every message nobody else claimed."""

    name = "stub"

    def on_text(self, turn: Turn) -> Reply:
        return Reply(kind="fallback", text="(FAQ)")


class StoreClock(Clock):
    """The engine's clock following the store's (a Ticking one moves both)."""

    def __init__(self, store: Registry) -> None:
        super().__init__()
        self.store = store

    def now(self) -> dt.datetime:
        return self.store.now()


def sms_engine(store: Registry) -> Engine:
    clock = StoreClock(store)
    return Engine([SmsCapability(service(store)), Stub()], StateStore(store.db, clock), FeedbackStore(store.db),
                  clock)


class Chat:
    """One person talking to the bot: typed lines, buttons and the contact button."""

    def __init__(self, bot: Engine, chat_id: str = "c1", *, admin: bool = False, chat_type: str = "private"):
        self.bot, self.chat_id, self.admin, self.chat_type = bot, chat_id, admin, chat_type
        self.last: Reply | None = None

    def _send(self, event: Event) -> Reply:
        self.last = self.bot.handle(self.chat_id, event, today=TODAY, chat_type=self.chat_type)
        return self.last

    def say(self, text: str) -> Reply:
        return self._send(Event.from_text(text, user_id=1, is_admin=self.admin))

    def press(self, payload: str) -> Reply:
        """Press a button by its exact payload (also one no reply offered: a forged press)."""
        return self._send(Event(kind="button", payload=payload, user_id=1, is_admin=self.admin))

    def tap(self, action: str) -> Reply:
        """Press the button of the last reply whose payload is `sms:<action>` or ends in `:<action>`."""
        assert self.last is not None, "nothing to press yet"
        return self.press(payload(self.last, action))

    def share(self, phone: str) -> Reply:
        return self._send(Event(kind="contact", phone=phone, user_id=1, is_admin=self.admin))

    def state(self) -> dict[str, object]:
        return self.bot.states.load(self.chat_id)


def payloads(reply: Reply) -> list[str]:
    return [b.payload for b in reply.buttons]


def payload(reply: Reply, action: str) -> str:
    """The payload of the button for `action` among the reply's buttons."""
    found = [p for p in payloads(reply) if p == f"sms:{action}" or p.endswith(f":{action}")]
    assert found, f"no button {action} in {payloads(reply)}"
    return found[0]


def actions(reply: Reply) -> list[str]:
    """The buttons' actions, the flow nonce left out: sms:<nonce>:role:ceo -> role:ceo."""
    out = []
    for p in payloads(reply):
        parts = p.split(":", 2)
        out.append(parts[2] if len(parts) == 3 and len(parts[1]) == 8 else p)
    return out


def register(chat: Chat, *, member: str = "1001", name: str = "홍길동", role: str = "role:staff",
             phone: str | None = STAFF, contact: str | None = None, agree: bool = True) -> Reply:
    """A whole registration request: typed number, or the contact button when `contact` is given."""
    chat.say("수신자 추가")
    if chat.last is not None and any(a.startswith("member:") for a in actions(chat.last)):
        chat.tap(f"member:{member}")
    elif "성함" not in (chat.last.text if chat.last else ""):
        chat.say(member)
    chat.say(name)
    chat.tap(role)
    reply = chat.last if chat.last and "등록할 내용" in chat.last.text else (
        chat.share(contact) if contact else chat.say(phone or ""))
    if "agree" in actions(reply):
        return chat.tap("agree" if agree else "disagree")
    return reply


def codes_sent(store: Registry) -> list[Message]:
    """The outbox's unsent messages."""
    return service(store).outbox.unsent()


def code_in(message: Message) -> str:
    """The six-digit code in an outbox message."""
    import re

    found = re.search(r"코드 (\d{6})", message.text)
    assert found, message.text
    return found.group(1)


def approve_by_branch(store: Registry, phone: str = STAFF, member: str = "1001") -> None:
    """A branch approves the pending request after calling the company."""
    request = store.pending_for(phone, member)
    assert request is not None and request.recipient_id is not None, "no pending request"
    service(store).approve(request.recipient_id, Requester.branch_staff())
