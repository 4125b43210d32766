"""Loading and validating knowledge/faq.yaml: the real file, and broken files (one per
problem, in tests/data/kb_bad/, each naming the message and line it must produce)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.app import faq_actions
from bot.faq.corrections import correction_problems
from bot.faq.knowledge import KnowledgeError, check_knowledge, load_knowledge
from bot.settings import DEFAULT_KNOWLEDGE_DIR, Settings
from support import knowledge

SEEDS = Settings.from_env().seeds_dir
BAD = sorted((Path(__file__).parent / "data" / "kb_bad").glob("*.yaml"))


def test_the_knowledge_base_loads_and_covers_both_guides() -> None:
    kb = knowledge()
    by_doc = {doc: [e for e in kb.entries if e.source.doc == doc] for doc in kb.documents}
    assert len(by_doc["qa"]) >= 9
    assert len(by_doc["guide2017"]) >= 80
    assert all(len(e.alternates) >= 4 for e in kb.entries)


@pytest.mark.parametrize("topic", [
    "기관코드", "403", "02-3449-8738", "1566-2544", "02-3771-1100", "02-6240-1041", "bigservice", "xw_install2",
])
def test_facts_members_ask_for_directly_are_in_some_answer(topic: str) -> None:
    assert any(topic in e.answer for e in knowledge().entries)


def test_no_answer_keeps_an_ocr_slip_the_corrections_list() -> None:
    corrections = yaml.safe_load((DEFAULT_KNOWLEDGE_DIR / "corrections.yaml").read_text(encoding="utf-8"))
    slips = {c["wrong"] for c in corrections["corrections"] if c["kind"] == "ocr" and len(c["wrong"]) >= 3}
    assert slips, "the corrections list names the scanned text's slips"
    for entry in knowledge().entries:
        for slip in slips:
            assert slip not in entry.answer, f"{entry.id} still says {slip}"


def test_phone_numbers_are_written_in_full() -> None:
    for entry in knowledge().entries:
        assert not re.search(r"\(0\d{1,2}\)\s*\d", entry.answer), entry.id


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_a_broken_file_names_entry_field_and_line(path: Path) -> None:
    header = path.read_text(encoding="utf-8").splitlines()
    expected = [line.removeprefix("# expect: ") for line in header if line.startswith("# expect: ")]
    line = next(int(h.removeprefix("# expect-line: ")) for h in header if h.startswith("# expect-line: "))
    problems = [str(p) for p in check_knowledge(path, actions=faq_actions())]
    for message in expected:
        assert any(message in p for p in problems), (message, problems)
    assert any(p.startswith(f"{line}행") for p in problems), problems
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(path, actions=faq_actions())
    assert len(raised.value.problems) == len(problems)


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    text = (Path(__file__).parent / "data" / "kb_bad" / "unknown_category_and_doc.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "faq.yaml"
    broken.write_text(text.replace("    answer: 무료입니다.", "    answer: ''"), encoding="utf-8")
    assert len(check_knowledge(broken, actions=faq_actions())) == 3


def test_a_missing_or_non_utf8_file_is_a_clear_problem(tmp_path: Path) -> None:
    assert "파일이 없습니다" in str(check_knowledge(tmp_path / "nope.yaml", actions=faq_actions())[0])
    cp949 = tmp_path / "faq.yaml"
    cp949.write_bytes("entries: [문자]".encode("cp949"))
    assert "UTF-8" in str(check_knowledge(cp949, actions=faq_actions())[0])


def _documents() -> dict[str, str]:
    return {key: doc.file for key, doc in knowledge().documents.items()}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source guides (../shared/seeds) are not beside the project")
def test_every_correction_names_a_slip_that_is_really_in_its_source() -> None:
    assert correction_problems(DEFAULT_KNOWLEDGE_DIR / "corrections.yaml", _documents(), SEEDS) == []


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source guides (../shared/seeds) are not beside the project")
def test_a_correction_list_with_invented_or_repeated_slips_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "corrections.yaml"
    item = {"wrong": "용자", "right": "융자", "doc": "guide2017", "where": "제1절", "kind": "ocr"}
    invented = {**item, "wrong": "없는오타표기", "right": "없는 오타"}
    path.write_text(yaml.safe_dump({"corrections": [item, item, invented, {**item, "kind": "guess"}]},
                                   allow_unicode=True), encoding="utf-8")
    problems = correction_problems(path, _documents(), SEEDS)
    assert any("같은 교정이 두 번" in p for p in problems)
    assert any("원문(004_af80b21e0ea4fb64.txt)에 없는 표기" in p for p in problems)
    assert any("kind는 ocr 또는 format" in p for p in problems)


def _squashed(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", text.lower())


def test_no_phrasing_belongs_to_two_entries() -> None:
    """A question or alternate (spacing and punctuation aside) points at one entry only, or
    ranking has to guess between them."""
    owner: dict[str, str] = {}
    for entry in knowledge().entries:
        for phrasing in (entry.question, *entry.alternates):
            key = _squashed(phrasing)
            assert owner.setdefault(key, entry.id) == entry.id, (phrasing, owner[key], entry.id)


def test_the_coverage_table_names_every_entry_and_only_real_ones() -> None:
    """knowledge/coverage.md maps each fact of the guides to the entries that state it."""
    ids = {e.id for e in knowledge().entries}
    named: set[str] = set()
    for row in (DEFAULT_KNOWLEDGE_DIR / "coverage.md").read_text(encoding="utf-8").splitlines():
        if row.startswith("| 0"):
            last_cell = row.strip().strip("|").split("|")[-1]
            named.update(re.findall(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+", last_cell))
    assert named - ids == set(), "coverage.md names entries that do not exist"
    assert ids - named == set(), "entries that coverage.md does not map to any fact"
