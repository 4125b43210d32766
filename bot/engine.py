"""The dialogue engine: (chat id, Event) in, Reply out, for every channel alike.

Routing order: a pressed button goes to the capability named in its payload; a command to the
capability that owns it; a location or contact to the first capability that takes it; text
first to the capability holding this chat's flow, then small talk, then each capability in
order, with the FAQ last. The chat's state is loaded before and saved after every turn.

The menu buttons, the command list and the help menu are built from what the installed
capabilities declare (bot.capability); the engine declares its own three commands."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable, Sequence

from bot.capability import Capability, Command
from bot.conversation import Button, Event, Reply, Turn
from bot.korean import clock
from bot.korean.smalltalk import classify
from bot.storage.feedback import FeedbackStore
from bot.storage.state import StateStore
from bot.templates import environment, render

log = logging.getLogger(__name__)
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
    def __init__(self, capabilities: Sequence[Capability], states: StateStore, feedback: FeedbackStore) -> None:
        self.capabilities = list(capabilities)
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
        turn = Turn(chat, event, self.states.load(chat), today or clock.today(), chat_type)
        self._each_capability(lambda cap: cap.before_turn(turn), turn)
        try:
            reply = self._route(turn)
        except Exception:
            # A bug must cost the member one apology, not the conversation: the state saved
            # before this turn stays as it was. Only the event's kind is logged (no text).
            log.exception("engine failed on a %s event in chat %s", event.kind, chat)
            return Reply(kind="chat", text=render("internal_error"), buttons=self.menu_buttons())
        if reply.kind == "fallback":
            if event.kind == "text":
                self.feedback.record(event.text, "miss")
            # Nothing fitted: offer what the bot can do instead.
            reply.buttons = reply.buttons or [*self.menu_buttons(), Button("도움말", f"menu:{HELP.name}")]
        self._each_capability(lambda cap: cap.after_turn(turn, reply), turn)
        self.states.save(chat, turn.state)
        return reply

    def _each_capability(self, hook: Callable[[Capability], None], turn: Turn) -> None:
        """Every capability sees every turn (the staff inbox keeps each reply's outcome, taught
        answers reach the FAQ); a failure there is logged and costs the member nothing."""
        for cap in self.capabilities:
            try:
                hook(cap)
            except Exception:
                log.exception("%s failed around a %s event in chat %s", type(cap).__name__, turn.event.kind,
                              turn.chat_id)

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
        vote, _, entry_id = rest.partition(":")
        if vote not in ("up", "down"):
            return Reply(kind="chat", text=render("stale_button"))
        question = str(turn.state.get("last_question") or "")
        self.feedback.record(question or f"({entry_id})", "up" if vote == "up" else "down", entry_id or None)
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
