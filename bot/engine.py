"""The dialogue engine: (chat id, Event) in, Reply out, for every channel alike.

Routing order: a pressed button goes to the capability named in its payload; a command to the
capability that owns it; a location or contact to the first capability that takes it; what the
bot cannot read (a sticker, a voice message) gets a short friendly reply. Typed text, in turn:
words that call things off ("취소", "그만") end the flow; a number picks one of the choices just
offered; the capability holding the chat's flow (a clear question is first answered on the side);
small talk; a follow-up read against the last topic; each capability in order, the FAQ last. A
message the flow cannot use is answered as a new one and the flow is kept, with a line saying so.

The chat's state is loaded before and saved after every turn: the flow, the choices offered, the
topic (for follow-ups, while fresh) and whether the capability list was shown. The menu buttons,
the command list and the help menu are built from what the installed capabilities declare
(bot.capability); the engine declares its own three commands.

The database is needed for conversations that remember (a flow, feedback), not for answering:
when it cannot be written (a full disk, a read-only file) or read, questions are still answered
and only what needed the database is refused, with one polite sentence."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from bot.capability import Capability, Command
from bot.conversation import MAX_REPLY_CHARS, Button, Event, Reply, Shared, Topic, Turn
from bot.korean.clock import Clock
from bot.korean.discourse import asks
from bot.korean.smalltalk import SmallTalk, classify
from bot.korean.values import choice_number
from bot.storage.faults import fault_of, is_storage_error
from bot.storage.feedback import FeedbackStore
from bot.storage.state import StateStore
from bot.templates import environment, render

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_TEXT_CHARS = 4000
# A follow-up ("거기 팩스는?") leans on the last topic only this long; later it is a new question.
TOPIC_KEEP = dt.timedelta(minutes=30)
MAX_INLINE_RESULTS = 5
MAX_INLINE_QUERY = 256  # what Telegram sends at most
# The engine's own commands, first and last in the command list around the capabilities' own.
START = Command("start", "처음으로: 인사와 도움 메뉴")
HELP = Command("help", "도움말: 물어볼 수 있는 것")
CANCEL = Command("cancel", "진행 중인 대화 취소")
# Replies that answer one part of a message: a second question in it may be answered below.
_ANSWERS_ONE_PART = frozenset({"rule", "branch"})
# Small talk that answers with the capability list and the menu buttons.
_WITH_MENU: frozenset[SmallTalk] = frozenset({"greeting", "help", "who"})


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
        #: Where links into the private chat start ("https://t.me/<bot>?start="), once a channel
        #: knows it (Telegram: the bot's username from getMe at start-up).
        self.link_base = ""
        # Every template's help menu lists what the installed capabilities can do.
        environment().globals["menu_lines"] = self.help_lines()

    def handle(self, chat_id: str | int, event: Event, *, today: dt.date | None = None,
               chat_type: str = "private", can_share: bool | None = None) -> Reply:
        """Answer one event and persist the chat's state. `can_share`: whether the channel has
        buttons to share a location or a contact (default: in private chats)."""
        chat = str(chat_id)
        state = self._best_effort("load the conversation", self.states.load, chat) or {}
        had_flow = "data" in state
        now = self.clock.now()
        turn = Turn(chat, event, state, today or self.clock.today(), chat_type,
                    can_share=chat_type == "private" if can_share is None else can_share,
                    link_base=self.link_base, now=now, topic=Topic.recall(state.get("topic"), now, TOPIC_KEEP),
                    topics=Topic.recall_each(state.get("topics"), now, TOPIC_KEEP))
        self._each_capability(lambda cap: cap.before_turn(turn), turn)
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
        self._settle(turn, reply)
        self._each_capability(lambda cap: cap.after_turn(turn, reply), turn)
        if reply.entry_id:
            # An answer from the guides offers 👍/👎 once it is recorded: the buttons carry the
            # record's number, never text.
            question = str(turn.state.get("last_question") or "")
            answer = self._best_effort("record an answer", self.feedback.answered, question, reply.entry_id)
            reply.feedback_ref = str(answer) if answer else None
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

    def best_answers(self, query: str, *, today: dt.date | None = None,
                     limit: int = MAX_INLINE_RESULTS) -> list[Shared]:
        """Inline mode (@bot in any chat): the answers worth sharing for a query, each
        capability's in the routing order, each once. Nothing of any chat is read or kept."""
        text = query.strip()[:MAX_INLINE_QUERY]
        if not text:
            return []
        found: dict[str, Shared] = {}
        for cap in self.capabilities:
            turn = Turn("inline", Event(kind="text", text=text), {}, today or self.clock.today(), can_share=False,
                        link_base=self.link_base, now=self.clock.now())
            try:
                offered = cap.inline(turn)
            except Exception:
                log.exception("inline answers of %s failed", cap.name or type(cap).__name__)
                continue
            for shared in offered:
                found.setdefault(shared.id, shared)
        return list(found.values())[:limit]

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
        if event.kind == "media":
            return Reply(kind="chat", text=render("media", what=event.media))
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
        talk = classify(text)
        if talk == "cancel":
            return self._cancel(turn)
        number = choice_number(text)
        if number is not None:
            picked = self._pick(turn, number)
            if picked is not None:
                return picked
        flow = self.by_name.get(turn.flow() or "")
        if flow is not None:
            reply = self._aside(turn, flow) or flow.on_text(turn)
            if reply is not None:
                return reply
        reply = self._fresh(turn, talk, skip=flow)
        if flow is not None and turn.flow() == flow.name:
            # The flow could not use the message: it was answered as a new one, and the flow
            # still waits for what it asked.
            reply.text += "\n\n" + render("flow_kept")
        return reply

    def _fresh(self, turn: Turn, talk: SmallTalk | None, *, skip: Capability | None) -> Reply:
        """A message outside any flow: small talk, or whichever capability claims it, as a
        follow-up to the last topic or on its own (the FAQ last, always with something to say)."""
        if talk is not None:
            return self.small_talk(turn, talk)
        for cap in self.capabilities:
            # Each in turn, reading the message against the topic first: "그럼 6월 결산이면요?"
            # is the calculator's to claim before the FAQ would look in its last answer.
            reply = cap.follow_up(turn, turn.topic) if turn.topic is not None else None
            own = turn.topics.get(cap.name)
            if reply is None and own is not None and own != turn.topic:
                # Its own earlier topic, when the conversation turned elsewhere in between.
                reply = cap.follow_up(turn, own)
            if reply is None and cap is not skip:
                reply = cap.on_text(turn)
            if reply is not None:
                return self._with_second_question(turn, cap, reply)
        return Reply(kind="fallback", text=render("fallback", rating=False))

    def _with_second_question(self, turn: Turn, answered_by: Capability, reply: Reply) -> Reply:
        """A message asking two things, one of them a calculation or a branch: the first other
        capability sure of an answer to the rest adds it below, so neither part is dropped."""
        if reply.kind not in _ANSWERS_ONE_PART:
            return reply
        for cap in self.capabilities:
            extra = cap.also_asked(turn, answered_by) if cap is not answered_by else None
            if extra is not None and len(reply.text) + len(extra.text) <= MAX_REPLY_CHARS:
                reply.text += "\n\n" + extra.text
                payloads = {b.payload for b in reply.buttons}
                reply.buttons = [*reply.buttons, *(b for b in extra.buttons if b.payload not in payloads)]
                return reply
        return reply

    def _aside(self, turn: Turn, flow: Capability) -> Reply | None:
        """A clear question asked in the middle of a flow ("신용평가 수수료 있나요?" while the
        bot waits for a phone number) is answered by the first other capability with a reply to
        it (the FAQ, from the guides), and the flow stays open. Text with digits is left to the
        flow (a number, a date, an amount), and so are statements and requests ("네 맞아요",
        "문자 그만 받고 싶어요")."""
        text = turn.event.text.strip()
        if not asks(text) or any(ch.isdigit() for ch in text):
            return None
        for cap in self.capabilities:
            if cap is flow:
                continue
            # "거기 팩스는?" leans on the topic: read it so first.
            reply = (cap.follow_up(turn, turn.topic) if turn.topic is not None else None) or cap.aside(turn)
            if reply is not None:
                reply.text += "\n\n" + render("flow_kept")
                return reply
        return None

    def _pick(self, turn: Turn, number: int) -> Reply | None:
        """A number typed for one of the choices just offered presses it. Outside the choices
        (or with none offered) it is no question to look up: the choices are listed again,
        unless a flow asked for a number of its own (a member number, a day)."""
        offered = [(str(label), str(payload)) for label, payload in turn.state.get("offered") or []]
        if 1 <= number <= len(offered):
            turn.event = Event(kind="button", payload=offered[number - 1][1], user_id=turn.event.user_id,
                               is_admin=turn.event.is_admin)
            return self._button(turn)
        if turn.flow() is not None and not offered:
            return None
        return Reply(kind="chat", text=render("choose_number", number=number, count=len(offered)),
                     buttons=[Button(label, payload) for label, payload in offered])

    def _command(self, turn: Turn) -> Reply:
        command, argument = turn.event.command, turn.event.text.strip()
        if command == START.name and argument in self.by_command:
            # Deep link t.me/<bot>?start=branch behaves as /branch.
            turn.event = Event(kind="command", command=argument, user_id=turn.event.user_id,
                               is_admin=turn.event.is_admin)
            return self._command(turn)
        if command == START.name:
            turn.end_flow()
            return self._with_menu(turn, "welcome")
        if command == HELP.name:
            turn.end_flow()
            return self._with_menu(turn, "help")
        if command == CANCEL.name:
            return self._cancel(turn)
        cap = self.by_command.get(command)
        if cap is not None:
            reply = cap.on_command(turn)
            if reply is not None:
                return reply
        return self._with_menu(turn, "unknown_command", command=command)

    def _cancel(self, turn: Turn) -> Reply:
        """/cancel, or "취소", "그만", "됐어요": end the flow. One message: no buttons beside the
        keyboard it takes away."""
        had_flow = turn.flow() is not None
        turn.end_flow()
        turn.state.pop("topic", None)  # what was said is let go too: a value typed next starts afresh
        turn.state.pop("topics", None)
        return Reply(kind="chat", text=render("cancelled", had_flow=had_flow), keyboard="remove")

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
        """menu:<command> runs a command; menu:<command>:<argument> runs it with an argument, as
        an answer's action does ("menu:deadline:notice" is "/deadline notice")."""
        command, _, argument = item.partition(":")
        if command in self.by_command or command in (START.name, HELP.name, CANCEL.name):
            turn.event = Event(kind="command", command=command, text=argument, user_id=turn.event.user_id,
                               is_admin=turn.event.is_admin)
            return self._command(turn)
        return self._with_menu(turn, "help")

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

    def _settle(self, turn: Turn, reply: Reply) -> None:
        """What every reply gets on its way out: a fallback is recorded for the report and
        offers what the bot can do (the capability list only once a conversation); a channel
        without share buttons gets no reply keyboard; the choices offered are kept, so a typed
        number can pick one."""
        if reply.kind == "fallback":
            if turn.event.kind == "text":
                self._best_effort("record a miss", self.feedback.record, turn.event.text, "miss")
            if not turn.state.get("menu_shown"):
                turn.state["menu_shown"] = True
                # The list goes before the line saying a flow is kept, which stays last.
                kept = "\n\n" + render("flow_kept")
                body = reply.text.removesuffix(kept)
                reply.text = body + "\n\n" + render("_menu") + (kept if body != reply.text else "")
            reply.buttons = reply.buttons or [*self.menu_buttons(), Button("도움말", f"menu:{HELP.name}")]
        if not turn.can_share:
            reply.keyboard = None  # no reply keyboards here (groups, the terminal): none to take away
        offered = [[b.label, b.payload] for b in reply.buttons if b.payload]
        if offered:
            turn.state["offered"] = offered
        else:
            turn.state.pop("offered", None)

    # -- shared replies --------------------------------------------------------------------

    def help_lines(self) -> list[str]:
        return [c.help_line for c in self.capabilities if c.help_line]

    def menu_buttons(self) -> list[Button]:
        """A button for each capability that declares one, running its first command."""
        shown = sorted((c for c in self.capabilities if c.menu_label), key=lambda c: c.menu_order)
        return [Button(c.menu_label, f"menu:{c.commands[0].name}", follow_on=True) for c in shown]

    def command_list(self, *, admin: bool = False) -> list[Command]:
        return command_list(self.capabilities, admin=admin)

    def small_talk(self, turn: Turn, kind: SmallTalk) -> Reply:
        if kind in _WITH_MENU:
            return self._with_menu(turn, f"chat_{kind}")
        buttons = self.menu_buttons() if kind == "puzzled" else []
        return Reply(kind="chat", text=render(f"chat_{kind}"), buttons=buttons)

    def _with_menu(self, turn: Turn, template: str, **context: object) -> Reply:
        """A reply that lists what the bot can do (and the commands, for /help), with the menu."""
        turn.state["menu_shown"] = True
        text = render(template, commands=self.command_list(admin=turn.event.is_admin), **context)
        return Reply(kind="chat", text=text, buttons=self.menu_buttons())
