"""Fit the FAQ's learned view (bot.faq.classifier) on the knowledge base's own phrasings and write
knowledge/classifier.npz. Needs scikit-learn (`pip install -e '.[fit]'`), which the bot never
imports: it reads the weights as plain arrays.

    python scripts/fit_classifier.py

Each phrasing of an entry (its question and alternates) or of an out-of-scope topic is one
example of that document. Its features are the content words and character 2/3-grams every
other view reads (bot.faq.views); a feature in only one phrasing is dropped (it would be learned
as that phrasing's name, and the file would double). TF-IDF with sublinear term weights, then a
multinomial logistic regression. No question of ../shared/eval or known_questions.yaml is used:
those measure it (scripts/bench_ranking.py) and fit the gate that reads it (scripts/fit_ranker.py,
to be run after this one)."""

from __future__ import annotations

from collections import Counter

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression

from bot.app import faq_actions
from bot.faq.analyzer import Analyzer
from bot.faq.classifier import PhrasingClassifier, documents, features
from bot.faq.knowledge import load_knowledge
from bot.faq.lexicon import Lexicon
from bot.faq.loading import CLASSIFIER, WORD_SEED
from bot.faq.out_of_scope import load_topics
from bot.faq.views import char_grams
from bot.settings import DEFAULT_KNOWLEDGE_DIR

MIN_PHRASINGS = 2
# Inverse regularisation strength: held-out top-1 rose from C=1 to C=10 and fell again by C=30.
C = 10.0


def main() -> None:
    folder = DEFAULT_KNOWLEDGE_DIR
    analyzer = Analyzer(Lexicon.load(folder / "lexicon.yaml"), seed=folder / WORD_SEED)
    docs = documents(load_knowledge(folder / "faq.yaml", actions=faq_actions()).entries,
                     load_topics(folder / "out_of_scope.yaml"))
    rows, labels = [], []
    for doc_id, phrasings in docs:
        for text in phrasings:
            rows.append(features(dict.fromkeys(analyzer.terms(text), 1.0), dict.fromkeys(char_grams(text), 1.0)))
            labels.append(doc_id)
    seen = Counter(name for row in rows for name in row)
    rows = [{name: w for name, w in row.items() if seen[name] >= MIN_PHRASINGS} for row in rows]
    vectorizer = DictVectorizer()
    tfidf = TfidfTransformer(sublinear_tf=True)
    x = tfidf.fit_transform(vectorizer.fit_transform(rows))
    model = LogisticRegression(C=C, max_iter=1000)
    model.fit(x, labels)
    terms = list(vectorizer.get_feature_names_out())
    classifier = PhrasingClassifier({t: i for i, t in enumerate(terms)}, tfidf.idf_, model.coef_.T.copy(),
                                    model.intercept_.copy(), tuple(str(c) for c in model.classes_))
    classifier.save(folder / CLASSIFIER)
    # What the bot computes from the file must be what scikit-learn computes from the fit.
    stored = PhrasingClassifier.load(folder / CLASSIFIER)
    for row, dense in zip(rows[:200], model.predict_proba(x[:200]), strict=True):
        assert np.abs(stored.probabilities(row) - dense).max() < 2e-3, "stored weights disagree with the fit"
    print(f"wrote {folder / CLASSIFIER}: {len(terms):,} features x {len(classifier.classes)} documents, "
          f"{(folder / CLASSIFIER).stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
