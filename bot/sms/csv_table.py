"""Staff CSV files as branch offices save them: UTF-8 (with or without BOM), CP949 from Korean
Excel, or UTF-16; Korean or English headers. Whole-file problems raise TableError; problems of
single rows are returned with their line numbers so every one can be reported at once."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.korean.hangul import squash

MAX_FILE_BYTES = 50 * 1024 * 1024


class TableError(ValueError):
    """The file as a whole cannot be read; str() says why, in Korean."""


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.line}행: {self.reason}"


@dataclass(frozen=True)
class Table:
    """Data rows as {field: value} with the line each starts on."""

    rows: list[tuple[int, dict[str, str]]]
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str = "utf-8"


def decode(data: bytes) -> tuple[str, str]:
    """The text of a file and the encoding that read it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise TableError("파일의 글자 인코딩을 알 수 없습니다. UTF-8 또는 CP949(EUC-KR) CSV로 저장해 주세요.")


def read_table(path: Path, columns: Mapping[str, tuple[str, ...]], labels: Mapping[str, str]) -> Table:
    """Read a CSV whose header names each field in `columns` by one of its aliases."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise TableError("파일이 너무 큽니다(50MB 초과). 나누어 올려 주세요.")
        data = path.read_bytes()
    except OSError as exc:
        raise TableError(f"파일을 읽을 수 없습니다: {exc.strerror or exc}") from exc
    return parse_table(data, columns, labels)


def parse_table(data: bytes, columns: Mapping[str, tuple[str, ...]], labels: Mapping[str, str]) -> Table:
    text, encoding = decode(data)
    if not text.strip():
        raise TableError("파일이 비어 있습니다.")
    first_line = text.lstrip("\ufeff").splitlines()[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise TableError(f"머리글 행을 읽을 수 없습니다: {exc}") from exc
    index, ignored = _map_header(header, columns, labels)
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[RowProblem] = []
    last = reader.line_num
    while True:
        start = last + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(RowProblem(start, f"CSV 형식 오류({exc})"))
            break
        last = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            problems.append(RowProblem(start, f"칸이 머리글보다 많습니다({len(cells)}칸, 머리글 {len(header)}칸)."))
            continue
        rows.append((start, {name: cells[i].strip() if i < len(cells) else "" for name, i in index.items()}))
    return Table(rows, problems, ignored, encoding)


def _map_header(header: list[str], columns: Mapping[str, tuple[str, ...]],
                labels: Mapping[str, str]) -> tuple[dict[str, int], list[str]]:
    """Field -> column index; every missing or repeated field is named in one error."""
    wanted = {squash(alias): name for name, aliases in columns.items() for alias in (name, *aliases)}
    index: dict[str, int] = {}
    ignored: list[str] = []
    repeated: list[str] = []
    for i, cell in enumerate(header):
        name = wanted.get(squash(cell))
        if name is None:
            if cell.strip():
                ignored.append(cell.strip())
        elif name in index:
            repeated.append(labels[name])
        else:
            index[name] = i
    missing = [labels[name] for name in columns if name not in index]
    if missing or repeated:
        parts = []
        if missing:
            parts.append("없는 열: " + ", ".join(missing))
        if repeated:
            parts.append("두 번 나온 열: " + ", ".join(repeated))
        expected = ", ".join(labels[name] for name in columns)
        raise TableError(f"머리글이 맞지 않습니다({'; '.join(parts)}). 필요한 열: {expected}")
    return index, ignored
