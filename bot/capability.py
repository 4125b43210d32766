"""The contract between the engine and what the bot can do. Each capability (FAQ, dates,
branches, SMS recipients, admin) is one subclass; the engine asks them in a fixed order and the
first reply wins, so adding a capability never means editing another one.

A capability declares itself once, in class attributes that can be read without building it (no
Kiwi, no database): its commands with their help, its menu button, its line in the help menu and
the FAQ actions it serves. The menu buttons, Telegram's command list, /help and the `actions:`
that faq.yaml may use are all built from these declarations.

Besides the messages addressed to it, a capability may answer a follow-up to what the
conversation was just about (`follow_up`, with the engine's `Topic`) and offer answers to share
in inline mode (`inline`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar

from bot.conversation import Reply, Shared, Topic, Turn

# Replies worth sharing from inline mode: results, not questions back or small talk.
SHAREABLE = frozenset({"answer", "rule", "branch"})


@dataclass(frozen=True)
class Command:
    """A slash command: its name (without the slash), the line that explains it in Telegram's
    command list and in /help, and whether only BOT_ADMIN_IDS may use it."""

    name: str
    help: str
    admin: bool = False


class Capability:
    """Base class: every hook passes (returns None) unless a subclass overrides it."""

    #: Button payloads "name:rest" are routed to this capability's on_button(rest); the same
    #: name marks its multi-step flows in the chat state.
    name: ClassVar[str] = ""
    #: Slash commands this capability owns; their names are also /start deep-link arguments.
    commands: ClassVar[tuple[Command, ...]] = ()
    #: The menu button that runs the first command, or "" for none.
    menu_label: ClassVar[str] = ""
    #: Where this capability's button and commands stand in the menu and in Telegram's command
    #: list (smaller first); the help menu lists capabilities in the order they are asked.
    menu_order: ClassVar[int] = 0
    #: A line for the help menu, or "" for none.
    help_line: ClassVar[str] = ""
    #: An answer of faq.yaml may offer to run the first command (`actions: [<command>]`) with a
    #: button of this label under it; "" when answers cannot offer this capability.
    answer_button: ClassVar[str] = ""
    #: More that an answer may offer, by argument of the first command: {"notice": label} lets
    #: faq.yaml write `actions: [deadline:notice]`, whose button runs "/deadline notice".
    answer_actions: ClassVar[Mapping[str, str]] = MappingProxyType({})

    def on_command(self, turn: Turn) -> Reply | None:
        """/command (turn.event.command) with its argument in turn.text."""
        return None

    def on_text(self, turn: Turn) -> Reply | None:
        """Free text: continue this capability's own flow, or claim a message that is clearly
        about this capability. Returning None lets the next capability try."""
        return None

    def on_button(self, turn: Turn, payload: str) -> Reply | None:
        """A pressed button whose payload was "<name>:<payload>"."""
        return None

    def on_location(self, turn: Turn) -> Reply | None:
        return None

    def on_contact(self, turn: Turn) -> Reply | None:
        return None

    def aside(self, turn: Turn) -> Reply | None:
        """A reply to a question asked in the middle of another capability's flow, which stays
        open; None when this capability has none (the flow then gets the message)."""
        return None

    def also_asked(self, turn: Turn, answered_by: Capability) -> Reply | None:
        """The answer to another question of the same message, once `answered_by` replied to
        one part of it ("해제문자 언제 오고, 수신거부는 어떻게 해요?": the calculator gives the
        date, the guides the opt-out); None when this capability has no sure answer to add."""
        return None

    def follow_up(self, turn: Turn, topic: Topic) -> Reply | None:
        """A short message read against what the conversation was just about (`topic`, any
        capability's): "거기 팩스는?" after a branch, "유효기간은요?" after a calculation. None
        unless this capability can answer it better for knowing the topic."""
        return None

    def inline(self, turn: Turn) -> list[Shared]:
        """Inline mode: answers to share for the query in turn.text (its state is thrown away).
        By default, this capability's own reply when it claims the text with a result."""
        reply = self.on_text(turn)
        if reply is None or reply.kind not in SHAREABLE or turn.flow() is not None:
            return []  # nothing, or a question back ("which month?") that cannot be shared
        title = reply.text.strip().split("\n", 1)[0]
        return [Shared(self.name, title, reply)]

    def before_turn(self, turn: Turn) -> None:
        """Called before every turn is routed, whichever capability answers it."""

    def after_turn(self, turn: Turn, reply: Reply) -> None:
        """Called with every reply the engine gives, before the chat's state is saved."""
