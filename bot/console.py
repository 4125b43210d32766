"""The local terminal chat: the same engine as Telegram, with numbered choices for buttons."""

from __future__ import annotations

import contextlib
import sys

from bot.conversation import Event, Reply
from bot.korean.clock import today
from bot.settings import Settings

PROMPT = "나> "
QUIT = {"/quit", "/exit", "/q", "종료", "나가기"}


def run_console(settings: Settings) -> int:
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing, so Korean input can be corrected)
    from bot.app import build_engine, load_services

    print("조합 도우미를 불러오는 중입니다...", flush=True)
    engine = build_engine(load_services(settings))
    chat_id = "console"
    show(engine.handle(chat_id, Event(kind="command", command="start"), today=today()))
    print("(끝내려면 /quit)")
    buttons: list[str] = []
    while True:
        try:
            line = input(PROMPT)
        except EOFError:
            print()
            return 0
        text = line.strip()
        if text in QUIT:
            print("봇> 이용해 주셔서 감사합니다.")
            return 0
        if text.isdigit() and buttons and 1 <= int(text) <= len(buttons):
            event = Event(kind="button", payload=buttons[int(text) - 1])
        else:
            event = Event.from_text(line)
        reply = engine.handle(chat_id, event, today=today())
        buttons = [b.payload for b in reply.buttons]
        show(reply)


def show(reply: Reply) -> None:
    out = sys.stdout
    body = reply.text.replace("\n", "\n     ")
    out.write(f"봇>  {body}\n")
    if reply.buttons:
        # A suggestion already lists its choices, numbered, in the text.
        if reply.kind != "suggest":
            out.write("     ─ 선택\n")
            for n, button in enumerate(reply.buttons, start=1):
                out.write(f"     {n}) {button.label}\n")
        out.write("     (번호를 입력해 고를 수 있습니다)\n")
    out.flush()
