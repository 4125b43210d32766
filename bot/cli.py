"""The command line (fixed interface, see DESIGN.md): chat, ask, run, kb check, report, the
staff commands of the SMS recipient list (bot.sms.cli), and backup, restore and health for
whoever runs the bot (bot.ops.cli)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.admin import cli as inbox_cli
from bot.conversation import Event, Reply, Shared
from bot.ops import cli as ops_cli
from bot.ops.lock import LockHeld
from bot.ops.logs import configure_logging
from bot.settings import Settings, SettingsError, log_format, log_level
from bot.sms import cli as staff_cli
from bot.sms.directory import BranchDirectory
from bot.sms.registry import RegistryError
from bot.storage.datafile import DataFileError
from bot.storage.faults import EXIT_STORAGE, fault_message, is_storage_error

if TYPE_CHECKING:  # the FAQ (Kiwi) is imported only by the commands that need it
    from bot.faq.live import LiveFaq

Handler = Callable[[argparse.Namespace], int]


def main(argv: list[str] | None = None) -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(log_level(), log_format())
    handler: Handler = getattr(args, "handler", None) or _default
    try:
        code = handler(args)
    except DataFileError as exc:
        print(f"지식 베이스 파일에 문제가 있어 시작할 수 없습니다.\n{exc}", file=sys.stderr)
        code = 2
    except SettingsError as exc:
        print(f"설정 오류: {exc}", file=sys.stderr)
        code = 2
    except RegistryError as exc:  # e.g. a key that is not the database's: restarting will not help
        print(f"시작할 수 없습니다. {exc}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        # `bot ask ... | head`: the reader left; that is not an error of ours.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        code = 0
    except Exception as exc:
        # The database or its key file failing (full disk, read-only, corrupt, key missing):
        # one sentence and its own exit code, never a traceback.
        if not is_storage_error(exc):
            raise
        print(f"저장소 오류: {fault_message(exc, Settings.from_env().db_path)}", file=sys.stderr)
        code = EXIT_STORAGE
    sys.exit(code)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot", description="조합 도우미: 조합원사 업무 안내 봇")
    sub = parser.add_subparsers(dest="command")

    chat = sub.add_parser("chat", help="터미널에서 대화하기 (텔레그램 없이)")
    chat.set_defaults(handler=_chat)

    ask = sub.add_parser("ask", help="메시지 하나(또는 --batch 파일의 줄마다)에 답하기")
    ask.add_argument("message", nargs="?", default="")
    ask.add_argument("--json", action="store_true", help="답을 JSON 한 줄로 출력")
    ask.add_argument("--today", type=_iso_date, help="'오늘'로 볼 날짜 YYYY-MM-DD")
    ask.add_argument("--batch", type=Path, help="한 줄에 메시지 하나씩 담긴 파일")
    ask.add_argument("--chat", help="이어갈 대화 ID (상태는 BOT_DB에 보관)")
    ask.add_argument("--choose", metavar="PAYLOAD", help="버튼 누르기")
    ask.add_argument("--location", type=_lat_lon, metavar="LAT,LON", help="위치 공유")
    ask.add_argument("--contact", metavar="PHONE", help="내 (확인된) 전화번호 공유")
    ask.add_argument("--inline", action="store_true",
                     help="인라인 모드(@봇 질문)의 답들을 JSON 줄로 출력 (대화 상태는 쓰지 않음)")
    ask.set_defaults(handler=_ask)

    run = sub.add_parser("run", help="텔레그램 봇 실행 (TELEGRAM_BOT_TOKEN 필요)")
    run.set_defaults(handler=_run)

    kb = sub.add_parser("kb", help="지식 베이스 관리")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    kb_sub.add_parser("check", help="지식 파일 검사 (faq.yaml, lexicon.yaml, out_of_scope.yaml, ranker.json, 지점·지명 CSV)").set_defaults(handler=_kb_check)
    learned = kb_sub.add_parser("learned", help="받은편지함에서 가르친 다른 질문 표현 (항목별)")
    learned.add_argument("--apply", action="store_true", help="faq.yaml에 옮겨 적기 (주석·배치 유지, 검사 후)")
    learned.set_defaults(handler=_kb_learned)

    report = sub.add_parser("report", help="답하지 못한 질문과 👎 받은 질문 (많은 순); --week: 주간 그림")
    report.add_argument("--limit", type=int, default=20)
    report.add_argument("--week", action="store_true", help="7일간 날짜별 질문 수와 많이 놓친 질문을 PNG로")
    report.add_argument("--end", type=_iso_date, help="주간 그림의 마지막 날 YYYY-MM-DD (기본: 오늘)")
    report.add_argument("--out", type=Path, default=Path("weekly-report.png"), help="PNG 파일 (기본: weekly-report.png)")
    report.set_defaults(handler=_report)

    inbox_cli.register(sub, _live_faq)  # inbox [--json], inbox teach ITEM ENTRY_ID, inbox dismiss ITEM

    # members import, sms list|pending|approve|reject|export|optout|optin|outbox, notices plan
    staff_cli.register(sub, directory=_branch_directory)
    ops_cli.register(sub)  # backup, restore, health
    return parser


def _branch_directory(settings: Settings) -> BranchDirectory:
    """The branch table as the staff commands need it (loaded only by the commands that do)."""
    from bot.app import branch_directory

    return branch_directory(settings.knowledge_dir)


def _default(args: argparse.Namespace) -> int:
    """`bot` alone: Telegram when a token is set, the terminal chat otherwise."""
    if Settings.from_env().telegram_token:
        return _run(args)
    return _chat(args)


# -- ask -----------------------------------------------------------------------------------


def _ask(args: argparse.Namespace) -> int:
    from bot.app import build_engine, load_services

    services = load_services(Settings.from_env())
    engine = build_engine(services)
    today = args.today
    if args.inline:
        for shared in engine.best_answers(args.message, today=today):
            print(json.dumps(_inline_json(shared), ensure_ascii=False), flush=True)
        return 0
    if args.batch is not None:
        try:
            messages: Iterable[str] = args.batch.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            print(f"--batch 파일을 읽을 수 없습니다: {exc}", file=sys.stderr)
            return 2
        events = [Event.from_text(m) for m in messages]
    else:
        events = [_single_event(args)]
    for event in events:
        chat_id = f"ask:{args.chat}" if args.chat else f"ask-once:{uuid.uuid4().hex}"
        reply = engine.handle(chat_id, event, today=today)
        if not args.chat:
            engine.states.save(chat_id, {})
        print(json.dumps(reply.to_json(), ensure_ascii=False) if args.json else _plain(reply), flush=True)
    return 0


def _single_event(args: argparse.Namespace) -> Event:
    if args.choose:
        return Event(kind="button", payload=args.choose)
    if args.location:
        return Event(kind="location", location=args.location)
    if args.contact:
        return Event(kind="contact", phone=args.contact)
    return Event.from_text(args.message)


def _plain(reply: Reply) -> str:
    lines = [reply.text]
    if reply.buttons:
        lines.append("")
        lines.extend(f"  [{b.url or b.payload}] {b.label}" for b in reply.buttons)
    return "\n".join(lines)


def _inline_json(shared: Shared) -> dict[str, object]:
    """One inline result as `bot ask --inline` prints it: what Telegram would list and send."""
    return {"id": shared.id, "title": shared.title, "kind": shared.reply.kind, "text": shared.reply.text}


# -- chat ----------------------------------------------------------------------------------


def _chat(args: argparse.Namespace) -> int:
    from bot.console import run_console

    return run_console(Settings.from_env())


# -- run -----------------------------------------------------------------------------------


def _run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if not settings.telegram_token:
        print("TELEGRAM_BOT_TOKEN이 설정되지 않았습니다. 터미널 대화는 `bot chat`으로 실행해 주세요.", file=sys.stderr)
        return 2
    try:
        from bot.telegram_app import run_bot
    except ImportError:
        print("텔레그램 연결 모듈이 아직 없습니다.", file=sys.stderr)
        return 2
    try:
        run_bot(settings)
    except LockHeld as held:
        print(f"이 데이터베이스({settings.db_path})로 이미 봇이 실행 중입니다({held.holder}).", file=sys.stderr)
        return 1
    return 0


# -- kb, report ------------------------------------------------------------------------------


def _kb_check(args: argparse.Namespace) -> int:
    from bot.app import check_knowledge_files, faq_actions
    from bot.faq.corrections import correction_problems
    from bot.faq.knowledge import load_knowledge
    settings = Settings.from_env()
    folder = settings.knowledge_dir
    checked = check_knowledge_files(folder)
    problems, counts = list(checked.problems), checked.counts
    if not problems:
        kb = load_knowledge(folder / "faq.yaml", actions=faq_actions())
        documents = {key: doc.file for key, doc in kb.documents.items()}
        problems += [f"corrections.yaml: {p}" for p in correction_problems(folder / "corrections.yaml", documents, settings.seeds_dir)]
        if not problems:
            print(f"이상 없음: 항목 {len(kb.entries)}개, 분류 {len(kb.categories)}개, 문서 {len(kb.documents)}개;"
                  f" 지점 {counts['branches.csv']}곳, 지명 {counts['places.csv']}개.")
            return 0
    print(f"문제 {len(problems)}건:")
    for problem in problems:
        print(f"  - {problem}")
    return 1


def _kb_learned(args: argparse.Namespace) -> int:
    from bot.faq.learned import plan_lines, review_learned

    live = _live_faq(Settings.from_env())
    plan = review_learned(live, apply=args.apply)
    questions = {e.id: e.question for e in live.base.kb.entries}
    for line in plan_lines(plan, questions, applied=args.apply):
        print(line)
    if args.apply and plan.write:
        print()
        return _kb_check(args)  # what was written must pass the same check as any edit
    return 0


def _report(args: argparse.Namespace) -> int:
    from bot.admin.report import render_report
    from bot.storage import open_db
    from bot.storage.feedback import FeedbackStore

    settings = Settings.from_env()
    if args.week:
        line = inbox_cli.write_week(settings.db_path, args.end, args.out)
        print(f"주간 그림을 {args.out}에 저장했습니다. {line}")
        return 0
    store = FeedbackStore(open_db(settings.db_path))
    print(render_report(store.report(args.limit)))
    return 0


def _live_faq(settings: Settings) -> LiveFaq:
    """The FAQ as a running bot on BOT_DB has it (with its taught alternates)."""
    from bot.app import build_live_faq, load_services

    return build_live_faq(load_services(settings))


# -- argument types ------------------------------------------------------------------------


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"날짜는 YYYY-MM-DD 형식으로 입력해 주세요: {text}") from exc


def _lat_lon(text: str) -> tuple[float, float]:
    try:
        lat, lon = (float(part) for part in text.split(","))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"위치는 위도,경도 형식으로 입력해 주세요: {text}") from exc
    return lat, lon
