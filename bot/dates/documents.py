"""Which documents a member submits (004, ① 필수 제출서류 and ② 기타 평가서류): the facts a
message states, and one yes/no question at a time until the document asked about (the consent
form, the property-tax certificate) is settled; or the whole list."""

from __future__ import annotations

import re
from typing import Any

from bot.conversation import Button, Reply, Turn
from bot.dates.reading import NAME, Said, rule_reply
from bot.korean.hangul import josa
from bot.korean.values import yes_no
from bot.templates import render
from rules.documents import (
    CONSENT_ASSET_THRESHOLD,
    PROPERTY_TAX_THRESHOLD,
    DocumentFacts,
    DocumentItem,
    DocumentList,
    required_documents,
)

# Answers to "did you / are you ...?" besides a plain yes or no ("맞아요", "냈어요", "안 했어요").
FACT_YES = ("넵", "응", "맞아", "맞습니다", "맞아요", "그렇습니다", "있어요", "있습니다", "했어요", "했습니다", "냈어요",
            "냈습니다")
FACT_NO = ("아뇨", "아닙니다", "없어요", "없습니다", "안했", "안 했", "안냈", "안 냈", "못했", "못 했", "않았")
# Yes/no facts of the documents rule, by button code.
FACT_CODES = {
    "audited": "externally_audited", "consent": "consent_submitted_last_year", "ceo": "ceo_changed_since",
}
QUESTIONS = {
    "externally_audited": "외부감사를 받는 법인(외감법인)이신가요?",
    "consent_submitted_last_year": "작년 신용평가 때 이 동의서를 제출하셨나요?",
    "ceo_changed_since": "그 뒤 대표이사가 바뀌었나요?",
    "total_assets_won": "최근 결산일 기준 총자산이 얼마인지 알려 주세요(예: 150억).",
}
_NOT_AUDITED = re.compile(r"비\s*외감|외감\s*(?:법인|대상)?\s*(?:이|은|는|이가)?\s*아니|외부\s*감사\s*(?:를|는)?\s*"
                          r"(?:안\s|받지\s*않|대상이?\s*아니)|외감\s*안\s")
_AUDITED = re.compile(r"외감|외부\s*감사\s*(?:를|는)?\s*(?:받|대상|법인)")
_CONSENT_NO = re.compile(r"(?:작년|지난\s*해|전년)[^.?!]{0,14}?(?:안\s*냈|제출\s*안|제출하지\s*않|못\s*냈|미제출)")
_CONSENT_YES = re.compile(r"(?:작년|지난\s*해|전년)[^.?!]{0,14}?(?:냈|제출했|제출하였|제출함)")
_CEO = re.compile(r"대표(?:이사|자)?(?P<before>[^.?!]{0,6}?)(?:바뀌|바꼈|바뀐|변경|교체)(?P<after>[^.?!]{0,8})")


def fact_answer(text: str) -> bool | None:
    """A yes or a no to one of QUESTIONS, or None."""
    return yes_no(text, yes=FACT_YES, no=FACT_NO)


def document_facts(said: Said) -> dict[str, Any]:
    """The facts of DocumentFacts a message states, as a JSON-safe dict."""
    text = said.text
    facts: dict[str, Any] = {}
    if _NOT_AUDITED.search(text):
        facts["externally_audited"] = False
    elif _AUDITED.search(text):
        facts["externally_audited"] = True
    for amount in said.amounts:
        before = text[max(0, amount.start - 10):amount.start]
        if "자산" in before:
            facts["total_assets_won"] = amount.won
        elif "재산세" in before or ("재산세" in text and "자산" not in before):
            facts["ceo_net_property_tax_won"] = amount.won
    if _CONSENT_NO.search(text):
        facts["consent_submitted_last_year"] = False
    elif _CONSENT_YES.search(text):
        facts["consent_submitted_last_year"] = True
    ceo = _CEO.search(text)
    if ceo is not None:
        denied = re.search(r"안\s", ceo.group("before") + " ") or re.search(r"안|않|없|아니", ceo.group("after"))
        facts["ceo_changed_since"] = not denied
    elif re.search(r"대표(?:이사|자)?\s*(?:는|가)?\s*(?:그대로|같)", text):
        facts["ceo_changed_since"] = False
    return facts


def answer_documents(turn: Turn, data: dict[str, Any], said: Said | None) -> Reply:
    """Which documents, by what the member said; one yes/no question at a time when needed."""
    facts: dict[str, Any] = dict(data.get("facts") or {})
    if said is not None:
        asking = data.get("asking")
        answer = fact_answer(said.text)
        if asking in QUESTIONS and asking != "total_assets_won" and answer is not None:
            facts[asking] = answer
        stated = document_facts(said)
        if asking == "total_assets_won" and said.amounts and "total_assets_won" not in stated:
            stated["total_assets_won"] = said.amounts[0].won
        facts.update(stated)
        data.setdefault("focus", _document_focus(said))
    data["facts"] = facts
    result = required_documents(DocumentFacts(**facts))
    focus = str(data.get("focus", "all"))
    if focus == "all":
        turn.end_flow()
        return rule_reply(render("rule_documents_all", d=result))
    item, bucket = _find_item(result, focus)
    question = _next_question(focus, bucket, DocumentFacts(**facts))
    buttons: list[Button] = []
    if question is None:
        turn.end_flow()
    else:
        data["asking"] = question
        turn.start_flow(NAME, **data)
        code = next((c for c, name in FACT_CODES.items() if name == question), None)
        if code is not None:
            buttons = [Button("예", f"{NAME}:yes:{code}"), Button("아니요", f"{NAME}:no:{code}")]
    return rule_reply(render("rule_document", item=item, bucket=bucket, headline=_document_headline(item, bucket),
                             question=QUESTIONS.get(question or ""), notes=result.notes), buttons)


def _document_focus(said: Said) -> str:
    """The document asked about: the consent form, the property-tax certificate, or all."""
    if said.has("동의서"):
        return "consent"
    if said.has("과세", "납세증명", "재산현황"):
        return "tax"
    # "재산세 60만원이면 뭐 내요?" asks for the whole list; "재산세 60만원이면 내요?" for the certificate.
    if said.has("재산세") and not said.has("뭐", "무엇", "무슨", "어떤", "서류"):
        return "tax"
    return "all"


def _find_item(result: DocumentList, focus: str) -> tuple[DocumentItem, str]:
    """The focused document and its bucket."""
    word = "동의서" if focus == "consent" else "과세"
    for bucket in ("required", "not_needed", "undetermined", "optional"):
        for item in getattr(result, bucket):
            if word in item.name:
                return item, bucket
    raise LookupError(focus)  # the rules always list both documents


def _next_question(focus: str, bucket: str, facts: DocumentFacts) -> str | None:
    """The one fact still needed to settle the focused document, or None."""
    if focus == "tax":
        taxed = facts.ceo_net_property_tax_won is not None and facts.ceo_net_property_tax_won >= PROPERTY_TAX_THRESHOLD
        return "externally_audited" if taxed and facts.externally_audited is None else None
    if bucket != "undetermined":
        return None
    small = facts.total_assets_won is not None and facts.total_assets_won < CONSENT_ASSET_THRESHOLD
    if facts.externally_audited is None and not small:
        return "externally_audited"
    if facts.externally_audited and facts.total_assets_won is None:
        return "total_assets_won"
    if facts.consent_submitted_last_year is None:
        return "consent_submitted_last_year"
    if facts.consent_submitted_last_year and facts.ceo_changed_since is None:
        return "ceo_changed_since"
    return None


def _document_headline(item: DocumentItem, bucket: str) -> str:
    """The first sentence: whether the focused document is to be submitted."""
    if bucket == "required":
        return f"{josa(item.name, '을/를')} 제출하셔야 합니다."
    if bucket == "not_needed":
        return f"{josa(item.name, '은/는')} 제출하지 않으셔도 됩니다."
    if bucket == "optional":
        return f"{josa(item.name, '은/는')} 필수 서류가 아니라, 내시면 가점이 되는 임의 제출서류입니다."
    return f"{item.name} 제출 여부는 몇 가지를 더 확인해야 알 수 있습니다."
