"""The one error type for a knowledge file the bot cannot use (faq.yaml, branches.csv,
places.csv...), so every command refuses to start the same way: politely, naming each line."""

from __future__ import annotations

from collections.abc import Sequence


class DataFileError(ValueError):
    """A data file is unusable; `problems` lists every reason, each with its line."""

    problems: Sequence[object]
