"""The views' parts kept between starts, in the bot's data folder: reading every phrasing of the
knowledge base (its words, every character gram counted) is most of a start after Kiwi's own
load, and a restart finds them again in a tenth of the time.

A file holds the parts of one set of documents read one way: its name carries a hash of the
documents, the analyser's reading (Kiwi, the lexicon) and the code that reads and counts, so a
changed entry, a taught alternate or a new release simply finds no file and builds (and keeps)
its own. The newest few are kept. Anything wrong with a file (cut short, corrupt, from another
version, unwritable disk) costs a normal build and a log line, never a start: numpy reads it
without pickle, so a file in the folder can hold arrays and nothing else."""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import zipfile
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

import numpy as np

from bot.faq import analyzer as analyzer_module
from bot.faq import views as views_module
from bot.faq.analyzer import Analyzer
from bot.faq.views import BM25_VIEWS, Bm25, Document, EntryViews, ViewParts, offsets_fit
from bot.korean import hangul
from bot.storage.files import write_private

log = logging.getLogger(__name__)
FORMAT = 1
PREFIX = "faq-views-"
# Files kept in all, the one just used or written the newest (a file is touched when read): the
# knowledge files' index and the one with the taught alternates, and one before them.
KEEP = 3
# Between the words of a list stored as one text: no word holds it (checked when written).
SEPARATOR = "\x1f"


def load_views(documents: Sequence[Document], analyzer: Analyzer, folder: Path | None) -> EntryViews:
    """The views of `documents`, from the folder's file for them when there is a good one, else
    built (and kept there for the next start)."""
    try:
        key = _key(documents, analyzer) if folder is not None else None
    except OSError as exc:  # the code's own files unreadable (an unusual install): no file then
        log.warning("faq views not kept between starts (%s)", type(exc).__name__)
        key = None
    if folder is None or key is None:
        return EntryViews(documents, analyzer)
    path = folder / f"{PREFIX}{key[:32]}.npz"
    parts = _read(path, documents)
    views = EntryViews(documents, analyzer, parts)
    if parts is None:
        _write(path, views.parts)
    return views


def _key(documents: Sequence[Document], analyzer: Analyzer) -> str:
    digest = hashlib.sha256(f"{FORMAT}|{analyzer.reading}".encode())
    for code in (views_module.__file__, analyzer_module.__file__, hangul.__file__, __file__):
        digest.update(Path(str(code)).read_bytes())
    for document in documents:
        digest.update(SEPARATOR.join((*document.phrasings, document.answer, "\n")).encode("utf-8"))
    return digest.hexdigest()


def _read(path: Path, documents: Sequence[Document]) -> ViewParts | None:
    try:
        # Opened here, not by numpy, so that a file that is not a zip is closed all the same.
        with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as stored:
            parts = _parts(dict(stored.items()), documents)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError, IndexError, UnicodeDecodeError, zipfile.BadZipFile,
            EOFError) as exc:
        log.warning("faq views file %s not used (%s): building the views", path.name, type(exc).__name__)
        return None
    # In use: the newest, so that pruning after another set's write keeps it.
    with contextlib.suppress(OSError):
        os.utime(path)
    return parts


def _parts(stored: dict[str, np.ndarray], documents: Sequence[Document]) -> ViewParts:
    """The parts of a file, checked to fit `documents` (ValueError when they do not)."""
    n = len(documents)
    phrasings = sum(len(d.phrasings) for d in documents)
    bm25 = {}
    for name in BM25_VIEWS:
        size = phrasings if name.endswith("_phrasing") else n
        bm25[name] = Bm25.restore(size, _words(stored[f"{name}.vocabulary"]), stored[f"{name}.docs"],
                                  stored[f"{name}.impacts"], stored[f"{name}.bounds"])
    used_words = _words(stored["used.words"])
    used = np.unpackbits(stored["used.bits"], axis=1, count=n).astype(bool) if used_words else np.zeros((0, n), bool)
    if used.shape != (len(used_words), n):
        raise ValueError("word use does not fit the documents")
    terms = _words(stored["terms.words"])
    phrasing_terms = _sets(terms, stored["phrasing.starts"], stored["phrasing.ids"])
    sentence_sets = _sets(terms, stored["sentence.starts"], stored["sentence.ids"])
    per_document = stored["sentence.counts"]
    if per_document.ndim != 1 or per_document.dtype.kind not in "iu" or bool(np.any(per_document < 0)):
        raise ValueError("sentence counts of the wrong shape or type")
    jamo = _words(stored["jamo"])
    if len(phrasing_terms) != phrasings or len(jamo) != phrasings or len(per_document) != n \
            or int(per_document.sum()) != len(sentence_sets):
        raise ValueError("parts do not fit the documents")
    sentence_terms, jamo_of, s, p = [], [], 0, 0
    for document, count in zip(documents, per_document.tolist(), strict=True):
        sentence_terms.append(sentence_sets[s : s + count])
        jamo_of.append(jamo[p : p + len(document.phrasings)])
        s, p = s + count, p + len(document.phrasings)
    return ViewParts(bm25, {w: used[i] for i, w in enumerate(used_words)}, phrasing_terms, sentence_terms, jamo_of)


def _write(path: Path, parts: ViewParts) -> None:
    try:
        buffer = io.BytesIO()
        np.savez(buffer, allow_pickle=False, **_arrays(parts))
        path.parent.mkdir(parents=True, exist_ok=True)
        write_private(path, buffer.getvalue())
        _prune(path)
    except (OSError, ValueError) as exc:
        log.warning("faq views file not written (%s): the next start builds them again", type(exc).__name__)


def _arrays(parts: ViewParts) -> dict[str, np.ndarray]:
    arrays: dict[str, np.ndarray] = {}
    for name, bm25 in parts.bm25.items():
        vocabulary, docs, impacts, bounds = bm25.arrays()
        arrays |= {f"{name}.vocabulary": _blob(vocabulary), f"{name}.docs": docs,
                   f"{name}.impacts": impacts, f"{name}.bounds": bounds}
    used_words = list(parts.used_by)
    arrays["used.words"] = _blob(used_words)
    arrays["used.bits"] = np.packbits(np.array([parts.used_by[w] for w in used_words], dtype=bool), axis=1) \
        if used_words else np.zeros((0, 0), np.uint8)
    sentences = [terms for per_document in parts.sentence_terms for terms in per_document]
    ids: dict[str, int] = {}
    for name, sets in (("phrasing", parts.phrasing_terms), ("sentence", sentences)):
        # Sorted, so that a file's bytes depend on the words alone, not on string hashing.
        flat = [ids.setdefault(word, len(ids)) for terms in sets for word in sorted(terms)]
        arrays[f"{name}.ids"] = np.array(flat, dtype=np.int32)
        arrays[f"{name}.starts"] = np.cumsum([0, *map(len, sets)]).astype(np.int64)
    arrays["terms.words"] = _blob(list(ids))
    arrays["sentence.counts"] = np.array([len(s) for s in parts.sentence_terms], dtype=np.int64)
    arrays["jamo"] = _blob([j for per_document in parts.jamo_of for j in per_document])
    return arrays


def _prune(kept: Path) -> None:
    """Keep the newest files besides `kept`; the others are of documents no longer served."""
    others = sorted((p for p in kept.parent.glob(f"{PREFIX}*.npz") if p != kept),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    for old in others[KEEP - 1:]:
        old.unlink(missing_ok=True)


def _blob(words: Sequence[str]) -> np.ndarray:
    # Each word after a separator: an empty word ("" is the jamo of a phrasing of punctuation
    # alone) still counts as one.
    text = "".join(SEPARATOR + word for word in words)
    if text.count(SEPARATOR) != len(words):
        raise ValueError("a word holds the separator")
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _words(blob: np.ndarray) -> list[str]:
    return blob.tobytes().decode("utf-8").split(SEPARATOR)[1:]


def _sets(words: list[str], starts: np.ndarray, ids: np.ndarray) -> list[frozenset[str]]:
    if starts.ndim != 1 or ids.ndim != 1 or starts.dtype.kind not in "iu" or ids.dtype.kind not in "iu":
        raise ValueError("word lists of the wrong shape or type")
    if len(ids) and (int(ids.min()) < 0 or int(ids.max()) >= len(words)):
        raise ValueError("a word id out of range")
    if not offsets_fit(starts, len(ids)):
        raise ValueError("word lists do not fit together")
    named = [words[i] for i in ids.tolist()]
    bounds = starts.tolist()
    return [frozenset(named[a:b]) for a, b in pairwise(bounds)]
