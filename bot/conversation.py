"""The engine's vocabulary: what a user did (Event), what the bot says back (Reply), and the
per-turn context a capability works with (Turn). Nothing here knows about Telegram."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

EventKind = Literal["text", "button", "location", "contact", "command", "media"]
# A reply that joins two answers must still fit one Telegram message (4096) with room to spare.
MAX_REPLY_CHARS = 3800
ReplyKind = Literal["answer", "suggest", "fallback", "chat", "rule", "branch", "sms"]
Keyboard = Literal["location", "contact", "remove"]


@dataclass(frozen=True)
class Event:
    """One thing the user did: typed text, pressed a button, shared a location or contact, sent a
    /command (``command`` without the slash, ``text`` holding its argument), or sent something the
    bot cannot read (``media``: "sticker", "voice", "photo"...)."""

    kind: EventKind
    text: str = ""
    payload: str = ""
    command: str = ""
    media: str = ""
    location: tuple[float, float] | None = None
    phone: str | None = None
    user_id: int | None = None
    is_admin: bool = False

    @classmethod
    def from_text(cls, text: str, **kw: Any) -> Event:
        """A typed message; '/cmd arg' becomes a command event so every channel agrees."""
        stripped = text.strip()
        if stripped.startswith("/") and len(stripped) > 1:
            head, _, rest = stripped[1:].partition(" ")
            return cls(kind="command", command=head.split("@", 1)[0].lower(), text=rest.strip(), **kw)
        return cls(kind="text", text=text, **kw)


@dataclass(frozen=True)
class Button:
    """A choice under a reply: pressing it sends `payload` back to the engine, or opens `url`
    (a link, such as the deep link into the private chat) instead. A `follow_on` button asks for
    something more (a related question, the full list): channels show its reply as a new message
    and leave the message it sits on as it is, rather than replacing it."""

    label: str
    payload: str = ""
    url: str = ""
    follow_on: bool = False

    def to_json(self) -> dict[str, str]:
        return {"label": self.label, "url": self.url} if self.url else {"label": self.label, "payload": self.payload}


@dataclass(frozen=True)
class Candidate:
    id: str
    question: str
    answer: str
    score: float


@dataclass(frozen=True)
class Venue:
    """A map pin: Telegram shows it as a venue; other channels ignore it."""

    latitude: float
    longitude: float
    title: str
    address: str


@dataclass(frozen=True)
class Picture:
    """An image sent after the reply's text (Telegram: a photo with `caption`). It is drawn only
    by a channel that shows pictures, and off the event loop: drawing takes a moment."""

    caption: str
    draw: Callable[[], bytes]  # PNG bytes


@dataclass
class Reply:
    kind: ReplyKind
    text: str
    candidates: list[Candidate] = field(default_factory=list)
    confidence: float | None = None
    buttons: list[Button] = field(default_factory=list)
    venues: list[Venue] = field(default_factory=list)
    # A reply keyboard to show (location or contact button) or to take away.
    keyboard: Keyboard | None = None
    # The number of the recorded answer channels offer 👍/👎 about (set by the engine).
    feedback_ref: str | None = None
    # The FAQ entry this reply answers (the engine records it for feedback; the inbox counts it).
    entry_id: str | None = None
    picture: Picture | None = None

    def to_json(self) -> dict[str, Any]:
        """The fixed `bot ask --json` shape."""
        return {
            "kind": self.kind,
            "text": self.text,
            "candidates": [
                {"id": c.id, "question": c.question, "answer": c.answer, "score": round(c.score, 4)}
                for c in self.candidates
            ],
            "confidence": None if self.confidence is None else round(self.confidence, 4),
            "buttons": [b.to_json() for b in self.buttons],
        }


@dataclass(frozen=True)
class Topic:
    """What the conversation was last about, kept a while for short follow-ups ("거기 팩스는?",
    "유효기간은요?"): the capability that answered (`owner`), what about (an entry id, a branch, a
    calculator), the values it used, and the actions that answer offered ("deadline:notice")."""

    owner: str
    about: str
    values: Mapping[str, Any] = field(default_factory=dict)
    actions: tuple[str, ...] = ()

    @classmethod
    def recall(cls, stored: object, now: dt.datetime, keep: dt.timedelta) -> Topic | None:
        """The topic Turn.remember stored, while it is younger than `keep`; None otherwise."""
        if not isinstance(stored, dict):
            return None
        try:
            at = dt.datetime.fromisoformat(str(stored["at"]))
            topic = cls(str(stored["owner"]), str(stored["about"]), dict(stored.get("values") or {}),
                        tuple(str(a) for a in stored.get("actions") or ()))
        except (KeyError, TypeError, ValueError):
            return None
        return topic if _elapsed(at, now) <= keep else None

    @classmethod
    def recall_each(cls, stored: object, now: dt.datetime, keep: dt.timedelta) -> dict[str, Topic]:
        """Each capability's own topic Turn.remember stored, while fresh."""
        if not isinstance(stored, dict):
            return {}
        fresh = {owner: cls.recall(value, now, keep) for owner, value in stored.items()}
        return {str(owner): topic for owner, topic in fresh.items() if topic is not None}


def _elapsed(earlier: dt.datetime, later: dt.datetime) -> dt.timedelta:
    """later - earlier, reading a time without a zone as UTC."""
    if earlier.tzinfo is None:
        earlier = earlier.replace(tzinfo=dt.UTC)
    if later.tzinfo is None:
        later = later.replace(tzinfo=dt.UTC)
    return later - earlier


@dataclass(frozen=True)
class Shared:
    """One answer offered in inline mode (@bot in any chat), to be shared as a message."""

    id: str
    title: str
    reply: Reply


@dataclass
class Turn:
    """Everything a capability needs for one turn: the event, the chat's mutable state (saved by
    the engine after the turn), what "today" means for date questions, the kind of chat, whether
    the channel has buttons to share a location or a contact (Telegram's private chats; not a
    group, not the terminal), and the link into the private chat when the channel has one."""

    chat_id: str
    event: Event
    state: dict[str, Any]
    today: dt.date
    chat_type: str = "private"
    can_share: bool = True
    #: Where a link into the private chat with the bot starts ("https://t.me/<bot>?start="), or
    #: "" when the channel has none; see private_link.
    link_base: str = ""
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    #: The topic of the conversation before this turn, while it is fresh (set by the engine).
    topic: Topic | None = None
    #: Each capability's own last topic, while fresh: a calculation a member comes back to after
    #: a question in between ("그럼 2027년 4월 30일 종료면요?") is still there.
    topics: dict[str, Topic] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.event.text

    def private_link(self, argument: str) -> str | None:
        """A link opening the private chat with the bot at "/start <argument>", if the channel has one."""
        return self.link_base + argument if self.link_base else None

    def remember(self, topic: Topic) -> None:
        """Keep what this reply was about, for the follow-ups of the next few minutes: as the
        conversation's topic, and as its capability's own."""
        stored = {"owner": topic.owner, "about": topic.about, "values": dict(topic.values),
                  "actions": list(topic.actions), "at": self.now.isoformat(timespec="seconds")}
        self.state["topic"] = stored
        self.state.setdefault("topics", {})[topic.owner] = stored

    def flow(self) -> str | None:
        """The capability holding a multi-step conversation in this chat, if any."""
        value = self.state.get("flow")
        return value if isinstance(value, str) else None

    def start_flow(self, name: str, **data: Any) -> dict[str, Any]:
        """Hand the next messages of this chat to capability `name`, with scratch data."""
        self.state["flow"] = name
        self.state["data"] = dict(data)
        return self.state["data"]  # type: ignore[no-any-return]

    def flow_data(self) -> dict[str, Any]:
        data = self.state.setdefault("data", {})
        return data  # type: ignore[no-any-return]

    def end_flow(self) -> None:
        self.state.pop("flow", None)
        self.state.pop("data", None)
