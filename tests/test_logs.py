"""Log lines for a service: one line per record with time, level and component; a traceback
folded onto its line; phone numbers masked whatever wrote them; BOT_LOG_FORMAT=json one object
per line; an unknown level or format said once and not fatal."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import time
from collections.abc import Iterator

import pytest

from bot.ops.logs import JsonFormatter, LineFormatter, configure_logging

WHEN = time.mktime((2026, 11, 22, 3, 0, 0, 0, 0, -1))  # local time, as the text lines show it


def record(message: str, *args: object, level: int = logging.INFO, error: bool = False) -> logging.LogRecord:
    exc_info = None
    if error:
        try:
            raise ValueError("번호 010-1234-5678 때문에")
        except ValueError:
            exc_info = sys.exc_info()
    entry = logging.LogRecord("bot.sms.registry", level, __file__, 1, message, args, exc_info)
    entry.created = WHEN
    return entry


def test_a_text_line_has_time_level_component_and_masks_numbers() -> None:
    line = LineFormatter().format(record("opt out of %s for member %s", "010-1234-5678", "1001"))
    assert line == "2026-11-22 03:00:00 INFO bot.sms.registry: opt out of 010-****-5678 for member 1001"


def test_a_traceback_is_folded_onto_its_line() -> None:
    line = LineFormatter().format(record("failed\nbadly", level=logging.ERROR, error=True))
    assert "\n" not in line
    assert line.startswith("2026-11-22 03:00:00 ERROR bot.sms.registry: failed | badly | Traceback (most recent call")
    assert line.endswith("| ValueError: 번호 010-****-5678 때문에")


def test_a_json_line_is_one_object_with_the_error_apart() -> None:
    line = JsonFormatter().format(record("backup %s made", "bot-x.sqlite3", level=logging.WARNING, error=True))
    assert "\n" not in line
    entry = json.loads(line)
    assert {k: entry[k] for k in ("level", "component", "message")} == {
        "level": "WARNING", "component": "bot.sms.registry", "message": "backup bot-x.sqlite3 made"}
    assert entry["time"] == dt.datetime.fromtimestamp(WHEN, dt.UTC).isoformat(timespec="milliseconds")
    assert entry["error"].endswith("ValueError: 번호 010-****-5678 때문에")


@pytest.fixture
def root_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_configure_logging_installs_the_format_and_level(root_logging: None, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("info", "json")
    logging.getLogger("bot.ops.backup").info("backup %s", "ok")
    logging.getLogger("bot.ops.backup").debug("not shown")
    lines = capsys.readouterr().err.splitlines()
    assert [json.loads(line)["message"] for line in lines] == ["backup ok"]


def test_an_unknown_level_or_format_is_said_and_the_defaults_used(root_logging: None,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("LOUD", "xml")
    assert logging.getLogger().level == logging.WARNING
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("WARNING bot.ops.logs: BOT_LOG_LEVEL 'LOUD' is not a level (DEBUG, INFO, WARNING,"
                             " ERROR); using WARNING")
    assert lines[1].endswith("WARNING bot.ops.logs: BOT_LOG_FORMAT 'xml' is not one of text, json; using text")
