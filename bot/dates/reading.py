"""Reading a date question: the values and topic words of one message (Said), the 결산 it
names, and what every topic of the dates flow shares (its name in the chat state, the reply)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.conversation import Button, Reply, Turn
from bot.korean.amounts import AmountMention, find_amounts
from bot.korean.dates import DateMention, find_dates
from bot.korean.hangul import squash
from rules.errors import RuleInputError
from rules.release_notice import find_kinds

# The capability's name: the prefix of its buttons and its flow in the chat state.
NAME = "deadline"


@dataclass(frozen=True)
class Said:
    """The values and topic words of one message, parsed once."""

    text: str
    key: str
    dates: tuple[DateMention, ...]
    amounts: tuple[AmountMention, ...]
    kinds: tuple[str, ...]

    @classmethod
    def parse(cls, text: str, today: date) -> Said:
        """Parse dates, amounts and guarantee kinds out of one message."""
        return cls(text, squash(text), tuple(find_dates(text, today)), tuple(find_amounts(text)),
                   find_kinds(text))

    def has(self, *words: str) -> bool:
        """Any of these words, spacing and punctuation ignored."""
        return any(word in self.key for word in words)


def says_fiscal(said: Said) -> bool:
    """The message talks of a 결산 (or 회계연도, as some members say)."""
    return said.has("결산", "회계연도", "회계년도")


def fiscal_year_end(said: Said) -> DateMention | None:
    """The mention naming the fiscal year-end with its year: "2025.12.31 결산", "작년 12월 말"."""
    dated = [d for d in said.dates if d.year is not None and d.month is not None]
    marked = [d for d in dated if d.fiscal]
    if marked:
        return marked[0]
    if not says_fiscal(said):
        return None  # "등급이 2026년 6월 30일까지인데" names a validity end, not a 결산일
    return next((d for d in dated if d.month_end or d.day is None), dated[0] if dated else None)


def fiscal_month(said: Said, *, loose: bool = False) -> DateMention | None:
    """The month named as 결산 without a year: "3월 결산", "12월말 법인", "12월 31일 결산";
    any month when loose (the flow already asked about 결산)."""
    months = [d for d in said.dates if d.year is None and d.month is not None]
    marked = [d for d in months if d.fiscal]
    if marked:
        return marked[0]
    return months[0] if months and (loose or says_fiscal(said)) else None


def raise_date_errors(mentions: Sequence[DateMention]) -> None:
    """An impossible date said anywhere in the message is answered first."""
    for mention in mentions:
        if mention.error is not None:
            raise RuleInputError(mention.error)


def flow_topic(turn: Turn) -> str | None:
    """The topic of our flow in this chat, if we hold it."""
    return str(turn.flow_data().get("topic")) if turn.flow() == NAME else None


def rule_reply(text: str, buttons: Sequence[Button] = ()) -> Reply:
    return Reply(kind="rule", text=text, buttons=list(buttons))


# One calculator of the flow: (turn, the flow's data, the message or None after a button) -> reply.
Calculator = Callable[[Turn, dict[str, Any], Said | None], Reply]
