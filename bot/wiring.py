"""Build the services every channel shares: engine, dialog, reminder store and calendar."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from handlers.dialog import Dialog
from knowledge.engine import Engine
from knowledge.funding_rules import RULES_FILE, FundingRules, load_rules
from reminders.calendar import PlanCalendar
from reminders.commands import ReminderCommands
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

    def scheduler(self, channels: Mapping[str, PushChannel]) -> ReminderScheduler:
        """A reminder scheduler pushing through `channels` (one per running bot process)."""
        return ReminderScheduler(self.store, self.calendar, channels)


def build_services(settings: Settings) -> Services:
    """Everything a chat needs; raises a PolicybotError naming the file that cannot be used.

    The files are read before the database is opened, so a broken knowledge base never leaves
    a half-opened store behind."""
    knowledge = load_knowledge(settings.data_dir)
    engine, calendar = knowledge.engine, knowledge.calendar
    store = SubscriptionStore(settings.db_path)
    try:
        store.db.check_writable()  # a read-only file would open and fail at the first write
    except BaseException:
        store.close()
        raise
    reminders = ReminderCommands(store, calendar)
    return Services(
        engine=engine,
        dialog=Dialog(engine, reminders=reminders, languages=store),
        reminders=reminders,
        store=store,
        calendar=calendar,
    )
