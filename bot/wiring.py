"""Build the services every channel shares: engine, dialog, reminder store and calendar."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from handlers.dialog import Dialog
from handlers.feedback import Feedback
from handlers.memory import ChatMemory, SqliteChatStates
from knowledge.engine import Engine
from knowledge.funding_rules import RULES_FILE, FundingRules, load_rules
from reminders.calendar import PlanCalendar
from reminders.commands import ReminderCommands
from reminders.database import Database
from reminders.interactions import InteractionLog, prune
from reminders.push import PushChannel
from reminders.scheduler import ReminderScheduler
from reminders.store import SubscriptionStore


@dataclass(frozen=True)
class Knowledge:
    """What answering needs, loaded and checked once: the knowledge base, the funding rules and
    the plan calendar."""

    engine: Engine
    rules: FundingRules
    calendar: PlanCalendar


def load_knowledge(data_dir: Path | None = None) -> Knowledge:
    """Raises a PolicybotError naming the knowledge-base, rules or calendar file that is broken.

    `data_dir` replaces the packaged knowledge-base folder (Settings.data_dir)."""
    if data_dir is None:
        return Knowledge(engine=Engine.load(), rules=load_rules(), calendar=PlanCalendar.load())
    return Knowledge(
        engine=Engine.load(data_dir),
        rules=load_rules(data_dir / RULES_FILE.name, data_dir),
        calendar=PlanCalendar.load(data_dir / "calendar.yaml"),
    )


@dataclass
class Services:
    engine: Engine
    dialog: Dialog
    reminders: ReminderCommands
    store: SubscriptionStore
    calendar: PlanCalendar
    # The interaction log behind feedback and `policybot report`; None when the operator turned it off.
    interactions: InteractionLog | None = None
    interaction_days: int = 180

    def scheduler(self, channels: Mapping[str, PushChannel]) -> ReminderScheduler:
        """A reminder scheduler pushing through `channels` (one per running bot process); once a day
        it also prunes the interaction log (even when the log is off: kept rows still expire)."""
        return ReminderScheduler(self.store, self.calendar, channels, daily=self.prune)

    def prune(self) -> int:
        return prune(self.store.db, self.interaction_days)


def one_turn_dialog(knowledge: Knowledge, feedback: bool = False) -> Dialog:
    """A dialog with no database: memory for the length of the run (`ask`, `chat --jsonl`). With
    `feedback`, 👍/👎 and /wrong work too, on an interaction log that lasts as long (`chat --jsonl`)."""
    observer = Feedback(InteractionLog(Database(":memory:"), os.urandom(32))) if feedback else None
    return Dialog(
        knowledge.engine,
        knowledge.rules,
        knowledge.calendar.rules,
        reminders=None,
        memory=ChatMemory(),
        observer=observer,
    )


def build_services(settings: Settings) -> Services:
    """Everything a chat needs; raises a PolicybotError naming the file that cannot be used.

    The files are read before the database is opened, so a broken knowledge base never leaves
    a half-opened store behind."""
    knowledge = load_knowledge(settings.data_dir)
    engine, calendar = knowledge.engine, knowledge.calendar
    store = SubscriptionStore(settings.db_path)
    try:
        store.db.check_writable()  # a read-only file would open and fail at the first write
        interactions = InteractionLog.beside(store.db) if settings.interaction_log else None
    except BaseException:
        store.close()
        raise
    reminders = ReminderCommands(store, calendar)
    dialog = Dialog(
        engine,
        knowledge.rules,
        calendar.rules,
        reminders=reminders,
        memory=ChatMemory(SqliteChatStates(store.db)),
        topic_minutes=settings.topic_minutes,
        observer=Feedback(interactions, engine.normalize.plain) if interactions is not None else None,
    )
    return Services(
        engine=engine,
        dialog=dialog,
        reminders=reminders,
        store=store,
        calendar=calendar,
        interactions=interactions,
        interaction_days=settings.interaction_days,
    )
