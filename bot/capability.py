"""The contract between the engine and what the bot can do. Each capability (FAQ, dates,
branches, SMS recipients, admin) is one subclass; the engine asks them in a fixed order and the
first reply wins, so adding a capability never means editing another one.

A capability declares itself once, in class attributes that can be read without building it (no
Kiwi, no database): its commands with their help, its menu button, its line in the help menu and
the FAQ action it serves. The menu buttons, Telegram's command list, /help and the `actions:`
that faq.yaml may use are all built from these declarations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.conversation import Reply, Turn


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
        """A sure reply to a question asked in the middle of another capability's flow, which
        stays open; None when this capability is not sure (the flow then gets the message)."""
        return None

    def before_turn(self, turn: Turn) -> None:
        """Called before every turn is routed, whichever capability answers it."""

    def after_turn(self, turn: Turn, reply: Reply) -> None:
        """Called with every reply the engine gives, before the chat's state is saved."""
