"""Deadline reminders: plan calendar, subscriptions, schedule and the push scheduler."""
