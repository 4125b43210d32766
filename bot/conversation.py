"""The engine's vocabulary: what a user did (Event), what the bot says back (Reply), and the
per-turn context a capability works with (Turn). Nothing here knows about Telegram."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

EventKind = Literal["text", "button", "location", "contact", "command"]
ReplyKind = Literal["answer", "suggest", "fallback", "chat", "rule", "branch", "sms"]
Keyboard = Literal["location", "contact", "remove"]


@dataclass(frozen=True)
class Event:
    """One thing the user did: typed text, pressed a button, shared a location or contact, or
    sent a /command (``command`` without the slash, ``text`` holding its argument)."""

    kind: EventKind
    text: str = ""
    payload: str = ""
    command: str = ""
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
    label: str
    payload: str


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
    # Set on FAQ answers so channels can offer 👍/👎 about this entry.
    feedback_ref: str | None = None
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
            "buttons": [{"label": b.label, "payload": b.payload} for b in self.buttons],
        }


@dataclass
class Turn:
    """Everything a capability needs for one turn: the event, the chat's mutable state (saved by
    the engine after the turn), and what "today" means for date questions."""

    chat_id: str
    event: Event
    state: dict[str, Any]
    today: dt.date
    chat_type: str = "private"

    @property
    def text(self) -> str:
        return self.event.text

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
