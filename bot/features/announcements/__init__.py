"""Announcements: what the bot says on its own (the announcer, driven by the scheduler) and
the `announcements` table that makes each message go out exactly once (repository)."""
