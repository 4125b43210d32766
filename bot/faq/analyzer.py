"""Korean analysis for retrieval: kiwipiepy morphemes, content words only, verbs and adjectives
as their stems, the domain's terms kept whole (and by their parts), synonyms folded to one word,
and unknown words corrected to the nearest known word at the jamo level."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from kiwipiepy import Kiwi, MorphemeSet
from rapidfuzz import fuzz, process

from bot.korean.hangul import josa, to_jamo

# Nouns, names, numbers, foreign words, roots, verb and adjective stems.
CONTENT_TAGS = ("NNG", "NNP", "NR", "SL", "SN", "SH", "XR", "VV", "VA")
# Stems that carry no topic: "하다", "되다", "있다", "알려 주다", "싶다"...
STOP_STEMS = frozenset(["하", "되", "있", "이", "것", "수", "주", "알리", "싶", "좀", "뭐", "어떻", "그렇", "이렇", "때", "거", "건", "등", "보", "들", "나", "저", "제", "우리", "요"])
# Adverbs and pronouns that change what is asked ("안 받아도", "다시 제출", "언제까지"); the
# rest go.
KEPT_ADVERBS = frozenset({"안", "못", "다시", "직접", "따로", "언제"})
# A typo is corrected only to a known word at least this similar (rapidfuzz ratio on jamo).
TYPO_CUTOFF = 80.0
SHORT_TYPO_CUTOFF = 90.0


@dataclass(frozen=True)
class Lexicon:
    terms: tuple[str, ...]
    synonyms: dict[str, str]
    phrases: tuple[tuple[re.Pattern[str], str], ...]

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        problems = lexicon_problems(data)
        if problems:
            raise ValueError(f"{path}: " + "; ".join(problems))
        synonyms: dict[str, str] = {}
        for group in data.get("synonyms") or []:
            canonical = str(group[0]).lower()
            for word in group:
                synonyms[str(word).lower()] = canonical
        phrases = []
        for phrase, replacement in (data.get("phrases") or {}).items():
            chars = [re.escape(ch) for ch in str(phrase).replace(" ", "")]
            phrases.append((re.compile(r"\s*".join(chars), re.IGNORECASE), f" {replacement} "))
        return cls(tuple(str(t) for t in data.get("terms") or []), synonyms, tuple(phrases))


def lexicon_problems(data: Any) -> list[str]:
    """What is wrong with a lexicon file's content (empty when nothing)."""
    if not isinstance(data, dict):
        return ["최상위는 terms, synonyms, phrases 매핑이어야 합니다."]
    problems = [f"알 수 없는 필드: {key}" for key in data if key not in {"terms", "synonyms", "phrases"}]
    terms = data.get("terms") or []
    if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
        problems.append("terms는 단어 목록이어야 합니다.")
    seen: dict[str, int] = {}
    for index, group in enumerate(data.get("synonyms") or [], start=1):
        if not isinstance(group, list) or len(group) < 2:
            problems.append(f"synonyms {index}번째 묶음에는 단어가 둘 이상 필요합니다.")
            continue
        for word in group:
            key = str(word).lower()
            if key in seen and seen[key] != index:
                problems.append(f"{josa(repr(str(word)), '이/가')} 동의어 묶음 {josa(str(seen[key]), '과/와')} {index}에 모두 있습니다.")
            seen[key] = index
    if not isinstance(data.get("phrases") or {}, dict):
        problems.append("phrases는 '표현: 바꿀 말' 매핑이어야 합니다.")
    return problems


@dataclass
class Analyzer:
    lexicon: Lexicon
    kiwi: Kiwi = field(init=False)
    # compound term -> its parts, so both spellings index the same words
    parts: dict[str, tuple[str, ...]] = field(init=False, default_factory=dict)
    vocabulary: dict[str, str] = field(init=False, default_factory=dict)  # jamo -> word
    _cache: dict[str, tuple[str, ...]] = field(init=False, default_factory=dict)
    _joined: dict[str, str] = field(init=False, default_factory=dict)
    _vocab_keys: list[str] = field(init=False, default_factory=list)
    _known: frozenset[str] = field(init=False, default_factory=frozenset)

    def __post_init__(self) -> None:
        # The typo and multi-word dictionaries serve Kiwi's own typo correction, which we do
        # not use (ours works on jamo against the guides' words); leaving them out halves the
        # start-up time and saves about 190 MB.
        self.kiwi = Kiwi(load_typo_dict=False, load_multi_dict=False)
        # Synonyms longer than two syllables are words too ("유효기한", "핸드폰번호"): register
        # them so they reach the synonym table whole instead of in pieces.
        words = list(dict.fromkeys([*self.lexicon.terms, *(
            w for w in self.lexicon.synonyms if len(w) >= 2 and re.search("[가-힣]", w)
        )]))
        for term in words:
            self.kiwi.add_user_word(term, "NNP", 10.0)
        # A term's parts are how Kiwi reads it without the user word (blocked for that call).
        for term in words:
            blocked = MorphemeSet(self.kiwi, [(term, "NNP")])
            pieces = tuple(
                t.form.lower()
                for t in self.kiwi.tokenize(term, blocklist=blocked)
                if t.tag.startswith(CONTENT_TAGS) and len(t.form) > 1  # "원" of 원클릭 is noise
            )
            if len(pieces) > 1:
                self.parts[term.lower()] = pieces
        self._joined.update({"".join(p): term for term, p in self.parts.items()})

    def set_vocabulary(self, words: set[str]) -> None:
        """The words the index knows; unknown query words are corrected towards these."""
        self.vocabulary = {to_jamo(w): w for w in words if len(w) >= 2}
        self._known = frozenset(words)
        self._vocab_keys = list(self.vocabulary)
        self._cache.clear()

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
        raw = self._raw_terms(self.normalize(text))
        if correct and self.vocabulary:
            raw = self._correct(raw)
        out: list[str] = []
        for word in raw:
            out.extend(self._expand(word))
        result = tuple(dict.fromkeys(w for w in out if w not in STOP_STEMS))
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[key] = result
        return result

    def _raw_terms(self, text: str) -> list[str]:
        words = []
        for token in self.kiwi.tokenize(text):
            if token.tag.startswith(CONTENT_TAGS) or (token.tag in ("MAG", "NP") and token.form in KEPT_ADVERBS):
                words.append(token.form.lower())
        # Adjacent words that spell a known compound ("보증" "해제") also count as the compound.
        joined = []
        for size in (2, 3, 4):
            for start in range(len(words) - size + 1):
                compound = self._joined.get("".join(words[start : start + size]))
                if compound:
                    joined.append(compound)
        return words + joined

    def _expand(self, word: str) -> list[str]:
        canonical = self.lexicon.synonyms.get(word, word)
        expanded = [canonical]
        for part in self.parts.get(word, ()):
            expanded.append(self.lexicon.synonyms.get(part, part))
        return expanded

    def _correct(self, words: list[str]) -> list[str]:
        fixed = []
        for i, word in enumerate(words):
            canonical = self.lexicon.synonyms.get(word, word)
            if canonical in self._known or word in self.parts or len(word) < 2 or word in STOP_STEMS:
                fixed.append(word)
                continue
            # A slip often splits a word ("신요"+"평가"): try it joined with its neighbour first.
            candidates = [word]
            if i + 1 < len(words):
                candidates.insert(0, word + words[i + 1])
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
