"""The local terminal chat: the same engine as Telegram, with numbered choices for buttons. The
terminal has no buttons to share a location or a contact, so the engine is told so and its
replies say what to type instead; long lines are wrapped at the terminal's width, never inside
a date."""

from __future__ import annotations

import contextlib
import re
import shutil
import sys
import unicodedata

from bot.conversation import Event, Reply
from bot.settings import Settings

PROMPT = "나> "
QUIT = {"/quit", "/exit", "/q", "종료", "나가기"}
INDENT = "     "
# Phrases a line is never broken inside: "2026년 11월 13일(금)", "12월 10일", "1억 5천만원".
_UNBREAKABLE = re.compile(r"\d{4}년 \d{1,2}월 \d{1,2}일(?:\([월화수목금토일]\))?|\d{1,2}월 \d{1,2}일(?:\([월화수목금토일]\))?"
                          r"|\d+억 \d+천만원")
_GLUE = "\u00a0"  # stands for a space inside an unbreakable phrase while wrapping
_LIST_ITEM = re.compile(r"^(?:- |\d+\. |\s+)")


def run_console(settings: Settings) -> int:
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing, so Korean input can be corrected)
    from bot.app import build_engine, load_services

    print("조합 도우미를 불러오는 중입니다...", flush=True)
    engine = build_engine(load_services(settings))
    chat_id = "console"
    show(engine.handle(chat_id, Event(kind="command", command="start"), can_share=False))
    print("(끝내려면 /quit)")
    while True:
        try:
            line = input(PROMPT)
        except EOFError:
            print()
            return 0
        if line.strip() in QUIT:
            print("봇> 이용해 주셔서 감사합니다.")
            return 0
        # A number typed for a choice is read by the engine, as in every channel.
        show(engine.handle(chat_id, Event.from_text(line), can_share=False))


def show(reply: Reply, width: int | None = None) -> None:
    out = sys.stdout
    columns = width or shutil.get_terminal_size((80, 24)).columns
    lines = [piece for line in reply.text.split("\n") for piece in wrap(line, columns - len(INDENT))]
    out.write("봇>  " + ("\n" + INDENT).join(lines) + "\n")
    if reply.buttons:
        # A suggestion already lists its choices, numbered, in the text.
        if reply.kind != "suggest":
            out.write(f"{INDENT}─ 선택\n")
            for n, button in enumerate(reply.buttons, start=1):
                target = f" ({button.url})" if button.url else ""
                out.write(f"{INDENT}{n}) {button.label}{target}\n")
        out.write(f"{INDENT}(번호를 입력해 고를 수 있습니다)\n")
    out.flush()


def wrap(line: str, width: int) -> list[str]:
    """A line cut at spaces into pieces at most `width` columns wide (Hangul takes two), never
    inside a date or an amount; a word longer than the width stands on its own line. The rest of
    a list item ("- ...", "1. ...") is indented under its text."""
    glued = _UNBREAKABLE.sub(lambda m: m.group(0).replace(" ", _GLUE), line)
    marker = _LIST_ITEM.match(glued)
    hanging = " " * len(marker.group(0)) if marker else ""
    pieces: list[str] = []
    current = ""
    for word in glued.split(" "):
        candidate = f"{current} {word}" if current else word
        if current.strip() and display_width(candidate) > width:
            pieces.append(current)
            current = hanging + word
        else:
            current = candidate
    pieces.append(current)
    return [piece.replace(_GLUE, " ") for piece in pieces]


def display_width(text: str) -> int:
    """Columns a terminal gives the text: two for wide characters (Hangul, CJK), one otherwise."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
