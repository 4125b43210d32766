"""Korean analysis for retrieval: kiwipiepy morphemes, content words only, verbs and adjectives
as their stems, the domain's terms kept whole (and by their parts), synonyms folded to one word,
and words Kiwi does not know corrected to the nearest word of the guides at the jamo level."""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import json
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import kiwipiepy
from kiwipiepy import Kiwi, MorphemeSet, Token
from rapidfuzz import fuzz, process

from bot.faq.lexicon import Lexicon
from bot.korean.hangul import to_jamo
from bot.storage.files import write_private

# Nouns, names, numbers, foreign words, roots, verb and adjective stems.
CONTENT_TAGS = ("NNG", "NNP", "NR", "SL", "SN", "SH", "XR", "VV", "VA")
# Stems that carry no topic: "하다", "되다", "있다", "알려 주다", "싶다"...
STOP_STEMS = frozenset([
    "하", "되", "있", "이", "것", "수", "주", "알리", "싶", "좀", "뭐", "어떻", "그렇", "이렇", "때", "거", "건", "등",
    "보", "들", "나", "저", "제", "우리", "요",
    # Chat courtesies and "I wonder / I don't know", which say nothing about the topic.
    "안녕", "감사", "수고", "부탁", "궁금하", "여쭈", "알", "모르", "드리", "계시",
    # When the member writes, not what about: "오늘 갑자기 이래요" shares no topic with "오늘 점심".
    "오늘", "어제", "내일", "지금", "방금", "요즘", "갑자기",
])
# Adverbs and pronouns that change what is asked ("안 받아도", "다시 제출", "언제까지"); the
# rest go.
KEPT_ADVERBS = frozenset({"안", "못", "다시", "직접", "따로", "언제"})
log = logging.getLogger(__name__)
# Bump when the way words are read changes, so a cache of an older reading is not used.
READING_VERSION = 2
# A typo is corrected only to a known word at least this similar (rapidfuzz ratio on jamo).
TYPO_CUTOFF = 80.0
SHORT_TYPO_CUTOFF = 90.0


@dataclass
class Analyzer:
    """Built once per process. With a `cache` file, the words of texts it has read before (the
    knowledge base's thousands of phrasings) are taken from the file instead of Kiwi, which
    saves about two seconds at every start; the file is rewritten when they change. A `seed`
    (the same words, gzipped, shipped beside faq.yaml by scripts/build_word_seed.py) does the
    same for the first start of a new data folder; it is only read, never written."""

    lexicon: Lexicon
    cache: Path | None = None
    seed: Path | None = None
    kiwi: Kiwi = field(init=False)
    # compound term -> its parts, so both spellings index the same words
    parts: dict[str, tuple[str, ...]] = field(init=False, default_factory=dict)
    vocabulary: dict[str, str] = field(init=False, default_factory=dict)  # jamo -> word
    _cache: dict[str, tuple[str, ...]] = field(init=False, default_factory=dict)
    _joined: dict[str, str] = field(init=False, default_factory=dict)
    _vocab_keys: list[str] = field(init=False, default_factory=list)
    _known: frozenset[str] = field(init=False, default_factory=frozenset)
    _sentences: dict[str, list[str]] = field(init=False, default_factory=dict)
    _raw: dict[str, list[tuple[str, bool]]] = field(init=False, default_factory=dict)
    # Kiwi gives a word it does not know one of its per-tag placeholder ids, all below this.
    _first_word_id: int = field(init=False, default=0)
    _fingerprint: str = field(init=False, default="")
    # Texts Kiwi read since the cache was last written (none, when the seed or cache had all).
    new_texts: int = field(init=False, default=0)
    # The knowledge base's own texts: only these go into the cache file, never a member's message.
    _kept: set[str] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        # The typo and multi-word dictionaries serve Kiwi's own typo correction, which we do
        # not use (ours works on jamo against the guides' words); leaving them out halves the
        # start-up time and saves about 190 MB. Two workers read a batch of texts in parallel.
        self.kiwi = Kiwi(load_typo_dict=False, load_multi_dict=False, num_workers=2)
        self._fingerprint = self._reading_fingerprint()
        cached_parts = self._load_cache()
        # Synonyms longer than two syllables are words too ("유효기한", "핸드폰번호"): register
        # them so they reach the synonym table whole instead of in pieces.
        words = list(dict.fromkeys([*self.lexicon.terms, *(
            w for w in self.lexicon.synonyms if len(w) >= 2 and re.search("[가-힣]", w)
        )]))
        for term in words:
            self.kiwi.add_user_word(term, "NNP", 10.0)
        # A term's parts are how Kiwi reads it without the user word (blocked for that call).
        if cached_parts is not None:
            self.parts.update(cached_parts)
        for term in words if cached_parts is None else ():
            blocked = MorphemeSet(self.kiwi, [(term, "NNP")])
            pieces = tuple(
                t.form.lower()
                for t in self.kiwi.tokenize(term, blocklist=blocked)
                if t.tag.startswith(CONTENT_TAGS) and len(t.form) > 1  # "원" of 원클릭 is noise
            )
            if len(pieces) > 1:
                self.parts[term.lower()] = pieces
        self._joined.update({"".join(p): term for term, p in self.parts.items()})
        self._first_word_id = self._first_dictionary_id()

    @property
    def reading(self) -> str:
        """What the words it finds depend on (its code's way of reading, Kiwi, the lexicon)."""
        return self._fingerprint

    def _first_dictionary_id(self) -> int:
        """The lowest morpheme id with a form: the ids below it are Kiwi's per-tag placeholders
        for words it does not know (looked up by bisection: each lookup is slow)."""
        low, high = 0, 1024
        while low < high:
            middle = (low + high) // 2
            if self.kiwi.morpheme(middle).form:
                high = middle
            else:
                low = middle + 1
        return low

    def set_vocabulary(self, words: set[str]) -> None:
        """The words the index knows; unknown query words are corrected towards these."""
        # Sorted, so that ties between equally near words go the same way in every process.
        self.vocabulary = {to_jamo(w): w for w in sorted(words) if len(w) >= 2}
        self._known = frozenset(words)
        self._vocab_keys = list(self.vocabulary)
        self._cache.clear()

    def sentences(self, text: str) -> list[str]:
        """The sentences of a message, also where it was typed without punctuation or spaces."""
        cached = self._sentences.get(text)
        if cached is None:
            found = self.kiwi.split_into_sents(unicodedata.normalize("NFC", text), return_tokens=True)
            cached = [s.text for s in found] or [text]
            if len(self._sentences) > 20_000:
                self._sentences.clear()
            self._sentences[text] = cached
            # Splitting read the words already: a message of one sentence that the lexicon's
            # phrases leave as it is needs no second reading (its tokens are the same, checked on
            # all 995 labelled questions; about 0.7 ms a message).
            if len(found) == 1:
                sentence = found[0].text.strip()
                if sentence not in self._raw and self.normalize(sentence) == sentence:
                    self._remember_words(sentence, self._content_words(found[0].tokens or ()))
        return cached

    def normalize(self, text: str) -> str:
        text = unicodedata.normalize("NFC", text)
        for pattern, replacement in self.lexicon.phrases:
            text = pattern.sub(replacement, text)
        return re.sub(r"\s+", " ", text).strip()

    def terms(self, text: str, *, correct: bool = False) -> tuple[str, ...]:
        """The canonical content words of `text`; with `correct`, unknown words are replaced by
        the nearest known word (queries only: the entries define what is known)."""
        key = f"{int(correct)}{text}"
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        words = self._words(text)
        raw = self._correct(words) if correct and self.vocabulary else [w for w, _ in words]
        out: list[str] = []
        for word in raw:
            out.extend(self._expand(word))
        result = tuple(dict.fromkeys(w for w in out if w not in STOP_STEMS))
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[key] = result
        return result

    def read_all(self, texts: Iterable[str]) -> None:
        """Read many texts at once (Kiwi's workers in parallel), before they are asked for."""
        wanted = list(dict.fromkeys(texts))
        self._kept.update(wanted)
        missing = [t for t in wanted if t not in self._raw]
        if missing:
            normalized = [self.normalize(t) for t in missing]
            for text, tokens in zip(missing, self.kiwi.tokenize(normalized), strict=True):
                self._raw[text] = self._content_words(tokens)
            self.new_texts += len(missing)

    def save_cache(self) -> None:
        """Keep what was read for the next start (best effort: a read-only or full disk only
        costs the next start its two seconds)."""
        if self.cache is None or not self.new_texts:
            return
        try:
            self.cache.parent.mkdir(parents=True, exist_ok=True)
            write_private(self.cache, self._words_file().encode("utf-8"))
            self.new_texts = 0
        except OSError as exc:
            log.warning("faq word cache not written: %s", exc.strerror or type(exc).__name__)

    def _load_cache(self) -> dict[str, tuple[str, ...]] | None:
        """The words and parts kept by the seed, then by the cache (newer, so it wins); None
        when neither is of this reading."""
        parts: dict[str, tuple[str, ...]] | None = None
        for path in (self.seed, self.cache):
            data = self._read_words_file(path) if path is not None else None
            if data is None:
                continue
            words, found = data
            self._raw.update(words)
            parts = {**(parts or {}), **found}
        return parts

    def _read_words_file(self, path: Path) -> tuple[dict[str, list[tuple[str, bool]]], dict[str, tuple[str, ...]]] | None:
        try:
            raw = path.read_bytes()
            data = json.loads(gzip.decompress(raw) if path.suffix == ".gz" else raw)
            if data.get("fingerprint") != self._fingerprint:
                return None
            words = {text: [(str(w), bool(slip)) for w, slip in pairs] for text, pairs in data["words"].items()}
            return words, {str(term): tuple(parts) for term, parts in data["parts"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError):
            # Missing, damaged or from another version: those texts are read again.
            return None

    def write_seed(self, path: Path) -> None:
        """Write every knowledge-base text read so far as a seed (scripts/build_word_seed.py)."""
        # mtime 0: the same words give the same bytes, so an unchanged seed makes no diff.
        path.write_bytes(gzip.compress(self._words_file().encode("utf-8"), compresslevel=9, mtime=0))

    def _words_file(self) -> str:
        """The knowledge base's texts read so far with their words, and the terms' parts, as the
        cache and the seed hold them (keys sorted: the same words, the same text)."""
        data = {"fingerprint": self._fingerprint, "parts": self.parts,
                "words": {text: [[w, slip] for w, slip in self._raw[text]] for text in self._kept if text in self._raw}}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    def _reading_fingerprint(self) -> str:
        """What the words of a text depend on: this code's way of reading, Kiwi, the lexicon."""
        lexicon = json.dumps([self.lexicon.terms, sorted(self.lexicon.synonyms.items()),
                              [(p.pattern, r) for p, r in self.lexicon.phrases]], ensure_ascii=False)
        seed = f"{READING_VERSION}|{kiwipiepy.__version__}|{_model_version()}|{lexicon}"
        return hashlib.sha256(seed.encode("utf-8")).hexdigest()

    def plain(self, text: str) -> tuple[str, ...]:
        """The content morphemes as Kiwi reads them, nothing folded or corrected: a second,
        plainer view of the same words (no synonym can then blur two entries together)."""
        return tuple(w for w, _ in self._words(text) if w not in STOP_STEMS)

    def _words(self, text: str) -> list[tuple[str, bool]]:
        cached = self._raw.get(text)
        if cached is None:
            cached = self._content_words(self.kiwi.tokenize(self.normalize(text)))
            self._remember_words(text, cached)
        return cached

    def _remember_words(self, text: str, words: list[tuple[str, bool]]) -> None:
        # Bounded: a bot answering for months must not keep every message it has read.
        if len(self._raw) > 50_000:
            self._raw.clear()
        self._raw[text] = words

    def _content_words(self, tokens: Iterable[Token]) -> list[tuple[str, bool]]:
        """Content words, each with whether it may be a slip: a Hangul word Kiwi does not know
        ("신요", "재표") or a Latin one ("xecurweb"). A real word is never "corrected" into
        another ("분실" is not "부실")."""
        words: list[tuple[str, bool]] = []
        for token in tokens:
            if token.tag.startswith(CONTENT_TAGS) or (token.tag in ("MAG", "NP") and token.form in KEPT_ADVERBS):
                unknown = token.id < self._first_word_id and token.tag in ("NNG", "NNP", "SL")
                words.append((token.form.lower(), unknown))
        # Adjacent words that spell a known compound ("보증" "해제") also count as the compound.
        forms = [w for w, _ in words]
        joined = []
        for size in (2, 3, 4):
            for start in range(len(forms) - size + 1):
                compound = self._joined.get("".join(forms[start : start + size]))
                if compound:
                    joined.append((compound, False))
        return words + joined

    def _expand(self, word: str) -> list[str]:
        canonical = self.lexicon.synonyms.get(word, word)
        expanded = [canonical]
        for part in self.parts.get(word, ()):
            expanded.append(self.lexicon.synonyms.get(part, part))
        return expanded

    def _correct(self, words: list[tuple[str, bool]]) -> list[str]:
        fixed = []
        for i, (word, may_be_slip) in enumerate(words):
            canonical = self.lexicon.synonyms.get(word, word)
            if (not may_be_slip or canonical in self._known or word in self.parts or len(word) < 2
                    or word in STOP_STEMS):
                fixed.append(word)
                continue
            # A slip often splits a word ("신요"+"평가"): try it joined with its neighbour first.
            candidates = [word]
            if i + 1 < len(words):
                candidates.insert(0, word + words[i + 1][0])
            for candidate in candidates:
                # Two-syllable words sit close to many others ("추천"/"출처"): demand more.
                cutoff = TYPO_CUTOFF if len(candidate) > 2 else SHORT_TYPO_CUTOFF
                match = process.extractOne(to_jamo(candidate), self._vocab_keys, scorer=fuzz.ratio, score_cutoff=cutoff)
                if match:
                    fixed.append(self.vocabulary[match[0]])
                    break
            else:
                fixed.append(word)
        return fixed


def _model_version() -> str:
    """Kiwi's model ships as its own package: a new model may read words differently."""
    try:
        return importlib.metadata.version("kiwipiepy_model")
    except importlib.metadata.PackageNotFoundError:
        return ""
