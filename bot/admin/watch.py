"""What each turn leaves for staff: the reply's outcome counted for the weekly picture, and a
missed question in the inbox (a fallback, a 👎, a suggestion not taken). The member's words are
masked here, before anything is written: phone numbers and long digit runs (bot.korean.phones)
and names (bot.korean.names)."""

from __future__ import annotations

from collections.abc import Callable

from bot.admin.inbox import InboxStore, Miss, Reason
from bot.admin.outcomes import OutcomeStore
from bot.admin.teaching import FaqForStaff
from bot.conversation import Reply, Turn
from bot.korean.names import mask_names
from bot.korean.phones import redact
from bot.storage import transaction

SUGGESTION_PREFIX = "faq:"
VOTE_PREFIX = "fb:"


class InboxWatch:
    def __init__(self, inbox: InboxStore, outcomes: OutcomeStore, faq: FaqForStaff,
                 voted_entry: Callable[[int], str | None]) -> None:
        """`voted_entry`: the entry a 👍/👎 button's answer number stands for (the feedback
        store's record; the button carries no entry id of its own)."""
        self.inbox = inbox
        self.outcomes = outcomes
        self.faq = faq
        self.voted_entry = voted_entry

    def observe(self, turn: Turn, reply: Reply) -> None:
        event = turn.event
        vote = self._vote(event.payload) if event.kind == "button" else None
        pressed = event.payload.removeprefix(SUGGESTION_PREFIX) if event.kind == "button" else None
        # Masking and reading the words (the analyser, perhaps a second ranking) are done before
        # the write lock is taken, so other chats' writes wait only for the writes.
        missed = self._missed(turn, reply, vote)
        with transaction(self.inbox.db):
            if vote is not None:
                kind, entry_id = vote
                self.outcomes.count(turn.today, kind, entry_id, event.kind)
            else:
                entry_id = reply.entry_id or (reply.candidates[0].id if reply.candidates else "")
                self.outcomes.count(turn.today, reply.kind, entry_id, event.kind)
            # Whatever this chat does next settles a suggestion it was offered before.
            self.inbox.settle(turn.chat_id, pressed)
            if missed is not None and missed.reason == "not_taken":
                self.inbox.hold_suggestion(turn.chat_id, missed)
            elif missed is not None:
                self.inbox.add(missed)

    def _missed(self, turn: Turn, reply: Reply, vote: tuple[str, str] | None) -> Miss | None:
        """The question this turn missed, if any; a suggestion not taken is only held for now."""
        event = turn.event
        if event.kind == "text" and reply.kind == "suggest":
            return self.miss(turn, event.text, reply, "not_taken")
        if event.kind == "text" and reply.kind == "fallback":
            return self.miss(turn, event.text, reply, "fallback")
        if vote is not None and vote[0] == "down" and turn.state.get("last_question"):
            return self.miss(turn, str(turn.state["last_question"]), reply, "down", candidates=(vote[1],))
        return None

    def miss(self, turn: Turn, text: str, reply: Reply, reason: Reason,
             candidates: tuple[str, ...] = ()) -> Miss:
        question = self.mask(text)
        considered = candidates or tuple(c.id for c in reply.candidates) or tuple(
            c.id for c in self.faq.likely(question))
        kind = "answer" if reason == "down" else reply.kind
        return Miss(question, self.faq.words(question), kind, reason, considered, turn.today)

    def mask(self, text: str) -> str:
        return redact(mask_names(" ".join(text.split()), self.faq.vocabulary()))

    def _vote(self, payload: str) -> tuple[str, str] | None:
        """("up" | "down", entry id) for a 👍/👎 button of a recorded answer."""
        if not payload.startswith(VOTE_PREFIX):
            return None
        vote, _, ref = payload.removeprefix(VOTE_PREFIX).partition(":")
        entry_id = self.voted_entry(int(ref)) if ref.isdigit() else None
        return (vote, entry_id) if vote in ("up", "down") and entry_id else None
