"""The dialogue engine: (chat id, Event) in, Reply out, for every channel alike.

Routing order: a pressed button goes to the capability named in its payload; a command to the
capability that owns it; a location or contact to the first capability that takes it; text
first to the capability holding this chat's flow, then small talk, then each capability in
order, with the FAQ last. The chat's state is loaded before and saved after every turn.

The menu buttons, the command list and the help menu are built from what the installed
capabilities declare (bot.capability); the engine declares its own three commands.

The database is needed for conversations that remember (a flow, feedback), not for answering:
when it cannot be written (a full disk, a read-only file) or read, questions are still answered
and only what needed the database is refused, with one polite sentence."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from bot.capability import Capability, Command
from bot.conversation import Button, Event, Reply, Turn
from bot.korean.clock import Clock
from bot.korean.smalltalk import classify
from bot.storage.faults import fault_of, is_storage_error
from bot.storage.feedback import FeedbackStore
from bot.storage.state import StateStore
from bot.templates import environment, render

log = logging.getLogger(__name__)
T = TypeVar("T")
# How a Korean chat question ends: "?", "~나요", "~까요", "~어요/아요", "~죠", "~는지", "~ㄴ가요".
_QUESTION = re.compile(r"(\?|나요|까요?|[어아여해돼]요|죠|는지|가요|니까|[은는]요)\s*[.!~]*\s*$")
MAX_TEXT_CHARS = 4000
# The engine's own commands, first and last in the command list around the capabilities' own.
START = Command("start", "처음으로: 인사와 도움 메뉴")
HELP = Command("help", "도움말: 물어볼 수 있는 것")
CANCEL = Command("cancel", "진행 중인 대화 취소")


def command_list(capabilities: Iterable[Capability | type[Capability]], *, admin: bool = False) -> list[Command]:
    """The slash commands as members see them listed (Telegram's menu, /help): the engine's
    own around the capabilities' in menu order, then the admins' own when `admin`."""
    ordered = sorted(capabilities, key=lambda c: c.menu_order)
    everyone = [cmd for c in ordered for cmd in c.commands if not cmd.admin]
    admins = [cmd for c in ordered for cmd in c.commands if cmd.admin] if admin else []
    return [START, HELP, *everyone, CANCEL, *admins]


class Engine:
    def __init__(self, capabilities: Sequence[Capability], states: StateStore, feedback: FeedbackStore,
                 clock: Clock | None = None) -> None:
        self.capabilities = list(capabilities)
        self.clock = clock or Clock()
        self.by_name = {c.name: c for c in self.capabilities if c.name}
        self.by_command = {cmd.name: c for c in self.capabilities for cmd in c.commands}
        self.states = states
        self.feedback = feedback
        # Every template's help menu lists what the installed capabilities can do, and /help
        # their commands.
        environment().globals["menu_lines"] = self.help_lines()
        environment().globals["menu_commands"] = command_list(self.capabilities)

    def handle(self, chat_id: str | int, event: Event, *, today: dt.date | None = None,
               chat_type: str = "private") -> Reply:
        """Answer one event and persist the chat's state."""
        chat = str(chat_id)
        state = self._best_effort("load the conversation", self.states.load, chat) or {}
        had_flow = "data" in state
        turn = Turn(chat, event, state, today or self.clock.today(), chat_type)
        try:
            reply = self._route(turn)
        except Exception as exc:
            # A bug must cost the member one apology, not the conversation: the state saved
            # before this turn stays as it was. Only the event's kind is logged (no text).
            if is_storage_error(exc):
                log.warning("a %s event in chat %s needed the database, which failed (%s)", event.kind, chat,
                            fault_of(exc))
                return Reply(kind="chat", text=render("storage_error"), buttons=self.menu_buttons())
            log.exception("engine failed on a %s event in chat %s", event.kind, chat)
            return Reply(kind="chat", text=render("internal_error"), buttons=self.menu_buttons())
        if reply.kind == "fallback":
            if event.kind == "text":
                self._best_effort("record a miss", self.feedback.record, event.text, "miss")
            # Nothing fitted: offer what the bot can do instead.
            reply.buttons = reply.buttons or [*self.menu_buttons(), Button("도움말", f"menu:{HELP.name}")]
        if reply.feedback_ref:
            question = str(turn.state.get("last_question") or "")
            answer = self._best_effort("record an answer", self.feedback.answered, question, reply.feedback_ref)
            reply.feedback_ref = str(answer) if answer else None  # the buttons carry the record's number
        self._best_effort("save the conversation", self.states.save, chat, turn.state)
        if had_flow and "data" not in turn.state:
            # A finished flow's scratch data (a name, a number typed before consent) is folded
            # out of the write-ahead log too.
            self._best_effort("scrub the log", self.states.scrub)
        return reply

    def _best_effort(self, what: str, call: Callable[..., T], *args: Any) -> T | None:
        """`call(*args)`, or None when the database fails: answering does not depend on it."""
        try:
            return call(*args)
        except Exception as exc:
            if not is_storage_error(exc):
                raise
            log.warning("could not %s (%s); answered anyway", what, fault_of(exc))
            return None

    # -- routing -----------------------------------------------------------------------------

    def _route(self, turn: Turn) -> Reply:
        event = turn.event
        if event.kind == "command":
            return self._command(turn)
        if event.kind == "button":
            return self._button(turn)
        if event.kind in ("location", "contact"):
            hook = "on_location" if event.kind == "location" else "on_contact"
            for cap in self._in_flow_order(turn):
                reply: Reply | None = getattr(cap, hook)(turn)
                if reply is not None:
                    return reply
            return Reply(kind="chat", text=render("unsupported", what=event.kind), buttons=self.menu_buttons())
        return self._text(turn)

    def _text(self, turn: Turn) -> Reply:
        text = turn.event.text.strip()
        if not text:
            return Reply(kind="chat", text=render("empty"), buttons=self.menu_buttons())
        if len(text) > MAX_TEXT_CHARS:
            turn.event = Event(kind="text", text=text[:MAX_TEXT_CHARS], user_id=turn.event.user_id,
                               is_admin=turn.event.is_admin)
        flow = self.by_name.get(turn.flow() or "")
        if flow is not None:
            aside = self._aside(turn, flow)
            if aside is not None:
                return aside
            reply = flow.on_text(turn)
            if reply is not None:
                return reply
            turn.end_flow()
        small = classify(text)
        if small is not None:
            return self.small_talk(small)
        for cap in self.capabilities:
            if cap is flow:
                continue
            reply = cap.on_text(turn)
            if reply is not None:
                return reply
        return Reply(kind="fallback", text=render("fallback", rating=False), buttons=self.menu_buttons())

    def _aside(self, turn: Turn, flow: Capability) -> Reply | None:
        """A question asked in the middle of a flow ("신용평가 수수료 있나요?" while the bot waits
        for a phone number) is answered by the first other capability sure of its reply (the
        FAQ, from the guides), and the flow stays open. Only question-shaped text without
        digits counts, so names, numbers, places and "동의합니다" still reach the flow."""
        text = turn.event.text.strip()
        if not _QUESTION.search(text) or any(ch.isdigit() for ch in text):
            return None
        for cap in self.capabilities:
            reply = cap.aside(turn) if cap is not flow else None
            if reply is not None:
                reply.text += "\n\n" + render("flow_kept")
                return reply
        return None

    def _command(self, turn: Turn) -> Reply:
        command, argument = turn.event.command, turn.event.text.strip()
        if command == START.name and argument in self.by_command:
            # Deep link t.me/<bot>?start=branch behaves as /branch.
            turn.event = Event(kind="command", command=argument, user_id=turn.event.user_id,
                               is_admin=turn.event.is_admin)
            return self._command(turn)
        if command in (START.name, HELP.name):
            turn.end_flow()
            name = "welcome" if command == START.name else "help"
            return Reply(kind="chat", text=render(name), buttons=self.menu_buttons())
        if command == CANCEL.name:
            had_flow = turn.flow() is not None
            turn.end_flow()
            return Reply(kind="chat", text=render("cancelled", had_flow=had_flow), keyboard="remove",
                         buttons=self.menu_buttons())
        cap = self.by_command.get(command)
        if cap is not None:
            reply = cap.on_command(turn)
            if reply is not None:
                return reply
        return Reply(kind="chat", text=render("unknown_command", command=command),
                     buttons=self.menu_buttons())

    def _button(self, turn: Turn) -> Reply:
        prefix, _, rest = turn.event.payload.partition(":")
        if prefix == "menu":
            return self._menu(turn, rest)
        if prefix == "fb":
            return self._feedback(turn, rest)
        cap = self.by_name.get(prefix)
        reply = cap.on_button(turn, rest) if cap is not None else None
        if reply is None:
            return Reply(kind="chat", text=render("stale_button"), buttons=self.menu_buttons())
        return reply

    def _menu(self, turn: Turn, item: str) -> Reply:
        if item in self.by_command:
            turn.event = Event(kind="command", command=item, user_id=turn.event.user_id,
                               is_admin=turn.event.is_admin)
            return self._command(turn)
        return Reply(kind="chat", text=render("help"), buttons=self.menu_buttons())

    def _feedback(self, turn: Turn, rest: str) -> Reply:
        """👍/👎 under an answer: the payload carries the answer's record number, nothing else."""
        vote, _, ref = rest.partition(":")
        if vote not in ("up", "down") or not ref.isdigit():
            return Reply(kind="chat", text=render("stale_button"))
        voter = f"user:{turn.event.user_id}" if turn.event.user_id is not None else f"chat:{turn.chat_id}"
        if not self.feedback.vote(int(ref), voter, "up" if vote == "up" else "down"):
            return Reply(kind="chat", text=render("stale_button"))
        return Reply(kind="chat", text=render("feedback_thanks", vote=vote))

    def _in_flow_order(self, turn: Turn) -> list[Capability]:
        flow = self.by_name.get(turn.flow() or "")
        return ([flow] if flow else []) + [c for c in self.capabilities if c is not flow]

    # -- shared replies --------------------------------------------------------------------

    def help_lines(self) -> list[str]:
        return [c.help_line for c in self.capabilities if c.help_line]

    def menu_buttons(self) -> list[Button]:
        """A button for each capability that declares one, running its first command."""
        shown = sorted((c for c in self.capabilities if c.menu_label), key=lambda c: c.menu_order)
        return [Button(c.menu_label, f"menu:{c.commands[0].name}") for c in shown]

    def command_list(self, *, admin: bool = False) -> list[Command]:
        return command_list(self.capabilities, admin=admin)

    def small_talk(self, kind: str) -> Reply:
        return Reply(kind="chat", text=render(f"chat_{kind}"), buttons=self.menu_buttons())
