"""Loading and validating knowledge/faq.yaml.

Validation collects every problem (entry id, field, line) instead of stopping at the first, so
`bot kb check` can list them all and the bot can refuse to start with a useful message. The
`actions:` an entry may offer are what the capabilities declare they serve (bot.app passes them
in)."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.faq.yamlfile import line_of, read_yaml
from bot.storage.datafile import ListedProblems

ENTRY_FIELDS = {"id", "question", "alternates", "answer", "category", "source", "related", "actions"}
REQUIRED_ENTRY_FIELDS = ("id", "question", "alternates", "answer", "category", "source")
SOURCE_FIELDS = {"doc", "section", "page"}
TOP_FIELDS = {"documents", "categories", "entries"}
MIN_ALTERNATES = 4
# Leaves room for the source line and the channel's extras within Telegram's 4096 characters.
MAX_ANSWER_CHARS = 3000
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Source:
    doc: str
    section: str
    page: int | None = None


@dataclass(frozen=True)
class Entry:
    id: str
    question: str
    alternates: tuple[str, ...]
    answer: str
    category: str
    source: Source
    related: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    key: str
    file: str
    title: str


@dataclass
class KnowledgeBase:
    documents: dict[str, Document]
    categories: dict[str, str]
    entries: list[Entry]
    by_id: dict[str, Entry] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {entry.id: entry for entry in self.entries}

    def source_label(self, entry: Entry) -> str:
        """"2017년도 신용평가 업무안내, 제2절 2 (p.3)": what a reply names as its source."""
        doc = self.documents[entry.source.doc]
        label = f"{doc.title}, {entry.source.section}" if entry.source.section else doc.title
        return f"{label} (p.{entry.source.page})" if entry.source.page else label


@dataclass(frozen=True)
class Problem:
    message: str
    line: int | None = None
    entry_id: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"{self.line}행")
        if self.entry_id:
            where.append(f"항목 '{self.entry_id}'")
        if self.field:
            where.append(f"필드 '{self.field}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class KnowledgeError(ListedProblems):
    """The knowledge file cannot be used; `problems` lists every reason."""

    problems: list[Problem]
    holds = "지식 베이스"


def load_knowledge(path: Path, *, actions: Collection[str]) -> KnowledgeBase:
    """Parse and validate; raise KnowledgeError naming every problem. `actions`: what an entry's
    `actions:` may name (the commands the capabilities serve from an answer)."""
    kb, problems = _parse(path, actions)
    if problems or kb is None:
        raise KnowledgeError(path, problems or [Problem("파일을 읽을 수 없습니다.")])
    return kb


def check_knowledge(path: Path, *, actions: Collection[str]) -> list[Problem]:
    return _parse(path, actions)[1]


# -- parsing ---------------------------------------------------------------------------------


def _mapping(node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """key -> (key node, value node) for a YAML mapping node."""
    assert isinstance(node, yaml.MappingNode)
    return {str(k.value): (k, v) for k, v in node.value}


def _parse(path: Path, actions: Collection[str]) -> tuple[KnowledgeBase | None, list[Problem]]:
    root, data, problems = read_yaml(path)
    if problems:
        return None, [Problem(p.message, line=p.line) for p in problems]
    if not isinstance(root, yaml.MappingNode) or not isinstance(data, dict):
        return None, [Problem("최상위는 documents, categories, entries를 가진 매핑이어야 합니다.", line=1)]
    return _Validator(root, data, actions).run()


class _Validator:
    def __init__(self, root: yaml.MappingNode, data: dict[str, Any], actions: Collection[str]) -> None:
        self.root = root
        self.data = data
        self.actions = actions
        self.problems: list[Problem] = []

    def add(self, message: str, node: yaml.Node | None = None, entry_id: str | None = None,
            field: str | None = None) -> None:
        self.problems.append(Problem(message, line_of(node), entry_id, field))

    def run(self) -> tuple[KnowledgeBase | None, list[Problem]]:
        nodes = _mapping(self.root)
        for key, (key_node, _) in nodes.items():
            if key not in TOP_FIELDS:
                self.add(f"알 수 없는 최상위 필드입니다: {key}", key_node, field=key)
        documents = self._documents(nodes.get("documents"))
        categories = self._categories(nodes.get("categories"))
        entries = self._entries(nodes.get("entries"), documents, categories)
        if self.problems:
            return None, self.problems
        return KnowledgeBase(documents, categories, entries), []

    def _documents(self, pair: tuple[yaml.Node, yaml.Node] | None) -> dict[str, Document]:
        if pair is None or not isinstance(pair[1], yaml.MappingNode):
            self.add("documents 매핑이 필요합니다.", None if pair is None else pair[0], field="documents")
            return {}
        raw = self.data.get("documents") or {}
        result = {}
        for key, (key_node, _) in _mapping(pair[1]).items():
            value = raw.get(key)
            if not isinstance(value, dict) or not value.get("title") or not value.get("file"):
                self.add(f"문서 '{key}'에는 file과 title이 필요합니다.", key_node, field="documents")
                continue
            result[key] = Document(key, str(value["file"]), str(value["title"]))
        return result

    def _categories(self, pair: tuple[yaml.Node, yaml.Node] | None) -> dict[str, str]:
        raw = self.data.get("categories")
        if pair is None or not isinstance(raw, dict) or not raw:
            self.add("categories 매핑이 필요합니다.", None if pair is None else pair[0], field="categories")
            return {}
        return {str(k): str(v) for k, v in raw.items()}

    def _entries(self, pair: tuple[yaml.Node, yaml.Node] | None, documents: dict[str, Document],
                 categories: dict[str, str]) -> list[Entry]:
        if pair is None or not isinstance(pair[1], yaml.SequenceNode):
            self.add("entries 목록이 필요합니다.", None if pair is None else pair[0], field="entries")
            return []
        raw_entries = self.data.get("entries") or []
        entries: list[Entry] = []
        first_line: dict[str, int | None] = {}
        related_refs: list[tuple[str, str, yaml.Node]] = []
        for node, raw in zip(pair[1].value, raw_entries, strict=True):
            entry = self._entry(node, raw, documents, categories, related_refs)
            if entry is None:
                continue
            if entry.id in first_line:
                self.add(f"id가 중복됩니다 (처음 나온 곳: {first_line[entry.id]}행).", node, entry.id, "id")
                continue
            first_line[entry.id] = line_of(node)
            entries.append(entry)
        for entry_id, target, node in related_refs:
            if target not in first_line:
                self.add(f"related가 없는 항목을 가리킵니다: {target}", node, entry_id, "related")
            elif target == entry_id:
                self.add("related가 자기 자신을 가리킵니다.", node, entry_id, "related")
        return entries

    def _entry(self, node: yaml.Node, raw: Any, documents: dict[str, Document],
               categories: dict[str, str], related_refs: list[tuple[str, str, yaml.Node]]) -> Entry | None:
        if not isinstance(node, yaml.MappingNode) or not isinstance(raw, dict):
            self.add("항목은 매핑이어야 합니다.", node, field="entries")
            return None
        fields = _mapping(node)
        entry_id = raw.get("id") if isinstance(raw.get("id"), str) else None
        ok = True
        for key, (key_node, _) in fields.items():
            if key not in ENTRY_FIELDS:
                self.add(f"알 수 없는 필드입니다: {key}", key_node, entry_id, key)
                ok = False
        for key in REQUIRED_ENTRY_FIELDS:
            if key not in raw:
                self.add("필수 필드가 없습니다.", node, entry_id, key)
                ok = False
        if not ok:
            return None

        def at(key: str) -> yaml.Node:
            return fields[key][1]

        if entry_id is None or not ID_PATTERN.match(entry_id):
            self.add("id는 영문 소문자, 숫자, 하이픈으로 써야 합니다.", at("id"), entry_id, "id")
            return None
        for key in ("question", "answer", "category"):
            if not isinstance(raw[key], str) or not raw[key].strip():
                self.add("비어 있습니다.", at(key), entry_id, key)
                ok = False
        if isinstance(raw["answer"], str) and len(raw["answer"]) > MAX_ANSWER_CHARS:
            self.add(f"답변이 {MAX_ANSWER_CHARS}자를 넘습니다.", at("answer"), entry_id, "answer")
            ok = False
        alternates = raw["alternates"]
        if not isinstance(alternates, list) or not all(isinstance(a, str) and a.strip() for a in alternates):
            self.add("alternates는 비어 있지 않은 문자열 목록이어야 합니다.", at("alternates"), entry_id, "alternates")
            ok = False
        elif len(alternates) < MIN_ALTERNATES:
            self.add(f"다른 질문 표현이 {MIN_ALTERNATES}개 이상 필요합니다 (현재 {len(alternates)}개).",
                     at("alternates"), entry_id, "alternates")
            ok = False
        if isinstance(raw["category"], str) and raw["category"] not in categories:
            self.add(f"categories에 없는 분류입니다: {raw['category']}", at("category"), entry_id, "category")
            ok = False
        source = self._source(at("source"), raw["source"], entry_id, documents)
        related = raw.get("related") or []
        if not isinstance(related, list) or not all(isinstance(r, str) for r in related):
            self.add("related는 id 목록이어야 합니다.", fields.get("related", (node, node))[1], entry_id, "related")
            ok = False
        else:
            related_refs.extend((entry_id, r, fields["related"][1]) for r in related)
        actions = raw.get("actions") or []
        if not isinstance(actions, list) or any(a not in self.actions for a in actions):
            self.add(f"actions는 {', '.join(sorted(self.actions))} 중에서 골라야 합니다.",
                     fields.get("actions", (node, node))[1], entry_id, "actions")
            ok = False
        if not ok or source is None:
            return None
        return Entry(
            id=entry_id,
            question=raw["question"].strip(),
            alternates=tuple(a.strip() for a in alternates),
            answer=raw["answer"].strip(),
            category=raw["category"],
            source=source,
            related=tuple(related),
            actions=tuple(actions),
        )

    def _source(self, node: yaml.Node, raw: Any, entry_id: str, documents: dict[str, Document]) -> Source | None:
        if not isinstance(raw, dict):
            self.add("source는 doc, section, page를 가진 매핑이어야 합니다.", node, entry_id, "source")
            return None
        unknown = set(raw) - SOURCE_FIELDS
        if unknown:
            self.add(f"source에 알 수 없는 필드가 있습니다: {', '.join(sorted(unknown))}", node, entry_id, "source")
            return None
        if raw.get("doc") not in documents:
            self.add(f"documents에 없는 문서입니다: {raw.get('doc')}", node, entry_id, "source.doc")
            return None
        page = raw.get("page")
        if page is not None and (not isinstance(page, int) or page < 1):
            self.add("page는 1 이상의 정수여야 합니다.", node, entry_id, "source.page")
            return None
        return Source(str(raw["doc"]), str(raw.get("section") or ""), page)
