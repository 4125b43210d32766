"""Evaluation exclusions (004, 제2절 3): whether the facts a message states allow a credit rating."""

from __future__ import annotations

import re
from typing import Any

from bot.conversation import Reply, Turn
from bot.dates.reading import Said, rule_reply
from bot.templates import render
from rules.evaluation import EvaluationFacts, assess

_YEARS = re.compile(
    r"(?P<n>\d+|한|두|세)\s*(?:개\s*(?:사업\s*)?(?:년|연도)(?:\s*분|\s*치)?|년\s*(?:치|분)|해\s*(?:치|분))"
)
_WORD_NUMBERS = {"한": 1, "두": 2, "세": 3}
_OVERDUE = re.compile(r"연체[^.?!]{0,10}?(?P<n>\d+)\s*(?P<unit>일|개월|달)|(?P<n2>\d+)\s*(?P<unit2>일|개월|달)[^.?!]{0,6}연체")


def evaluation_facts(said: Said) -> dict[str, Any]:
    """The facts of EvaluationFacts a message states (a rule question states none)."""
    text = said.text
    facts: dict[str, Any] = {}
    if said.has("있어야", "필요", "몇년", "몇개"):
        return {}  # "2년치가 있어야 하나요?" asks about the rule; the FAQ answers it
    years = _YEARS.search(text)
    if years is not None and said.has("재무제표", "결산", "재무"):
        n = years.group("n")
        facts["years_of_statements"] = _WORD_NUMBERS.get(n) or int(n)
    elif re.search(r"재무제표\s*(?:가|는)?\s*(?:하나도|전혀)?\s*없", text):
        facts["years_of_statements"] = 0
    if re.search(r"매출\s*(?:액)?\s*(?:이|은|가)?\s*(?:전혀|하나도)?\s*(?:없|0원)", text):
        facts["has_sales"] = False
    flags = {
        "audit_opinion": r"의견\s*거절", "falsified": r"분식|허위", "n3": r"(?<![A-Za-z0-9])N3(?!\d)",
        "checking_suspended": r"당좌\s*(?:거래)?\s*정지", "rehabilitation_filed": r"회생",
        "subrogation_paid": r"대급금", "provisionally_allowed": r"잠정\s*허용",
    }
    for name, pattern in flags.items():
        if _stated(pattern, text):
            facts[name] = "의견거절" if name == "audit_opinion" else True
    overdue = _OVERDUE.search(text)
    if overdue is not None:
        n = int(overdue.group("n") or overdue.group("n2"))
        unit = overdue.group("unit") or overdue.group("unit2")
        facts["loan_overdue_days"] = n if unit == "일" else n * 30
    return facts


def _stated(pattern: str, text: str) -> bool:
    """The pattern occurs and is not denied right after ("회생절차는 아니고")."""
    for match in re.finditer(pattern, text, re.IGNORECASE):
        if not re.match(r"\s*(?:은|는|이|가|도)?\s*(?:아니|않|없|안\s)", text[match.end():match.end() + 8]):
            return True
    return False


def answer_evaluation(turn: Turn, data: dict[str, Any], said: Said | None) -> Reply:
    """Whether the stated facts allow a credit rating (제2절 3)."""
    turn.end_flow()
    facts = evaluation_facts(said) if said is not None else {}
    result = assess(EvaluationFacts(**facts))
    overdue_unclear = said is not None and said.has("연체") and "loan_overdue_days" not in facts
    return rule_reply(render("rule_evaluation", r=result, overdue_unclear=overdue_unclear))
