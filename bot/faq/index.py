"""FAQ retrieval: each entry scores itself against a query (BM25 over its question and
alternates, BM25 over its answer, jamo-level fuzzy similarity), and the best score is turned
into a confidence in 0..1 that decides between answering, suggesting and admitting ignorance."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from bot.faq.analyzer import Analyzer
from bot.faq.knowledge import Entry, KnowledgeBase
from bot.korean.hangul import squash, to_jamo

# Confidence thresholds: at or above ANSWER the bot answers; at or above SUGGEST it offers the
# best few questions; below it says the guides do not cover the question.
ANSWER_AT = 0.55
SUGGEST_AT = 0.33
K1, B = 1.2, 0.5
# Ranking mixes BM25 (relative to the best hit), coverage and jamo similarity.
W_BM25, W_COVER, W_SIM = 0.6, 0.25, 0.15
SIMILARITY_FLOOR = 0.45
# A message of one or two words is answered outright only when it reads this much like a phrasing.
SHORT_QUERY_SIMILARITY = 0.62
# How much an answer's words count next to the entry's best-matching question.
ANSWER_SHARE = 0.35
# Entries compared by similarity when the message's words already point somewhere.
SIMILARITY_SHORTLIST = 20


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float       # ranking score (relative, not comparable across queries)
    coverage: float    # share of the query's weight this entry accounts for, 0..1
    similarity: float  # best jamo-level similarity to one of its phrasings, 0..1


@dataclass(frozen=True)
class Ranking:
    query: str
    terms: tuple[str, ...]
    matches: list[Match]
    confidence: float

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None

    @property
    def outcome(self) -> str:
        if self.best is None or self.confidence < SUGGEST_AT:
            return "fallback"
        return "answer" if self.confidence >= ANSWER_AT else "suggest"


def _impacts(docs: list[Counter[str]]) -> dict[str, list[tuple[int, float]]]:
    """Okapi BM25 precomputed as postings: term -> [(doc, that term's share of the doc's score)],
    so ranking a query only adds numbers up."""
    n = len(docs)
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(doc.keys())
    idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
    lengths = [sum(d.values()) for d in docs]
    avg_len = sum(lengths) / max(n, 1) or 1.0
    postings: dict[str, list[tuple[int, float]]] = {}
    for j, doc in enumerate(docs):
        norm = K1 * (1 - B + B * lengths[j] / avg_len)
        for t, tf in doc.items():
            postings.setdefault(t, []).append((j, idf[t] * tf * (K1 + 1) / (tf + norm)))
    return postings


def _vectors(postings: dict[str, list[tuple[int, float]]]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return {
        t: (np.array([d for d, _ in pairs], dtype=np.intp), np.array([w for _, w in pairs]))
        for t, pairs in postings.items()
    }


class FaqIndex:
    """Built once per process from the knowledge base. Scores are kept as numpy vectors over
    phrasings and entries, so ranking a message is a handful of vector additions."""

    def __init__(self, kb: KnowledgeBase, analyzer: Analyzer) -> None:
        self.kb = kb
        self.analyzer = analyzer
        self.entries = kb.entries
        # One "phrasing" document per question and alternate, an entry's phrasings side by side;
        # answers are indexed separately.
        owners: list[int] = []
        starts: list[int] = []
        phrasings: list[Counter[str]] = []
        self.phrasing_jamo: list[str] = []
        for index, entry in enumerate(self.entries):
            starts.append(len(owners))
            for text in (entry.question, *entry.alternates):
                owners.append(index)
                phrasings.append(Counter(analyzer.terms(text)))
                self.phrasing_jamo.append(to_jamo(squash(text)))
        answers = [Counter(analyzer.terms(e.answer)) for e in self.entries]
        self.phrasing_owner = owners
        self._starts = np.array(starts, dtype=np.intp)
        self._phrasing_postings = _vectors(_impacts(phrasings))
        self._answer_postings = _vectors(_impacts(answers))
        entry_terms: list[set[str]] = [set(doc) for doc in answers]
        for j, doc in enumerate(phrasings):
            entry_terms[owners[j]].update(doc)
        n = len(self.entries)
        # For coverage: which entries use a word anywhere (question, alternates or answer).
        self._used_by: dict[str, np.ndarray] = {}
        for i, terms in enumerate(entry_terms):
            for t in terms:
                self._used_by.setdefault(t, np.zeros(n)).__setitem__(i, 1.0)
        analyzer.set_vocabulary(set(self._used_by))
        # Weights count entries, not phrasings: a word all of one entry's phrasings repeat
        # ("주체값") is as distinctive as a word said once.
        self.entry_idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in
                          ((t, int(v.sum())) for t, v in self._used_by.items())}
        self.max_idf = max(self.entry_idf.values(), default=1.0)
        # Ties are broken by id, so the same question always gets the same order.
        self._id_order = np.argsort(np.argsort([e.id for e in self.entries]))

    def weight(self, term: str) -> float:
        """How much a query word matters: rare words more; one-syllable words and words the
        guides never use count as unknown-but-important, which keeps coverage honest."""
        idf = self.entry_idf.get(term)
        if idf is None:
            # A one-syllable unknown is usually a mistyped verb stem ("잇" for "있"), not a topic;
            # a longer one ("날씨", "비트코인") is a topic the guides never mention.
            return 0.0 if len(term) == 1 else self.max_idf
        return idf * (0.5 if len(term) == 1 else 1.0)

    def rank(self, query: str, limit: int = 5) -> Ranking:
        terms = self.analyzer.terms(query, correct=True)
        n = len(self.entries)
        per_phrasing = np.zeros(len(self.phrasing_owner))
        answered = np.zeros(n)
        for t in terms:
            if t in self._phrasing_postings:
                docs, impact = self._phrasing_postings[t]
                per_phrasing[docs] += impact
            if t in self._answer_postings:
                docs, impact = self._answer_postings[t]
                answered[docs] += impact
        # An entry is as good as its best phrasing, plus a little for what its answer says.
        bm25 = np.maximum.reduceat(per_phrasing, self._starts) + ANSWER_SHARE * answered
        weights = {t: self.weight(t) for t in terms}
        total_weight = sum(weights.values())
        coverage = np.zeros(n)
        if total_weight:
            for t, w in weights.items():
                if t in self._used_by:
                    coverage += w * self._used_by[t]
            coverage /= total_weight
        similarity = self._similarity(to_jamo(squash(query)), bm25, coverage)
        top = float(bm25.max()) if n else 0.0
        score = W_BM25 * bm25 / (top or 1.0) + W_COVER * coverage + W_SIM * similarity
        live = np.flatnonzero((bm25 > 0) | (similarity > 0))
        order = live[np.lexsort((self._id_order[live], -score[live]))][: max(limit, 2)]
        matches = [
            Match(self.entries[i], float(score[i]), float(coverage[i]), float(similarity[i])) for i in order
        ]
        confidence = self._confidence(matches)
        if sum(1 for w in weights.values() if w > 0) <= 2 and matches and matches[0].similarity < SHORT_QUERY_SIMILARITY:
            # Two words that merely occur in an entry ("조합 가입" in "가입 2년 미만 신규조합원도
            # 신용평가를...") are not enough to answer with; the message must also read like it.
            confidence = min(confidence, SUGGEST_AT + (ANSWER_AT - SUGGEST_AT) / 2)
        return Ranking(query, terms, matches[:limit], confidence)

    def _similarity(self, jamo: str, bm25: np.ndarray, coverage: np.ndarray) -> np.ndarray:
        """Best jamo-level similarity of the message to each entry's phrasings. When the words
        already point somewhere, only the likeliest entries are compared; a message whose words
        found little (typos, run-together text) is compared with every phrasing."""
        similarity = np.zeros(len(self.entries))
        if not jamo:
            return similarity
        likely = np.argsort(-bm25)[:SIMILARITY_SHORTLIST]
        pool: Sequence[int] = range(len(self.phrasing_jamo))
        if bm25[likely[0]] > 0 and coverage[likely].max() >= 0.5:
            pool = [j for i in likely for j in self._phrasings_of(int(i))]
        choices = {j: self.phrasing_jamo[j] for j in pool}
        for _, sim, j in process.extract(jamo, choices, scorer=fuzz.ratio, limit=12):
            owner = self.phrasing_owner[j]
            similarity[owner] = max(similarity[owner], sim / 100)
        return similarity

    def _phrasings_of(self, entry: int) -> range:
        end = int(self._starts[entry + 1]) if entry + 1 < len(self._starts) else len(self.phrasing_owner)
        return range(int(self._starts[entry]), end)

    @staticmethod
    def _confidence(matches: list[Match]) -> float:
        """Coverage says the entry speaks of everything asked; similarity says the message reads
        like one of its phrasings. A near-tie with the runner-up lowers confidence, so a bare
        "수수료" offers the fee entries instead of picking one."""
        if not matches:
            return 0.0
        best = matches[0]
        # Unrelated Korean strings already share ~40% of their jamo; only what is above that
        # floor says "this reads like one of the entry's questions".
        resemblance = max(0.0, (best.similarity - SIMILARITY_FLOOR) / (1 - SIMILARITY_FLOOR))
        base = 0.6 * best.coverage + 0.4 * resemblance
        if best.similarity >= 0.85:
            base = max(base, best.similarity)
        if len(matches) > 1 and best.similarity < 0.9:
            ratio = matches[1].score / best.score if best.score else 1.0
            if ratio > 0.9:
                base *= 0.75
            elif ratio > 0.8:
                base *= 0.9
        return max(0.0, min(1.0, base))
