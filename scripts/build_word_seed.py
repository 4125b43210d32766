"""Write knowledge/faq-words.json.gz: the words Kiwi reads in every text of the knowledge base
(questions, alternates, answers and their sentences, the out-of-scope topics), so that the first
start of a new data folder takes them from the file instead of reading them all again.

    python scripts/build_word_seed.py

Run it after changing faq.yaml, out_of_scope.yaml or lexicon.yaml, or after upgrading Kiwi: a
seed that no longer fits is not wrong, only slower (the bot reads what it lacks and notes it in
its data folder's own cache), and tests/test_faq_reading.py says when it has gone stale."""

from __future__ import annotations

from bot.app import faq_actions
from bot.faq.loading import write_word_seed
from bot.settings import DEFAULT_KNOWLEDGE_DIR


def main() -> None:
    seed = write_word_seed(DEFAULT_KNOWLEDGE_DIR, faq_actions())
    print(f"wrote {seed} ({seed.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
