"""Everything the FAQ reads from the knowledge folder, loaded (or checked) in one place:
faq.yaml, lexicon.yaml, out_of_scope.yaml and the fitted ranker.json."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from bot.faq.analyzer import Analyzer
from bot.faq.classifier import ClassifierError, PhrasingClassifier
from bot.faq.index import FaqIndex
from bot.faq.knowledge import KnowledgeBase, check_knowledge, load_knowledge
from bot.faq.lexicon import Lexicon, check_lexicon
from bot.faq.model import RankerModel, RankerModelError
from bot.faq.out_of_scope import check_topics, load_topics

CLASSIFIER = "classifier.npz"
FILES = ("faq.yaml", "lexicon.yaml", "out_of_scope.yaml", "ranker.json", CLASSIFIER)
# The words Kiwi reads in the knowledge base's texts, shipped so that a new data folder's first
# start does not read them all (scripts/build_word_seed.py writes it; a stale one costs only time).
WORD_SEED = "faq-words.json.gz"


def load_faq(folder: Path, actions: Collection[str], analyzer: Analyzer | None = None,
             kb: KnowledgeBase | None = None, cache: Path | None = None,
             model: RankerModel | None = None) -> FaqIndex:
    """Load and validate the FAQ; raises a DataFileError naming every problem. An analyser
    (Kiwi, the slow part) can be passed in to build a second index with the same words;
    `cache` is where the analyser keeps the words it read (see bot.faq.analyzer); `model`
    replaces the fitted gate of ranker.json (the fitting scripts start from an untrained one)."""
    kb = kb or load_knowledge(folder / "faq.yaml", actions=actions)
    analyzer = analyzer or Analyzer(Lexicon.load(folder / "lexicon.yaml"), cache, folder / WORD_SEED)
    topics = tuple(load_topics(folder / "out_of_scope.yaml"))
    # The views' parts are kept beside the word cache, in the bot's own data folder.
    index = FaqIndex(kb, analyzer, model or RankerModel.load(folder / "ranker.json"), topics,
                     PhrasingClassifier.load(folder / CLASSIFIER), views_folder=cache.parent if cache else None)
    analyzer.save_cache()
    return index


def write_word_seed(folder: Path, actions: Collection[str]) -> Path:
    """Write the folder's word seed anew (after faq.yaml changed): Kiwi reads only the texts the
    old seed lacks, and only the texts the files now hold are kept."""
    seed = folder / WORD_SEED
    analyzer = Analyzer(Lexicon.load(folder / "lexicon.yaml"), seed=seed)
    load_faq(folder, actions, analyzer=analyzer)
    analyzer.write_seed(seed)
    return seed


def faq_problems(folder: Path, actions: Collection[str]) -> list[str]:
    """Every problem of the FAQ's files, each naming its file and line ("" when none)."""
    problems = [f"faq.yaml {p}" for p in check_knowledge(folder / "faq.yaml", actions=actions)]
    problems += [f"lexicon.yaml {p}" for p in check_lexicon(folder / "lexicon.yaml")]
    problems += [f"out_of_scope.yaml {p}" for p in check_topics(folder / "out_of_scope.yaml")]
    try:
        RankerModel.load(folder / "ranker.json")
    except RankerModelError as exc:
        problems.append(str(exc))
    try:
        PhrasingClassifier.load(folder / CLASSIFIER)
    except ClassifierError as exc:
        problems.append(str(exc))
    return problems
