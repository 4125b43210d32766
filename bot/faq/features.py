"""How the views' scores become one order of the entries, and what the gate looks at: the same
code serves the bot at run time and the script that fits the gate (scripts/fit_ranker.py)."""

from __future__ import annotations

import re

import numpy as np

from bot.faq.message import AnswerKind, Message
from bot.faq.views import VIEW_NAMES, EntryViews, Query, Scores

# The views whose rankings are fused, and the constant of reciprocal rank fusion: each view's
# k-th best entry adds 1/(RRF_K + k). Ranks rather than scores, because the views' scores live on
# different scales; on held-out questions this plain fusion ranked better than weights fitted
# over the views (scripts/bench_ranking.py).
FUSED_VIEWS = ("morph_entry", "plain_entry", "char_entry", "morph_phrasing", "char_phrasing", "coverage", "jamo")
RRF_K = 10
# When the second entry's fused score is this close to the first's, the ranking cannot tell which
# of two neighbouring entries the member meant ("신청기간" and "12월 결산이 아닌 경우의 신청기간"):
# an answer shows both rather than guessing.
COMPANION_MARGIN = 0.09
# How far down, and how close in fused score, an entry that gives the kind of answer asked for
# (a rate, a date, an amount) may stand and still go before a first entry that does not.
KIND_SWAP_DEPTH = 3
KIND_SWAP_MARGIN = 0.3
GATE_FEATURES = (
    "fused", "margin", "coverage", "focus", "focus_words", "recall", "jamo", "agreement", "unknown",
    "uncovered", "kind_unmet", "elsewhere", "words", "topic_margin", "paired",
    "learned", "learned_margin", "learned_topics",
)

# What an answer must visibly hold to answer a question asking for that kind of thing: "몇
# 퍼센트예요?" is not answered by an entry that only says a rate depends on the grade.
_ANSWER_HOLDS: dict[AnswerKind, re.Pattern[str]] = {
    "percent": re.compile(r"%|퍼센트|100분의|\d+\s*배"),
    "time_of_day": re.compile(r"\d+\s*시(?!간)"),
    "duration": re.compile(r"\d+\s*(~\s*\d+\s*)?(일|시간|개월|년|주)"),
    "frequency": re.compile(r"매\s*(일|주|월|년|영업일|분기)|\d+\s*(회|번)|마다|수시|실시간|즉시"),
    "count": re.compile(r"\d"),
    "fee": re.compile(r"수수료|비용|요금|이용료|무료|유료"),
    "amount": re.compile(r"\d[\d,]*\s*(원|만원|억)|무료|없습니다|발생하지|않습니다"),
    # A date, or when counted from something: "정기평가일 다음날부터", "작성일 현재", "즉시".
    "date": re.compile(r"\d+\s*월|\d+\s*일|\d+\.\s*\d+\.|매일|영업일|중순|다음\s*날|전날|현재|이내|즉시|당일|부터|까지"),
    "maximum": re.compile(r"최대|최고|한도|상한|이내|이하|까지|제한"),
    "place": re.compile(r"\d{2,4}-\d{3,4}-\d{4}|\d{4}-\d{4}|홈페이지|메뉴|인터넷창구|www\.|사이트|자료실|마이페이지|지점(으로|에|에서)|영업점|방문|우편|홈택스|구청|\[|>|⇒|에서 (발급|다운로드|확인|제출|신청|조회)|(?<!원)클릭|로그인(하신)? ?(후|뒤)"),
}


# Units any number may answer ("몇 번" by "2회", "몇 개" by "①②③").
_ANY_COUNT = frozenset({"번", "회", "개", "건", "가지", "차"})


def fuse(scores: Scores) -> np.ndarray:
    """One score per document: the reciprocal ranks it gets from the fused views, summed."""
    size = len(scores[FUSED_VIEWS[0]])
    fused = np.zeros(size)
    for name in FUSED_VIEWS:
        rank = np.empty(size)
        rank[np.argsort(-scores[name], kind="stable")] = np.arange(size)
        fused += 1.0 / (RRF_K + rank)
    return fused


def gate_vector(views: EntryViews, query: Query, scores: Scores, fused: np.ndarray, order: np.ndarray,
                answer: str, entry_text: str, elsewhere: tuple[str, ...], topic_margin: float) -> np.ndarray:
    """The features of the best entry that say whether it really answers the message."""
    top = int(order[0])
    runner_up = float(fused[order[1]]) if len(order) > 1 else float(fused[top]) - 10.0
    entries = len(order)
    agreement = sum(int(np.argmax(scores[name][:entries]) == top) for name in VIEW_NAMES) / len(VIEW_NAMES)
    weights = views.query_weights(query)
    total = sum(weights.values()) or 1.0
    unknown = sum(w for t, w in weights.items() if t not in views.used_by) / total
    # The weightiest word the guides know but this entry never uses: "카드" in "보증수수료 카드로
    # 결제 돼요?" is the part of the question the fee entries do not answer.
    uncovered = max((w for t, w in weights.items() if t in views.used_by and not views.uses(top, t)), default=0.0)
    kind_unmet = not gives_kinds(query.message, answer)
    return np.array([
        float(fused[top]), float(fused[top]) - runner_up, scores["coverage"][top], scores["focus"][top],
        scores["focus_words"][top], scores["recall"][top],
        scores["jamo"][top], agreement, unknown, uncovered / views.max_idf,
        float(kind_unmet), float(names_other_body(query.message.text, entry_text, elsewhere)),
        float(np.log1p(len(weights))), min(topic_margin, 1.0),
        # Shown with its neighbour (COMPANION_MARGIN), a close second is no longer a risk.
        float(len(order) > 1 and fused[top] - runner_up < COMPANION_MARGIN),
        *_learned_evidence(scores["learned"], top, entries),
    ])


def _learned_evidence(learned: np.ndarray, top: int, entries: int) -> tuple[float, float, float]:
    """What the learned view (bot.faq.classifier) says of the first entry: its probability, how
    far it stands above the likeliest other entry (below 0: the view prefers another), and how
    likely the message is one of the out-of-scope topics instead. The view orders nothing:
    fused into the order (weighted 1 to 3), it ranked a little better on held-out questions, but
    the gate then answered 2 more questions wrongly out of 640 and no more rightly for the same
    out-of-scope answers (scripts/fit_ranker.py); as the gate's evidence it did better on both."""
    others = np.delete(learned[:entries], top)
    return float(learned[top]), float(learned[top] - (others.max() if len(others) else 0.0)), float(learned[entries:].sum())


def gives_kinds(message: Message, answer: str) -> bool:
    """Does the answer visibly hold every kind of thing asked for that an answer can lack? A
    count of a named unit needs that unit counted: "몇 좌예요?" is not answered by "1좌당 한도"
    (a price per unit) or by "2등급"."""
    for kind in message.answer_kinds:
        if kind == "count" and message.counted - _ANY_COUNT:
            units = "|".join(sorted(message.counted - _ANY_COUNT))
            if not re.search(rf"\d+\s*({units})(?!당)", answer):
                return False
        elif kind in _ANSWER_HOLDS and not _ANSWER_HOLDS[kind].search(answer):
            return False
    return True


def names_other_body(message: str, entry_text: str, institutions: tuple[str, ...]) -> bool:
    """The message names another institution ("전문건설공제조합", "건설협회") that the entry never
    mentions: it asks about someone else's procedure."""
    flat = "".join(message.split())
    return any(name in flat and name not in entry_text for name in institutions)
