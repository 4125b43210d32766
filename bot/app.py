"""Building the bot once per process: knowledge, analyser, index, database, capabilities.

`CAPABILITIES` is what the bot can do, in the order free text is offered to each; the FAQ comes
last because it will always say something. What they declare (commands, menu, help, the FAQ
actions they serve) is read from the classes, so `bot kb check` needs nothing built; what one
capability needs of another's domain is passed in here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from bot.admin.capability import AdminCapability
from bot.branches.capability import BranchesCapability
from bot.branches.finder import shared_finder
from bot.capability import Capability
from bot.dates.capability import DatesCapability
from bot.engine import Engine
from bot.faq.analyzer import Analyzer, Lexicon
from bot.faq.capability import FaqCapability
from bot.faq.index import FaqIndex
from bot.faq.knowledge import KnowledgeBase, load_knowledge
from bot.settings import Settings
from bot.sms.capability import SmsCapability
from bot.sms.registry import Registry
from bot.storage import open_db
from bot.storage.feedback import FeedbackStore
from bot.storage.state import StateStore

CAPABILITIES: tuple[type[Capability], ...] = (
    # Multi-step and value-bearing requests first, so "문자 그만 받을래요" registers an opt-out
    # rather than quoting the FAQ about opting out.
    SmsCapability,  # 문자 수신자: 등록, 수신거부, 다시 받기, 조회, 삭제
    AdminCapability,  # /report, for BOT_ADMIN_IDS only
    DatesCapability,  # 날짜 계산: 신용평가 신청기간·유효기한, 해제 문자 발송일, 마일리지, 서류
    BranchesCapability,  # 지점 찾기: places, locations, branch contacts
    FaqCapability,  # last: always has something to say
)


def faq_actions(capabilities: Iterable[type[Capability]] = CAPABILITIES) -> dict[str, str]:
    """The `actions:` faq.yaml may use, each with the label of its button under an answer: a
    capability's first command ("deadline"), or that command with an argument it declares
    ("deadline:notice", run as "/deadline notice")."""
    actions: dict[str, str] = {}
    for cap in capabilities:
        command = cap.commands[0].name if cap.commands else ""
        if cap.answer_button:
            actions[command] = cap.answer_button
        actions.update({f"{command}:{argument}": label for argument, label in cap.answer_actions.items()})
    return actions


@dataclass
class Services:
    """The heavy, shared things, built once: app.py gives each capability what it needs of them."""

    settings: Settings
    knowledge_dir: Path
    db: sqlite_utils.Database
    knowledge: KnowledgeBase
    analyzer: Analyzer
    faq: FaqIndex
    feedback: FeedbackStore


def load_services(settings: Settings, *, db_path: Path | str | None = "settings") -> Services:
    """Load and validate everything; raises KnowledgeError (with every problem) on bad data."""
    folder = settings.knowledge_dir
    knowledge = load_knowledge(folder / "faq.yaml", actions=faq_actions())
    analyzer = Analyzer(Lexicon.load(folder / "lexicon.yaml"))
    db = open_db(settings.db_path if db_path == "settings" else db_path)
    return Services(
        settings=settings,
        knowledge_dir=folder,
        db=db,
        knowledge=knowledge,
        analyzer=analyzer,
        faq=FaqIndex(knowledge, analyzer),
        feedback=FeedbackStore(db),
    )


def build_capabilities(services: Services) -> list[Capability]:
    """One of each of CAPABILITIES, in that order, each given what it needs."""
    return [
        SmsCapability(Registry(services.db, key=services.settings.sms_key)),
        AdminCapability(services.feedback),
        DatesCapability(),
        # The gazetteer is loaded once per process, whatever the number of engines.
        BranchesCapability(shared_finder(services.knowledge_dir / "branches.csv")),
        FaqCapability(services.faq, faq_actions()),
    ]


def build_engine(services: Services) -> Engine:
    states = StateStore(services.db)
    states.purge_stale()
    return Engine(build_capabilities(services), states, services.feedback)
