"""Announcements: what the bot says on its own, each message exactly once. timing.py (due
times and grace windows, shared with the reminders), planning.py (what falls due when),
sending.py (the Announcer: record, send, mark), jobs.py (its scheduler jobs), messages.py
(what a message says, as data) and the `announcements` table (repository.py)."""
