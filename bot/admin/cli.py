"""The staff inbox on the command line (`bot inbox`, `bot inbox teach`, `bot inbox dismiss`) and
the weekly picture (`bot report --week`). Listing, dismissing and drawing read only the database;
teaching needs the FAQ, which the caller builds (bot.cli passes `faq_for`)."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from collections.abc import Callable
from pathlib import Path

from bot.admin.chart import draw_week
from bot.admin.inbox import InboxStore, Status
from bot.admin.outcomes import OutcomeStore
from bot.admin.render import STATUSES, inbox_list, lesson_text
from bot.admin.teaching import FaqForStaff
from bot.admin.weekly import summary, week_picture
from bot.korean.clock import today
from bot.korean.hangul import josa
from bot.settings import Settings
from bot.storage import open_db

FaqFor = Callable[[Settings], FaqForStaff]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], faq_for: FaqFor) -> None:
    inbox = sub.add_parser("inbox", help="봇이 놓친 질문 받은편지함 (많은 순)")
    inbox.add_argument("--json", action="store_true", help="한 줄에 JSON 객체 하나")
    inbox.add_argument("--all", action="store_true", help="가르쳤거나 안내자료에 없음으로 표시한 것도")
    inbox.set_defaults(handler=_list)
    actions = inbox.add_subparsers(dest="inbox_command")
    teach = actions.add_parser("teach", help="ITEM 질문을 ENTRY_ID 항목의 다른 질문 표현으로 가르치기")
    teach.add_argument("item", type=int)
    teach.add_argument("entry_id")
    teach.set_defaults(handler=lambda args: _teach(args, faq_for))
    dismiss = actions.add_parser("dismiss", help="ITEM 질문을 안내자료에 없는 질문으로 표시")
    dismiss.add_argument("item", type=int)
    dismiss.set_defaults(handler=_dismiss)


def _list(args: argparse.Namespace) -> int:
    store = InboxStore(open_db(Settings.from_env().db_path))
    statuses: tuple[Status, ...] = ("open", "taught", "dismissed") if args.all else ("open",)
    items = store.items(statuses)
    if args.json:
        for item in items:
            print(json.dumps(item.to_json(), ensure_ascii=False))
        return 0
    print(inbox_list(items, len(items)).replace("번호를 누르면", "`bot inbox teach 번호(#) 항목ID`로"))
    if args.all:
        for item in items:
            if item.status != "open":
                print(f"  #{item.id}: {STATUSES[item.status]}" + (f" → {item.entry_id}" if item.entry_id else ""))
    return 0


def _teach(args: argparse.Namespace, faq_for: FaqFor) -> int:
    settings = Settings.from_env()
    store = InboxStore(open_db(settings.db_path))
    item = store.item(args.item)
    if item is None:
        print(f"받은편지함에 #{args.item} 질문이 없습니다. `bot inbox --all`로 번호를 확인해 주세요.", file=sys.stderr)
        return 1
    faq = faq_for(settings)
    entry = faq.entry(args.entry_id)
    if entry is None:
        print(f"'{args.entry_id}' 항목이 지식 베이스에 없습니다.", file=sys.stderr)
        return 1
    by = f"cli:{_login()}"
    lesson = faq.teach(entry.id, [item.question, *item.phrasings[:4]], by)
    if not lesson.taught:
        print(f"가르치지 않았습니다. {lesson.reason}", file=sys.stderr)
        return 1
    store.resolve(item.id, "taught", by, entry.id)
    print(lesson_text(item, entry, lesson.outright))
    print("실행 중인 봇(bot run)도 다음 메시지부터 이 답을 합니다.")
    return 0


def _dismiss(args: argparse.Namespace) -> int:
    store = InboxStore(open_db(Settings.from_env().db_path))
    if not store.resolve(args.item, "dismissed", f"cli:{_login()}"):
        print(f"받은편지함에 #{args.item} 질문이 없습니다.", file=sys.stderr)
        return 1
    print(f"{josa(f'#{args.item}', '을/를')} 안내자료에 없는 질문으로 표시했습니다. 받은편지함에 다시 나오지 않습니다.")
    return 0


def write_week(db_path: Path, end: dt.date | None, out: Path) -> str:
    """`bot report --week`: the PNG for the seven days ending `end` (today); its summary line."""
    db = open_db(db_path)
    week = week_picture(OutcomeStore(db), InboxStore(db), end or today())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(draw_week(week))
    return summary(week)


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return "unknown"
