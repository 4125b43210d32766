"""Answers from the guides: the FAQ as a capability. It answers outright when the ranking is
sure, offers the likeliest questions when it is not, and otherwise says honestly that the guides
do not cover the question, with whom to ask and the nearest entries. It also answers asides (a
question asked in the middle of another flow), follow-ups to its last answer (bot.faq.followup)
and inline queries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from bot.capability import Capability
from bot.conversation import MAX_REPLY_CHARS, Button, Candidate, Reply, Shared, Topic, Turn
from bot.faq.features import COMPANION_MARGIN
from bot.faq.followup import read_follow_up
from bot.faq.index import EXACT_CONFIDENCE, FaqIndex, Ranking
from bot.faq.knowledge import Entry
from bot.korean.discourse import is_follow_up, questions_in
from bot.korean.hangul import clip, squash
from bot.templates import render

# Words that mark a question about credit rating, for choosing the contact in a fallback.
_RATING_WORDS = frozenset(
    ["신용평가", "신용등급", "재무제표", "부속명세서", "원클릭", "세무대리인", "동의서", "조기경보", "신용조기경보", "감사보고서"]
)
MAX_QUESTION_CHARS = 500
# A declined question still lists entries that share at least this much of its words: the
# member may have meant one of them.
NEAR_COVERAGE = 0.34
SUGGESTIONS = 3
# A question on a button: long enough to tell it apart, short enough for a phone.
BUTTON_CHARS = 40
# A question of a message shorter than this ("오면 언제요?") leans on another and is not looked up alone.
MIN_OWN_QUESTION = 6
# At most this many questions of one message are ranked on their own: members ask two or three,
# and a message of forty question marks must not cost forty rankings.
MAX_OWN_QUESTIONS = 4
# How many of a second question's first entries are looked at for one serving what the other
# capability just answered, ranked as close as the first (the question is then about that answer).
OWN_NEIGHBOURHOOD = 3
# Inline mode offers the runners-up scoring at least this share of the best.
INLINE_CLOSE = 0.6
# Another question of the message is answered in full under the first answer when the ranking is
# at least this sure of it on its own (else it is offered as a button): read without the rest of
# its message, a question may mean something else, so the bar is above that of a whole message.
ANSWER_BESIDES = 0.8


class Besides(NamedTuple):
    """An entry answering another question of the same message."""

    entry: Entry
    sure: bool  # ANSWER_BESIDES reached: answered in full, space permitting


class FaqCapability(Capability):
    name = "faq"

    def __init__(self, index: FaqIndex, actions: Mapping[str, str]) -> None:
        """`actions`: the label of the button under an answer for each of its `actions:` (what
        the other capabilities serve, passed in by bot.app)."""
        self.index = index
        self.actions = actions

    def on_text(self, turn: Turn) -> Reply:
        question = turn.text.strip()[:MAX_QUESTION_CHARS]
        ranking = self.index.rank(question)
        turn.state["last_question"] = question
        if ranking.outcome == "answer" and ranking.best is not None:
            return self.answer(turn, ranking.best.entry, ranking, besides=self._asked_besides(question, ranking))
        if ranking.outcome == "suggest":
            return self.suggest(turn, [candidate(m.entry, m.score) for m in ranking.matches[:SUGGESTIONS]], ranking.confidence)
        return self.decline(turn, ranking)

    def decline(self, turn: Turn, ranking: Ranking) -> Reply:
        """The guides do not answer this: say so, say whom to ask, and list the entries that
        share much of its words in case one of them was meant."""
        unrelated = ranking.declined is not None and ranking.declined.ask == "none"
        near = [] if unrelated else [candidate(m.entry, m.score) for m in ranking.matches[:SUGGESTIONS] if m.coverage >= NEAR_COVERAGE]
        if near:
            turn.state["choices"] = [c.id for c in near]
        if ranking.declined is not None and not unrelated:
            text = render("declined", topic=ranking.declined, candidates=near)
        else:
            text = render("fallback", rating=bool(set(ranking.terms) & _RATING_WORDS), candidates=near)
        return Reply(kind="fallback", text=text, candidates=near, confidence=ranking.confidence,
                     buttons=_buttons(near))

    def aside(self, turn: Turn) -> Reply | None:
        """A question asked in the middle of a multi-step conversation, which is kept: the answer
        when ranking is sure of it, else its suggestions; None when nothing fits (the flow then
        gets the message)."""
        ranking = self.index.rank(turn.text.strip()[:MAX_QUESTION_CHARS])
        if ranking.best is None or ranking.outcome == "fallback":
            return None
        turn.state["last_question"] = turn.text.strip()[:MAX_QUESTION_CHARS]
        if ranking.outcome == "answer":
            return self.answer(turn, ranking.best.entry, ranking)
        return self.suggest(turn, [candidate(m.entry, m.score) for m in ranking.matches[:SUGGESTIONS]], ranking.confidence)

    def also_asked(self, turn: Turn, answered_by: Capability) -> Reply | None:
        """Another question of the message, about something else than what that capability
        serves (its own entries would repeat its reply) and without figures (those were its to
        read): answered when the ranking is sure, else offered as a button."""
        if answered_by is self:
            return None
        serves = answered_by.commands[0].name if answered_by.commands else ""
        # What it just answered: the calculator ("deadline:rating") or the capability ("branch").
        topic = turn.state.get("topic") or {}
        answered = {serves, f"{serves}:{topic.get('about')}"} if topic.get("owner") == serves else {serves}

        def near_answered(ranking: Ranking) -> bool:
            """One of the entries serving what was just answered ranks as close as a companion
            (COMPANION_MARGIN): "내년에 신평 신청할 때 기간이 어떻게 되고" is the window the
            calculator computed, though the new-company entry comes first at 0.91. A question
            typed as an entry's own phrasing is that entry's all the same."""
            if ranking.confidence >= EXACT_CONFIDENCE:
                return False
            first = ranking.matches[0].score
            return any(answered & set(m.entry.actions) and first - m.score < COMPANION_MARGIN
                       for m in ranking.matches[:OWN_NEIGHBOURHOOD])

        for question, ranking in self._each_question(turn.text.strip()[:MAX_QUESTION_CHARS]):
            entry = ranking.best.entry if ranking.best is not None and ranking.outcome != "fallback" else None
            if (entry is None or any(ch.isdigit() for ch in question)
                    or any(action.partition(":")[0] == serves for action in entry.actions)
                    or near_answered(ranking)):
                continue
            if ranking.outcome == "answer":
                text = render("answer_also", entry=entry, source=self.index.kb.source_label(entry))
                buttons = [Button(self.actions[a], f"menu:{a}", follow_on=True) for a in entry.actions]
            else:
                text = render("answer_offer", entries=[entry])
                buttons = [Button(clip(entry.question, BUTTON_CHARS), f"faq:{entry.id}", follow_on=True)]
            return Reply(kind="answer", text=text, confidence=ranking.confidence, entry_id=entry.id, buttons=buttons)
        return None

    def _each_question(self, text: str) -> list[tuple[str, Ranking]]:
        """Each question of a message that asks more than one, ranked on its own (none for a
        message asking one thing; one too short to stand alone is left out)."""
        questions = questions_in(self.index.analyzer.sentences(text))
        if len(questions) < 2:
            return []
        own = [q for q in questions if len(squash(q)) >= MIN_OWN_QUESTION][:MAX_OWN_QUESTIONS]
        return [(q, self.index.rank(q)) for q in own]

    def follow_up(self, turn: Turn, topic: Topic) -> Reply | None:
        """"그건 어디서 해요?", "전화번호는요?" after an answer: read against that answer."""
        last = self.index.kb.by_id.get(topic.about) if topic.owner == self.name else None
        if last is None or not is_follow_up(turn.text):
            return None
        found = read_follow_up(self.index, last, turn.text.strip()[:MAX_QUESTION_CHARS])
        if found is None:
            return None
        turn.state["last_question"] = turn.text.strip()[:MAX_QUESTION_CHARS]
        if found.lines:
            text = render("answer_part", lines=found.lines, entry=last, source=self.index.kb.source_label(last))
            return Reply(kind="answer", text=text, confidence=1.0, entry_id=last.id,
                         buttons=[Button("전체 답변 보기", f"faq:{last.id}", follow_on=True)])
        if found.entry is not None:
            return self.answer(turn, found.entry, found.ranking)
        return self.suggest(turn, [candidate(e, score) for e, score in found.choices], None)

    def inline(self, turn: Turn) -> list[Shared]:
        """Inline mode: the answers of the entries ranking finds likely, best first."""
        ranking = self.index.rank(turn.text.strip()[:MAX_QUESTION_CHARS])
        if ranking.outcome == "fallback":
            return []
        top = ranking.matches[0].score
        likely = [m for m in ranking.matches[:SUGGESTIONS] if m.score >= INLINE_CLOSE * top]
        return [Shared(m.entry.id, m.entry.question, self.answer(turn, m.entry, ranking)) for m in likely]

    def on_button(self, turn: Turn, payload: str) -> Reply | None:
        entry = self.index.kb.by_id.get(payload)
        if entry is None:
            return None
        return self.answer(turn, entry, None)

    def answer(self, turn: Turn, entry: Entry, ranking: Ranking | None, besides: Sequence[Besides] = ()) -> Reply:
        """The reply for one entry: the answer, its source, what it offers to do and its related
        questions (these open a new message, leaving the answer on screen); with the neighbouring
        entry the ranking could not tell apart from it, when that still fits; and the entries
        answering the other questions of the message (`besides`), in full when sure and there is
        room, else as buttons first."""
        turn.remember(Topic(self.name, entry.id, actions=entry.actions))
        kb = self.index.kb
        text = render("answer", entry=entry, source=kb.source_label(entry), companion=None)
        companion = ranking.companion.entry if ranking is not None and ranking.companion is not None else None
        if companion is not None:
            both = render("answer", entry=entry, source=kb.source_label(entry), companion=companion,
                          companion_source=kb.source_label(companion))
            text = both if len(both) <= MAX_REPLY_CHARS else text
        offered: list[Entry] = []
        answered = [entry]
        for other in besides:
            also = "\n\n" + render("answer_also", entry=other.entry, source=kb.source_label(other.entry))
            if other.sure and len(text) + len(also) <= MAX_REPLY_CHARS:
                text += also
                answered.append(other.entry)
            else:
                offered.append(other.entry)
        offer = "\n\n" + render("answer_offer", entries=offered) if offered else ""
        # Past the limit, the offer stays as its buttons alone.
        text += offer if len(text) + len(offer) <= MAX_REPLY_CHARS else ""
        shown = {other.entry.id for other in besides}
        related = [kb.by_id[r] for r in entry.related if r in kb.by_id and r not in shown][:3]
        # What each answered entry offers to do (a calculator, a form), once.
        actions = list(dict.fromkeys(a for e in answered for a in e.actions))
        return Reply(
            kind="answer",
            text=text,
            candidates=[candidate(m.entry, m.score) for m in ranking.matches[:SUGGESTIONS]] if ranking else [],
            confidence=ranking.confidence if ranking else 1.0,
            buttons=[Button(clip(o.question, BUTTON_CHARS), f"faq:{o.id}", follow_on=True) for o in offered]
            + [Button(self.actions[a], f"menu:{a}", follow_on=True) for a in actions]
            + [Button(clip(r.question, BUTTON_CHARS), f"faq:{r.id}", follow_on=True) for r in related],
            entry_id=entry.id,
        )

    def _asked_besides(self, question: str, ranking: Ranking) -> list[Besides]:
        """Entries answering another question of the same message ("경영실권자가 누구를 말하는
        거고, 처남은 관계란에 뭐라고 써요?") outright, other than those already shown."""
        if ranking.best is None:
            return []
        shown = {ranking.best.entry.id} | ({ranking.companion.entry.id} if ranking.companion is not None else set())
        besides: list[Besides] = []
        for _, found in self._each_question(question):
            if found.outcome == "answer" and found.best is not None and found.best.entry.id not in shown:
                shown.add(found.best.entry.id)
                besides.append(Besides(found.best.entry, found.confidence >= ANSWER_BESIDES))
        return besides

    def suggest(self, turn: Turn, candidates: Sequence[Candidate], confidence: float | None) -> Reply:
        """Did-you-mean: the likeliest questions as numbered choices."""
        turn.state["choices"] = [c.id for c in candidates]
        return Reply(
            kind="suggest",
            text=render("suggest", candidates=candidates),
            candidates=list(candidates),
            confidence=confidence,
            buttons=_buttons(list(candidates)),
        )


def _buttons(candidates: list[Candidate]) -> list[Button]:
    return [Button(clip(c.question, BUTTON_CHARS), f"faq:{c.id}") for c in candidates]


def candidate(entry: Entry, score: float) -> Candidate:
    """An entry offered to the member (a suggestion, a button, an inbox candidate)."""
    return Candidate(id=entry.id, question=entry.question, answer=entry.answer, score=score)

