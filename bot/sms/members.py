"""Importing the member list (조합원 명단) from a staff CSV: every row is checked first, and the
list is stored only when all rows are good, so a half-imported list never exists. A row's 지점
must be one of the cooperative's branches (the directory bot.app passes in), stored as the
branch's own name; a 상호 a spreadsheet would read as a formula is refused."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.korean.hangul import josa
from bot.sms.csv_table import RowProblem, Table, TableError, read_table
from bot.sms.directory import BranchDirectory
from bot.sms.kr_ids import FieldError, clean_text, parse_brn, parse_member_no, parse_mobile, parse_person_name
from bot.sms.registry import ImportCounts, Member, Registry
from bot.storage.csv_files import FORMULA_STARTS

COLUMNS: dict[str, tuple[str, ...]] = {
    "member_no": ("조합원번호", "회원번호", "member_number"),
    "brn": ("사업자등록번호", "사업자번호", "business_number", "business_registration_number"),
    "company": ("상호", "회사명", "업체명", "상호명", "company_name"),
    "ceo_name": ("대표자", "대표자명", "대표자성명", "대표이사", "대표이사명", "ceo"),
    "ceo_mobile": ("대표자휴대폰", "대표자휴대전화", "대표자핸드폰", "대표이사휴대폰", "대표이사휴대전화",
                   "휴대폰", "휴대전화", "핸드폰", "mobile", "ceo_phone"),
    "branch": ("지점", "관할지점", "지점명", "branch_name"),
}
LABELS = {
    "member_no": "조합원번호", "brn": "사업자등록번호", "company": "상호", "ceo_name": "대표자명",
    "ceo_mobile": "대표자휴대폰", "branch": "지점",
}


@dataclass(frozen=True)
class ImportReport:
    """What an import did, or every reason it did nothing."""

    problems: list[RowProblem] = field(default_factory=list)
    counts: ImportCounts | None = None
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str = ""
    file_error: str = ""

    @property
    def ok(self) -> bool:
        return self.counts is not None


def not_formula(value: str, what: str) -> str:
    """Text that goes into SMS texts and staff spreadsheets, refused when it starts like a formula."""
    if value.startswith(FORMULA_STARTS):
        raise FieldError(f"{josa(what, '은/는')} =, +, -, @로 시작할 수 없습니다(엑셀이 수식으로 읽습니다).")
    return value


def parse_branch(value: str, directory: BranchDirectory) -> str:
    """One of the cooperative's branches, as it names itself ("성남" -> "성남지점")."""
    name = clean_text(value, "지점", 50)
    found = directory.find(name)
    if found is None:
        raise FieldError(f"'{name}'{josa(name, '은/는')[len(name):]} 조합의 {len(directory)}개 지점에 없습니다."
                         " 지점 이름을 확인해 주세요(예: 성남 또는 성남지점).")
    return found.title


def parse_member(values: dict[str, str], directory: BranchDirectory) -> Member:
    """One row's fields checked and normalised; FieldError lists every bad field of the row."""
    parsers: dict[str, Callable[[str], str]] = {
        "member_no": parse_member_no,
        "brn": parse_brn,
        "company": lambda v: not_formula(clean_text(v, "상호"), "상호"),
        "ceo_name": lambda v: parse_person_name(v, "대표자명"),
        "ceo_mobile": parse_mobile,
        "branch": lambda v: parse_branch(v, directory),
    }
    good: dict[str, str] = {}
    reasons: list[str] = []
    for name, parse in parsers.items():
        try:
            good[name] = parse(values[name])
        except FieldError as exc:
            label = LABELS[name]
            reasons.append(str(exc) if str(exc).startswith(label) else f"{label}: {exc}")
    if reasons:
        raise FieldError(" / ".join(reasons))
    return Member(**good)


def check_members(table: Table, registry: Registry, directory: BranchDirectory) -> tuple[list[Member], list[RowProblem]]:
    """Every row checked, with duplicates in the file and numbers taken by another member."""
    members: list[Member] = []
    problems = list(table.problems)
    seen_no: dict[str, int] = {}
    seen_brn: dict[str, int] = {}
    for line, values in table.rows:
        try:
            member = parse_member(values, directory)
        except FieldError as exc:
            problems.append(RowProblem(line, str(exc)))
            continue
        reason = _duplicate(member, line, seen_no, seen_brn, registry)
        if reason:
            problems.append(RowProblem(line, reason))
            continue
        seen_no[member.member_no] = seen_brn[member.brn] = line
        members.append(member)
    return members, sorted(problems, key=lambda p: p.line)


def _duplicate(member: Member, line: int, seen_no: dict[str, int], seen_brn: dict[str, int],
               registry: Registry) -> str:
    if member.member_no in seen_no:
        return f"조합원번호 {josa(member.member_no, '이/가')} {seen_no[member.member_no]}행과 겹칩니다."
    if member.brn in seen_brn:
        return f"사업자등록번호가 {seen_brn[member.brn]}행과 겹칩니다."
    holder = registry.member_by_brn(member.brn)
    if holder is not None and holder.member_no != member.member_no:
        return f"사업자등록번호가 이미 다른 조합원(조합원번호 {holder.member_no})에게 등록되어 있습니다."
    return ""


def import_members(registry: Registry, path: Path, directory: BranchDirectory, actor: str = "staff") -> ImportReport:
    """Check the whole file, then store all of it or none of it."""
    try:
        table = read_table(path, COLUMNS, LABELS)
    except TableError as exc:
        return ImportReport(file_error=str(exc))
    if not table.rows and not table.problems:
        return ImportReport(file_error="머리글만 있고 조합원 행이 없습니다.")
    members, problems = check_members(table, registry, directory)
    if problems:
        return ImportReport(problems, None, table.ignored_columns, table.encoding)
    try:
        counts = registry.import_members(members, actor)
    except sqlite3.IntegrityError:
        # Two members trading business numbers in one file: the store refuses, nothing changes.
        return ImportReport(file_error="사업자등록번호가 기존 조합원과 겹쳐 가져오지 않았습니다. 파일을 확인해 주세요.")
    return ImportReport([], counts, table.ignored_columns, table.encoding)
