"""The branches as the SMS domain needs them: which names a member list may use for 지점, and the
phone number a message gives for each. The branch finder's data is turned into this by bot.app,
so this domain never imports the branches domain."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.korean.hangul import squash

SUFFIX = "지점"


@dataclass(frozen=True)
class BranchContact:
    """One branch: its name as replies write it ("성남지점") and its phone."""

    title: str
    phone: str


class BranchDirectory:
    def __init__(self, branches: Iterable[BranchContact]) -> None:
        self.branches = tuple(branches)
        self._by_key = {_key(b.title): b for b in self.branches}

    def __len__(self) -> int:
        return len(self.branches)

    def find(self, name: str) -> BranchContact | None:
        """The branch a member list or a staff member names: "성남", "성남지점", "성남 지점"."""
        return self._by_key.get(_key(name))


def _key(name: str) -> str:
    return squash(name).removesuffix(SUFFIX)
