"""The FAQ a running bot answers from, kept current without a restart.

- Taught alternates (bot.faq.taught) join their entries at once: the index is built again from
  the knowledge base plus every taught alternate, with the analyser already loaded (no Kiwi
  reload; only the new phrasings are read), and swapped into the FAQ capability in one
  assignment, so a message is always ranked by one whole index, old or new.
- A teach from another process (`bot inbox teach`) is noticed through the database's change
  counter, read before every message (`refresh`).
- `reload` reads the knowledge files again after they changed on disk; a file that does not
  load raises and the old index keeps serving.

This is what staff need of the FAQ (bot.admin's `FaqForStaff`); bot.app hands it over."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.conversation import Candidate
from bot.faq.analyzer import Analyzer
from bot.faq.capability import FaqCapability, candidate
from bot.faq.guard import Guard, attune, load_known
from bot.faq.index import FaqIndex
from bot.faq.knowledge import KnowledgeBase
from bot.faq.lexicon import Lexicon
from bot.faq.loading import WORD_SEED, load_faq
from bot.faq.taught import TaughtStore
from bot.korean.hangul import squash

log = logging.getLogger(__name__)
KNOWN_QUESTIONS = "known_questions.yaml"
MAX_TAUGHT_CHARS = 200


@dataclass(frozen=True)
class Lesson:
    """What a teach did: `taught` or refused with `reason`; `outright` when the question is now
    answered with that entry without a suggestion."""

    taught: bool
    reason: str = ""
    outright: bool = False


def with_alternates(index: FaqIndex, extra: Mapping[str, Sequence[str]], *, keep: bool = False) -> FaqIndex:
    """`index` built again with `extra` alternates added to their entries (same analyser, gate
    and out-of-scope topics). `keep`: its views are kept for the next start, as the index that
    serves is (a candidate tried against the known questions is not: a refused teach writes
    nothing, and the files in use are not pruned for it)."""
    if not extra:
        return index
    entries = [dataclasses.replace(e, alternates=(*e.alternates, *extra[e.id])) if e.id in extra else e
               for e in index.kb.entries]
    kb = KnowledgeBase(index.kb.documents, index.kb.categories, entries)
    return FaqIndex(kb, index.analyzer, index.model, index.topics, index.classifier,
                    index.views_folder if keep else None)


class LiveFaq:
    def __init__(self, capability: FaqCapability, store: TaughtStore, folder: Path, actions: Collection[str],
                 cache: Path | None = None) -> None:
        self.capability = capability
        self.store = store
        self.folder = folder
        self.actions = actions
        self.cache = cache
        self.base = capability.index  # from the files alone
        self.loaded_version = store.version()
        self.guard = Guard(self.base, load_known(folder / KNOWN_QUESTIONS))
        self._seen = -1
        self._built_for: tuple[tuple[str, str], ...] = ()
        self._vocabulary: tuple[FaqIndex | None, frozenset[str]] = (None, frozenset())

    @property
    def index(self) -> FaqIndex:
        return self.capability.index

    # -- keeping current -----------------------------------------------------------------------

    def refresh(self) -> bool:
        """Build again when the taught alternates changed (in any process); True when it did."""
        version = self.store.version()
        if version == self._seen:
            return False
        self._seen = version
        wanted = self._wanted()
        if wanted == self._built_for:
            return False
        self._use(wanted, self._build(wanted))
        log.info("faq index rebuilt with %d taught alternates (change %d)", len(wanted), version)
        return True

    def reload(self) -> None:
        """Read the knowledge files again (the lexicon's Kiwi words only when it changed); raises
        DataFileError naming every problem, and then the old index keeps serving."""
        analyzer = self.base.analyzer
        lexicon = Lexicon.load(self.folder / "lexicon.yaml")
        if lexicon != analyzer.lexicon:
            analyzer = Analyzer(lexicon, self.cache, self.folder / WORD_SEED)
        base = load_faq(self.folder, self.actions, analyzer=analyzer, cache=self.cache)
        self.base, self.loaded_version = base, self.store.version()
        self.guard = Guard(base, load_known(self.folder / KNOWN_QUESTIONS))
        wanted = self._wanted()
        self._use(wanted, self._build(wanted))
        self._seen = self.loaded_version

    def _wanted(self) -> tuple[tuple[str, str], ...]:
        """(entry, question) of every taught alternate the files do not hold yet: the active
        ones, and those written into faq.yaml since this process read it."""
        rows = [t for t in self.store.rows() if t.status == "active" or t.changed_version > self.loaded_version]
        return tuple(sorted({(t.entry_id, t.question) for t in rows if self._new_to_base(t.entry_id, t.question)}))

    def _new_to_base(self, entry_id: str, question: str) -> bool:
        entry = self.base.kb.by_id.get(entry_id)
        return entry is not None and squash(question) not in {squash(p) for p in (entry.question, *entry.alternates)}

    def _build(self, wanted: Sequence[tuple[str, str]], *, keep: bool = True) -> FaqIndex:
        extra: dict[str, list[str]] = {}
        for entry_id, question in wanted:
            extra.setdefault(entry_id, []).append(question)
        return with_alternates(self.base, extra, keep=keep)

    def _use(self, wanted: tuple[tuple[str, str], ...], index: FaqIndex) -> None:
        self.capability.index = index
        self._built_for = wanted

    # -- what staff do ------------------------------------------------------------------------

    def teach(self, entry_id: str, questions: Sequence[str], taught_by: str) -> Lesson:
        """Make `questions` alternates of `entry_id` now, unless one would rank a known question
        wrong (bot.faq.guard); `outright` is about the first of them."""
        cleaned = [q for q in dict.fromkeys(" ".join(q.split())[:MAX_TAUGHT_CHARS] for q in questions) if squash(q)]
        if entry_id not in self.base.kb.by_id:
            return Lesson(False, f"'{entry_id}' 항목이 지식 베이스에 없습니다.")
        if not cleaned:
            return Lesson(False, "가르칠 질문에 글자가 없습니다.")
        self.refresh()
        new = [q for q in cleaned if self._new_to_base(entry_id, q)]
        wanted = tuple(sorted({*self._built_for, *((entry_id, q) for q in new)}))
        candidate = self._build(wanted, keep=False) if new else self.index
        harms = self.guard.harms(candidate, self.guard.related(new)) if new else []
        if harms:
            attune(self.index)
            return Lesson(False, "이 표현을 가르치면 " + "; ".join(map(str, harms[:3])) + ".")
        for question in new:
            self.store.add(entry_id, question, taught_by)
        self._seen = self.store.version()
        now_wanted = self._wanted()
        self._use(now_wanted, candidate if now_wanted == wanted else self._build(now_wanted))
        attune(self.index)
        return Lesson(True, outright=self.answers_outright(cleaned[0], entry_id))

    def answers_outright(self, question: str, entry_id: str) -> bool:
        ranking = self.index.rank(question)
        return ranking.outcome == "answer" and ranking.best is not None and ranking.best.entry.id == entry_id

    def likely(self, question: str, limit: int = 3) -> list[Candidate]:
        """The entries ranked first for `question`, whatever the gate thinks of them."""
        return [candidate(m.entry, m.score) for m in self.index.rank(question, limit=limit).matches]

    def entry(self, entry_id: str) -> Candidate | None:
        e = self.index.kb.by_id.get(entry_id)
        return candidate(e, 1.0) if e is not None else None

    def words(self, text: str) -> frozenset[str]:
        """The content words of `text` as the ranking reads them (for grouping like questions)."""
        return frozenset(self.index.analyzer.terms(text, correct=True))

    def vocabulary(self) -> frozenset[str]:
        """Every word the knowledge base uses: none of them is a person's name."""
        index = self.index
        if self._vocabulary[0] is not index:
            self._vocabulary = (index, frozenset(index.views.used_by))
        return self._vocabulary[1]

    def entry_count(self) -> int:
        return len(self.index.entries)
