"""SMS mileage (000): one call per guarantee issued online, valid one year from the day earned."""

from __future__ import annotations

from typing import Any

from bot.conversation import Reply, Turn
from bot.dates.reading import NAME, Said, raise_date_errors, rule_reply
from bot.korean.dates import last_on_or_before
from bot.templates import render
from rules.errors import RuleInputError
from rules.formatting import format_date
from rules.mileage import is_mileage_valid, mileage_expiry
from rules.sources import MILEAGE


def answer_mileage(turn: Turn, data: dict[str, Any], said: Said | None) -> Reply:
    """Expiry of mileage earned on the given day(s): one year."""
    days = [d for d in (said.dates if said else ()) if d.month is not None]
    raise_date_errors(days)
    if not days:
        turn.start_flow(NAME, topic="mileage")
        return rule_reply(render("rule_ask_earned", source=MILEAGE))
    turn.end_flow()
    rows = []
    for mention in days:
        earned = last_on_or_before(mention, turn.today).to_date() if mention.has_day else None
        if earned is None:
            raise RuleInputError("적립된 날짜를 일까지 알려 주세요(예: 2025년 3월 5일).")
        if earned > turn.today:
            raise RuleInputError(f"{format_date(earned)}은 아직 오지 않은 날짜입니다. 적립일을 다시 확인해 주세요.")
        expiry = mileage_expiry(earned)
        rows.append((earned, expiry, is_mileage_valid(earned, turn.today), (expiry - turn.today).days))
    return rule_reply(render("rule_mileage", rows=rows, today=turn.today, fmt=format_date, source=MILEAGE))
