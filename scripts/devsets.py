"""Labelled questions for fitting and measuring the FAQ ranker (scripts only; nothing at run
time reads them):

- the development sets in ../shared/eval (dev, dev2, dev3), written by other hands; an FAQ
  item's right entries are those whose answer holds what the grader expects (compared without
  spaces and punctuation, as ../shared/eval/grade.py does), and one asking two things needs
  both parts;
- knowledge/known_questions.yaml ("own"), written by us from the guides, labelled by entry id
  (`id`, and `accept` for a sibling entry whose answer answers it as fully)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = ROOT.parent / "shared" / "eval"
DEV_SETS = ("dev", "dev2", "dev3")
OWN = "own"


def squash(text: object) -> str:
    text = unicodedata.normalize("NFC", str(text)).lower()
    return "".join(ch for ch in text if ch.isalnum())


@dataclass(frozen=True)
class Item:
    set: str
    question: str
    group: str                                  # faq, ood, rule, branch (as the grader groups them)
    expect: tuple[str, ...] = ()                # dev sets: strings a right answer holds
    also: tuple[str, ...] = ()                  # dev sets: a second part that must be answered too
    ids: frozenset[str] = field(default_factory=frozenset)  # own set: the right entries

    @property
    def in_scope(self) -> bool:
        return self.group == "faq"

    def right(self, answers: dict[str, str]) -> set[str]:
        """The entries that answer the first (or only) thing asked."""
        if self.ids:
            return set(self.ids) & set(answers)
        return {eid for eid, text in answers.items() if any(w and w in text for w in self.expect)}

    def passes(self, answer: str) -> bool:
        """Would a reply with this answer text pass the grader (both parts, when two)? Dev
        items only: our own are judged by entry id (fit_ranker.correct)."""
        text = squash(answer)
        return any(w and w in text for w in self.expect) and (not self.also or any(w and w in text for w in self.also))


def _group(raw: dict[str, object]) -> str:
    kinds = raw.get("kinds") or []
    if raw.get("ood"):
        return "ood"
    if "first_branch" in raw or "branch" in kinds:  # type: ignore[operator]
        return "branch"
    if "dates" in raw or "rule" in kinds:  # type: ignore[operator]
        return "rule"
    return "faq"


def load_dev(name: str) -> list[Item]:
    raw = yaml.safe_load((EVAL_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    return [
        Item(name, str(r["q"]), _group(r), tuple(squash(s) for s in r.get("expect", [])),
             tuple(squash(s) for s in r.get("also", [])))
        for r in raw
    ]


def load_own(path: Path) -> list[Item]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Item(OWN, str(r["q"]), "ood" if r.get("ood") else "faq",
             ids=frozenset([str(r["id"]), *map(str, r.get("accept", []))]) if r.get("id") else frozenset())
        for r in raw
    ]


def load_all(knowledge_dir: Path) -> dict[str, list[Item]]:
    sets = {name: load_dev(name) for name in DEV_SETS if (EVAL_DIR / f"{name}.yaml").is_file()}
    sets[OWN] = load_own(knowledge_dir / "known_questions.yaml")
    return sets
