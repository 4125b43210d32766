"""GET /healthz on BOT_HEALTH_PORT while `bot run` serves (a webhook deployment's load balancer
or orchestrator asks it): 200 and the health line when `bot health --live` would pass, 503 and
the reason when not. Nothing else is served; a request is bounded in size and time, and an
answer is reused for a few seconds, so probing cannot load the database."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

from bot.ops.health import Health

REUSE_FOR = 5.0  # seconds an answer stands
READ_TIMEOUT = 5.0
MAX_HEADER_LINES = 100


class HealthServer:
    def __init__(self, check: Callable[[], Health], host: str, port: int) -> None:
        self.check = check
        self.host = host
        self.port = port
        self._server: asyncio.Server | None = None
        self._answer: tuple[float, Health] | None = None
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]  # the one chosen, when port 0 was asked

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), READ_TIMEOUT)
            self._server = None

    async def health(self) -> Health:
        async with self._lock:  # one check at a time, however many probes arrive
            if self._answer is None or time.monotonic() - self._answer[0] > REUSE_FOR:
                self._answer = (time.monotonic(), await asyncio.to_thread(self.check))
            return self._answer[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            method, path = await asyncio.wait_for(_read_request(reader), READ_TIMEOUT)
            if path.split("?", 1)[0] != "/healthz":
                status, body = "404 Not Found", "찾는 주소가 없습니다. /healthz 만 있습니다."
            elif method not in ("GET", "HEAD"):
                status, body = "405 Method Not Allowed", "GET /healthz 만 받습니다."
            else:
                health = await self.health()
                status, body = ("200 OK" if health.ok else "503 Service Unavailable"), health.line
            payload = (body + "\n").encode("utf-8")
            head = (f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    f"Content-Length: {len(payload)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n")
            writer.write(head.encode("ascii") + (b"" if method == "HEAD" else payload))
            await writer.drain()
        except (TimeoutError, ConnectionError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass  # a slow, broken or oversized request gets no answer
        finally:
            writer.close()


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, str]:
    method, path, _version = (await reader.readline()).decode("latin-1").split(" ", 2)
    for _ in range(MAX_HEADER_LINES):
        if (await reader.readline()) in (b"\r\n", b"\n", b""):
            return method, path
    raise ValueError("too many header lines")
