"""python-telegram-bot logs what it could not handle with the data it received: an update it
cannot parse is logged whole at CRITICAL ("Received data was ..."), a shared contact's phone
number included. A filter on its loggers masks phone numbers in every such record, message and
traceback alike, before any handler sees it."""

from __future__ import annotations

import logging

from bot.korean.phones import redact

LIBRARY_PREFIX = "telegram"


class RedactPhones(logging.Filter):
    """Masks mobile numbers (bot.korean.phones.redact) in a record's text and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def redact_library_logs(prefix: str = LIBRARY_PREFIX) -> int:
    """Put the filter on every logger of the library (they are made when it is imported; a
    filter acts only on records of its own logger); returns how many loggers have it."""
    count = 0
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        if not isinstance(logger, logging.Logger) or not (name == prefix or name.startswith(prefix + ".")):
            continue
        if not any(isinstance(f, RedactPhones) for f in logger.filters):
            logger.addFilter(RedactPhones())
        count += 1
    return count
