"""Guarding the knowledge base against a harmful alternate: a phrasing taught to one entry must
not make a member question that another entry answers (knowledge/known_questions.yaml, written
from the guides in members' words) rank a different entry first.

The full check ranks every known question with and without the new alternates (`bot kb learned
--apply`); the quick one, at a teach in the running bot, ranks only the known questions that
share a word with the new phrasing, the only ones a new phrasing can plausibly pull away."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.faq.index import FaqIndex
from bot.faq.yamlfile import read_yaml


@dataclass(frozen=True)
class KnownQuestion:
    text: str
    ids: frozenset[str]  # the entries that answer it (`id`, `accept`), and `also` when it asks two things


@dataclass(frozen=True)
class Harm:
    question: str  # the known question now ranked wrong
    expected: str  # the entry that answers it
    ranked: str    # the entry it would rank first with the new alternates

    def __str__(self) -> str:
        return f"'{self.question}'(→ {self.expected}) 질문이 {self.ranked} 항목으로 답해집니다"


def load_known(path: Path) -> list[KnownQuestion]:
    """The in-scope known questions (an unreadable or missing file guards nothing: [])."""
    _, data, problems = read_yaml(path)
    if problems or not isinstance(data, list):
        return []
    known = []
    for item in data:
        if not isinstance(item, dict) or item.get("ood") or not isinstance(item.get("q"), str):
            continue
        ids = {str(item["id"])} if item.get("id") else set()
        ids |= {str(a) for key in ("accept", "also") for a in _as_list(item.get(key))}
        if ids:
            known.append(KnownQuestion(item["q"], frozenset(ids)))
    return known


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def attune(index: FaqIndex) -> None:
    """Indexes built on one analyser share its vocabulary (what a slip is corrected towards),
    set by the one built last: point it back at `index` before ranking with it."""
    words = index.views.used_by
    if set(index.analyzer.vocabulary.values()) != {w for w in words if len(w) >= 2}:
        index.analyzer.set_vocabulary(set(words))


def first_entry(index: FaqIndex, text: str) -> str | None:
    best = index.rank(text, limit=1).best
    return best.entry.id if best is not None else None


class Guard:
    """The known questions and how the knowledge base as loaded from its files ranks them (each
    ranked once, when first needed)."""

    def __init__(self, base: FaqIndex, known: Sequence[KnownQuestion]) -> None:
        self.base = base
        self.known = list(known)
        self._before: dict[str, str | None] = {}

    def related(self, phrasings: Iterable[str]) -> list[KnownQuestion]:
        """The known questions sharing a content word with any of `phrasings`."""
        analyzer = self.base.analyzer
        words = {w for p in phrasings for w in analyzer.terms(p, correct=True) if len(w) > 1}
        return [k for k in self.known if words & set(analyzer.terms(k.text, correct=True))]

    def harms(self, after: FaqIndex, known: Sequence[KnownQuestion] | None = None) -> list[Harm]:
        """The known questions the base ranks right and `after` ranks wrong."""
        questions = self.known if known is None else list(known)
        unranked = [q for q in questions if q.text not in self._before]
        if unranked:
            attune(self.base)
            self._before.update((q.text, first_entry(self.base, q.text)) for q in unranked)
        # A question the base already ranks wrong is not the new alternates' doing.
        at_stake = [q for q in questions if self._before[q.text] in q.ids]
        attune(after)
        found = []
        for question in at_stake:
            ranked = first_entry(after, question.text)
            if ranked not in question.ids:
                found.append(Harm(question.text, sorted(question.ids)[0], ranked or "(없음)"))
        return found
