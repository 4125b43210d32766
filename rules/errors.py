"""The one error the calculators raise: input a member could fix, with a polite Korean message."""

from __future__ import annotations


class RuleInputError(ValueError):
    """A value that cannot be used (impossible date, past end date, negative amount...)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        # Kept separately so the chat layer can show it without str() formatting surprises.
        self.message = message
