"""knowledge/out_of_scope.yaml: what members ask that the guides do not answer, by topic, each
with example phrasings and where to ask instead.

The ranker indexes these topics beside the entries. A message closer to one of them than to any
entry ("신용등급확인원 발급 수수료 있어요?") is declined honestly, with the topic's reason and
contact, instead of being answered by an entry that merely shares its words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

import yaml

from bot.faq.yamlfile import YamlProblem, line_of, read_yaml
from bot.storage.datafile import ListedProblems

Ask = Literal["branch", "rating", "systems", "nice", "none"]
ASKS: tuple[Ask, ...] = ("branch", "rating", "systems", "nice", "none")
TOPIC_FIELDS = {"id", "topic", "why", "ask", "questions"}
MIN_QUESTIONS = 3
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class OutOfScopeError(ListedProblems):
    problems: list[YamlProblem]
    holds = "안내자료 밖 주제 목록"


@dataclass(frozen=True)
class Topic:
    id: str
    topic: str
    why: str
    ask: Ask
    questions: tuple[str, ...]


def load_topics(path: Path) -> list[Topic]:
    """The topics, or [] when the file is absent (the bot then relies on the gate alone)."""
    if not path.is_file():
        return []
    root, data, problems = read_yaml(path)
    topics: list[Topic] = []
    if not problems:
        topics, problems = _validate(root, data)
    if problems:
        raise OutOfScopeError(path, problems)
    return topics


def check_topics(path: Path) -> list[YamlProblem]:
    try:
        load_topics(path)
    except OutOfScopeError as exc:
        return list(exc.problems)
    return []


def _validate(root: yaml.Node | None, data: object) -> tuple[list[Topic], list[YamlProblem]]:
    if not isinstance(root, yaml.MappingNode) or not isinstance(data, dict) or not isinstance(data.get("topics"), list):
        return [], [YamlProblem("최상위에 topics 목록이 필요합니다.", 1)]
    nodes = dict((str(k.value), v) for k, v in root.value)
    topic_nodes = nodes["topics"].value if isinstance(nodes["topics"], yaml.SequenceNode) else []
    problems: list[YamlProblem] = []
    topics: list[Topic] = []
    seen: set[str] = set()
    for raw, node in zip(data["topics"], topic_nodes, strict=False):
        line = line_of(node)
        if not isinstance(raw, dict):
            problems.append(YamlProblem("주제는 매핑이어야 합니다.", line))
            continue
        missing = sorted(TOPIC_FIELDS - set(raw))
        unknown = sorted(set(raw) - TOPIC_FIELDS)
        label = f"주제 '{raw.get('id')}'"
        if missing or unknown:
            what = [f"필드가 없습니다: {', '.join(missing)}"] if missing else []
            what += [f"알 수 없는 필드: {', '.join(unknown)}"] if unknown else []
            problems.append(YamlProblem(f"{label}: {'; '.join(what)}", line))
            continue
        questions = raw["questions"]
        if not isinstance(raw["id"], str) or not _ID.match(raw["id"]) or raw["id"] in seen:
            problems.append(YamlProblem(f"{label}: id는 영문 소문자·숫자·하이픈으로, 겹치지 않게 써야 합니다.", line))
        elif raw["ask"] not in ASKS:
            problems.append(YamlProblem(f"{label}: ask는 {', '.join(ASKS)} 중 하나여야 합니다.", line))
        elif not all(isinstance(raw[k], str) and raw[k].strip() for k in ("topic", "why")):
            problems.append(YamlProblem(f"{label}: topic과 why는 비어 있지 않은 글이어야 합니다.", line))
        elif (not isinstance(questions, list) or len(questions) < MIN_QUESTIONS
              or not all(isinstance(q, str) and q.strip() for q in questions)):
            problems.append(YamlProblem(f"{label}: questions에 질문이 {MIN_QUESTIONS}개 이상 필요합니다.", line))
        else:
            seen.add(raw["id"])
            topics.append(Topic(raw["id"], raw["topic"].strip(), raw["why"].strip(), cast(Ask, raw["ask"]),
                                tuple(q.strip() for q in questions)))
    return topics, problems
