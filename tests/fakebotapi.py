"""A fake Telegram Bot API server for tests and benchmarks: real HTTP on 127.0.0.1, never the
network.

The real application is started against it with ``TELEGRAM_API_BASE_URL=api.base_url`` and polls
it for real. The server records every call, lets a test inject what users do (messages, commands,
button presses, locations, contacts, group messages) and wait, with a bound, for what the bot
sent back; it can be told to fail the next calls of a method with 429 (retry_after) or 403.

It also takes stickers and other messages without text (``media``) and inline queries
(``inline_query``, answered with ``answerInlineQuery``).

Adding a method is one line, either for every server::

    FakeBotApi.METHODS["sendPhoto"] = lambda api, p: api.bot_message(p, photo=[])

or for one test::

    fake_api.on("pinChatMessage", True)

A handler gets the server and the call's decoded parameters and returns the ``result`` (or a
constant); raising ``ApiError`` answers with that error instead. ``InProcessRequest`` serves the
same methods to python-telegram-bot without any socket, for handler unit tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.parser
import email.policy
import itertools
import json
import re
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from telegram.request import BaseRequest, RequestData

BOT_ID = 7_000_000_001
BOT_USERNAME = "johap_test_bot"
TOKEN = f"{BOT_ID}:TEST-token_for-the-fake-api"

Params = dict[str, Any]
Handler = Callable[["FakeBotApi", Params], Any]

# PTB sends strings as they are and everything else JSON-encoded; these keys stay strings even
# when they look like numbers.
_STRING_KEYS = frozenset(
    {"text", "caption", "title", "address", "callback_query_id", "inline_message_id", "phone_number",
     "first_name", "last_name", "secret_token", "url", "emoji", "parse_mode", "language_code",
     "description", "short_description", "name", "query", "data", "foursquare_id", "google_place_id"}
)
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


class ApiError(Exception):
    """Raised by a method handler to answer the call with a Bot API error."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            out["parameters"] = {"retry_after": self.retry_after}
        return out


@dataclass
class Call:
    """One request the bot made: method, decoded parameters, and how it was answered."""

    method: str
    params: Params
    at: float
    status: int = 200
    result: Any = None

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def markup(self) -> dict[str, Any]:
        value = self.params.get("reply_markup")
        return value if isinstance(value, dict) else {}

    def button_data(self) -> list[str]:
        """The callback_data of every inline button, row by row."""
        rows = self.markup.get("inline_keyboard", [])
        return [b.get("callback_data", "") for row in rows for b in row]


@dataclass
class _Failure:
    method: str
    status: int
    description: str
    retry_after: int | None
    times: int | None
    chat_id: int | None


@dataclass
class _Waiter:
    ready: Callable[[], bool]
    event: asyncio.Event = field(default_factory=asyncio.Event)


def decode_params(raw: dict[str, str]) -> Params:
    """Form values as PTB encodes them (strings raw, other values as JSON) back to Python values."""
    out: Params = {}
    for key, value in raw.items():
        out[key] = _decode(key, value)
    return out


def _decode(key: str, value: str) -> Any:
    if key in _STRING_KEYS:
        return value
    if value[:1] in "{[" or value in ("true", "false", "null"):
        with contextlib.suppress(ValueError):
            return json.loads(value)
    if _NUMBER.fullmatch(value):
        return float(value) if "." in value else int(value)
    return value


class FakeBotApi:
    """The server. Use ``async with FakeBotApi() as api:``; ``api.base_url`` is the base_url."""

    #: Bot API methods every server answers: name -> handler (or a constant result).
    METHODS: ClassVar[dict[str, Handler | Any]] = {}

    def __init__(self, *, bot_id: int = BOT_ID, username: str = BOT_USERNAME) -> None:
        self.bot_user = {"id": bot_id, "is_bot": True, "first_name": "조합 도우미", "username": username,
                         "can_join_groups": True, "can_read_all_group_messages": False,
                         "supports_inline_queries": False}
        self.methods: dict[str, Handler | Any] = dict(self.METHODS)
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.confirmed = 0  # every update_id below this was confirmed by getUpdates' offset
        self.chats: dict[int, dict[str, Any]] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.webhook_url = ""
        self.injected_at: dict[int, float] = {}
        self._failures: list[_Failure] = []
        self._waiters: list[_Waiter] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._user_message_ids = itertools.count(100_000)
        self._query_ids = itertools.count(1)
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.StreamWriter] = set()
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------------

    async def __aenter__(self) -> FakeBotApi:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.close()
            for writer in list(self._connections):
                writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
            self._server = None
        self._notify()

    @property
    def base_url(self) -> str:
        """PTB's base_url form: the token is appended to it."""
        return f"http://127.0.0.1:{self.port}/bot"

    # -- configuring -----------------------------------------------------------------------------

    def on(self, method: str, handler: Handler | Any) -> None:
        """Answer `method` with `handler(api, params)` (or the constant `handler`) on this server."""
        self.methods[method] = handler

    def fail(self, method: str, *, status: int = 429, retry_after: int | None = None, times: int | None = 1,
             chat_id: int | None = None, description: str | None = None) -> None:
        """Answer the next `times` calls of `method` (to `chat_id`, if given) with an error;
        times=None fails every such call until `clear_failures`."""
        if description is None:
            description = {429: f"Too Many Requests: retry after {retry_after or 1}",
                           403: "Forbidden: bot was blocked by the user"}.get(status, "Bad Request: failed")
        if status == 429 and retry_after is None:
            retry_after = 1
        self._failures.append(_Failure(method, status, description, retry_after, times, chat_id))

    def clear_failures(self) -> None:
        self._failures.clear()

    # -- what users do ---------------------------------------------------------------------------

    def inject(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update (update_id filled in) for the next getUpdates."""
        update.setdefault("update_id", next(self._update_ids))
        self.updates.append(update)
        self.injected_at[update["update_id"]] = time.perf_counter()
        self._notify()
        return update

    def user(self, user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"사용자{user_id}", "language_code": "ko"}

    def chat(self, chat_id: int, chat_type: str = "private") -> dict[str, Any]:
        if chat_id not in self.chats:
            chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
            if chat_type == "private":
                chat["first_name"] = f"사용자{chat_id}"
            else:
                chat["title"] = f"조합원사 모임 {abs(chat_id)}"
            self.chats[chat_id] = chat
        return self.chats[chat_id]

    def message(self, chat_id: int, text: str, *, user_id: int | None = None, chat_type: str = "private",
                reply_to: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
        """A user's text message (commands and @mentions get their entities, as Telegram sends)."""
        msg = self._user_message(chat_id, user_id, chat_type, text=text, **extra)
        entities = _entities(text)
        if entities:
            msg["entities"] = entities
        if reply_to is not None:
            msg["reply_to_message"] = reply_to
        return self.inject({"message": msg})

    def location(self, chat_id: int, latitude: float, longitude: float, *, user_id: int | None = None,
                 chat_type: str = "private") -> dict[str, Any]:
        msg = self._user_message(chat_id, user_id, chat_type,
                                 location={"latitude": latitude, "longitude": longitude})
        return self.inject({"message": msg})

    def contact(self, chat_id: int, phone: str, *, contact_user_id: int | None, user_id: int | None = None,
                chat_type: str = "private") -> dict[str, Any]:
        """A shared contact; contact_user_id == the sender's id is what Telegram's contact button sends."""
        contact: dict[str, Any] = {"phone_number": phone, "first_name": "홍길동"}
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id
        return self.inject({"message": self._user_message(chat_id, user_id, chat_type, contact=contact)})

    def media(self, chat_id: int, kind: str, *, user_id: int | None = None, chat_type: str = "private",
              reply_to: dict[str, Any] | None = None) -> dict[str, Any]:
        """A message with no text: a sticker, a voice message, a photo..."""
        content: dict[str, Any] = {
            "sticker": {"file_id": "st-1", "file_unique_id": "st-1u", "width": 512, "height": 512,
                        "is_animated": False, "is_video": False, "type": "regular", "emoji": "👍"},
            "voice": {"file_id": "vo-1", "file_unique_id": "vo-1u", "duration": 3},
            "photo": [{"file_id": "ph-1", "file_unique_id": "ph-1u", "width": 90, "height": 90}],
        }[kind]
        msg = self._user_message(chat_id, user_id, chat_type, **{kind: content})
        if reply_to is not None:
            msg["reply_to_message"] = reply_to
        return self.inject({"message": msg})

    def inline_query(self, user_id: int, query: str) -> dict[str, Any]:
        """"@bot <query>" typed in some chat: an inline query from `user_id`."""
        inline = {"id": f"iq-{next(self._query_ids)}", "from": self.user(user_id), "query": query, "offset": ""}
        return self.inject({"inline_query": inline})

    def press(self, message: dict[str, Any], data: str, *, user_id: int | None = None) -> dict[str, Any]:
        """Press the inline button with callback_data `data` under one of the bot's messages."""
        chat_id = message["chat"]["id"]
        query = {"id": f"cq-{next(self._query_ids)}", "from": self.user(user_id or chat_id),
                 "chat_instance": f"ci-{chat_id}", "data": data, "message": message}
        return self.inject({"callback_query": query})

    def _user_message(self, chat_id: int, user_id: int | None, chat_type: str, **content: Any) -> dict[str, Any]:
        return {"message_id": next(self._user_message_ids), "date": int(time.time()),
                "chat": self.chat(chat_id, chat_type), "from": self.user(user_id or chat_id), **content}

    # -- what the bot did ------------------------------------------------------------------------

    def calls_of(self, method: str, *, chat_id: int | None = None, since: int = 0,
                 status: int | None = 200) -> list[Call]:
        """Calls of `method` (to `chat_id`) answered with `status` (None: any), from index `since`."""
        return [c for c in self.calls[since:] if c.method == method and status in (None, c.status)
                and (chat_id is None or c.chat_id == chat_id)]

    def mark(self) -> int:
        """A position in `calls`, to wait only for what comes after it."""
        return len(self.calls)

    async def wait_for(self, method: str, *, chat_id: int | None = None, since: int = 0, count: int = 1,
                       status: int | None = 200, where: Callable[[Call], bool] | None = None,
                       timeout: float = 5.0) -> list[Call]:
        """Wait (at most `timeout` seconds) until `count` matching calls were answered with
        `status` (200 unless told)."""

        def found() -> list[Call]:
            calls = self.calls_of(method, chat_id=chat_id, since=since, status=status)
            return [c for c in calls if where is None or where(c)]

        await self._until(lambda: len(found()) >= count, timeout,
                          f"{count}× {method} (chat {chat_id}) in {timeout}s; saw {self.summary(since)}")
        return found()[:count]

    async def reply(self, chat_id: int, *, since: int, timeout: float = 5.0) -> Call:
        """The first message the bot sent to `chat_id` after `since`."""
        return (await self.wait_for("sendMessage", chat_id=chat_id, since=since, timeout=timeout))[0]

    async def ask(self, chat_id: int, text: str, **kw: Any) -> Call:
        """Send `text` as the user of `chat_id` and return the bot's (first) reply."""
        since = self.mark()
        self.message(chat_id, text, **kw)
        return await self.reply(chat_id, since=since)

    async def delivered(self, update: dict[str, Any], timeout: float = 5.0) -> None:
        """Wait until getUpdates confirmed `update` (the bot asked for the ones after it)."""
        await self._until(lambda: self.confirmed > update["update_id"], timeout,
                          f"update {update['update_id']} confirmed")

    def summary(self, since: int = 0) -> str:
        return ", ".join(f"{c.method}:{c.status}" for c in self.calls[since:] if c.method != "getUpdates")

    def sent_message(self, call: Call) -> dict[str, Any]:
        """The message object the bot got back for a send/edit call (to press its buttons)."""
        result = call.result
        assert isinstance(result, dict), f"{call.method} returned {result!r}"
        return result

    # -- the methods -----------------------------------------------------------------------------

    def bot_message(self, params: Params, **content: Any) -> dict[str, Any]:
        """Store and return a new message from the bot in params['chat_id']."""
        chat_id = int(params["chat_id"])
        msg: dict[str, Any] = {"message_id": next(self._message_ids), "date": int(time.time()),
                               "chat": self.chat(chat_id), "from": self.bot_user, **content}
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            msg["reply_markup"] = markup
        self.messages[(chat_id, msg["message_id"])] = msg
        return msg

    def edit_message(self, params: Params, **changes: Any) -> dict[str, Any] | bool:
        if params.get("inline_message_id"):
            return True
        key = (int(params["chat_id"]), int(params["message_id"]))
        msg = self.messages.get(key)
        if msg is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        new = {**msg, **changes, "edit_date": int(time.time())}
        if isinstance(markup, dict) and markup.get("inline_keyboard"):
            new["reply_markup"] = markup
        else:
            new.pop("reply_markup", None)
        if {k: new.get(k) for k in ("text", "reply_markup")} == {k: msg.get(k) for k in ("text", "reply_markup")}:
            raise ApiError(400, "Bad Request: message is not modified: specified new message content and "
                                "reply markup are exactly the same as a current content and reply markup of the message")
        self.messages[key] = new
        return new

    async def get_updates(self, params: Params) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        if offset:
            self.confirmed = max(self.confirmed, offset)
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            self._notify()
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if not self.updates and timeout > 0:
            with contextlib.suppress(TimeoutError):
                await self._until(lambda: bool(self.updates) or self._server is None, timeout, "")
        return self.updates[:limit]

    # -- HTTP ------------------------------------------------------------------------------------

    async def dispatch(self, method: str, params: Params) -> tuple[int, dict[str, Any]]:
        """Answer one call (recording it): the HTTP status and the JSON body."""
        call = Call(method, params, time.perf_counter())
        if method != "getUpdates":
            self.calls.append(call)
        try:
            self._maybe_fail(method, params)
            handler = self.methods.get(method)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            result = handler(self, params) if callable(handler) else handler
            if asyncio.iscoroutine(result):
                result = await result
        except ApiError as exc:
            call.status = exc.status
            body = exc.body()
        else:
            call.result = result
            body = {"ok": True, "result": result}
        if method == "getUpdates":
            self.calls.append(call)
        self._notify()
        return call.status, body

    def _maybe_fail(self, method: str, params: Params) -> None:
        for failure in self._failures:
            if failure.method != method or failure.times == 0:
                continue
            if failure.chat_id is not None and params.get("chat_id") != failure.chat_id:
                continue
            if failure.times is not None:
                failure.times -= 1
            raise ApiError(failure.status, failure.description, failure.retry_after)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._connections.add(writer)
        try:
            while True:
                request_line = await reader.readline()
                if not request_line.strip():
                    break
                verb, target, _ = request_line.decode("latin-1").split(" ", 2)
                headers: dict[str, str] = {}
                while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
                url = urllib.parse.urlsplit(target)
                method = url.path.rstrip("/").rsplit("/", 1)[-1]
                params = decode_params(dict(urllib.parse.parse_qsl(url.query)))
                params.update(_body_params(headers.get("content-type", ""), body))
                status, answer = await self.dispatch(method, params)
                payload = json.dumps(answer, ensure_ascii=False).encode()
                writer.write(f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\n"
                             f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
                             .encode() + payload)
                await writer.drain()
                if headers.get("connection", "").lower() == "close" or verb == "HEAD":
                    break
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            self._connections.discard(writer)
            writer.close()

    # -- waiting ---------------------------------------------------------------------------------

    def _notify(self) -> None:
        for waiter in list(self._waiters):
            if waiter.ready():
                waiter.event.set()

    async def _until(self, ready: Callable[[], bool], timeout: float, what: str) -> None:
        if ready():
            return
        waiter = _Waiter(ready)
        self._waiters.append(waiter)
        try:
            await asyncio.wait_for(waiter.event.wait(), timeout)
        except TimeoutError:
            if what:
                raise TimeoutError(f"fake Bot API: no {what}") from None
            raise
        finally:
            self._waiters.remove(waiter)


def _body_params(content_type: str, body: bytes) -> Params:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        value = json.loads(body)
        return value if isinstance(value, dict) else {}
    if content_type.startswith("application/x-www-form-urlencoded"):
        return decode_params(dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True)))
    if content_type.startswith("multipart/form-data"):
        return _multipart(content_type, body)
    raise ValueError(f"unsupported body {content_type}")


def _multipart(content_type: str, body: bytes) -> Params:
    """A file upload (sendPhoto...): fields decoded as PTB encodes them, files as their bytes."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    fields: dict[str, str] = {}
    files: Params = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if part.get_filename() is not None:
            files[str(name)] = payload
        else:
            fields[str(name)] = payload.decode("utf-8") if isinstance(payload, bytes) else str(payload)
    return {**decode_params(fields), **files}


def _entities(text: str) -> list[dict[str, Any]]:
    """bot_command and mention entities, offsets in UTF-16 code units as Telegram counts them."""
    out = []
    for match in re.finditer(r"(?<![\w/])/[A-Za-z0-9_]+(?:@\w+)?|(?<!\w)@\w+", text):
        kind = "bot_command" if match.group().startswith("/") else "mention"
        if kind == "bot_command" and match.start() != 0:
            continue
        offset = len(text[: match.start()].encode("utf-16-le")) // 2
        length = len(match.group().encode("utf-16-le")) // 2
        out.append({"type": kind, "offset": offset, "length": length})
    return out


def _webhook_info(api: FakeBotApi, params: Params) -> dict[str, Any]:
    return {"url": api.webhook_url, "has_custom_certificate": False, "pending_update_count": len(api.updates)}


def _set_webhook(api: FakeBotApi, params: Params) -> bool:
    api.webhook_url = str(params.get("url", ""))
    return True


def _set_commands(api: FakeBotApi, params: Params) -> bool:
    api.commands[json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)] = params["commands"]
    return True


FakeBotApi.METHODS.update({
    "getMe": lambda api, p: api.bot_user,
    "getUpdates": lambda api, p: api.get_updates(p),
    "sendMessage": lambda api, p: api.bot_message(p, text=p["text"]),
    "sendVenue": lambda api, p: api.bot_message(p, venue={
        "location": {"latitude": p["latitude"], "longitude": p["longitude"]},
        "title": p["title"], "address": p["address"]}),
    "sendPhoto": lambda api, p: api.bot_message(p, photo=[{"file_id": f"photo-{len(api.calls)}",
                                                          "file_unique_id": f"u{len(api.calls)}",
                                                          "width": 1, "height": 1}],
                                                 caption=p.get("caption", "")),
    "sendLocation": lambda api, p: api.bot_message(p, location={"latitude": p["latitude"],
                                                                "longitude": p["longitude"]}),
    "editMessageText": lambda api, p: api.edit_message(p, text=p["text"]),
    "editMessageReplyMarkup": lambda api, p: api.edit_message(p),
    "answerCallbackQuery": True,
    "answerInlineQuery": True,
    "sendChatAction": True,
    "setMyCommands": _set_commands,
    "getMyCommands": lambda api, p: api.commands.get(
        json.dumps(p.get("scope") or {"type": "default"}, sort_keys=True), []),
    "deleteMyCommands": True,
    "setWebhook": _set_webhook,
    "deleteWebhook": lambda api, p: _set_webhook(api, {}),
    "getWebhookInfo": _webhook_info,
    "close": True,
    "logOut": True,
})


class InProcessRequest(BaseRequest):
    """A python-telegram-bot request class that answers from a FakeBotApi without any socket:
    every call is recorded in ``api.calls`` exactly as over HTTP."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None, connect_timeout: Any = None,
                         pool_timeout: Any = None) -> tuple[int, bytes]:
        name = url.rstrip("/").rsplit("/", 1)[-1]
        params = decode_params(request_data.json_parameters) if request_data else {}
        if request_data is not None and request_data.contains_files:
            params.update({name: part[1] for name, part in request_data.multipart_data.items()})
        status, body = await self.api.dispatch(name, params)
        return status, json.dumps(body, ensure_ascii=False).encode()


def iter_buttons(markup: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for row in markup.get("inline_keyboard", []):
        yield from row
