"""Reading the knowledge folder's YAML files (faq.yaml, lexicon.yaml, known_questions.yaml):
one pass with libyaml when it is there, every problem with its line, and a key written twice in
one mapping is an error rather than the silent "last one wins" of plain YAML loading."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class YamlProblem:
    message: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.line}행: {self.message}" if self.line is not None else self.message


def line_of(node: yaml.Node | None) -> int | None:
    return None if node is None else node.start_mark.line + 1


def read_yaml(path: Path) -> tuple[yaml.Node | None, Any, list[YamlProblem]]:
    """(root node, data, problems): the problems are what stop the file from being read at all
    (missing, not UTF-8, bad syntax, a duplicate key); the caller validates the content."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None, [YamlProblem(f"파일이 없습니다: {path}")]
    except UnicodeDecodeError as exc:
        return None, None, [YamlProblem(f"UTF-8 파일이 아닙니다 ({exc.reason}, {exc.start}바이트째).")]
    except OSError as exc:
        return None, None, [YamlProblem(f"파일을 읽을 수 없습니다: {exc.strerror or exc}")]
    loader = _LOADER(text)
    try:
        root = loader.get_single_node()
        problems = duplicate_keys(root)
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        return None, None, [_syntax_problem(exc)]
    finally:
        loader.dispose()
    return root, data, problems


def duplicate_keys(node: yaml.Node | None) -> list[YamlProblem]:
    """Every key written twice in the same mapping, anywhere in the document."""
    problems: list[YamlProblem] = []
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            first: dict[str, int | None] = {}
            for key, value in current.value:
                name = str(key.value)
                if name in first:
                    problems.append(YamlProblem(f"'{name}' 키가 한 항목에 두 번 있습니다 (처음: {first[name]}행).",
                                                line_of(key)))
                else:
                    first[name] = line_of(key)
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return sorted(problems, key=lambda p: p.line or 0)


def _syntax_problem(exc: yaml.YAMLError) -> YamlProblem:
    mark = getattr(exc, "problem_mark", None)
    context = getattr(exc, "context_mark", None)
    reason = getattr(exc, "problem", None) or str(exc)
    if context is not None and mark is not None and context.line != mark.line:
        # An unclosed quote or bracket is reported where the file ends; say where it began.
        reason += f" ({context.line + 1}행에서 시작한 부분)"
    return YamlProblem(f"YAML 문법 오류: {reason}", None if mark is None else mark.line + 1)
