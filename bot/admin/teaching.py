"""What the staff tools need of the FAQ, as a contract: the admin domain never imports the FAQ
(domains stay independent); bot.app hands over the FAQ's live index (bot.faq.live.LiveFaq), which
has exactly this shape."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.conversation import Candidate


class Lesson(Protocol):
    """What a teach did."""

    @property
    def taught(self) -> bool: ...

    @property
    def reason(self) -> str:
        """Why it was refused (Korean, for staff)."""
        ...

    @property
    def outright(self) -> bool:
        """The question is now answered with that entry, without a suggestion."""
        ...


class FaqForStaff(Protocol):
    def refresh(self) -> bool:
        """Take in alternates taught by another process; True when the index changed."""
        ...

    def teach(self, entry_id: str, questions: Sequence[str], taught_by: str) -> Lesson: ...

    def likely(self, question: str, limit: int = 3) -> list[Candidate]:
        """The entries ranked first for `question` (also: searching by words)."""
        ...

    def entry(self, entry_id: str) -> Candidate | None: ...

    def words(self, text: str) -> frozenset[str]:
        """Content words as the ranking reads them, for grouping like questions."""
        ...

    def vocabulary(self) -> frozenset[str]:
        """The knowledge base's own words: never taken for a person's name."""
        ...

    def entry_count(self) -> int: ...
