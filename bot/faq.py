"""FAQ retrieval: each entry scores itself against a query (BM25 over its question and
alternates, BM25 over its answer, jamo-level fuzzy similarity), and the best score is turned
into a confidence in 0..1 that decides between answering, suggesting and admitting ignorance."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.analyzer import Analyzer
from bot.hangul import squash, to_jamo
from bot.knowledge import Entry, KnowledgeBase

# Confidence thresholds: at or above ANSWER the bot answers; at or above SUGGEST it offers the
# best few questions; below it says the guides do not cover the question.
ANSWER_AT = 0.55
SUGGEST_AT = 0.33
K1, B = 1.2, 0.5
# Ranking mixes BM25 (relative to the best hit), coverage and jamo similarity.
W_BM25, W_COVER, W_SIM = 0.6, 0.25, 0.15
SIMILARITY_FLOOR = 0.45


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


@dataclass
class _Bm25:
    """Okapi BM25 over a list of bags of words."""

    docs: list[Counter[str]]
    idf: dict[str, float] = field(init=False)
    avg_len: float = field(init=False)

    def __post_init__(self) -> None:
        n = len(self.docs)
        df: Counter[str] = Counter()
        for doc in self.docs:
            df.update(doc.keys())
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.avg_len = sum(sum(d.values()) for d in self.docs) / max(n, 1)
        self.lengths = [sum(d.values()) for d in self.docs]

    def score(self, terms: tuple[str, ...], i: int) -> float:
        doc = self.docs[i]
        norm = K1 * (1 - B + B * self.lengths[i] / (self.avg_len or 1))
        total = 0.0
        for t in terms:
            tf = doc.get(t)
            if tf:
                total += self.idf[t] * tf * (K1 + 1) / (tf + norm)
        return total


class FaqIndex:
    """Built once per process from the knowledge base."""

    def __init__(self, kb: KnowledgeBase, analyzer: Analyzer) -> None:
        self.kb = kb
        self.analyzer = analyzer
        self.entries = kb.entries
        # One "phrasing" document per question and alternate; answers are indexed separately.
        self.phrasing_owner: list[int] = []
        phrasings: list[Counter[str]] = []
        self.phrasing_jamo: list[str] = []
        for index, entry in enumerate(self.entries):
            for text in (entry.question, *entry.alternates):
                self.phrasing_owner.append(index)
                phrasings.append(Counter(analyzer.terms(text)))
                self.phrasing_jamo.append(to_jamo(squash(text)))
        answers = [Counter(analyzer.terms(e.answer)) for e in self.entries]
        self.phrasings = _Bm25(phrasings)
        self.answers = _Bm25(answers)
        self.entry_terms = [
            set(answers[i]) | {t for j, o in enumerate(self.phrasing_owner) if o == i for t in phrasings[j]}
            for i in range(len(self.entries))
        ]
        self.by_term: dict[str, set[int]] = {}
        for j, doc in enumerate(phrasings):
            for t in doc:
                self.by_term.setdefault(t, set()).add(j)
        self.answer_by_term: dict[str, set[int]] = {}
        for i, doc in enumerate(answers):
            for t in doc:
                self.answer_by_term.setdefault(t, set()).add(i)
        vocabulary = set(self.phrasings.idf) | set(self.answers.idf)
        analyzer.set_vocabulary(vocabulary)
        # Weights count entries, not phrasings: a word all of one entry's phrasings repeat
        # ("주체값") is as distinctive as a word said once.
        n = len(self.entries)
        entry_df = Counter(t for terms in self.entry_terms for t in terms)
        self.entry_idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in entry_df.items()}
        self.max_idf = max(self.entry_idf.values(), default=1.0)

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
        squashed = to_jamo(squash(query))
        scores: dict[int, float] = {}
        best_phrasing: dict[int, float] = {}
        for j in {j for t in terms for j in self.by_term.get(t, ())}:
            owner = self.phrasing_owner[j]
            s = self.phrasings.score(terms, j)
            if s > best_phrasing.get(owner, 0.0):
                best_phrasing[owner] = s
        for i in {i for t in terms for i in self.answer_by_term.get(t, ())}:
            scores[i] = 0.35 * self.answers.score(terms, i)
        for i, s in best_phrasing.items():
            scores[i] = scores.get(i, 0.0) + s
        similarity: dict[int, float] = {}
        if squashed:
            for _, sim, j in process.extract(squashed, self.phrasing_jamo, scorer=fuzz.ratio, limit=12):
                owner = self.phrasing_owner[j]
                similarity[owner] = max(similarity.get(owner, 0.0), sim / 100)
        top_bm25 = max(scores.values(), default=0.0) or 1.0
        total_weight = sum(self.weight(t) for t in terms)
        matches = []
        for i in set(scores) | set(similarity):
            covered = sum(self.weight(t) for t in terms if t in self.entry_terms[i])
            coverage = covered / total_weight if total_weight else 0.0
            sim = similarity.get(i, 0.0)
            rank_score = W_BM25 * scores.get(i, 0.0) / top_bm25 + W_COVER * coverage + W_SIM * sim
            matches.append(Match(self.entries[i], rank_score, coverage, sim))
        matches.sort(key=lambda m: (-m.score, m.entry.id))
        return Ranking(query, terms, matches[:limit], self._confidence(matches))

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
