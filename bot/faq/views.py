"""Several views of the knowledge base, each scoring every entry against a message.

No single way of reading Korean chat holds up on its own: morphemes miss words typed without
spaces or with a slip, character n-grams drown in particles and endings, fuzzy similarity only
works when the message is about as long as a phrasing. Each view scores every entry; the ranker
(bot.faq.index) fuses their rankings by reciprocal rank (bot.faq.features), and a learned view
(bot.faq.classifier) adds what every phrasing side by side says.

The views, all over the entries' own phrasings (question and alternates, each a document, an
entry as good as its best phrasing) and over the guide's own wording (the answer), or both:
- morph_*: Okapi BM25 over content morphemes (bot.faq.analyzer), synonyms folded and slips
  corrected; plain_*: the same morphemes as Kiwi reads them, nothing folded;
- char_*: BM25 over character 2- and 3-grams of the text without spaces;
- coverage: the share of the message's word weight the entry uses anywhere;
- focus: the same share within one phrasing or one sentence of the answer at best: "확인원 발급
  수수료" shares every word with an entry that speaks of 확인원 in one sentence and of fees in
  another, but no sentence of it answers what the message asks; focus_words counts words
  instead of weighing them;
- recall: the share of the best phrasing's word weight that the message repeats;
- jamo: rapidfuzz similarity of the jamo strings, which forgives slips and spacing.
The index adds "learned" (bot.faq.classifier) to the scores; the gate reads it."""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
from rapidfuzz import fuzz, process

from bot.faq.analyzer import Analyzer
from bot.faq.message import Message, read_message
from bot.korean.hangul import squash, to_jamo

VIEW_NAMES = (
    "morph_phrasing", "morph_answer", "morph_entry", "plain_phrasing", "plain_entry",
    "char_phrasing", "char_answer", "char_entry",
    "coverage", "focus", "focus_words", "recall", "jamo",
)
# Views already in 0..1 across queries; the BM25 views are divided by the query's best score.
BOUNDED_VIEWS = frozenset({"coverage", "focus", "focus_words", "recall", "jamo"})
# The views kept as BM25 postings (the rest are computed from words per message).
BM25_VIEWS = tuple(name for name in VIEW_NAMES if name not in BOUNDED_VIEWS)
K1, B = 1.2, 0.75
GRAM_SIZES = (2, 3)
# Where an answer's sentences end: a line, or a sentence-final ending before a space.
_ANSWER_SENTENCE_END = re.compile(r"\n+|(?<=[다요])\.\s+")
# Fuzzy similarity is the slow view: only the entries the fast views like are compared.
FUZZY_SHORTLIST = 30

Scores = dict[str, np.ndarray]


@dataclass(frozen=True)
class Document:
    """What the views index of an entry (or of an out-of-scope topic): its phrasings, and the
    guide's own wording when it has an answer."""

    phrasings: tuple[str, ...]
    answer: str = ""


@dataclass(frozen=True)
class Query:
    """A message as the views read it: its words and grams, each weighted by the sentence it
    came from (asking sentences 1, background less)."""

    message: Message
    terms: dict[str, float]
    plain: dict[str, float]
    grams: dict[str, float]
    jamo: str


class Bm25:
    """Okapi BM25 precomputed as postings (term -> documents and that term's share of each
    document's score), so scoring a query only adds vectors."""

    def __init__(self, docs: Sequence[Counter[str]]) -> None:
        self.size = len(docs)
        # Flattened in comprehensions rather than appended one posting at a time: thousands of
        # character grams per document make this the index's costliest step at start-up.
        terms = [term for doc in docs for term in doc]
        vocabulary = {term: i for i, term in enumerate(dict.fromkeys(terms))}
        term_of = np.fromiter(map(vocabulary.__getitem__, terms), dtype=np.intp, count=len(terms))
        doc_of = np.repeat(np.arange(self.size, dtype=np.intp), [len(doc) for doc in docs])
        tf = np.fromiter((count for doc in docs for count in doc.values()), dtype=np.float64, count=len(terms))
        df = np.bincount(term_of, minlength=len(vocabulary))
        idf = np.log(1 + (self.size - df + 0.5) / (df + 0.5))
        lengths = np.bincount(doc_of, weights=tf, minlength=self.size)
        average = float(lengths.mean()) if self.size else 1.0
        norm = K1 * (1 - B + B * lengths / (average or 1.0))
        impact = idf[term_of] * tf * (K1 + 1) / (tf + norm[doc_of])
        # Postings grouped by term, in two flat arrays (one slice of documents and impacts per
        # word): thousands of character grams would otherwise cost two small arrays each.
        order = np.argsort(term_of, kind="stable")
        # Four bytes each: a few hundred thousand postings per view, read only by bincount.
        self._docs, self._impacts = doc_of[order].astype(np.int32), impact[order].astype(np.float32)
        self._bounds = np.searchsorted(term_of[order], np.arange(len(vocabulary) + 1))
        self._term_index = vocabulary

    @classmethod
    def restore(cls, size: int, vocabulary: Sequence[str], docs: np.ndarray, impacts: np.ndarray,
                bounds: np.ndarray) -> Bm25:
        """The index `arrays` gave, as kept between starts (bot.faq.views_store)."""
        if not (docs.ndim == impacts.ndim == bounds.ndim == 1 and docs.dtype.kind in "iu"
                and bounds.dtype.kind in "iu" and impacts.dtype.kind == "f"):
            raise ValueError("BM25 arrays of the wrong shape or type")
        if len(bounds) != len(vocabulary) + 1 or len(docs) != len(impacts) or not offsets_fit(bounds, len(docs)):
            raise ValueError("BM25 arrays do not fit together")
        if len(docs) and not 0 <= int(docs.min()) <= int(docs.max()) < size:
            raise ValueError("BM25 postings name a document that does not exist")
        bm25 = cls.__new__(cls)
        bm25.size = size
        bm25._docs, bm25._impacts, bm25._bounds = docs, impacts, bounds
        bm25._term_index = {term: i for i, term in enumerate(vocabulary)}
        return bm25

    def arrays(self) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        """Its words (in id order) and postings, for restore()."""
        return list(self._term_index), self._docs, self._impacts, self._bounds

    def score(self, weights: dict[str, float]) -> np.ndarray:
        known = [(t, w) for t, w in ((self._term_index.get(term), w) for term, w in weights.items()) if t is not None]
        if not known:
            return np.zeros(self.size)
        terms = np.fromiter((t for t, _ in known), dtype=np.intp, count=len(known))
        starts = self._bounds[terms]
        lengths = self._bounds[terms + 1] - starts
        # Every posting of the message's words at once (a long message has hundreds of grams:
        # one small array operation per word cost a millisecond): word k's postings are
        # starts[k] .. starts[k] + lengths[k], laid end to end.
        ends = np.cumsum(lengths)
        postings = np.arange(int(ends[-1])) + np.repeat(starts - ends + lengths, lengths)
        weight = np.repeat(np.fromiter((w for _, w in known), dtype=np.float64, count=len(known)), lengths)
        return np.bincount(self._docs[postings], weights=self._impacts[postings] * weight, minlength=self.size)


def offsets_fit(starts: np.ndarray, total: int) -> bool:
    """Do `starts` (one item's start in a flat array of `total`, then `total`) cut it in order?"""
    return len(starts) > 0 and int(starts[0]) == 0 and int(starts[-1]) == total and not bool(np.any(np.diff(starts) < 0))


def char_grams(text: str, *, shared: bool = False) -> Counter[str]:
    """Character 2- and 3-grams of the text without spaces or punctuation: they survive "재무
    제표" / "재무제표" and most one-key slips. `shared` interns them: the index holds the same few
    thousand grams in thousands of phrasings, one string each instead of one per phrasing."""
    flat = squash(text)
    grams: Counter[str] = Counter()
    for n in GRAM_SIZES:
        each = (flat[i : i + n] for i in range(len(flat) - n + 1))
        grams.update(map(sys.intern, each) if shared else each)
    return grams


@dataclass
class ViewParts:
    """What building the views reads out of the documents (Kiwi's words, every gram counted):
    the slow part of a start, and all that bot.faq.views_store keeps between starts."""

    bm25: dict[str, Bm25]
    used_by: dict[str, np.ndarray]          # word -> which documents use it anywhere
    phrasing_terms: list[frozenset[str]]    # each phrasing's words, all documents' in order
    sentence_terms: list[list[frozenset[str]]]  # each answer sentence's words, per document
    jamo_of: list[list[str]]                # each document's phrasings in jamo


class EntryViews:
    """Built once per knowledge base: every view's index over its documents. `parts` are the
    documents' parts as read before (bot.faq.views_store), when they are of these documents."""

    def __init__(self, documents: Sequence[Document], analyzer: Analyzer, parts: ViewParts | None = None) -> None:
        self.entries = list(documents)
        self.analyzer = analyzer
        self.parts = parts if parts is not None else self._read()
        parts = self.parts
        self._bm25 = parts.bm25
        self._jamo_of = parts.jamo_of
        self._phrasing_counts = np.array([len(entry.phrasings) for entry in self.entries], dtype=np.intp)
        self.phrasing_owner = np.repeat(np.arange(len(self.entries), dtype=np.intp), self._phrasing_counts)
        self._starts = np.searchsorted(self.phrasing_owner, np.arange(len(self.entries)))
        n = len(self.entries)
        self.used_by = parts.used_by
        analyzer.set_vocabulary(set(self.used_by))
        # Word weights count entries, not phrasings: a word every phrasing of one entry repeats
        # is as distinctive as a word said once.
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in
                    ((t, int(v.sum())) for t, v in self.used_by.items())}
        self.max_idf = max(self.idf.values(), default=1.0)
        self._phrasing_terms = parts.phrasing_terms
        # Summed in a fixed order: a frozenset's order follows the process's string hashing, and
        # the last bits of a float sum with it, so one restart could answer what another suggests.
        self._phrasing_mass = np.array(
            [sum(self.idf.get(t, 0.0) for t in sorted(terms)) or 1.0 for terms in self._phrasing_terms]
        )
        phrasings_with: dict[str, list[int]] = {}
        for j, terms in enumerate(self._phrasing_terms):
            for term in terms:
                phrasings_with.setdefault(term, []).append(j)
        # Index arrays built once: every message indexes with them.
        self._phrasings_with = {t: np.array(js, dtype=np.intp) for t, js in phrasings_with.items()}
        # Units for `focus`: every phrasing and every sentence of every answer, entry by entry.
        unit_owner: list[int] = []
        units_with: dict[str, list[int]] = {}
        for index in range(n):
            units = [self._phrasing_terms[j] for j in self.phrasings_of(index)] + parts.sentence_terms[index]
            for terms in units:
                for term in terms:
                    units_with.setdefault(term, []).append(len(unit_owner))
                unit_owner.append(index)
        self._units_with = {t: np.array(us, dtype=np.intp) for t, us in units_with.items()}
        self._unit_count = len(unit_owner)
        self._unit_starts = np.searchsorted(np.array(unit_owner, dtype=np.intp), np.arange(n))

    def _read(self) -> ViewParts:
        """Read every document: Kiwi's words (most from the analyser's word cache), every gram."""
        analyzer = self.analyzer
        answer_sentences = [[s for s in _ANSWER_SENTENCE_END.split(d.answer) if s.strip()] for d in self.entries]
        analyzer.read_all(text for d, sentences in zip(self.entries, answer_sentences, strict=True)
                          for text in (*d.phrasings, d.answer, *sentences) if text)
        # The character views first, their grams dropped before the word views are read: the
        # grams of every phrasing at once are the largest thing built, and the bot's peak memory.
        bm25 = self._char_views()
        morph_phrasings: list[Counter[str]] = []
        plain_phrasings: list[Counter[str]] = []
        plain_entries: list[Counter[str]] = []
        morph_answers: list[Counter[str]] = []
        morph_entries: list[Counter[str]] = []
        for entry in self.entries:
            morph_all: Counter[str] = Counter()
            plain_all: Counter[str] = Counter(analyzer.plain(entry.answer)) if entry.answer else Counter()
            for text in entry.phrasings:
                plain = Counter(analyzer.plain(text))
                plain_phrasings.append(plain)
                plain_all.update(plain)
                morph = Counter(analyzer.terms(text))
                morph_phrasings.append(morph)
                morph_all.update(morph)
            morph_answers.append(Counter(analyzer.terms(entry.answer)) if entry.answer else Counter())
            morph_entries.append(morph_all + morph_answers[-1])
            plain_entries.append(plain_all)
        bm25.update({
            "morph_phrasing": Bm25(morph_phrasings), "morph_answer": Bm25(morph_answers),
            "morph_entry": Bm25(morph_entries), "plain_phrasing": Bm25(plain_phrasings),
            "plain_entry": Bm25(plain_entries),
        })
        used_by: dict[str, np.ndarray] = {}
        for i, doc in enumerate(morph_entries):
            for term in doc:
                used_by.setdefault(term, np.zeros(len(self.entries), dtype=bool))[i] = True
        return ViewParts(
            bm25, used_by, [frozenset(doc) for doc in morph_phrasings],
            [[frozenset(analyzer.terms(s)) for s in sentences] for sentences in answer_sentences],
            [[to_jamo(squash(text)) for text in entry.phrasings] for entry in self.entries],
        )

    def _char_views(self) -> dict[str, Bm25]:
        """BM25 over character grams: of each phrasing, of each answer, of each whole entry."""
        phrasings = [char_grams(text, shared=True) for entry in self.entries for text in entry.phrasings]
        views = {"char_phrasing": Bm25(phrasings)}
        answers = [char_grams(entry.answer, shared=True) for entry in self.entries]
        views["char_answer"] = Bm25(answers)
        wholes: list[Counter[str]] = []
        start = 0
        for entry, answer in zip(self.entries, answers, strict=True):
            # Counted from elements() rather than added Counter by Counter: C instead of Python.
            own = phrasings[start : start + len(entry.phrasings)]
            wholes.append(Counter(chain(answer.elements(), *(grams.elements() for grams in own))))
            start += len(entry.phrasings)
        del phrasings, answers
        views["char_entry"] = Bm25(wholes)
        return views

    # -- reading a message ---------------------------------------------------------------------

    def query(self, text: str) -> Query:
        message = read_message(text, self.analyzer.sentences)
        terms: dict[str, float] = {}
        plain: dict[str, float] = {}
        grams: dict[str, float] = {}
        for sentence, weight in message.weighted_sentences():
            for term in self.analyzer.terms(sentence, correct=True):
                terms[term] = max(terms.get(term, 0.0), weight)
            for word in self.analyzer.plain(sentence):
                plain[word] = max(plain.get(word, 0.0), weight)
            for gram in char_grams(sentence):
                grams[gram] = max(grams.get(gram, 0.0), weight)
        return Query(message, terms, plain, grams, to_jamo(squash(message.asked)))

    def weight(self, term: str) -> float:
        """How much a message word matters: rarer words more. A one-syllable word the guides
        never use is usually a mistyped stem ("잇" for "있") and counts nothing; a longer one
        ("배당", "비트코인") is a topic the guides never mention and counts as the rarest."""
        idf = self.idf.get(term)
        if idf is None:
            return 0.0 if len(term) == 1 else self.max_idf
        return idf * (0.5 if len(term) == 1 else 1.0)

    def query_weights(self, query: Query) -> dict[str, float]:
        return {t: w * self.weight(t) for t, w in query.terms.items()}

    # -- scoring -------------------------------------------------------------------------------

    def score(self, query: Query) -> Scores:
        scores: Scores = {}
        for name, weights in (("morph_phrasing", query.terms), ("plain_phrasing", query.plain),
                              ("char_phrasing", query.grams)):
            scores[name] = self._best_phrasing(self._bm25[name].score(weights))
        scores["plain_entry"] = self._bm25["plain_entry"].score(query.plain)
        for name in ("morph_answer", "morph_entry"):
            scores[name] = self._bm25[name].score(query.terms)
        for name in ("char_answer", "char_entry"):
            scores[name] = self._bm25[name].score(query.grams)
        weights = self.query_weights(query)
        scores["coverage"] = self._coverage(weights)
        scores["focus"] = self._focus(weights)
        # The same counting words, not weight: a common word ("수수료") is often what is asked.
        scores["focus_words"] = self._focus({t: w for t, w in query.terms.items() if len(t) > 1})
        scores["recall"] = self._recall(query.terms)
        scores["jamo"] = self._fuzzy(query.jamo, scores)
        return scores

    def _best_phrasing(self, per_phrasing: np.ndarray) -> np.ndarray:
        return np.maximum.reduceat(per_phrasing, self._starts) if len(per_phrasing) else per_phrasing

    def _coverage(self, weights: dict[str, float]) -> np.ndarray:
        covered = np.zeros(len(self.entries))
        total = sum(weights.values())
        if not total:
            return covered
        for term, weight in weights.items():
            used = self.used_by.get(term)
            if used is not None:
                covered[used] += weight
        return covered / total

    def _focus(self, weights: dict[str, float]) -> np.ndarray:
        total = sum(weights.values())
        per_unit = np.zeros(self._unit_count)
        if not total or not self._unit_count:
            return np.zeros(len(self.entries))
        for term, weight in weights.items():
            units = self._units_with.get(term)
            if units is not None:
                per_unit[units] += weight
        return np.maximum.reduceat(per_unit, self._unit_starts) / total

    def _recall(self, terms: dict[str, float]) -> np.ndarray:
        present = np.zeros(len(self._phrasing_terms))
        for term in terms:
            phrasings = self._phrasings_with.get(term)
            if phrasings is not None:
                present[phrasings] += self.idf[term]
        return self._best_phrasing(present / self._phrasing_mass)

    def _fuzzy(self, jamo: str, scores: Scores) -> np.ndarray:
        similarity = np.zeros(len(self.entries))
        if not jamo:
            return similarity
        likely = np.argsort(-(scores["morph_entry"] + scores["char_entry"]), kind="stable")[:FUZZY_SHORTLIST]
        pool = list(chain.from_iterable(self._jamo_of[i] for i in likely))
        found = process.cdist([jamo], pool, scorer=fuzz.ratio, dtype=np.float64)[0]
        owners = np.repeat(likely, self._phrasing_counts[likely])
        np.maximum.at(similarity, owners, found / 100)
        return similarity

    def phrasings_of(self, entry: int) -> Iterable[int]:
        end = int(self._starts[entry + 1]) if entry + 1 < len(self._starts) else len(self.phrasing_owner)
        return range(int(self._starts[entry]), end)

    def uses(self, entry: int, term: str) -> bool:
        used = self.used_by.get(term)
        return bool(used is not None and used[entry])
