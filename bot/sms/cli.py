"""Staff commands for branch offices: `bot members import`, `bot sms list|pending|approve|reject|
export|optout|optin|outbox` and `bot notices plan`. Lists show numbers masked; only the gateway
files (export, outbox, plan --out) hold full numbers, and they are written readable by their
owner only, whole or not at all (bot.storage.csv_files).

The branch directory (member lists may name only the cooperative's branches, and messages give
a branch's phone) comes from bot.app through `register`, so this domain never imports the branch
finder."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from bot.korean.clock import Clock
from bot.korean.hangul import josa
from bot.korean.phones import redact
from bot.settings import Settings
from bot.sms.csv_table import TableError
from bot.sms.directory import BranchDirectory
from bot.sms.format import format_change, format_pending, format_recipients
from bot.sms.kr_ids import FieldError, national, parse_member_no, parse_mobile
from bot.sms.members import ImportReport, import_members
from bot.sms.notices import Plan, plan_day, read_guarantees
from bot.sms.outbox import Message
from bot.sms.registry import Registry, RegistryError, Requester
from bot.sms.service import DEFAULT_COOPERATIVE, RecipientService
from bot.storage import open_db
from bot.storage.csv_files import write_private_csv
from rules.errors import RuleInputError

ENCODINGS = ("utf-8-sig", "utf-8", "cp949")
DirectoryFactory = Callable[[Settings], BranchDirectory]
# The gateway files' columns (the README's staff section lists them too).
EXPORT_COLUMNS = ["조합원번호", "상호", "구분", "이름", "휴대전화", "verified_by"]
PLAN_COLUMNS = ["발송일", "보증번호", "조합원번호", "상호", "수신자", "구분", "휴대전화", "문자내용"]
OUTBOX_COLUMNS = ["종류", "조합원번호", "휴대전화", "문자내용"]


def register(sub: Any, directory: DirectoryFactory) -> None:
    """Add the members, sms and notices sub-commands to `bot`."""
    members = sub.add_parser("members", help="조합원 명단 관리").add_subparsers(dest="members_command", required=True)
    imp = members.add_parser("import", help="조합원 명단 CSV 가져오기 (잘못된 행이 하나라도 있으면 하나도 넣지 않음)")
    imp.add_argument("file", type=Path)
    imp.set_defaults(handler=members_import, directory=directory)

    sms = sub.add_parser("sms", help="보증해제 안내 문자 수신자 관리").add_subparsers(dest="sms_command", required=True)
    listing = sms.add_parser("list", help="수신자 목록 (번호는 가려서)")
    listing.add_argument("--member", help="조합원번호")
    listing.add_argument("--all", action="store_true", help="승인 대기·수신거부·삭제된 번호도 보이기")
    listing.set_defaults(handler=sms_list)
    pending = sms.add_parser("pending", help="승인을 기다리는 등록 요청 (번호는 가려서)")
    pending.add_argument("--member", help="조합원번호")
    pending.set_defaults(handler=sms_pending)
    for name, what in (("approve", "회사에 전화로 확인한 뒤 등록 요청 승인 (번호 확인도 겸함)"),
                       ("reject", "등록 요청 거절 (요청의 개인정보는 지움)")):
        decide = sms.add_parser(name, help=what)
        decide.add_argument("phone", help="휴대전화 번호")
        decide.add_argument("--member", required=True, help="조합원번호")
        decide.set_defaults(handler=sms_decide, action=name, directory=directory)
    export = sms.add_parser("export", help="문자 발송용 수신자 파일 (전체 번호, 승인·확인된 번호만)")
    export.add_argument("file", type=Path)
    export.add_argument("--encoding", choices=ENCODINGS, default="utf-8-sig")
    export.set_defaults(handler=sms_export)
    for name, what in (("optout", "수신거부 등록"), ("optin", "수신 재개")):
        change = sms.add_parser(name, help=f"조합원사의 전화 요청으로 {what}")
        change.add_argument("phone", help="휴대전화 번호")
        change.add_argument("--member", required=True, help="조합원번호")
        change.set_defaults(handler=sms_change, action=name, directory=directory)
    outbox = sms.add_parser("outbox", help="보낼 문자(확인 코드, 회사 안내)를 문자 발송 파일로 (한 번씩만)")
    outbox.add_argument("--out", required=True, type=Path, help="발송 파일")
    outbox.add_argument("--encoding", choices=ENCODINGS, default="utf-8-sig")
    outbox.set_defaults(handler=sms_outbox, directory=directory)

    notices = sub.add_parser("notices", help="보증해제 안내 문자 발송 계획").add_subparsers(
        dest="notices_command", required=True)
    plan = notices.add_parser("plan", help="그날 보낼 보증해제 안내 문자 목록")
    plan.add_argument("--date", required=True, type=_date, help="발송일 YYYY-MM-DD")
    plan.add_argument("--guarantees", required=True, type=Path, help="보증 CSV (보증번호, 조합원번호, 보증종류, 보증금액, 보증종료일)")
    plan.add_argument("--out", type=Path, help="발송 파일 (전체 번호와 문자 내용)")
    plan.add_argument("--encoding", choices=ENCODINGS, default="utf-8-sig")
    plan.add_argument("--cooperative", default=DEFAULT_COOPERATIVE, help="문자 머리에 쓸 조합 이름")
    plan.set_defaults(handler=notices_plan, directory=directory)


def _registry(settings: Settings) -> Registry:
    return Registry(open_db(settings.db_path), key=settings.sms_key, clock=Clock(settings.now).now)


def _service(args: argparse.Namespace) -> RecipientService:
    settings = Settings.from_env()
    return RecipientService(_registry(settings), args.directory(settings))


def _fail(message: str, code: int = 2) -> int:
    print(message, file=sys.stderr)
    return code


# -- members -------------------------------------------------------------------------------


def members_import(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    try:
        report = import_members(_registry(settings), args.file, args.directory(settings))
    except RegistryError as exc:
        return _fail(str(exc))
    print(format_import(report))
    if report.file_error:
        return 2
    return 0 if report.ok else 1


def format_import(report: ImportReport) -> str:
    if report.file_error:
        return f"가져오지 않았습니다: {report.file_error}"
    lines: list[str] = []
    if report.counts is None:
        lines.append(f"가져오지 않았습니다. 잘못된 행 {len(report.problems)}개를 고친 뒤 다시 가져와 주세요.")
        lines += [f"  {p}" for p in report.problems]
    else:
        c = report.counts
        lines.append(f"조합원 명단을 가져왔습니다: 새로 추가 {c.added}, 변경 {c.updated}, 그대로 {c.unchanged}"
                     f" (인코딩 {report.encoding}).")
        if c.retired:
            lines.append(f"대표자가 바뀐 조합원사의 이전 대표자 수신 정보 {c.retired}건을 지웠습니다.")
    if report.ignored_columns:
        lines.append("쓰지 않은 열: " + ", ".join(redact(c) for c in report.ignored_columns))
    return "\n".join(lines)


# -- sms -----------------------------------------------------------------------------------


def sms_list(args: argparse.Namespace) -> int:
    try:
        member = parse_member_no(args.member) if args.member else None
    except FieldError as exc:
        return _fail(str(exc))
    entries = _registry(Settings.from_env()).list_recipients(member, include_inactive=args.all)
    print(format_recipients(entries))
    return 0


def sms_pending(args: argparse.Namespace) -> int:
    try:
        member = parse_member_no(args.member) if args.member else None
    except FieldError as exc:
        return _fail(str(exc))
    print(format_pending(_registry(Settings.from_env()).pending(member)))
    return 0


def sms_decide(args: argparse.Namespace) -> int:
    """approve or reject PHONE --member N, after the branch called the company."""
    try:
        phone, member_no = parse_mobile(args.phone), parse_member_no(args.member)
    except FieldError as exc:
        return _fail(str(exc))
    service = _service(args)
    if service.registry.get_member(member_no) is None:
        return _fail(f"조합원 명단에 없는 조합원번호입니다: {member_no}")
    decision = service.decide_number(args.action == "approve", phone, member_no, Requester.branch_staff())
    entry = decision.entry
    if decision.verdict == "approved" and entry is not None:
        print(f"승인했습니다: {entry.company} {entry.role} {entry.name} {entry.masked}"
              " (회사 대표이사님께 안내 문자를 보낼 목록에 넣었습니다).")
        return 0
    if decision.verdict == "rejected" and entry is not None:
        print(f"거절했습니다: {entry.company} {entry.role} {entry.masked} (요청의 이름과 번호는 지웠습니다).")
        return 0
    if decision.verdict == "none":
        print(f"조합원번호 {member_no}에 이 번호로 승인을 기다리는 요청이 없습니다. 바뀐 것이 없습니다.")
        return 1
    # Settled by someone else between the look-up and the decision.
    return _fail(decision.reason or "이미 처리된 요청입니다. 바뀐 것이 없습니다.", 1)


def sms_export(args: argparse.Namespace) -> int:
    entries = _registry(Settings.from_env()).active_recipients()
    rows = [[e.member_no, e.company, e.role, e.name or "", national(e.phone or ""), e.verification] for e in entries]
    if not _write(args.file, EXPORT_COLUMNS, rows, args.encoding):
        return 2
    print(f"수신자 {len(rows)}명을 {args.file}에 저장했습니다 (승인·번호 확인이 끝난 번호만, 수신거부·삭제 제외).")
    return 0


def sms_change(args: argparse.Namespace) -> int:
    try:
        phone = parse_mobile(args.phone)
        member_no = parse_member_no(args.member)
    except FieldError as exc:
        return _fail(str(exc))
    service = _service(args)
    if service.registry.get_member(member_no) is None:
        return _fail(f"조합원 명단에 없는 조합원번호입니다: {member_no}")
    change = service.change("opt_out" if args.action == "optout" else "opt_in", phone, Requester.branch_staff(),
                            member_no)
    print(format_change(args.action, change))
    return 0 if change.changed or change.unchanged else 1


def sms_outbox(args: argparse.Namespace) -> int:
    """The messages waiting to be sent, each handed to the gateway file once."""
    service = _service(args)

    def write(messages: Sequence[Message]) -> None:
        rows = [[m.label, m.member_no, national(m.phone), m.text] for m in messages]
        write_private_csv(args.out, OUTBOX_COLUMNS, rows, args.encoding)

    try:
        count = service.outbox.hand_over(write)
    except UnicodeEncodeError:
        return _fail(f"{args.encoding}로 쓸 수 없는 글자가 있습니다. --encoding utf-8-sig로 다시 실행해 주세요."
                     " 보낼 문자는 그대로 남아 있습니다.")
    except OSError as exc:
        return _fail(f"파일을 쓸 수 없습니다: {exc.strerror or exc}. 보낼 문자는 그대로 남아 있습니다.")
    if not count:
        print("보낼 문자가 없습니다. 파일은 만들지 않았습니다.")
        return 0
    print(f"보낼 문자 {count}통을 {args.out}에 저장했습니다. 문자 발송 시스템으로 보내 주세요"
          " (같은 문자는 다시 나오지 않습니다).")
    return 0


# -- notices -------------------------------------------------------------------------------


def notices_plan(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    try:
        table = read_guarantees(args.guarantees)
    except TableError as exc:
        return _fail(f"보증 파일을 쓸 수 없습니다: {exc}")
    registry = _registry(settings)
    try:
        plan = plan_day(table, args.date, registry.get_member, registry.active_recipients,
                        args.directory(settings), args.cooperative)
        summary = format_plan(plan, args.out)
    except RuleInputError as exc:
        return _fail(exc.message)
    if args.out is not None:
        rows = [[n.send_date.isoformat(), n.guarantee.guarantee_no, n.guarantee.member_no, n.company,
                 n.recipient.name or "", n.recipient.role, national(n.recipient.phone or ""), n.text]
                for n in plan.notices]
        if not _write(args.out, PLAN_COLUMNS, rows, args.encoding):
            return 2
    print(summary)
    return 1 if plan.problems else 0


def format_plan(plan: Plan, out: Path | None) -> str:
    day = plan.send_date.isoformat()
    lines = [f"{day} 보증해제 안내 문자 발송 계획"]
    if not plan.business_day:
        lines.append(f"{josa(day, '은/는')} 영업일이 아니어서 보낼 문자가 없습니다(전 영업일에 미리 보냅니다).")
    lines.append(f"- 읽은 행 {plan.rows}, 잘못된 행 {len(plan.problems)}, 대상 아님(입찰·하자·1천만원 미만)"
                 f" {plan.not_eligible}, 다른 날 발송 {plan.other_days}")
    lines.append(f"- 이날 발송할 보증 {plan.guarantees}건, 문자 {len(plan.notices)}통")
    if plan.without_recipients:
        lines.append(f"- 받을 사람이 없는 보증 {len(plan.without_recipients)}건: "
                     + ", ".join(plan.without_recipients))
    if plan.problems:
        lines.append("잘못된 행 (이 행들은 빼고 계획했습니다):")
        lines += [f"  {p}" for p in plan.problems]
    if out is not None:
        lines.append(f"발송 파일: {out}")
    elif plan.notices:
        lines.append("보낼 문자 (전체 번호와 문자 내용은 --out 파일로 받아 주세요):")
        lines += [f"  {n.guarantee.guarantee_no} {n.company} {n.recipient.role} {n.recipient.masked}"
                  for n in plan.notices]
    return "\n".join(lines)


# -- files and arguments -------------------------------------------------------------------


def _write(path: Path, header: list[str], rows: Iterable[list[str]], encoding: str) -> bool:
    """Full numbers leave the database only in files no other user of the machine can read; a
    failed write leaves an earlier file as it was."""
    try:
        write_private_csv(path, header, rows, encoding)
    except UnicodeEncodeError:
        print(f"{encoding}로 쓸 수 없는 글자가 있습니다. --encoding utf-8-sig로 다시 실행해 주세요"
              " (이전 파일은 그대로 두었습니다).", file=sys.stderr)
        return False
    except OSError as exc:
        print(f"파일을 쓸 수 없습니다: {exc.strerror or exc} (이전 파일은 그대로 두었습니다).", file=sys.stderr)
        return False
    return True


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"날짜는 YYYY-MM-DD 형식으로 입력해 주세요: {text}") from exc
