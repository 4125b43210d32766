"""The FAQ's other knowledge files are checked like faq.yaml: lexicon.yaml, out_of_scope.yaml
(broken examples in tests/data/lexicon_bad and out_of_scope_bad, each naming the message and
line it must produce) and the fitted ranker.json; `bot kb check` lists their problems."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.app import faq_actions
from bot.faq.lexicon import Lexicon, LexiconError, check_lexicon
from bot.faq.loading import FILES, faq_problems
from bot.faq.model import RankerModel, RankerModelError
from bot.faq.out_of_scope import OutOfScopeError, check_topics, load_topics
from bot.settings import DEFAULT_KNOWLEDGE_DIR

DATA = Path(__file__).parent / "data"
LEXICON_BAD = sorted((DATA / "lexicon_bad").glob("*.yaml"))
TOPICS_BAD = sorted((DATA / "out_of_scope_bad").glob("*.yaml"))


def _expected(path: Path) -> tuple[list[str], int]:
    header = path.read_text(encoding="utf-8").splitlines()
    messages = [line.removeprefix("# expect: ") for line in header if line.startswith("# expect: ")]
    line = next(int(h.removeprefix("# expect-line: ")) for h in header if h.startswith("# expect-line: "))
    return messages, line


BAD = [(path, check_lexicon, Lexicon.load, LexiconError) for path in LEXICON_BAD] + [
    (path, check_topics, load_topics, OutOfScopeError) for path in TOPICS_BAD]


@pytest.mark.parametrize(("path", "check", "load", "error"), BAD, ids=[f"{p.parent.name}/{p.stem}" for p, *_ in BAD])
def test_a_broken_file_names_the_problem_and_its_line(path: Path, check: Callable[[Path], list[object]],
                                                      load: Callable[[Path], object], error: type[Exception]) -> None:
    messages, line = _expected(path)
    problems = [str(p) for p in check(path)]
    for message in messages:
        assert any(message in p for p in problems), (message, problems)
    assert any(p.startswith(f"{line}행") for p in problems), problems
    with pytest.raises(error):
        load(path)


def test_the_real_files_have_no_problems() -> None:
    assert faq_problems(DEFAULT_KNOWLEDGE_DIR, faq_actions()) == []
    assert len(load_topics(DEFAULT_KNOWLEDGE_DIR / "out_of_scope.yaml")) >= 30


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, folder)
    return folder


def test_a_missing_ranker_says_how_to_make_one(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "ranker.json").unlink()
    with pytest.raises(RankerModelError, match=r"scripts/fit_ranker\.py"):
        RankerModel.load(folder / "ranker.json")
    assert any("ranker.json" in p for p in faq_problems(folder, faq_actions()))


def test_a_ranker_fitted_for_other_features_is_refused_not_misused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    data = json.loads((folder / "ranker.json").read_text(encoding="utf-8"))
    data["gate"]["features"] = data["gate"]["features"][:-1]
    (folder / "ranker.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RankerModelError, match="다시 맞춰야"):
        RankerModel.load(folder / "ranker.json")


def test_thresholds_out_of_order_are_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    data = json.loads((folder / "ranker.json").read_text(encoding="utf-8"))
    data["suggest_at"], data["answer_at"] = 0.9, 0.5
    (folder / "ranker.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RankerModelError, match="suggest_at"):
        RankerModel.load(folder / "ranker.json")


def test_every_faq_file_is_in_the_knowledge_folder() -> None:
    assert all((DEFAULT_KNOWLEDGE_DIR / name).is_file() for name in FILES)
