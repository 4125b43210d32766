"""The contract between the engine and what the bot can do. Each capability (FAQ, rules,
branches, SMS recipients...) is one subclass; the engine asks them in a fixed order and the
first reply wins, so adding a capability never means editing another one."""

from __future__ import annotations

from typing import ClassVar

from bot.conversation import Reply, Turn


class Capability:
    """Base class: every hook passes (returns None) unless a subclass overrides it."""

    #: Button payloads "name:rest" are routed to this capability's on_button(rest); the same
    #: name marks its multi-step flows in the chat state.
    name: ClassVar[str] = ""
    #: Slash commands (without the slash) and /start deep-link arguments this capability owns.
    commands: ClassVar[tuple[str, ...]] = ()
    #: A line for the help menu, or "" for none.
    help_line: ClassVar[str] = ""

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
