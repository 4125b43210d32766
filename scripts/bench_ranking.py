"""Ranking side by side: how often the right entry comes first (top-1) and among the first
three (top-3) on the development sets (and on knowledge/known_questions.yaml, "own"), for each
view alone, for the fused ranking the bot uses, and for two plain baselines over the same
faq.yaml (character 2+3-gram BM25 and Kiwi morpheme BM25, each over an entry's question,
alternates and answer as one document). A message asking two things counts as right only when
the entry answers both, as the grader judges.

    python scripts/bench_ranking.py

Nothing in the ranking is fitted on these questions (only the gate is). Needs ../shared/eval;
prints figures, asserts nothing."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import devsets
import fit_ranker
from kiwipiepy import Kiwi

from bot.faq.views import VIEW_NAMES, Bm25, char_grams
from bot.settings import DEFAULT_KNOWLEDGE_DIR

MEASURED = ("dev2", "dev3", "own")
PLAIN_TAGS = ("NNG", "NNP", "NR", "SL", "SN", "SH", "XR", "VV", "VA")


def plain_baselines(entries: list[tuple[str, str]]) -> dict[str, object]:
    """(name -> scorer(question) -> scores per entry) for the two baselines."""
    kiwi = Kiwi(load_typo_dict=False, load_multi_dict=False)

    def morphemes(text: str) -> Counter[str]:
        return Counter(t.form for t in kiwi.tokenize(text) if t.tag.startswith(PLAIN_TAGS))

    char_index = Bm25([char_grams(text) for _, text in entries])
    morph_index = Bm25([morphemes(text) for _, text in entries])
    return {
        "baseline char 2+3-gram BM25": lambda q: char_index.score(dict(char_grams(q))),
        "baseline Kiwi morpheme BM25": lambda q: morph_index.score(dict(morphemes(q))),
    }


def main() -> None:
    folder = DEFAULT_KNOWLEDGE_DIR
    index = fit_ranker.untrained_index(folder)
    kb = index.kb
    sets = {name: fit_ranker.prepare(index, items) for name, items in devsets.load_all(folder).items()}
    n = len(index.entries)
    baselines = plain_baselines([(e.id, " ".join((e.question, *e.alternates, e.answer))) for e in kb.entries])
    rows: dict[str, dict[str, tuple[int, int, int]]] = {}
    for name in MEASURED:
        if name not in sets:
            continue
        in_scope = [e for e in sets[name] if e.item.in_scope]

        def hits(orders: list[np.ndarray], in_scope: list[fit_ranker.Example] = in_scope) -> tuple[int, int, int]:
            top1 = sum(fit_ranker.correct(index, e, int(o[0])) for e, o in zip(in_scope, orders, strict=True))
            top3 = sum(bool(e.right[o[:3]].any()) for e, o in zip(in_scope, orders, strict=True))
            return top1, top3, len(in_scope)

        for view in (*VIEW_NAMES, "learned"):
            rows.setdefault(f"view {view}", {})[name] = hits(
                [np.argsort(-e.evidence.scores[view][:n], kind="stable") for e in in_scope])
        for label, scorer in baselines.items():
            rows.setdefault(label, {})[name] = hits(
                [np.argsort(-scorer(e.item.question), kind="stable") for e in in_scope])  # type: ignore[operator]
        rows.setdefault("fused (7 views by reciprocal rank, kind check)", {})[name] = hits(
            [e.judgement.order for e in in_scope])
    width = max(len(label) for label in rows)
    print(f"{'ranking':{width}s}  " + "  ".join(f"{name:>17s}" for name in MEASURED))
    for label, by_set in rows.items():
        cells = [f"top1 {a:3d} top3 {b:3d} /{c}" for a, b, c in (by_set[s] for s in MEASURED if s in by_set)]
        print(f"{label:{width}s}  " + "  ".join(cells))


if __name__ == "__main__":
    main()
