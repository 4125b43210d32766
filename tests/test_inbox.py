"""The staff inbox: what counts as missed (a fallback, a 👎, a suggestion not taken within ten
minutes or followed by another message), grouping the same question in other words under ids
that stay, masking, and every reply's outcome counted per day. Driven through the engine as a
member would, with the inbox's clock pinned."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest

from bot.admin.inbox import InboxStore, Miss
from bot.app import housekeeping
from bot.conversation import Event
from bot.engine import Engine
from bot.settings import Settings
from support import TODAY, admin_of, engine, press, say, services

FALLBACK = "보증서 출력이 안돼요"
FALLBACK_AGAIN = "보증서 출력이 안되요"  # the same question with a slip
OTHER_FALLBACK = "출자증권 담보 얼마나 돼요"
# One word several entries use and no entry has as a phrasing: offered as suggestions
# (bot.faq.index.SHARED_WORD_ENTRIES).
UNSURE = "유효기간"
START = dt.datetime(2026, 11, 22, 1, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def bot() -> Engine:
    return engine()


@pytest.fixture
def clock(bot: Engine) -> Clock:
    pinned = Clock()
    admin_of(bot).inbox.clock = pinned
    return pinned


def inbox(bot: Engine) -> InboxStore:
    return admin_of(bot).inbox


def test_a_fallback_is_kept_with_what_the_bot_considered(bot: Engine, clock: Clock) -> None:
    reply = say(bot, FALLBACK, chat="m1")
    assert reply.kind == "fallback"
    [item] = inbox(bot).items()
    assert (item.id, item.question, item.count, item.reply_kind, item.reasons) == (1, FALLBACK, 1, "fallback",
                                                                                    {"fallback": 1})
    assert item.candidates == tuple(c.id for c in reply.candidates) and item.candidates
    assert (item.first_day, item.last_day) == ("2026-11-22", "2026-11-22")


def test_the_same_question_in_other_words_joins_its_group_and_ids_stay(bot: Engine, clock: Clock) -> None:
    say(bot, FALLBACK, chat="m1")
    say(bot, OTHER_FALLBACK, chat="m2")
    say(bot, FALLBACK_AGAIN, chat="m3")
    items = inbox(bot).items()
    assert [(i.id, i.question, i.count, i.phrasings) for i in items] == [
        (1, FALLBACK, 2, (FALLBACK_AGAIN,)), (2, OTHER_FALLBACK, 1, ())]
    # Dismissed: asked again, it is counted but stays out of the inbox; its id does not move.
    assert inbox(bot).resolve(1, "dismissed", "admin:1")
    say(bot, FALLBACK, chat="m4")
    assert [(i.id, i.count) for i in inbox(bot).items()] == [(2, 1)]
    assert [(i.id, i.status, i.count) for i in inbox(bot).items(("dismissed",))] == [(1, "dismissed", 3)]
    # Taught, then missed again: back in the inbox under the same id.
    inbox(bot).resolve(2, "taught", "admin:1", "rating-fee")
    say(bot, OTHER_FALLBACK, chat="m5")
    assert [(i.id, i.status, i.count) for i in inbox(bot).items()] == [(2, "open", 2)]


def test_a_suggestion_taken_within_ten_minutes_is_not_missed(bot: Engine, clock: Clock) -> None:
    reply = say(bot, UNSURE, chat="m1")
    assert reply.kind == "suggest"
    clock.now += dt.timedelta(minutes=9)
    assert press(bot, reply.buttons[0].payload, chat="m1").kind == "answer"
    clock.now += dt.timedelta(hours=1)
    assert inbox(bot).items() == []


def test_a_suggestion_followed_by_another_message_is_missed(bot: Engine, clock: Clock) -> None:
    reply = say(bot, UNSURE, chat="m1")
    say(bot, "신용평가 수수료가 있나요?", chat="m1")
    [item] = inbox(bot).items()
    assert (item.question, item.reply_kind, item.reasons) == (UNSURE, "suggest", {"not_taken": 1})
    assert item.candidates == tuple(c.id for c in reply.candidates)


def test_a_suggestion_left_for_ten_minutes_is_missed_even_if_pressed_later(bot: Engine, clock: Clock) -> None:
    reply = say(bot, UNSURE, chat="m1")
    clock.now += dt.timedelta(minutes=10)
    assert inbox(bot).items() == []  # not yet: ten minutes are allowed
    clock.now += dt.timedelta(seconds=1)
    assert [i.reasons for i in inbox(bot).items()] == [{"not_taken": 1}]
    press(bot, reply.buttons[0].payload, chat="m1")  # too late to count as taken, and not counted twice
    assert [i.count for i in inbox(bot).items()] == [1]


def test_a_thumbs_down_is_kept_with_the_entry_voted_down(bot: Engine, clock: Clock) -> None:
    answer = say(bot, "신용평가 수수료가 있나요?", chat="m1")
    assert answer.kind == "answer" and answer.feedback_ref
    press(bot, f"fb:down:{answer.feedback_ref}", chat="m1")
    [item] = inbox(bot).items()
    assert (item.question, item.reply_kind, item.reasons, item.candidates) == (
        "신용평가 수수료가 있나요?", "answer", {"down": 1}, (answer.entry_id,))


def test_phone_numbers_and_names_never_reach_the_database_in_clear(bot: Engine, clock: Clock) -> None:
    say(bot, "김철수 과장님 연락처 010-1234-5678 보증서 출력이 안돼요", chat="m1")
    say(bot, "제 이름은 박영희입니다 01098765432 번호로 보증서 출력이 안되는데요", chat="m2")
    items = inbox(bot).items()
    shown = json.dumps([i.to_json() for i in items], ensure_ascii=False)
    assert "김** 과장님 연락처 010-****-5678" in shown and "제 이름은 박**입니다 010-****-5432" in shown
    db = inbox(bot).db
    # (The chat's own state keeps its last question for a day, to know what a 👎 was about.)
    for table in ("inbox_groups", "inbox_questions", "inbox_pending", "reply_outcomes", "feedback"):
        for row in db.execute(f"SELECT * FROM [{table}]").fetchall():
            text = " ".join(map(str, row))
            for secret in ("1234", "9876", "철수", "영희"):
                assert secret not in text, (table, row)


def test_every_reply_is_counted_per_day_by_kind_entry_and_what_was_done(bot: Engine, clock: Clock) -> None:
    answer = say(bot, "신용평가 수수료가 있나요?", chat="m1")
    press(bot, f"fb:up:{answer.feedback_ref}", chat="m1")
    say(bot, FALLBACK, chat="m2")
    say(bot, "안녕하세요", chat="m2")
    bot.handle("m3", Event.from_text("/help"), today=TODAY + dt.timedelta(days=1))
    rows = inbox(bot).db.execute("SELECT day, kind, entry_id, via, count FROM reply_outcomes ORDER BY day, kind").fetchall()
    fallback_entry = rows[2][2]
    assert rows == [("2026-11-22", "answer", answer.entry_id, "text", 1),
                    ("2026-11-22", "chat", "", "text", 1),
                    ("2026-11-22", "fallback", fallback_entry, "text", 1),
                    ("2026-11-22", "up", answer.entry_id, "button", 1),
                    ("2026-11-23", "chat", "", "command", 1)]


def test_the_inbox_shows_ten_groups_and_counts_them_all(bot: Engine, clock: Clock) -> None:
    # Letters nothing alike and no shared words: twelve groups of their own.
    for n in range(12):
        inbox(bot).add(Miss(chr(ord("a") + n) * 8, frozenset({f"w{n}"}), "fallback", "fallback", (), TODAY))
    listing = bot.handle("staff", Event.from_text("/inbox", user_id=1, is_admin=True), today=TODAY)
    assert listing.text.splitlines()[0].startswith("봇이 놓친 질문 12건 ")
    assert len(listing.text.splitlines()) == 11 and len(listing.buttons) == 10


def test_housekeeping_moves_a_suggestion_left_waiting_into_the_inbox() -> None:
    later = services(Settings(now=START + dt.timedelta(minutes=11)))
    held = InboxStore(later.db, lambda: START)
    held.hold_suggestion("m1", Miss(UNSURE, frozenset({"유효기간"}), "suggest", "not_taken", ("guide-rating-validity",),
                                    TODAY))
    assert housekeeping(later)["suggestions"] == 1
    assert later.db.execute("SELECT COUNT(*) FROM inbox_pending").fetchone()[0] == 0
    [item] = InboxStore(later.db).items()
    assert (item.question, item.reasons, item.candidates) == (UNSURE, {"not_taken": 1}, ("guide-rating-validity",))


def test_a_waiting_suggestion_is_held_under_a_keyed_hash_of_its_chat(bot: Engine, clock: Clock) -> None:
    assert say(bot, UNSURE, chat="m1").kind == "suggest"
    [(held,)] = inbox(bot).db.execute("SELECT chat FROM inbox_pending").fetchall()
    assert held == inbox(bot).chat_ref("m1")
    # Not a plain hash anyone could compute for every chat id, and another key gives another.
    assert held != hashlib.sha256(b"inbox:m1").hexdigest()[:32]
    assert held != InboxStore(inbox(bot).db, chat_key=b"another key").chat_ref("m1")
