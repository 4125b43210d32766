"""The one error type for a knowledge file the bot cannot use (faq.yaml, branches.csv,
places.csv...), so every command refuses to start the same way: politely, naming each line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class DataFileError(ValueError):
    """A data file is unusable; `problems` lists every reason, each with its line."""

    problems: Sequence[object]


class OneProblem(DataFileError):
    """A data file unusable for one reason, said in full by the message."""

    def __init__(self, message: str) -> None:
        self.problems = [message]
        super().__init__(message)


class ListedProblems(DataFileError):
    """A data file's problems listed under one line naming the file and what it holds."""

    #: What the file holds, as the first line says it ("지식 베이스", "단어 목록").
    holds = "파일"

    def __init__(self, path: Path, problems: Sequence[object]) -> None:
        self.path = path
        self.problems = problems
        listing = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{path}: {self.holds}에 문제가 {len(problems)}건 있습니다.\n{listing}")
