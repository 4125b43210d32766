"""The development questions (../shared/eval) measure the bot on words it has never seen: none of
them may sit in the knowledge files, where it would be answered by heart. The one exception is a
guide's own question, which an entry rightly keeps as its question."""

from __future__ import annotations

import unicodedata

import pytest
import yaml

from bot.settings import DEFAULT_KNOWLEDGE_DIR, Settings

EVAL = DEFAULT_KNOWLEDGE_DIR.parent.parent / "shared" / "eval"
SETS = sorted(EVAL.glob("dev*.yaml"))
pytestmark = pytest.mark.skipif(not SETS, reason="../shared/eval is not beside the project")


def _squash(text: object) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFC", str(text)).lower() if ch.isalnum())


def _dev_questions() -> dict[str, str]:
    return {_squash(item["q"]): f"{path.name}: {item['q']}" for path in SETS
            for item in yaml.safe_load(path.read_text(encoding="utf-8"))}


def _load(name: str) -> object:
    return yaml.safe_load((DEFAULT_KNOWLEDGE_DIR / name).read_text(encoding="utf-8"))


def test_no_development_question_is_an_alternate_a_known_question_or_an_out_of_scope_phrasing() -> None:
    dev = _dev_questions()
    faq = _load("faq.yaml")
    phrasings = [a for entry in faq["entries"] for a in entry["alternates"]]  # type: ignore[index]
    phrasings += [item["q"] for item in _load("known_questions.yaml")]  # type: ignore[union-attr]
    phrasings += [q for topic in _load("out_of_scope.yaml")["topics"] for q in topic["questions"]]  # type: ignore[index]
    assert sorted(dev[_squash(p)] for p in phrasings if _squash(p) in dev) == []


def test_an_entry_question_equal_to_a_development_question_is_the_guides_own_wording() -> None:
    dev = _dev_questions()
    seeds = _squash("".join(p.read_text(encoding="utf-8") for p in Settings().seeds_dir.glob("*.txt")))
    for entry in _load("faq.yaml")["entries"]:  # type: ignore[index]
        key = _squash(entry["question"])
        if key in dev:
            assert key in seeds, f"{entry['id']}: {dev[key]}"


def test_no_development_question_is_in_the_lexicon() -> None:
    dev = _dev_questions()
    lexicon = _load("lexicon.yaml")
    words = [*lexicon["terms"], *(w for group in lexicon["synonyms"] for w in group),  # type: ignore[index]
             *lexicon["phrases"], *lexicon["phrases"].values(), *lexicon["institutions"]]  # type: ignore[index]
    assert sorted(dev[_squash(w)] for w in words if _squash(w) in dev) == []
