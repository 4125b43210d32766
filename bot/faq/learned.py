"""Folding taught alternates back into knowledge/faq.yaml (`bot kb learned --apply`).

The file is edited, not regenerated: ruamel.yaml's round trip keeps its layout, quotes and
comments, and each new alternate gets a comment saying who taught it and when, so the change
reads as a reviewed diff. The new file is validated before it replaces the old one (atomically),
and an alternate that would make a known question rank another entry first (bot.faq.guard, over
all of knowledge/known_questions.yaml) is refused with the reason and stays in the database."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.faq.guard import Guard, KnownQuestion
from bot.faq.index import FaqIndex
from bot.faq.knowledge import KnowledgeError, check_knowledge
from bot.faq.live import LiveFaq, with_alternates
from bot.faq.loading import write_word_seed
from bot.faq.taught import Taught
from bot.korean.hangul import squash


@dataclass(frozen=True)
class Refusal:
    taught: Taught
    reason: str


@dataclass
class LearnedPlan:
    write: list[Taught] = field(default_factory=list)
    present: list[Taught] = field(default_factory=list)  # already in faq.yaml: nothing to write
    refused: list[Refusal] = field(default_factory=list)


def plan_learned(index: FaqIndex, rows: Sequence[Taught], known: Sequence[KnownQuestion]) -> LearnedPlan:
    """Which taught alternates can go into the file. Each harmful one is found by trying the
    suspects alone on the known questions they all together rank wrong."""
    plan = LearnedPlan()
    pending: list[Taught] = []
    for row in rows:
        entry = index.kb.by_id.get(row.entry_id)
        if entry is None:
            plan.refused.append(Refusal(row, f"'{row.entry_id}' 항목이 faq.yaml에 없습니다."))
        elif squash(row.question) in {squash(p) for p in (entry.question, *entry.alternates)} or any(
                squash(row.question) == squash(p.question) and p.entry_id == row.entry_id for p in pending):
            plan.present.append(row)
        else:
            pending.append(row)
    guard = Guard(index, known)
    while pending:
        harmed = guard.harms(with_alternates(index, _extra(pending)))
        if not harmed:
            break
        stake = [k for k in guard.known if k.text in {h.question for h in harmed}]
        culprits = []
        for row in pending:
            alone = guard.harms(with_alternates(index, _extra([row])), stake)
            if alone:
                culprits.append(row)
                plan.refused.append(Refusal(row, "가르친 표현이 알려진 질문의 순위를 바꿉니다: "
                                                 + "; ".join(map(str, alone[:3]))))
        # Harm only in combination: hold back the latest taught to the entries that win wrongly.
        if not culprits:
            winners = {h.ranked for h in harmed}
            culprits = [r for r in pending if r.entry_id in winners][-1:] or pending[-1:]
            plan.refused += [Refusal(r, "다른 가르친 표현과 함께 알려진 질문의 순위를 바꿉니다: "
                                        + "; ".join(map(str, harmed[:3]))) for r in culprits]
        pending = [r for r in pending if r not in culprits]
    plan.write = pending
    return plan


def _extra(rows: Sequence[Taught]) -> dict[str, list[str]]:
    extra: dict[str, list[str]] = {}
    for row in rows:
        extra.setdefault(row.entry_id, []).append(row.question)
    return extra


def write_alternates(path: Path, rows: Sequence[Taught], actions: Collection[str]) -> None:
    """Append `rows` to their entries' alternates in the YAML file at `path`, comments and
    layout kept; the file is replaced only once the new text validates (KnowledgeError else)."""
    yaml = _round_trip()
    data = yaml.load(path.read_text(encoding="utf-8"))
    entries = {str(e["id"]): e for e in data["entries"] if isinstance(e, CommentedMap)}
    for row in rows:
        alternates = entries[row.entry_id]["alternates"]
        assert isinstance(alternates, CommentedSeq)
        alternates.append(row.question)
        alternates.yaml_add_eol_comment(f"가르침 {row.taught_at[:10]} {row.taught_by} (#{row.id})", len(alternates) - 1)
    out = io.StringIO()
    yaml.dump(data, out)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".faq-", suffix=".yaml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(out.getvalue())
        problems = check_knowledge(Path(temporary), actions=actions)
        if problems:
            raise KnowledgeError(path, problems)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _round_trip() -> YAML:
    """Settings under which loading and dumping faq.yaml unchanged gives the same bytes."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 100_000  # never fold a long answer line
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def review_learned(live: LiveFaq, *, apply: bool) -> LearnedPlan:
    """`bot kb learned [--apply]`: the plan for the taught alternates not yet in faq.yaml; with
    `apply`, carried out: written (or found already there) -> applied, refused -> withdrawn, so
    every process on the database stops answering with a refused one."""
    plan = plan_learned(live.base, [t for t in live.store.rows() if t.status == "active"], live.guard.known)
    if apply:
        if plan.write:
            write_alternates(live.folder / "faq.yaml", plan.write, live.actions)
            write_word_seed(live.folder, live.actions)  # the new lines' words, for the next start
        live.store.set_status([t.id for t in (*plan.write, *plan.present)], "applied")
        live.store.set_status([r.taught.id for r in plan.refused], "withdrawn")
    return plan


def plan_lines(plan: LearnedPlan, kb_questions: dict[str, str], *, applied: bool) -> list[str]:
    """The plan as staff read it: per entry, what is (or was) added; then what is refused."""
    if not (plan.write or plan.present or plan.refused):
        return ["가르친 다른 질문 표현 중 faq.yaml에 옮길 것이 없습니다."]
    lines = [f"가르친 다른 질문 표현 {len(plan.write)}개" + ("를 faq.yaml에 옮겨 적었습니다 (git diff로 확인하세요):"
                                                     if applied else " (--apply로 faq.yaml에 옮깁니다):")]
    for entry_id in dict.fromkeys(t.entry_id for t in plan.write):
        lines.append(f"{entry_id} — {kb_questions.get(entry_id, '')}")
        lines += [f"  + {t.question}  (#{t.id}, {t.taught_by}, {t.taught_at[:10]})" for t in plan.write
                  if t.entry_id == entry_id]
    if plan.present:
        lines.append(f"이미 faq.yaml에 있는 표현 {len(plan.present)}개" + (" (적용됨으로 표시)." if applied else "."))
    if plan.refused:
        lines.append(f"거절 {len(plan.refused)}개" + (" (봇도 더는 이 표현으로 답하지 않습니다):" if applied else ":"))
        lines += [f"  - #{r.taught.id} \"{r.taught.question}\" → {r.taught.entry_id}: {r.reason}" for r in plan.refused]
    return lines
