"""The views' parts kept between starts (bot.faq.views_store): a restart reads them back and
ranks exactly as a fresh build does; a changed knowledge base, a corrupt or foreign file and a
full disk each cost a build, never a start or a wrong ranking."""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from bot.faq import views_store
from bot.faq.index import FaqIndex
from bot.faq.live import with_alternates
from bot.faq.views import Document, EntryViews
from bot.faq.views_store import load_views
from support import analyzer, faq_index

MESSAGES = [
    "신용평가 수수료 있나요",
    "신평서류를처음맡았는데대표자동의서는정확히무엇때문에받는서류인가요?",
    "안녕하세요. 인증서를 새로 받았는데 인터넷보증이 안 돼요. 어디로 전화해요?",
    "재표 보내는 방법",
]


@pytest.fixture(autouse=True)
def _shared_vocabulary() -> Iterator[None]:
    """Views of a few documents set the shared analyser's vocabulary to theirs: the other test
    modules' index gets its own back."""
    yield
    analyzer().set_vocabulary(set(faq_index().views.used_by))


def documents() -> list[Document]:
    """The knowledge base's documents (entries, then out-of-scope topics)."""
    return faq_index().views.entries


def some() -> list[Document]:
    """A few of them, quick to build: enough to see a file used, refused or rewritten."""
    return documents()[:12]


def files(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{views_store.PREFIX}*.npz"))


def same_scores(a: EntryViews, b: EntryViews) -> bool:
    for message in MESSAGES:
        first, second = a.score(a.query(message)), b.score(b.query(message))
        if first.keys() != second.keys() or not all(np.array_equal(first[k], second[k]) for k in first):
            return False
    return True


def test_a_restart_reads_the_parts_back_and_ranks_as_a_fresh_build(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    built = load_views(documents(), analyzer(), tmp_path)
    assert len(files(tmp_path)) == 1
    assert files(tmp_path)[0].stat().st_mode & 0o077 == 0  # the bot's own file, no one else's
    monkeypatch.setattr(EntryViews, "_read", lambda self: pytest.fail("read the documents again"))
    restored = load_views(documents(), analyzer(), tmp_path)
    monkeypatch.undo()
    assert restored.parts is not built.parts
    assert same_scores(built, restored)
    assert same_scores(EntryViews(documents(), analyzer()), restored)
    assert restored.idf == built.idf and restored._jamo_of == built._jamo_of


def test_changed_documents_get_their_own_file(tmp_path: Path) -> None:
    load_views(documents(), analyzer(), tmp_path)
    changed = list(documents())
    changed[0] = dataclasses.replace(changed[0], phrasings=(*changed[0].phrasings, "새로 가르친 질문 표현"))
    views = load_views(changed, analyzer(), tmp_path)
    assert len(files(tmp_path)) == 2
    assert len(views.phrasing_owner) == len(EntryViews(changed, analyzer()).phrasing_owner)


@pytest.mark.parametrize("damage", [b"", b"not a zip file at all", "cut"])
def test_a_damaged_file_costs_a_build_and_is_written_again(tmp_path: Path, damage: bytes | str,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    load_views(some(), analyzer(), tmp_path)
    (path,) = files(tmp_path)
    good = path.read_bytes()
    path.write_bytes(good[: len(good) // 2] if damage == "cut" else damage)
    with caplog.at_level(logging.WARNING):
        views = load_views(some(), analyzer(), tmp_path)
    assert "not used" in caplog.text
    assert same_scores(views, EntryViews(some(), analyzer()))
    assert path.read_bytes() == good


def test_a_file_of_other_documents_under_this_name_is_not_used(tmp_path: Path,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    fewer = some()[:5]
    load_views(fewer, analyzer(), tmp_path)
    (other,) = files(tmp_path)
    load_views(some(), analyzer(), tmp_path)
    (mine,) = [p for p in files(tmp_path) if p != other]
    mine.write_bytes(other.read_bytes())
    with caplog.at_level(logging.WARNING):
        views = load_views(some(), analyzer(), tmp_path)
    assert "not used" in caplog.text
    assert same_scores(views, EntryViews(some(), analyzer()))


def test_a_full_disk_only_costs_the_next_start_a_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    def full(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(views_store, "write_private", full)
    with caplog.at_level(logging.WARNING):
        views = load_views(some(), analyzer(), tmp_path)
    assert "not written" in caplog.text and files(tmp_path) == []
    assert same_scores(views, EntryViews(some(), analyzer()))


def test_only_the_newest_files_are_kept_and_one_read_at_start_is_newest(tmp_path: Path) -> None:
    load_views(some(), analyzer(), tmp_path)
    (in_use,) = files(tmp_path)
    for n in range(views_store.KEEP + 2):
        os.utime(in_use, (1, 1))  # written long ago ...
        load_views(some(), analyzer(), tmp_path)  # ... and read at every start
        load_views(some()[: 5 + n], analyzer(), tmp_path)
    assert len(files(tmp_path)) == views_store.KEEP and in_use.exists()


def test_a_file_of_the_wrong_types_is_refused(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    load_views(some(), analyzer(), tmp_path)
    (path,) = files(tmp_path)
    with np.load(path, allow_pickle=False) as stored:
        arrays = dict(stored.items())
    arrays["char_entry.docs"] = arrays["char_entry.docs"].astype(np.float64)
    with path.open("wb") as handle:
        np.savez(handle, **arrays)
    with caplog.at_level(logging.WARNING):
        views = load_views(some(), analyzer(), tmp_path)
    assert "not used" in caplog.text
    assert same_scores(views, EntryViews(some(), analyzer()))


def test_no_folder_builds_without_touching_a_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views_store, "_write", lambda path, parts: pytest.fail("wrote a file"))
    monkeypatch.setattr(views_store, "_read", lambda path, documents: pytest.fail("read a file"))
    assert same_scores(load_views(some(), analyzer(), None), EntryViews(some(), analyzer()))


def test_an_index_tried_with_new_alternates_is_not_kept_unless_it_serves(tmp_path: Path) -> None:
    base = faq_index()
    index = FaqIndex(base.kb, analyzer(), base.model, base.topics, base.classifier, views_folder=tmp_path)
    assert len(files(tmp_path)) == 1
    extra = {base.kb.entries[0].id: ["새로 가르쳐 보는 질문 표현"]}
    with_alternates(index, extra)
    assert len(files(tmp_path)) == 1
    serving = with_alternates(index, extra, keep=True)
    assert len(files(tmp_path)) == 2 and serving.views_folder == tmp_path


def test_code_files_that_cannot_be_read_leave_the_views_unkept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    def unreadable(documents: object, analyzer: object) -> str:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(views_store, "_key", unreadable)
    with caplog.at_level(logging.WARNING):
        views = load_views(some(), analyzer(), tmp_path)
    assert "not kept" in caplog.text and files(tmp_path) == []
    assert same_scores(views, EntryViews(some(), analyzer()))
