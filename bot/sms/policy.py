"""The rules of the recipient register, as pure functions and numbers: when a recipient may
receive notices, how long requests and codes live, and how much guessing a chat is allowed.

A recipient receives notices only when both hold: the company approved them (its CEO on file,
the CEO's one-time code, or a branch after calling) and their number is proven (their own
contact, a code sent to the number, a branch's call, or the member list)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from bot.sms.model import Status

Missing = Literal["approval", "verification"]

# A request nobody approved is erased after this long; a one-time code is good for this long.
PENDING_TTL = dt.timedelta(days=14)
CODE_TTL = dt.timedelta(hours=72)
CODE_HOURS = int(CODE_TTL.total_seconds() // 3600)  # as the messages state it: "72시간 유효"
CODE_DIGITS = 6
# Failed proofs (a wrong code) allowed per chat, and per member for chats the member has not
# trusted, within a window; the CEO's own shared contact is never counted or refused.
PROOF_WINDOW = dt.timedelta(hours=1)
MAX_FAILED_PROOFS_PER_CHAT = 5
MAX_FAILED_PROOFS_PER_MEMBER = 10
# Registration requests a chat may make in a day: a member's CEO adds more than a stranger may.
REQUEST_WINDOW = dt.timedelta(hours=24)
MAX_REQUESTS_PER_CHAT = 5
MAX_REQUESTS_PER_CEO_CHAT = 20
# Texts a stranger can make the bot send: approval codes to one member's CEO, and number codes
# to one number, in a day. Past these the request is still stored (a branch or the CEO in chat can
# approve it) but no further text goes out, and the requester is told nothing different.
MAX_APPROVAL_CODES_PER_MEMBER = 5
MAX_NUMBER_CODES_PER_NUMBER = 3
# Throttling records older than this are of no use to any window.
ATTEMPT_TTL = max(PROOF_WINDOW, REQUEST_WINDOW)


def missing(approved_by: str | None, verification: str) -> list[Missing]:
    """What a recipient still lacks before notices may go to them."""
    lacks: list[Missing] = []
    if approved_by is None:
        lacks.append("approval")
    if verification == "typed":
        lacks.append("verification")
    return lacks


def status_when_in(approved_by: str | None, verification: str) -> Status:
    """The status of a recipient who wants notices: active once nothing is missing."""
    return "pending" if missing(approved_by, verification) else "active"


def proof_locked(chat_failures: int, member_failures: int, *, trusted: bool) -> bool:
    """No more code attempts for now: too many wrong ones from this chat, or (for a chat the
    member has not trusted) against this member from anywhere."""
    return chat_failures >= MAX_FAILED_PROOFS_PER_CHAT or (
        not trusted and member_failures >= MAX_FAILED_PROOFS_PER_MEMBER)


def requests_left(made: int, *, ceo: bool) -> int:
    """How many more registration requests the chat may make today."""
    return max(0, (MAX_REQUESTS_PER_CEO_CHAT if ceo else MAX_REQUESTS_PER_CHAT) - made)
