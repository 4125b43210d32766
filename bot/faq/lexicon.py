"""knowledge/lexicon.yaml: the analyser's word lists, and the institutions other than the
cooperative that members mention.

- terms: domain words registered in Kiwi's user dictionary, kept whole in questions and entries;
- synonyms: groups of words members use for one thing, the first the one the index keeps;
- phrases: multi-word ways of saying one thing, rewritten before analysis (spaces optional);
- institutions: other bodies ("전문건설공제조합", "건설협회"): a question about their procedures
  is not answered by an entry that merely shares its words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.faq.yamlfile import YamlProblem, line_of, read_yaml
from bot.korean.hangul import josa
from bot.storage.datafile import ListedProblems

FIELDS = ("terms", "synonyms", "phrases", "institutions")


class LexiconError(ListedProblems):
    problems: list[YamlProblem]
    holds = "단어 목록"


@dataclass(frozen=True)
class Lexicon:
    terms: tuple[str, ...]
    synonyms: dict[str, str]
    phrases: tuple[tuple[re.Pattern[str], str], ...]
    institutions: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        root, data, problems = read_yaml(path)
        if not problems:
            problems = lexicon_problems(root, data)
        if problems:
            raise LexiconError(path, problems)
        synonyms: dict[str, str] = {}
        for group in data.get("synonyms") or []:
            canonical = str(group[0]).lower()
            for word in group:
                synonyms[str(word).lower()] = canonical
        phrases = []
        for phrase, replacement in (data.get("phrases") or {}).items():
            chars = [re.escape(ch) for ch in str(phrase).replace(" ", "")]
            phrases.append((re.compile(r"\s*".join(chars), re.IGNORECASE), f" {replacement} "))
        return cls(
            tuple(str(t) for t in data.get("terms") or []), synonyms, tuple(phrases),
            tuple(str(i) for i in data.get("institutions") or []),
        )


def check_lexicon(path: Path) -> list[YamlProblem]:
    root, data, problems = read_yaml(path)
    return problems or lexicon_problems(root, data)


def lexicon_problems(root: yaml.Node | None, data: Any) -> list[YamlProblem]:
    """What is wrong with the file's content, each with its line (empty when nothing)."""
    if not isinstance(root, yaml.MappingNode) or not isinstance(data, dict):
        return [YamlProblem("최상위는 terms, synonyms, phrases, institutions 매핑이어야 합니다.", 1)]
    nodes = {str(k.value): (k, v) for k, v in root.value}
    problems = [YamlProblem(f"알 수 없는 필드: {key}", line_of(k)) for key, (k, _) in nodes.items() if key not in FIELDS]
    for name in ("terms", "institutions"):
        words = data.get(name) or []
        if not isinstance(words, list) or not all(isinstance(t, str) and t.strip() for t in words):
            problems.append(YamlProblem(f"{name}는 비어 있지 않은 단어 목록이어야 합니다.", line_of(nodes[name][1])))
    groups = data.get("synonyms") or []
    group_nodes = nodes["synonyms"][1].value if "synonyms" in nodes and isinstance(nodes["synonyms"][1], yaml.SequenceNode) else []
    if not isinstance(groups, list):
        problems.append(YamlProblem("synonyms는 단어 묶음의 목록이어야 합니다.", line_of(nodes["synonyms"][1])))
        groups = []
    seen: dict[str, int | None] = {}
    for group, node in zip(groups, group_nodes, strict=False):
        line = line_of(node)
        if not isinstance(group, list) or len(group) < 2 or not all(isinstance(w, str) and w.strip() for w in group):
            problems.append(YamlProblem("동의어 묶음에는 단어가 둘 이상 필요합니다.", line))
            continue
        for word in group:
            key = word.lower()
            if key in seen and seen[key] != line:
                problems.append(YamlProblem(f"{josa(repr(word), '이/가')} {seen[key]}행의 묶음에도 있습니다.", line))
            seen.setdefault(key, line)
    phrases = data.get("phrases") or {}
    if not isinstance(phrases, dict) or not all(isinstance(v, str) and v.strip() for v in phrases.values()):
        problems.append(YamlProblem("phrases는 '표현: 바꿀 말' 매핑이어야 합니다.", line_of(nodes["phrases"][1])))
    return problems
