"""Folding taught alternates into knowledge/faq.yaml (a copy): the file keeps every byte but the
new lines, each new line says who taught it and when, the result passes the knowledge check, a
harmful alternate is refused with the reason and withdrawn, and a running engine keeps answering
with what was applied until it reloads."""

from __future__ import annotations

import difflib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import Services, build_engine, check_knowledge_files, faq_actions, live_faq
from bot.engine import Engine
from bot.faq.guard import attune
from bot.faq.learned import plan_lines, review_learned
from bot.faq.loading import load_faq
from bot.settings import DEFAULT_KNOWLEDGE_DIR, Settings
from bot.sms.registry import Registry
from bot.storage import open_db
from bot.storage.feedback import FeedbackStore
from support import faq_index, say

TAUGHT = "문자 결과통보 해지하고싶어요"
HARMFUL = "발급결과 핸펀으로 통보받을수있나요"  # a known question of sms-result-service


@pytest.fixture(autouse=True)
def _shared_analyzer_back() -> Iterator[None]:
    yield
    attune(faq_index())


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, copy)
    return copy


def engine_on(folder: Path, db_path: Path) -> Engine:
    db = open_db(db_path)
    return build_engine(Services(Settings(db_path=db_path, knowledge_dir=folder), folder, db, faq_index(),
                                 FeedbackStore(db), Registry(db)))


def test_apply_writes_only_the_new_lines_with_who_and_when_and_the_check_passes(folder: Path, tmp_path: Path) -> None:
    bot = engine_on(folder, tmp_path / "bot.sqlite3")
    live = live_faq(bot.capabilities)
    assert live.teach("sms-apply", [TAUGHT], "admin:900001").taught
    before = (folder / "faq.yaml").read_text(encoding="utf-8")
    review = review_learned(live, apply=False)
    assert [t.question for t in review.write] == [TAUGHT]
    assert (folder / "faq.yaml").read_text(encoding="utf-8") == before  # shown, not written
    plan = review_learned(live, apply=True)
    after = (folder / "faq.yaml").read_text(encoding="utf-8")
    added = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:2] in ("- ", "+ ")]
    [row] = plan.write
    assert added == [f"+       - {TAUGHT}  # 가르침 {row.taught_at[:10]} admin:900001 (#{row.id})"]
    assert check_knowledge_files(folder).problems == []
    assert [(t.question, t.status) for t in live.store.rows(("applied",))] == [(TAUGHT, "applied")]
    # The shipped words hold the new line too: the next start reads nothing with Kiwi.
    assert load_faq(folder, faq_actions(), cache=tmp_path / "words.json").analyzer.new_texts == 0
    assert plan_lines(plan, {"sms-apply": "문자 신청"}, applied=True)[:3] == [
        "가르친 다른 질문 표현 1개를 faq.yaml에 옮겨 적었습니다 (git diff로 확인하세요):",
        "sms-apply — 문자 신청", f"  + {TAUGHT}  (#{row.id}, admin:900001, {row.taught_at[:10]})"]
    # The running engine read faq.yaml before the apply: it keeps the alternate, and after a
    # reload it has it from the file.
    assert say(bot, TAUGHT, chat="m1").entry_id == "sms-apply"
    live.reload()
    assert TAUGHT in live.index.kb.by_id["sms-apply"].alternates
    assert say(bot, TAUGHT, chat="m2").entry_id == "sms-apply"
    assert review_learned(live, apply=True).write == []  # nothing left to apply


def test_a_harmful_alternate_is_refused_with_the_reason_and_withdrawn(folder: Path, tmp_path: Path) -> None:
    live = live_faq(engine_on(folder, tmp_path / "bot.sqlite3").capabilities)
    # Straight into the database, as if the quick check at teaching had let it through.
    live.store.add("sms-apply", HARMFUL, "admin:1")
    live.store.add("sms-apply", TAUGHT, "admin:1")
    before = (folder / "faq.yaml").read_text(encoding="utf-8")
    plan = review_learned(live, apply=True)
    assert [t.question for t in plan.write] == [TAUGHT]
    [refusal] = plan.refused
    assert refusal.taught.question == HARMFUL
    assert refusal.reason == (f"가르친 표현이 알려진 질문의 순위를 바꿉니다: '{HARMFUL}'(→ sms-result-service)"
                              " 질문이 sms-apply 항목으로 답해집니다")
    assert [(t.question, t.status) for t in live.store.rows(("active", "applied", "withdrawn"))] == [
        (HARMFUL, "withdrawn"), (TAUGHT, "applied")]
    after = (folder / "faq.yaml").read_text(encoding="utf-8")
    assert HARMFUL not in after and after.count(TAUGHT) == 1 and len(after) > len(before)


def test_a_file_that_would_not_validate_is_not_replaced(folder: Path, tmp_path: Path) -> None:
    from bot.faq.knowledge import KnowledgeError
    from bot.faq.learned import write_alternates
    from bot.faq.taught import Taught

    before = (folder / "faq.yaml").read_text(encoding="utf-8")
    blank = Taught(1, "sms-apply", "   ", "admin:1", "2026-11-22T00:00:00+00:00", "active", 1)
    with pytest.raises(KnowledgeError):
        write_alternates(folder / "faq.yaml", [blank], faq_actions())
    assert (folder / "faq.yaml").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".faq-")) == []


def test_loading_and_dumping_faq_yaml_unchanged_gives_the_same_bytes() -> None:
    import io

    from bot.faq.learned import _round_trip

    yaml = _round_trip()
    text = (DEFAULT_KNOWLEDGE_DIR / "faq.yaml").read_text(encoding="utf-8")
    out = io.StringIO()
    yaml.dump(yaml.load(text), out)
    assert out.getvalue() == text
