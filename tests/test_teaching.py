"""Teaching in one step: an admin opens the inbox, presses the right entry, and the next member
who asks is answered outright, without a restart; a teach in another process reaches a running
engine through the database's change counter; an alternate that would rank a known question
wrong is refused with the reason; only admins, only in a private chat."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import Services, build_engine, live_faq
from bot.conversation import Event, Reply
from bot.engine import Engine
from bot.faq.guard import attune
from bot.faq.taught import TaughtStore
from bot.settings import DEFAULT_KNOWLEDGE_DIR, Settings
from bot.sms.registry import Registry
from bot.storage import open_db
from bot.storage.feedback import FeedbackStore
from support import TODAY, engine, faq_index, say

MISSED = "문자 결과통보 해지하고싶어요"
RIGHT = "sms-apply"
ADMIN = 900_001


@pytest.fixture(autouse=True)
def _shared_analyzer_back() -> Iterator[None]:
    """Teaching builds indexes on the analyser every test shares: point it back afterwards."""
    yield
    attune(faq_index())


def as_admin(bot: Engine, event: Event, chat_type: str = "private") -> Reply:
    return bot.handle(f"admin-{ADMIN}", event, today=TODAY, chat_type=chat_type)


def command(text: str, *, admin: bool = True) -> Event:
    return Event.from_text(text, user_id=ADMIN if admin else 1001, is_admin=admin)


def button(payload: str, *, admin: bool = True) -> Event:
    return Event(kind="button", payload=payload, user_id=ADMIN if admin else 1001, is_admin=admin)


def on_file(path: Path) -> Engine:
    """An engine as one process builds it on the database file `path`."""
    db = open_db(path)
    return build_engine(Services(Settings(db_path=path), DEFAULT_KNOWLEDGE_DIR, db, faq_index(), FeedbackStore(db), Registry(db)))


def test_an_admin_teaches_in_one_tap_and_the_next_member_is_answered_outright() -> None:
    bot = engine()
    assert say(bot, MISSED, chat="member-1").kind == "fallback"
    listing = as_admin(bot, command("/inbox"))
    assert listing.text.splitlines()[1] == f"1. #1 {MISSED} (1회, 답 못함)"
    assert [b.payload for b in listing.buttons] == ["admin:item:1"]
    item = as_admin(bot, button("admin:item:1"))
    teach = f"admin:teach:1:{RIGHT}"
    assert teach in [b.payload for b in item.buttons]
    assert [b.payload for b in item.buttons][-3:] == ["admin:find:1", "admin:none:1", "admin:list"]
    taught = as_admin(bot, button(teach))
    assert taught.text.startswith(f'가르쳤습니다: "{MISSED}" → ')
    assert "이제 같은 질문에 바로 이 답을 합니다." in taught.text
    answer = say(bot, MISSED, chat="member-2")
    assert (answer.kind, answer.entry_id) == ("answer", RIGHT)
    assert as_admin(bot, command("/inbox")).text.startswith("받은편지함이 비어 있습니다")
    [row] = TaughtStore(live_faq(bot.capabilities).store.db).rows()
    assert (row.entry_id, row.question, row.taught_by, row.status) == (RIGHT, MISSED, f"admin:{ADMIN}", "active")


def test_other_entries_are_found_by_words_and_a_question_can_be_marked_not_in_the_guides() -> None:
    bot = engine()
    say(bot, MISSED, chat="member-1")
    say(bot, "출자증권 담보 얼마나 돼요", chat="member-2")
    prompt = as_admin(bot, button("admin:find:1"))
    assert "찾을 낱말을 입력해 주세요" in prompt.text
    found = as_admin(bot, command("문자 서비스 신청"))
    assert f"admin:teach:1:{RIGHT}" in [b.payload for b in found.buttons]
    assert found.text.startswith("'문자 서비스 신청'로 찾은 항목입니다.")
    dismissed = as_admin(bot, button("admin:none:2"))
    assert "안내자료에 없는 질문으로 표시했습니다" in dismissed.text
    assert [b.payload for b in as_admin(bot, command("/inbox")).buttons] == ["admin:item:1"]


@pytest.mark.parametrize(("event", "chat_type", "said"), [
    (button(f"admin:teach:1:{RIGHT}", admin=False), "private", "관리자만"),
    (command("/inbox", admin=False), "private", "관리자만"),
    (button(f"admin:teach:1:{RIGHT}"), "group", "개인 대화에서만"),
])
def test_only_admins_in_a_private_chat_can_teach(event: Event, chat_type: str, said: str) -> None:
    bot = engine()
    say(bot, MISSED, chat="member-1")
    assert said in as_admin(bot, event, chat_type).text
    assert live_faq(bot.capabilities).store.rows() == []
    assert say(bot, MISSED, chat="member-2").kind == "fallback"


def test_a_stale_or_forged_button_is_answered_politely() -> None:
    bot = engine()
    say(bot, MISSED, chat="member-1")
    assert as_admin(bot, button("admin:teach:99:sms-apply")).text.startswith("그 질문은 받은편지함에 없습니다")
    assert as_admin(bot, button("admin:teach:1:no-such-entry")).text.startswith("그 질문은 받은편지함에 없습니다")
    assert live_faq(bot.capabilities).store.rows() == []


def test_an_alternate_that_would_rank_a_known_question_wrong_is_refused_with_the_reason() -> None:
    live = live_faq(engine().capabilities)
    known = "발급결과 핸펀으로 통보받을수있나요"  # knowledge/known_questions.yaml: sms-result-service
    lesson = live.teach("sms-apply", [known], "admin:1")
    assert not lesson.taught
    assert lesson.reason == f"이 표현을 가르치면 '{known}'(→ sms-result-service) 질문이 sms-apply 항목으로 답해집니다."
    assert live.store.rows() == []


def test_a_teach_in_another_process_reaches_a_running_engine_at_its_next_message(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    running, command_line = on_file(path), on_file(path)  # two connections, as two processes have
    assert say(running, MISSED, chat="member-1").kind == "fallback"
    assert live_faq(command_line.capabilities).teach(RIGHT, [MISSED], "cli:staff").taught
    answer = say(running, MISSED, chat="member-2")
    assert (answer.kind, answer.entry_id) == ("answer", RIGHT)
    # A fresh start on the same database answers with it too.
    assert on_file(path).handle("member-3", Event.from_text(MISSED), today=TODAY).entry_id == RIGHT


def test_teaching_the_same_question_to_another_entry_replaces_the_first_teaching(tmp_path: Path) -> None:
    live = live_faq(on_file(tmp_path / "bot.sqlite3").capabilities)
    assert live.teach("sms-result-service", [MISSED], "admin:1").taught
    assert live.teach(RIGHT, [MISSED], "admin:1").taught
    rows = live.store.rows(("active", "withdrawn"))
    assert [(r.entry_id, r.status) for r in rows] == [("sms-result-service", "withdrawn"), (RIGHT, "active")]
    assert live.store.version() == 2
