"""Building the bot once per process: knowledge, analyser, index, database, capabilities.

`CAPABILITIES` is what the bot can do, in the order free text is offered to each; the FAQ comes
last because it will always say something. What they declare (commands, menu, help, the FAQ
actions they serve) is read from the classes, so `bot kb check` needs nothing built; what one
capability needs of another's domain is passed in here."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence, Sized
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import sqlite_utils

from bot.admin import inbox, outcomes
from bot.admin.capability import AdminCapability, Reloader
from bot.admin.inbox import InboxStore
from bot.admin.outcomes import OutcomeStore
from bot.branches.capability import BranchesCapability
from bot.branches.data import load_branches
from bot.branches.finder import BranchFinder, shared_finder
from bot.branches.places import load_places
from bot.capability import Capability
from bot.dates.capability import DatesCapability
from bot.engine import Engine
from bot.faq import taught
from bot.faq.capability import FaqCapability
from bot.faq.index import FaqIndex
from bot.faq.live import LiveFaq
from bot.faq.loading import faq_problems, load_faq
from bot.faq.taught import TaughtStore
from bot.korean.clock import Clock
from bot.settings import Settings
from bot.sms import schema as sms_schema
from bot.sms.capability import SmsCapability
from bot.sms.directory import BranchContact, BranchDirectory
from bot.sms.key import keyed_hash
from bot.sms.registry import Registry
from bot.sms.service import RecipientService
from bot.storage import Step, feedback, migrate, open_db, state
from bot.storage.datafile import DataFileError
from bot.storage.faults import fault_of, is_storage_error
from bot.storage.feedback import FeedbackStore
from bot.storage.state import StateStore

log = logging.getLogger(__name__)

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


# Every store's schema steps by component, as the stores apply them when start-up builds them.
# `bot restore` brings an older archive forward with these and refuses a newer one.
DATABASE_SCHEMAS: dict[str, Sequence[Step]] = {
    "conversations": state.SCHEMA,
    "feedback": feedback.SCHEMA,
    "sms": sms_schema.SCHEMA,
    "faq_taught": taught.SCHEMA,
    "inbox": inbox.SCHEMA,
    "outcomes": outcomes.SCHEMA,
}


def migrate_database(db: sqlite_utils.Database) -> int:
    """Apply every schema step not yet applied (no store is built); returns how many ran."""
    return sum(migrate(db, component, steps) for component, steps in DATABASE_SCHEMAS.items())


@dataclass(frozen=True)
class KnowledgeCheck:
    problems: list[str]
    counts: dict[str, int]  # rows of each table file that loaded


def check_knowledge_files(folder: Path) -> KnowledgeCheck:
    """The files start-up loads from `folder` (faq.yaml against the actions the capabilities
    serve, lexicon.yaml, out_of_scope.yaml, ranker.json, branches.csv, places.csv), every
    problem named with its file and line; nothing is built."""
    problems = faq_problems(folder, faq_actions())
    counters: dict[str, Callable[[Path], Sized]] = {"branches.csv": load_branches, "places.csv": load_places}
    counts: dict[str, int] = {}
    for name, counted in counters.items():
        try:
            counts[name] = len(counted(folder / name))
        except DataFileError as exc:
            problems += [f"{name} {p}" for p in exc.problems]
        except OSError as exc:
            problems.append(f"{name}: {exc}")
    return KnowledgeCheck(problems, counts)


@dataclass
class Services:
    """The heavy, shared things, built once: app.py gives each capability what it needs of them."""

    settings: Settings
    knowledge_dir: Path
    db: sqlite_utils.Database
    faq: FaqIndex
    feedback: FeedbackStore
    registry: Registry
    clock: Clock = field(default_factory=Clock)


def load_services(settings: Settings, *, db_path: Path | str | None = "settings") -> Services:
    """Load and validate everything; raises KnowledgeError (with every problem) on bad data and
    StorageFault when the database or its key file cannot be used."""
    folder = settings.knowledge_dir
    path = settings.db_path if db_path == "settings" else db_path
    faq = load_faq(folder, faq_actions(), cache=word_cache(path))
    db = open_db(path)
    clock = Clock(settings.now)
    registry = Registry(db, key=settings.sms_key, clock=clock.now)
    return Services(
        settings=settings,
        knowledge_dir=folder,
        db=db,
        faq=faq,
        # Voters are kept as keyed hashes, keyed from the register's secret (outside the file).
        feedback=FeedbackStore(db, clock, voter_key=keyed_hash(registry.key, "feedback voters").encode("ascii")),
        registry=registry,
        clock=clock,
    )


@cache
def branch_directory(knowledge_dir: Path) -> BranchDirectory:
    """The branches as the SMS domain needs them (name and phone), from the branch table."""
    return BranchDirectory(BranchContact(b.title, b.phone) for b in load_branches(knowledge_dir / "branches.csv"))


def recipient_service(services: Services) -> RecipientService:
    """The SMS register's use cases, with the branch directory they give phones from."""
    return RecipientService(services.registry, branch_directory(services.knowledge_dir))


def word_cache(db_path: Path | str | None) -> Path | None:
    """The analyser's word cache lives with the database, in the bot's own writable data folder."""
    return Path(db_path).parent / "faq-words.json" if db_path not in (None, ":memory:") else None


def build_capabilities(services: Services) -> list[Capability]:
    """One of each of CAPABILITIES, in that order, each given what it needs."""
    folder = services.knowledge_dir
    # The gazetteer is loaded once per process, whatever the number of engines.
    branches = BranchesCapability(shared_finder(folder / "branches.csv"))
    live = build_live_faq(services)
    admin = AdminCapability(services.feedback, inbox_store(services), OutcomeStore(services.db), live,
                            knowledge_reloader(folder, live, branches))
    return [SmsCapability(recipient_service(services)), admin, DatesCapability(), branches, live.capability]


def build_live_faq(services: Services) -> LiveFaq:
    """The FAQ capability with the alternates staff taught in this database already joined (the
    command line teaches through it without building the other capabilities)."""
    faq = FaqCapability(services.faq, faq_actions())
    live = LiveFaq(faq, TaughtStore(services.db), services.knowledge_dir, faq_actions(),
                   word_cache(services.settings.db_path))
    live.refresh()
    return live


def inbox_store(services: Services) -> InboxStore:
    # Like the voters' hashes, waiting suggestions' chats are keyed from the register's secret.
    key = keyed_hash(services.registry.key, "inbox chats").encode("ascii")
    return InboxStore(services.db, services.clock.now, chat_key=key)


def live_faq(capabilities: Sequence[Capability]) -> LiveFaq:
    """The FAQ's live index among built capabilities (the command line teaches through it)."""
    admin = next(c for c in capabilities if isinstance(c, AdminCapability))
    assert isinstance(admin.faq, LiveFaq)
    return admin.faq


def knowledge_reloader(folder: Path, live: LiveFaq, branches: BranchesCapability) -> Reloader:
    """/reload and SIGHUP: the knowledge files checked as `bot kb check` checks them; only when
    all are sound are the FAQ and the branch list read again ([] then; else every problem)."""

    def reload() -> list[str]:
        problems = check_knowledge_files(folder).problems
        if problems:
            return problems
        try:
            live.reload()
            branches.finder = BranchFinder.load(folder / "branches.csv")
        except DataFileError as exc:  # changed again between the check and the load
            return [str(p) for p in exc.problems]
        return []

    return reload


def build_engine(services: Services) -> Engine:
    engine = Engine(build_capabilities(services), StateStore(services.db, services.clock), services.feedback,
                    services.clock)
    housekeeping(services)
    return engine


def housekeeping(services: Services) -> dict[str, int]:
    """One round of the periodic clean-up (at start-up, then on `bot run`'s JobQueue): abandoned
    conversations forgotten, registration requests and codes past their time erased, suggestions
    left waiting too long moved to the inbox, the write-ahead log folded back. Best effort: a
    database that cannot be written to now (a full disk) is tried again next round. Returns what
    was removed."""
    try:
        dropped = StateStore(services.db, services.clock).purge_stale()
        upkeep = recipient_service(services).expire()
        answers = services.feedback.forget_old_answers()
        # Reading the inbox sweeps too, but a quiet inbox would keep the waiting chats' rows.
        suggestions = inbox_store(services).sweep()
    except Exception as exc:
        if not is_storage_error(exc):
            raise
        log.warning("housekeeping skipped: the database cannot be written (%s)", fault_of(exc))
        return {}
    return {"conversations": dropped, "requests": upkeep.expired_requests, "codes": upkeep.expired_codes,
            "attempts": upkeep.old_attempts, "answers": answers, "suggestions": suggestions}
