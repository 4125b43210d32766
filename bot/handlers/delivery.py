"""Calling the Bot API without ever crashing the bot: flood control (429) waited out and retried
a bounded number of times, timeouts and network errors retried with back-off then given up and
logged, a chat that blocked the bot (403) logged once and never retried. Logs carry ids and types
only, never message text or phone numbers."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.korean.phones import redact

log = logging.getLogger(__name__)
T = TypeVar("T")

ATTEMPTS = 4  # tries per call, the first included
BACKOFF = (0.5, 1.0, 2.0)  # seconds before each retry after a timeout or network error
MAX_RETRY_AFTER = 30.0  # longer flood-control waits are not sat out: the message is dropped


class Undeliverable(Exception):
    """The chat cannot be written to now; the rest of this reply is skipped (already logged)."""


def seconds(value: int | float | dt.timedelta) -> float:
    """RetryAfter.retry_after as seconds, whichever type this PTB version gives."""
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


async def deliver(call: Callable[[], Awaitable[T]], *, chat_id: int, what: str, blocked: set[int]) -> T:
    """Await `call()` with the retries above; raises Undeliverable when giving up, BadRequest
    (a mistake in the request, not worth retrying) as it is."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            result = await call()
        except Forbidden as exc:
            if chat_id not in blocked:
                blocked.add(chat_id)
                log.warning("chat %s: %s refused (%s); not retried, and not logged again until a message "
                            "gets through", chat_id, what, redact(exc.message)[:120])
            raise Undeliverable(what) from exc
        except RetryAfter as exc:
            wait = seconds(exc.retry_after)
            if attempt == ATTEMPTS or wait > MAX_RETRY_AFTER:
                log.warning("chat %s: %s dropped, flood control asks for %.0f s (try %d)", chat_id, what, wait, attempt)
                raise Undeliverable(what) from exc
            log.info("chat %s: %s waits %.1f s for flood control", chat_id, what, wait)
            await asyncio.sleep(wait)
        except BadRequest:
            raise
        except NetworkError as exc:  # TimedOut included
            if attempt == ATTEMPTS:
                log.warning("chat %s: %s failed %d times (%s); given up", chat_id, what, attempt, type(exc).__name__)
                raise Undeliverable(what) from exc
            await asyncio.sleep(BACKOFF[min(attempt, len(BACKOFF)) - 1])
        else:
            blocked.discard(chat_id)
            return result
    raise AssertionError("unreachable")  # pragma: no cover
