"""The learned view: which document (entry or out-of-scope topic) a message's words and character
grams say it is, as a softmax regression fitted on the knowledge base's own phrasings.

The other views score each document on its own; this one has learned, from every phrasing at
once, which words tell one entry from its neighbours and which say little. It is fitted offline by scripts/fit_classifier.py
(scikit-learn, never imported by the bot) and read here as plain arrays
(knowledge/classifier.npz): a message costs one gather and one small matrix product.

New alternates need no new fit (the other views read them at once); a new entry or topic does,
until which it scores 0 here (tests/test_ranking.py checks that every one has a column)."""

from __future__ import annotations

import math
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.faq.knowledge import Entry
from bot.faq.out_of_scope import Topic
from bot.storage.datafile import OneProblem

# Feature names: a content word, or a character gram (bot.faq.views.char_grams).
WORD, GRAM = "m:", "g:"


class ClassifierError(OneProblem):
    """knowledge/classifier.npz is missing, unreadable or inconsistent."""


def features(terms: Mapping[str, float], grams: Mapping[str, float]) -> dict[str, float]:
    """A text's features with their weights (a phrasing's all 1; a message's by sentence)."""
    found = {WORD + t: w for t, w in terms.items()}
    found.update({GRAM + g: w for g, w in grams.items()})
    return found


def documents(entries: Iterable[Entry], topics: Iterable[Topic]) -> list[tuple[str, tuple[str, ...]]]:
    """What the fit learns from: each entry's and each out-of-scope topic's phrasings, by id."""
    return [(e.id, (e.question, *e.alternates)) for e in entries] + [(t.id, (t.topic, *t.questions)) for t in topics]


@dataclass(frozen=True)
class PhrasingClassifier:
    vocabulary: dict[str, int]  # feature -> row of `weights`
    idf: np.ndarray             # per feature, as the fit weighed it
    weights: np.ndarray         # features x classes
    bias: np.ndarray            # per class
    classes: tuple[str, ...]    # the document ids, in column order

    def probabilities(self, found: Mapping[str, float]) -> np.ndarray:
        """Softmax over the classes for a text's features, weighed as in the fit: sublinear
        weight (1 + ln w) times idf, scaled to unit length."""
        rows, values = [], []
        for name, weight in found.items():
            row = self.vocabulary.get(name)
            if row is not None and weight > 0:
                rows.append(row)
                values.append(1.0 + math.log(weight))
        z = self.bias
        if rows:
            x = np.array(values) * self.idf[rows]
            norm = float(np.sqrt(x @ x))
            if norm > 0:
                z = z + (x / norm) @ self.weights[rows]
        z = np.exp(z - z.max())
        probabilities: np.ndarray = z / z.sum()
        return probabilities

    def save(self, path: Path) -> None:
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        # Half precision: the weights' last digits never change an order worth keeping, and the
        # file stays a few megabytes.
        with path.open("wb") as out:
            np.savez_compressed(out, vocabulary=np.array(terms), idf=self.idf.astype(np.float32),
                                weights=self.weights.astype(np.float16), bias=self.bias.astype(np.float32),
                                classes=np.array(self.classes))

    @classmethod
    def load(cls, path: Path) -> PhrasingClassifier:
        try:
            with path.open("rb") as file, np.load(file, allow_pickle=False) as data:
                terms = [str(t) for t in data["vocabulary"]]
                # Kept in half precision, as stored: only the rows of a message's features are
                # read, and a float32 copy would double the largest array the bot holds.
                weights = data["weights"]
                classifier = cls({t: i for i, t in enumerate(terms)}, data["idf"].astype(np.float64), weights,
                                 data["bias"].astype(np.float64), tuple(str(c) for c in data["classes"]))
        except FileNotFoundError:
            raise ClassifierError(f"{path.name}: 파일이 없습니다 (python scripts/fit_classifier.py로 만듭니다)") from None
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            raise ClassifierError(f"{path.name}: 읽을 수 없습니다 ({type(exc).__name__})") from None
        shape = (len(terms), len(classifier.classes))
        if weights.shape != shape or classifier.idf.shape != (len(terms),) or classifier.bias.shape != (shape[1],):
            raise ClassifierError(f"{path.name}: 배열 크기가 맞지 않습니다")
        return classifier

    def columns(self, ids: Sequence[str]) -> np.ndarray:
        """Each document's column (-1 for one the fit never saw: it scores 0)."""
        column = {c: i for i, c in enumerate(self.classes)}
        return np.array([column.get(d, -1) for d in ids], dtype=np.intp)
