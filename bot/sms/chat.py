"""What every step of the SMS conversation shares: replies from templates, buttons that belong
to the prompt that showed them, and reading a phone number from a message.

A button inside a flow carries a nonce (`sms:<nonce>:<action>`), renewed each time the flow
shows new buttons; a press whose nonce is not the flow's current one is refused as stale, so an
old "예, 삭제합니다" or another registration's 동의 can never act on what the flow holds now.
Entry points (`sms:reg`, `sms:out`... and `menu:sms`) keep fixed payloads."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from bot.conversation import Button, Keyboard, Reply, Turn
from bot.korean.values import yes_no
from bot.sms.kr_ids import FieldError, parse_mobile
from bot.sms.model import Verification
from bot.templates import render

NAME = "sms"
NONCE_BYTES = 4


def reply(template: str, *, buttons: list[Button] | None = None, keyboard: Keyboard | None = None,
          **context: Any) -> Reply:
    """A reply of the flow; its template knows the keyboard, so it mentions only buttons shown."""
    return Reply(kind="sms", text=render(f"sms_{template}", keyboard=keyboard, **context), buttons=buttons or [],
                 keyboard=keyboard)


def typed_answer(text: str, *, yes: Sequence[str] = (), no: Sequence[str] = ()) -> str:
    """A typed 예/아니요 named as the flows' buttons name it: "yes", "no", or "" for neither.
    The whole message must be the answer (`yes` and `no` add the question's own words)."""
    answer = yes_no(text, yes=yes, no=no, whole=True)
    return "" if answer is None else "yes" if answer else "no"


def contact_keyboard(turn: Turn) -> Keyboard | None:
    """The button sharing one's own number, where the channel has it (not the terminal, not a group)."""
    return "contact" if turn.can_share else None


def private_only(turn: Turn, keyboard: Keyboard | None = None) -> Reply:
    """In a group: a button opening the private chat at /sms, where the channel has such links."""
    link = turn.private_link("sms")
    return reply("private_only", keyboard=keyboard, linked=link is not None,
                 buttons=[Button("1:1 대화에서 열기", url=link)] if link else [])


def flow_buttons(data: dict[str, Any], choices: Sequence[tuple[str, str]]) -> list[Button]:
    """Buttons for (label, action) choices, under a fresh nonce: earlier buttons go stale."""
    nonce = secrets.token_hex(NONCE_BYTES)
    data["nonce"] = nonce
    return [Button(label, f"{NAME}:{nonce}:{action}") for label, action in choices]


def pressed_action(data: dict[str, Any], payload: str) -> str | None:
    """The action of a flow button (payload without the capability's prefix), or None when its
    nonce is not the flow's current one."""
    nonce, _, action = payload.partition(":")
    current = data.get("nonce")
    return action if isinstance(current, str) and action and secrets.compare_digest(nonce, current) else None


def contact_phone(turn: Turn) -> str | None:
    """The sender's own (Telegram-verified) number from a shared contact, if it is a Korean mobile."""
    try:
        return parse_mobile(turn.event.phone or "")
    except FieldError:
        return None


def phone_from(turn: Turn) -> tuple[str, Verification]:
    """The number of a contact (proven) or of a typed line (to be proven by a code)."""
    if turn.event.kind == "contact":
        return parse_mobile(turn.event.phone or ""), "contact"
    if turn.event.kind != "text":
        raise FieldError("휴대전화 번호를 입력하시거나 '연락처 공유' 버튼을 눌러 주세요.")
    return parse_mobile(turn.text), "typed"
