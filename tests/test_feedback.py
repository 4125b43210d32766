"""👍/👎 under an answer: counted once per member and answer (a repeat or a second device changes
nothing, a change of mind replaces the vote), the voter kept only as a keyed hash, and a forged
`fb:` payload cannot put text of its own into the admin report: the buttons carry the number of
a recorded answer, nothing else."""

from __future__ import annotations

import datetime as dt

from bot.conversation import Event, Reply
from bot.engine import Engine
from bot.korean.clock import Clock
from bot.storage import open_db
from bot.storage.feedback import ANSWER_TTL, FeedbackStore
from support import TODAY, engine, say

QUESTION = "공인인증서 발급 은행을 바꾸고 싶어요"


def vote(bot: Engine, payload: str, user: int | None, chat: str = "t1") -> Reply:
    return bot.handle(chat, Event(kind="button", payload=payload, user_id=user), today=TODAY)


def test_a_thumbs_down_counts_once_per_member_and_answer() -> None:
    bot = engine()
    answer = say(bot, QUESTION)
    down = f"fb:down:{answer.feedback_ref}"
    for _ in range(3):
        assert "의견 감사합니다" in vote(bot, down, user=7).text
    [line] = bot.feedback.report()
    assert (line.question, line.downvotes) == (QUESTION, 1)
    vote(bot, down, user=8, chat="t2")  # another member, pressing the same message in a group
    assert bot.feedback.report()[0].downvotes == 2
    vote(bot, f"fb:up:{answer.feedback_ref}", user=7)  # a change of mind replaces the vote
    [line] = bot.feedback.report()
    assert (line.downvotes, line.upvotes) == (1, 1)


def test_each_answer_is_its_own_message() -> None:
    bot = engine()
    first, second = say(bot, QUESTION), say(bot, QUESTION)
    assert first.feedback_ref != second.feedback_ref
    vote(bot, f"fb:down:{first.feedback_ref}", user=7)
    vote(bot, f"fb:down:{second.feedback_ref}", user=7)
    assert bot.feedback.report()[0].downvotes == 2


def test_a_forged_payload_puts_nothing_in_the_report() -> None:
    bot = engine()
    say(bot, QUESTION)
    for forged in ("fb:down:<b>광고 문의 010-1234-5678</b>", "fb:down:sms-fee", "fb:down:999999", "fb:down:",
                   "fb:sideways:1", "fb:down:-1"):
        reply = vote(bot, forged, user=7)
        assert reply.kind == "chat" and "더 이상 사용할 수 없습니다" in reply.text, forged
    assert bot.feedback.report() == []


def test_voters_are_kept_as_keyed_hashes_not_ids() -> None:
    bot = engine()
    answer = say(bot, QUESTION)
    vote(bot, f"fb:down:{answer.feedback_ref}", user=123456789)
    [(voter,)] = bot.feedback.db.execute("SELECT voter FROM feedback_votes").fetchall()
    assert "123456789" not in voter and len(voter) == 64


def test_answers_nobody_voted_on_are_forgotten_after_a_month() -> None:
    now = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
    store = FeedbackStore(open_db(None), Clock(now), voter_key=b"k")
    kept, dropped = store.answered("q1", "a"), store.answered("q2", "b")
    store.vote(kept, "user:1", "down")
    later = FeedbackStore(store.db, Clock(now + ANSWER_TTL + dt.timedelta(seconds=1)), voter_key=b"k")
    assert later.forget_old_answers() == 1
    assert [q for (q,) in store.db.execute("SELECT question FROM feedback_answers").fetchall()] == ["q1"]
    assert not later.vote(dropped, "user:1", "down")
