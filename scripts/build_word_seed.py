"""Write knowledge/faq-words.json.gz: the words Kiwi reads in every text of the knowledge base
(questions, alternates, answers and their sentences, the out-of-scope topics), so that the first
start of a new data folder takes them from the file instead of reading them all again.

    python scripts/build_word_seed.py

Run it after changing faq.yaml, out_of_scope.yaml or lexicon.yaml, or after upgrading Kiwi: a
seed that no longer fits is not wrong, only slower (the bot reads what it lacks and notes it in
its data folder's own cache), and tests/test_faq_reading.py says when it has gone stale."""

from __future__ import annotations

from bot.app import faq_actions
from bot.faq.analyzer import Analyzer
from bot.faq.index import FaqIndex
from bot.faq.knowledge import load_knowledge
from bot.faq.lexicon import Lexicon
from bot.faq.loading import WORD_SEED
from bot.faq.model import RankerModel
from bot.faq.out_of_scope import load_topics
from bot.settings import DEFAULT_KNOWLEDGE_DIR


def main() -> None:
    folder = DEFAULT_KNOWLEDGE_DIR
    analyzer = Analyzer(Lexicon.load(folder / "lexicon.yaml"))  # neither seed nor cache: Kiwi reads all
    kb = load_knowledge(folder / "faq.yaml", actions=faq_actions())
    FaqIndex(kb, analyzer, RankerModel.untrained(), tuple(load_topics(folder / "out_of_scope.yaml")))
    analyzer.write_seed(folder / WORD_SEED)
    print(f"wrote {folder / WORD_SEED} ({(folder / WORD_SEED).stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
