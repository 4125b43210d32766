"""Follow-ups to an answer: a short message that leaves its subject out ("그건 어디서 해요?",
"전화번호는요?", "유효기간은요?"), read against the entry just answered. First the lines of that
answer about what is asked ("- 유효기간: ... 1년입니다"); otherwise the entries that the answer's
subject and the message point to together, through the index's `rank` as any question is: one is
answered when ranking is sure of it, else the likeliest few (the answer's related entries first)
are offered as choices. The entry just answered is never offered again."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.faq.index import FaqIndex, Ranking
from bot.faq.knowledge import Entry
from bot.korean.discourse import QUESTION_WORDS, without_pointing
from bot.korean.hangul import squash

MAX_SUBJECT_TERMS = 4
MAX_CHOICES = 3
# A match this close to the best of its ranking may be offered; farther ones are noise.
CLOSE_ENOUGH = 0.5
# What a follow-up may ask of an answer, and how a line of it that says so looks.
_PHONE_LINE = re.compile(r"(?<!\d)(?:0\d{1,2}|1\d{3})-\d{3,4}(?:-\d{4})?(?!\d)")
_WEB_LINE = re.compile(r"www\.|https?://|홈페이지|사이트|메뉴|[가-힣]+지점")
_FIELD_WORDS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    (("전화", "연락처", "번호", "문의처", "콜센터"), _PHONE_LINE),
    (("홈페이지", "사이트", "어디서", "어디에서", "어디"), _WEB_LINE),
)


@dataclass(frozen=True)
class FollowUp:
    """How a follow-up is answered: some `lines` of the last answer, one `entry`, or `choices`."""

    lines: list[str] = field(default_factory=list)
    entry: Entry | None = None
    ranking: Ranking | None = None
    choices: list[tuple[Entry, float]] = field(default_factory=list)  # with how well each fits, 0..1


def read_follow_up(index: FaqIndex, last: Entry, text: str) -> FollowUp | None:
    """What a follow-up to `last` asks for, or None when nothing in the guides fits it."""
    asked = without_pointing(text)
    terms = [t for t in index.views.query(asked).terms if len(t) >= 2] if asked else []
    lines = answer_lines(last, asked, terms)
    if lines:
        return FollowUp(lines=lines)
    rankings = [index.rank(f"{term} {asked}") for term in subject_terms(index, last)]
    ranked = [r for r in rankings if r.best is not None and r.best.entry.id != last.id]
    surest = max(ranked, key=lambda r: r.confidence, default=None)
    # Only a message that names something ("전화번호") may be answered outright; "어디서 해요"
    # alone leaves too much to the subject, so it gets choices.
    if surest is not None and surest.outcome == "answer" and terms:
        assert surest.best is not None
        return FollowUp(entry=surest.best.entry, ranking=surest)
    choices = _choices(index, last, asked, rankings)
    return FollowUp(choices=choices) if choices else None


def answer_lines(entry: Entry, asked: str, terms: list[str]) -> list[str]:
    """The lines of the entry's answer that say what the follow-up asks: a phone number for
    "전화번호는요?", a web address or menu for "어디서 해요?", else the lines naming its words."""
    lines = [line.strip().removeprefix("- ").strip() for line in entry.answer.splitlines() if line.strip()]
    key = squash(asked)
    for words, pattern in _FIELD_WORDS:
        if any(word in key for word in words):
            return [line for line in lines if pattern.search(line)]
    wanted = [squash(t) for t in terms]
    return [line for line in lines if wanted and any(w in squash(line) for w in wanted)]


def subject_terms(index: FaqIndex, entry: Entry) -> list[str]:
    """What the entry is about, as the index reads its question: its words in order, without
    those inside a longer one ("신용" of "신용평가")."""
    terms = [t for t in index.views.query(entry.question).terms if len(t) >= 2]
    whole = [t for t in terms if not any(t != other and t in other for other in terms)]
    return list(dict.fromkeys(whole))[:MAX_SUBJECT_TERMS]


def _choices(index: FaqIndex, last: Entry, asked: str, rankings: list[Ranking]) -> list[tuple[Entry, float]]:
    """The likeliest entries for the follow-up, related entries of `last` first; the related
    entries alone when ranking found nothing."""
    found: dict[str, tuple[float, Entry]] = {}
    for ranking in rankings:
        top = ranking.best.score if ranking.best else 0.0
        for match in ranking.matches:
            if match.entry.id != last.id and match.score >= CLOSE_ENOUGH * top:
                score = match.score * ranking.confidence
                if score > found.get(match.entry.id, (0.0, match.entry))[0]:
                    found[match.entry.id] = (score, match.entry)
    if not found:
        return [(index.kb.by_id[r], 0.0) for r in last.related if r in index.kb.by_id][:MAX_CHOICES]
    # Across the readings too, one far below the best is noise.
    best = max(score for score, _ in found.values())
    found = {eid: pair for eid, pair in found.items() if pair[0] >= CLOSE_ENOUGH * best}
    # An entry asking what the message asks ("어디서 해요?": "…어디서 신청하나요?") first, then
    # the last answer's related entries, then by how well each fits.
    wh = [word for word in QUESTION_WORDS if word in asked]
    ordered = sorted(found.values(), key=lambda pair: (
        not any(word in pair[1].question for word in wh), pair[1].id not in last.related, -pair[0]))
    return [(entry, score) for score, entry in ordered][:MAX_CHOICES]
