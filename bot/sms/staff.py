"""The admins' /sms commands in chat (BOT_ADMIN_IDS): the masked list, and opt-out or opt-in
of a number on a member's phoned request, recorded under the admin's id."""

from __future__ import annotations

from bot.conversation import Reply, Turn
from bot.sms.format import format_change, format_recipients
from bot.sms.kr_ids import FieldError, parse_member_no, parse_mobile
from bot.sms.registry import Registry, Requester
from bot.templates import render

MAX_CHARS = 3500  # one Telegram message holds 4096, and the list gets a closing line
ALL_WORDS = ("all", "전체")


def reply(registry: Registry, turn: Turn, word: str, args: list[str]) -> Reply:
    """/sms list [member] [all], /sms optout|optin PHONE MEMBER."""
    if not turn.event.is_admin:
        return Reply(kind="sms", text=render("sms_staff_only"))
    if turn.chat_type != "private":
        return Reply(kind="sms", text=render("sms_private_only"))
    if word in ("list", "목록"):
        include = any(a.lower() in ALL_WORDS for a in args)
        member = next((a for a in args if a.lower() not in ALL_WORDS), None)
        return Reply(kind="sms", text=listing(registry, member, include_inactive=include))
    if len(args) < 2:
        return Reply(kind="sms", text=render("sms_staff_usage"))
    # The member number comes last, so a number typed with spaces still reads as one.
    phone, member = " ".join(args[:-1]), args[-1]
    return Reply(kind="sms", text=change(registry, word, phone, member, Requester.admin(turn.event.user_id)))


def listing(registry: Registry, member: str | None = None, *, include_inactive: bool = False) -> str:
    """The masked recipient list, cut to fit one Telegram message."""
    try:
        member_no = parse_member_no(member) if member else None
    except FieldError as exc:
        return str(exc)
    lines = format_recipients(registry.list_recipients(member_no, include_inactive=include_inactive)).splitlines()
    shown: list[str] = []
    for line in lines:
        if sum(len(s) + 1 for s in shown) + len(line) > MAX_CHARS:
            shown.append(f"… 외 {len(lines) - len(shown)}명 (전체 목록은 `bot sms list`)")
            break
        shown.append(line)
    return "\n".join(shown)


def change(registry: Registry, word: str, phone_text: str, member_text: str, requester: Requester) -> str:
    """Opt a number out ("optout") or in ("optin") for one member."""
    try:
        phone, member_no = parse_mobile(phone_text), parse_member_no(member_text)
    except FieldError as exc:
        return str(exc)
    if registry.get_member(member_no) is None:
        return f"조합원 명단에 없는 조합원번호입니다: {member_no}"
    act = registry.opt_out if word == "optout" else registry.opt_in
    return format_change(word, act(phone, requester, member_no))
