"""FAQ ranking: the views of bot.faq.views fused by reciprocal rank into one order of the
entries, and a fitted gate that turns the first entry's evidence (the learned view's opinion of
it included, bot.faq.classifier) into a confidence in 0..1,
which decides between answering, suggesting and saying the guides do not cover the question."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from bot.faq.analyzer import Analyzer
from bot.faq.classifier import PhrasingClassifier, features
from bot.faq.features import (
    COMPANION_MARGIN,
    KIND_SWAP_DEPTH,
    KIND_SWAP_MARGIN,
    fuse,
    gate_vector,
    gives_kinds,
)
from bot.faq.knowledge import Entry, KnowledgeBase
from bot.faq.model import RankerModel
from bot.faq.out_of_scope import Topic
from bot.faq.views import Document, Query, Scores
from bot.faq.views_store import load_views
from bot.korean.hangul import squash

Outcome = Literal["answer", "suggest", "fallback"]
# A message this close to one of an entry's phrasings, letter for letter (jamo similarity), is
# that question: it is answered whatever the gate makes of the rest of the evidence.
EXACT_PHRASING = 0.95
# The confidence such a message gets.
EXACT_CONFIDENCE = 0.99
# A one-word message used by this many entries or more is a suggestion, never an answer.
SHARED_WORD_ENTRIES = 3
_GUIDES_HAVE = re.compile(r"^.*?(만 있고|있지만|있을 뿐),?\s*")


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float       # fused ranking score (comparable within one message only)
    coverage: float    # share of the message's word weight this entry uses, 0..1


@dataclass(frozen=True)
class Ranking:
    terms: tuple[str, ...]
    matches: list[Match]
    confidence: float
    outcome: Outcome
    # The out-of-scope topic the message is closest to, when it is closer than any entry.
    declined: Topic | None = None
    # A neighbouring entry ranked as close as the first: answered together with it.
    companion: Match | None = None

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None


@dataclass(frozen=True)
class Evidence:
    """What the views say about one message, before any fitted weight is applied."""

    query: Query
    scores: Scores
    fused: np.ndarray  # bot.faq.features.fuse: one score per entry, then per out-of-scope topic


@dataclass(frozen=True)
class Judgement:
    order: np.ndarray   # entries, best first (out-of-scope topics left out)
    fused: np.ndarray   # fused score per entry, then per out-of-scope topic
    gate: np.ndarray    # bot.faq.features.gate_vector of the first entry
    topic: int | None   # the out-of-scope topic ranked above every entry, if one is
    companion: int | None  # the second entry, when it is as close as the first (COMPANION_MARGIN)


def _left_out(why: str) -> str:
    """The part of a topic's why that names what the guides leave out: "안내자료에는 X만 있고, Y는
    없습니다" indexes Y, since X is what an entry answers."""
    return _GUIDES_HAVE.sub("", why)


class FaqIndex:
    """Built once per knowledge base (and again when staff teach it something)."""

    def __init__(self, kb: KnowledgeBase, analyzer: Analyzer, model: RankerModel,
                 topics: tuple[Topic, ...] = (), classifier: PhrasingClassifier | None = None,
                 views_folder: Path | None = None) -> None:
        """`views_folder`: where the views' parts are kept between starts (bot.faq.views_store)."""
        self.kb = kb
        self.analyzer = analyzer
        self.model = model
        self.entries = kb.entries
        self.topics = topics
        documents = [Document((e.question, *e.alternates), e.answer) for e in self.entries]
        # A topic's "why" names what the guides leave out, in the guides' words: its answer text.
        documents += [Document((t.topic, *t.questions), _left_out(t.why)) for t in topics]
        self.views_folder = views_folder
        self.views = load_views(documents, analyzer, views_folder)
        # The learned view's column for each document, entries then topics (-1: not fitted on).
        self.classifier = classifier
        ids = [e.id for e in self.entries] + [t.id for t in topics]
        self._columns = classifier.columns(ids) if classifier is not None else np.full(len(ids), -1, dtype=np.intp)
        self.institutions = tuple(squash(i) for i in analyzer.lexicon.institutions)
        self._entry_text = [squash(" ".join((e.question, *e.alternates, e.answer))) for e in self.entries]
        # Ties are broken by id, so the same message always gets the same order.
        self._id_order = np.argsort(np.argsort([e.id for e in self.entries]))
        self._last_read: tuple[str, Evidence] | None = None

    def rank(self, text: str, limit: int = 5) -> Ranking:
        evidence = self.read(text)
        terms = tuple(evidence.query.terms)
        if not self.entries or not (evidence.query.terms or evidence.query.grams):
            return Ranking(terms, [], 0.0, "fallback")
        judgement = self.judge(evidence)
        matches = [
            Match(self.entries[i], float(judgement.fused[i]), float(evidence.scores["coverage"][i]))
            for i in judgement.order[:limit]
        ]
        if judgement.topic is not None:
            return Ranking(terms, matches, 0.0, "fallback", self.topics[judgement.topic])
        confidence = self.confidence(evidence, judgement, self.model)
        companion = matches[1] if judgement.companion is not None and len(matches) > 1 else None
        return Ranking(terms, matches, confidence, self._outcome(confidence), companion=companion)

    def read(self, text: str) -> Evidence:
        # One message is often read twice in a turn (an aside tried before the answer, the
        # inbox's candidates for a miss): the last reading is kept, one entry, never more.
        last = self._last_read
        if last is not None and last[0] == text:
            return last[1]
        query = self.views.query(text)
        scores = self.views.score(query)
        scores["learned"] = self._learned(query)
        evidence = Evidence(query, scores, fuse(scores))
        self._last_read = (text, evidence)
        return evidence

    def _learned(self, query: Query) -> np.ndarray:
        """The learned view: each document's probability under the classifier (0 without one)."""
        if self.classifier is None:
            return np.zeros(len(self._columns))
        probabilities = self.classifier.probabilities(features(query.terms, query.grams))
        return np.where(self._columns >= 0, probabilities[self._columns], 0.0)

    def judge(self, evidence: Evidence) -> Judgement:
        """Order the entries by the fused views and gather the gate's evidence."""
        fused = evidence.fused
        n = len(self.entries)
        order = self._kind_first(np.lexsort((self._id_order, -fused[:n])), fused, evidence.query)
        top = int(order[0])
        best_topic = int(np.argmax(fused[n:])) if len(fused) > n else None
        # Scope is a question of the nearest entry, whichever the kind check puts first.
        nearest = float(fused[:n].max())
        topic_margin = float(nearest - fused[n + best_topic]) if best_topic is not None else 10.0
        gate = gate_vector(self.views, evidence.query, evidence.scores, fused, order, self.entries[top].answer,
                           self._entry_text[top], self.institutions, topic_margin)
        second = int(order[1]) if len(order) > 1 else None
        companion = second if second is not None and fused[top] - fused[second] < COMPANION_MARGIN else None
        return Judgement(order, fused, gate, best_topic if topic_margin < 0 else None, companion)

    def _kind_first(self, order: np.ndarray, fused: np.ndarray, query: Query) -> np.ndarray:
        """A close runner-up whose answer gives what is asked ("몇 %예요?": a rate) goes before a
        first entry that cannot: the words say which neighbourhood, the question word which entry."""
        message = query.message
        if not message.answer_kinds or len(order) < 2 or gives_kinds(message, self.entries[int(order[0])].answer):
            return order
        best = float(fused[order[0]])
        for position in range(1, min(KIND_SWAP_DEPTH, len(order))):
            candidate = int(order[position])
            if best - float(fused[candidate]) > KIND_SWAP_MARGIN:
                break
            if gives_kinds(message, self.entries[candidate].answer):
                return np.concatenate(([candidate], np.delete(order, position)))
        return order

    def confidence(self, evidence: Evidence, judgement: Judgement, model: RankerModel) -> float:
        """How sure the first entry answers the message, 0..1 (0 when an out-of-scope topic or
        nothing of the entry is in it)."""
        top = int(judgement.order[0])
        if judgement.topic is not None or not self._has_evidence(evidence.scores, top):
            return 0.0
        sure = model.confidence(judgement.gate)
        if evidence.scores["jamo"][top] >= EXACT_PHRASING:
            return max(sure, EXACT_CONFIDENCE)
        if self._one_shared_word(evidence.query):
            return min(sure, model.answer_at - 0.01)
        return sure

    def _one_shared_word(self, query: Query) -> bool:
        """A message of one word that several entries use ("유효기간": of a grade, of mileage, of
        a certificate) cannot say which is meant, however sure a view is: it gets suggestions."""
        # A compound's parts are read as words too ("유효기간" also as "유효", "기간"): not counted.
        parts = {p for term in query.terms for p in self.analyzer.parts.get(term, ())}
        words = [term for term in query.terms if term not in parts]
        if len(words) != 1:
            return False
        used = self.views.used_by.get(words[0])
        return used is not None and int(used[: len(self.entries)].sum()) >= SHARED_WORD_ENTRIES

    def _outcome(self, confidence: float) -> Outcome:
        if confidence >= self.model.answer_at:
            return "answer"
        return "suggest" if confidence >= self.model.suggest_at else "fallback"

    @staticmethod
    def _has_evidence(scores: Scores, top: int) -> bool:
        """Some word or phrasing of the entry must be in the message at all."""
        return bool(scores["morph_entry"][top] > 0 or scores["jamo"][top] >= 0.6)
