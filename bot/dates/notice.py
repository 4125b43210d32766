"""Guarantee-release SMS (000, 보증해제대상 정보 문자메시지): whether a guarantee's notice goes out
and on which day; the end date, kind and amount are asked for until the answer is complete."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.conversation import Button, Reply, Turn
from bot.dates.reading import NAME, Said, raise_date_errors, rule_reply
from bot.korean.dates import next_on_or_after
from bot.templates import render
from rules.errors import RuleInputError
from rules.formatting import format_date, format_won
from rules.release_notice import EXCLUDED_KINDS, MIN_AMOUNT, check_eligibility, plan_notice
from rules.sources import RELEASE_NOTICE

# Button codes for guarantee kinds: ASCII keeps payloads short (Telegram allows 64 bytes).
KIND_CODES = {
    "contract": "계약보증", "advance": "선급금보증", "payment": "지급보증", "perform": "공사이행보증",
    "damage": "손해배상보증", "defect": "하자보수보증", "bid": "입찰보증",
}


def answer_notice(turn: Turn, data: dict[str, Any], said: Said | None) -> Reply:
    """Eligibility and send date; the end date is asked for when the guarantee may be eligible."""
    if said is not None:
        _merge_notice(data, said, turn.today)
    kinds: list[str] = list(data.get("kinds") or [])
    amount: int | None = data.get("amount")
    eligible, lines = _eligibility(kinds, amount)
    if eligible is False:
        # The answer is complete. What was said stays in the conversation's topic, so a
        # correction ("아니 3천만원이요", another kind) is read against it; kind buttons only
        # when the kind was what ruled the guarantee out.
        turn.end_flow()
        excluded_kind = bool(kinds) and all(kind in EXCLUDED_KINDS for kind in kinds)
        return rule_reply(render("rule_notice_excluded", lines=lines, source=RELEASE_NOTICE),
                          kind_buttons() if excluded_kind else [])
    if not data.get("end"):
        data["asking"] = "end"
        turn.start_flow(NAME, **data)
        return rule_reply(render("rule_ask_end", lines=lines, source=RELEASE_NOTICE))
    return _notice_reply(turn, data, kinds, amount, lines)


def _merge_notice(data: dict[str, Any], said: Said, today: date) -> None:
    """Take the end date, guarantee kinds and amount out of a message."""
    raise_date_errors(said.dates)
    ends = [d for d in said.dates if d.has_day]
    if ends:
        end = next_on_or_after(ends[0], today)
        data["end"] = end.to_date().isoformat()
        data["end_inferred"] = end.year_inferred
    if said.kinds:
        data["kinds"] = list(said.kinds)
    if said.amounts:
        data["amount"] = said.amounts[0].won
        if data["amount"] < 0:
            raise RuleInputError("보증금액은 0원 이상으로 알려 주세요.")
    data.pop("asking", None)


def _eligibility(kinds: Sequence[str], amount: int | None) -> tuple[bool | None, list[str]]:
    """(True, False, or None while the kind or amount is unknown; the lines saying why)."""
    if kinds and amount is not None:
        results = [check_eligibility(kind, amount) for kind in kinds]
        return any(r.eligible for r in results), [line for r in results for line in r.reasons]
    lines: list[str] = []
    if amount is not None and amount < MIN_AMOUNT:
        return False, [f"보증금액이 1천만원 미만({format_won(amount)})이라 대상이 아닙니다."]
    if amount is not None:
        lines.append(f"보증금액이 1천만원 이상({format_won(amount)})이라, 입찰·하자보증만 아니면 대상입니다.")
    for kind in kinds:
        if kind in EXCLUDED_KINDS:
            lines.append(check_eligibility(kind, MIN_AMOUNT).reasons[0])
        else:
            lines.append(f"{kind}은 대상 보증입니다(보증금액이 1천만원 이상이면).")
    if kinds and all(kind in EXCLUDED_KINDS for kind in kinds):
        return False, lines
    return None, lines


def _notice_reply(turn: Turn, data: dict[str, Any], kinds: list[str], amount: int | None,
                  lines: list[str]) -> Reply:
    """The send date, with the eligibility known so far and kind buttons when it is not."""
    end = date.fromisoformat(data["end"])
    # plan_notice judges a kind and an amount too; when either is unknown an eligible stand-in
    # gives the date and its reasons alone (eligibility was settled above).
    kind = next((k for k in kinds if k not in EXCLUDED_KINDS), "계약보증")
    stand_in = amount if amount is not None else MIN_AMOUNT
    plan = plan_notice(kind, stand_in, end, turn.today)
    assert plan.send_date is not None
    complete = bool(kinds) and amount is not None
    # The date is the answer: the flow ends here. A kind or an amount still unknown may follow
    # (a kind button, "3천만원이에요"), read against the conversation's topic.
    turn.end_flow()
    buttons = kind_buttons() if not kinds and not plan.ended else []
    return rule_reply(render("rule_notice", plan=plan, fmt=format_date, lines=lines, date_lines=[plan.date_reason],
                             inferred=bool(data.get("end_inferred")), complete=complete,
                             ask_kind=not kinds and not plan.ended, ask_amount=amount is None and not plan.ended),
                      buttons)


def kind_buttons() -> list[Button]:
    return [Button(kind.removesuffix("보증"), f"{NAME}:kind:{code}") for code, kind in KIND_CODES.items()]
