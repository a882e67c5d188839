"""Build the services every channel shares: engine, dialog, reminder store and calendar."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot import config
from handlers.dialog import Dialog
from knowledge.engine import Engine
from reminders.calendar import PlanCalendar
from reminders.commands import ReminderCommands
from reminders.push import PushChannel
from reminders.scheduler import ReminderScheduler
from reminders.store import SubscriptionStore


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


def build_services(db: str | None = None) -> Services:
    engine = Engine.load()
    store = SubscriptionStore(db or config.db_path())
    calendar = PlanCalendar.load()
    reminders = ReminderCommands(store, calendar)
    return Services(
        engine=engine,
        dialog=Dialog(engine, reminders=reminders, languages=store),
        reminders=reminders,
        store=store,
        calendar=calendar,
    )
