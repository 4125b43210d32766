"""Shared, built-once test helpers: Kiwi takes about a second to load, so every test module
reuses one analyser and one index, each test getting its own in-memory database."""

from __future__ import annotations

import datetime as dt
from functools import cache

from bot.admin.capability import AdminCapability
from bot.app import Services, build_engine, faq_actions
from bot.conversation import Event, Reply
from bot.engine import Engine
from bot.faq.analyzer import Analyzer
from bot.faq.index import FaqIndex
from bot.faq.knowledge import KnowledgeBase, load_knowledge
from bot.faq.lexicon import Lexicon
from bot.faq.loading import WORD_SEED, load_faq
from bot.korean.clock import Clock
from bot.settings import DEFAULT_KNOWLEDGE_DIR, Settings
from bot.sms.registry import Registry
from bot.storage import open_db
from bot.storage.feedback import FeedbackStore

TODAY = dt.date(2026, 11, 22)


@cache
def knowledge() -> KnowledgeBase:
    return load_knowledge(DEFAULT_KNOWLEDGE_DIR / "faq.yaml", actions=faq_actions())


@cache
def analyzer() -> Analyzer:
    return Analyzer(Lexicon.load(DEFAULT_KNOWLEDGE_DIR / "lexicon.yaml"), seed=DEFAULT_KNOWLEDGE_DIR / WORD_SEED)


@cache
def faq_index() -> FaqIndex:
    return load_faq(DEFAULT_KNOWLEDGE_DIR, faq_actions(), analyzer(), knowledge())


def services(settings: Settings | None = None) -> Services:
    """The app's services around a fresh in-memory database (the clock pinned by settings.now,
    as BOT_NOW pins it)."""
    db = open_db(None)
    settings = settings or Settings()
    clock = Clock(settings.now)
    return Services(
        settings=settings,
        knowledge_dir=DEFAULT_KNOWLEDGE_DIR,
        db=db,
        faq=faq_index(),
        feedback=FeedbackStore(db, clock),
        registry=Registry(db, key=settings.sms_key, clock=clock.now),
        clock=clock,
    )


def engine(settings: Settings | None = None) -> Engine:
    """The whole bot, as `bot ask` builds it, on a fresh in-memory database."""
    return build_engine(services(settings))


def say(bot: Engine, text: str, chat: str = "t1") -> Reply:
    return bot.handle(chat, Event.from_text(text), today=TODAY)


def press(bot: Engine, payload: str, chat: str = "t1") -> Reply:
    return bot.handle(chat, Event(kind="button", payload=payload), today=TODAY)


def admin_of(bot: Engine) -> AdminCapability:
    """The staff capability of an engine (its inbox, outcomes and teaching)."""
    cap = bot.by_name["admin"]
    assert isinstance(cap, AdminCapability)
    return cap
