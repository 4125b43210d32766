"""The engine's Reply as Telegram messages: small pure helpers, no I/O.

Text is plain in a Reply; here it becomes HTML with every character of it escaped (user text
included), the first line bold and the source line in italics, cut into pieces that fit one
message. Buttons become an inline keyboard (with a 👍/👎 row under FAQ answers; a link button
opens its URL; a follow-on button's data is marked so its reply comes as a new message);
`keyboard` becomes a reply keyboard with the location or contact button, or takes it away.
Inline mode's answers become articles to share."""

from __future__ import annotations

import dataclasses
import html
import logging
from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import CallbackQueryLimit, InlineKeyboardButtonLimit, MessageLimit, ParseMode

from bot.conversation import Button, Keyboard, Reply, Shared, Venue
from bot.korean.hangul import clip

log = logging.getLogger(__name__)

MAX_MESSAGE = int(MessageLimit.MAX_TEXT_LENGTH)  # 4096
MAX_CALLBACK_DATA = int(InlineKeyboardButtonLimit.MAX_CALLBACK_DATA)  # 64 bytes
MAX_TOAST = int(CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH)  # 200
MAX_VENUES = 5  # more pins than this is a list to read, not a map
GROUP_VENUES = 1  # in a group, pins for everyone to scroll past: the nearest one at most
MAX_RESULT_ID = 64  # bytes of an inline result's id
MAX_DESCRIPTION = 100  # characters of an inline result's second line
SHORT_LABEL = 12  # labels up to this long sit two to a row
SOURCE_PREFIX = "출처:"
FEEDBACK_PREFIX = "fb:"
# Marks a follow-on button's callback data: its reply is sent as a new message, and the message
# the button sits on (the answer the member asked for) stays as it is.
FOLLOW_ON_MARK = "+"
# Carries the inline buttons when the reply's text carries a reply keyboard.
CHOICES_PROMPT = "아래에서 골라 주세요."

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


@dataclass(frozen=True)
class Outgoing:
    """One message to send: HTML text, or a venue (map pin), and its keyboard, if any."""

    html: str
    markup: Markup | None = None
    venue: Venue | None = None


def escape(text: str) -> str:
    """Text safe for parse_mode=HTML."""
    return html.escape(text, quote=False)


def tg_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def to_html(text: str, *, bold_first: bool = True) -> str:
    """Plain text as HTML: escaped, the first line bold when more lines follow, the source line
    in italics."""
    lines = text.split("\n")
    out = []
    for n, line in enumerate(lines):
        safe = escape(line)
        if n == 0 and bold_first and len(lines) > 1 and line.strip():
            safe = f"<b>{safe}</b>"
        elif line.startswith(SOURCE_PREFIX):
            safe = f"<i>{safe}</i>"
        out.append(safe)
    return "\n".join(out)


def split_text(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Plain text in pieces whose HTML fits one message, cut at line ends where possible."""
    text = text.strip("\n") or "…"
    if _fits(text, limit, first=True):  # nearly always: replies are written to fit one message
        return [text]
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        for part in _hard_wrap(line, limit):
            candidate = f"{current}\n{part}" if current else part
            if not current or _fits(candidate, limit, first=not pieces):
                current = candidate
            else:
                pieces.append(current)
                current = part
    pieces.append(current)
    return [p.strip("\n") or "…" for p in pieces]


def _fits(text: str, limit: int, *, first: bool) -> bool:
    return tg_len(to_html(text, bold_first=first)) <= limit


def _hard_wrap(line: str, limit: int) -> list[str]:
    """A line too long for one message, cut where its escaped form still fits with tags."""
    room = limit - len("<b></b>")
    if tg_len(escape(line)) <= room:
        return [line]
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = tg_len(escape(char))
        if size + width > room:
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    return parts


def inline_keyboard(buttons: list[Button], feedback_ref: str | None = None) -> InlineKeyboardMarkup | None:
    """The reply's buttons, short ones two to a row, with the 👍/👎 row under an answer."""
    usable = [b for b in buttons if b.url or _payload_fits(callback_data(b))]
    rows: list[list[InlineKeyboardButton]] = []
    for button in usable:
        if button.url:
            key = InlineKeyboardButton(button.label, url=button.url)
        else:
            key = InlineKeyboardButton(button.label, callback_data=callback_data(button))
        if rows and len(button.label) <= SHORT_LABEL and len(rows[-1]) == 1 \
                and len(rows[-1][0].text) <= SHORT_LABEL:
            rows[-1].append(key)
        else:
            rows.append([key])
    if feedback_ref:
        up, down = feedback_payloads(feedback_ref)
        if _payload_fits(down):
            rows.append([InlineKeyboardButton("👍 도움이 됐어요", callback_data=up),
                         InlineKeyboardButton("👎 아니에요", callback_data=down)])
    return InlineKeyboardMarkup(rows) if rows else None


def callback_data(button: Button) -> str:
    """What Telegram sends back when the button is pressed."""
    return FOLLOW_ON_MARK + button.payload if button.follow_on else button.payload


def pressed(data: str) -> tuple[str, bool]:
    """The payload behind pressed callback data, and whether its reply is a new message."""
    if data.startswith(FOLLOW_ON_MARK):
        return data[len(FOLLOW_ON_MARK):], True
    return data, False


def feedback_payloads(ref: str) -> tuple[str, str]:
    return f"{FEEDBACK_PREFIX}up:{ref}", f"{FEEDBACK_PREFIX}down:{ref}"


def is_feedback(payload: str) -> bool:
    return payload.startswith(FEEDBACK_PREFIX)


def _payload_fits(payload: str) -> bool:
    size = len(payload.encode("utf-8"))
    if 1 <= size <= MAX_CALLBACK_DATA:
        return True
    log.error("button payload of %d bytes left out (Telegram allows 1-%d): %.20s…", size, MAX_CALLBACK_DATA, payload)
    return False


def reply_keyboard(keyboard: Keyboard | None) -> ReplyKeyboardMarkup | ReplyKeyboardRemove | None:
    """The location or contact button under the input field, or taking it away."""
    if keyboard == "location":
        button = KeyboardButton("📍 내 위치 보내기", request_location=True)
        placeholder = "지역 이름을 입력하거나 위치를 보내 주세요"
    elif keyboard == "contact":
        button = KeyboardButton("📱 내 휴대폰 번호 보내기", request_contact=True)
        placeholder = "휴대폰 번호를 입력하거나 버튼을 눌러 주세요"
    elif keyboard == "remove":
        return ReplyKeyboardRemove()
    else:
        return None
    return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True,
                               input_field_placeholder=placeholder)


def plan(reply: Reply, *, group: bool = False) -> list[Outgoing]:
    """The messages that carry `reply`, in order: its text (in pieces if ever too long) with the
    keyboards on the last piece, then its venues (in a group the nearest only). One message
    cannot carry both inline buttons and a reply keyboard: taking the keyboard away rides on the
    first venue when there is one; otherwise the text carries the reply keyboard and the buttons
    follow in a short message."""
    messages = [Outgoing(to_html(p, bold_first=n == 0)) for n, p in enumerate(split_text(reply.text))]
    venues = [Outgoing("", venue=v) for v in reply.venues[:GROUP_VENUES if group else MAX_VENUES]]
    inline = inline_keyboard(reply.buttons, reply.feedback_ref)
    keyboard = reply_keyboard(reply.keyboard)
    last = messages[-1].html
    if keyboard is None or inline is None:
        messages[-1] = Outgoing(last, keyboard or inline)
    elif isinstance(keyboard, ReplyKeyboardRemove) and venues:
        messages[-1] = Outgoing(last, inline)
        venues[0] = Outgoing("", keyboard, venues[0].venue)
    else:
        messages[-1] = Outgoing(last, keyboard)
        messages.append(Outgoing(escape(CHOICES_PROMPT), inline))
    return messages + venues


def can_edit(reply: Reply) -> bool:
    """Whether `reply` may replace the message a button was pressed on: an edited message can
    carry inline buttons but not a reply keyboard, nor a picture."""
    return reply.picture is None and not isinstance(plan(reply)[0].markup, ReplyKeyboardMarkup | ReplyKeyboardRemove)


def settle_keyboard(reply: Reply, shown: bool | None) -> Reply:
    """`reply` without a request to take away a reply keyboard known not to be shown
    (`shown` False); None means not known, as after a restart, so it is taken away."""
    if reply.keyboard == "remove" and shown is False:
        return dataclasses.replace(reply, keyboard=None)
    return reply


def keyboard_shown_after(reply: Reply, shown: bool | None) -> bool | None:
    """Whether a reply keyboard is shown once `reply` is sent."""
    if reply.keyboard in ("location", "contact"):
        return True
    if reply.keyboard == "remove":
        return False
    return shown


def feedback_toast(reply: Reply) -> str:
    """The short notice shown when 👍/👎 is pressed: the reply's first paragraph."""
    first = reply.text.strip().split("\n\n", 1)[0].replace("\n", " ")
    return clip(first, MAX_TOAST)


def without_feedback(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The same keyboard with the 👍/👎 buttons taken out (None when nothing is left)."""
    if markup is None:
        return None
    rows = [[b for b in row if not is_feedback(str(b.callback_data or ""))] for row in markup.inline_keyboard]
    kept = [row for row in rows if row]
    return InlineKeyboardMarkup(kept) if kept else None


def inline_result(shared: Shared) -> InlineQueryResultArticle:
    """An answer offered in inline mode: its title (the question), its first line under it, and
    the message it sends into the chat (the whole answer, with its source)."""
    first = shared.reply.text.strip().split("\n", 1)[0]
    description = clip(first, MAX_DESCRIPTION)
    text = split_text(shared.reply.text)[0]
    return InlineQueryResultArticle(
        id=shared.id.encode("utf-8")[:MAX_RESULT_ID].decode("utf-8", "ignore"),
        title=shared.title,
        description=description,
        input_message_content=InputTextMessageContent(to_html(text), parse_mode=ParseMode.HTML),
    )
