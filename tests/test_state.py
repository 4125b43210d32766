"""Conversation state in BOT_DB: kept across engines, forgotten when abandoned for a day."""

from __future__ import annotations

import datetime as dt

from bot.storage import open_db
from bot.storage.state import FLOW_TTL, StateStore


def test_state_round_trips_and_empty_state_deletes_the_row() -> None:
    store = StateStore(open_db(None))
    store.save("c1", {"flow": "sms", "data": {"step": "name"}, "last_question": "q"})
    assert store.load("c1")["data"] == {"step": "name"}
    store.save("c1", {})
    assert store.db.execute("SELECT COUNT(*) FROM conversations").fetchone()[0] == 0


def test_an_abandoned_flow_is_forgotten_but_the_rest_kept() -> None:
    store = StateStore(open_db(None))
    store.save("c1", {"flow": "sms", "data": {"name": "홍길동"}, "last_question": "q"})
    later = dt.datetime.now(dt.UTC) + FLOW_TTL + dt.timedelta(minutes=1)
    assert store.load("c1", now=later) == {"last_question": "q"}
    assert store.purge_stale(now=later) == 1
    assert store.load("c1") == {}


def test_a_corrupt_row_reads_as_a_fresh_conversation() -> None:
    store = StateStore(open_db(None))
    store.db.execute("INSERT INTO conversations VALUES ('c2', 'not json', '2026-01-01T00:00:00+00:00')")
    assert store.load("c2") == {}
