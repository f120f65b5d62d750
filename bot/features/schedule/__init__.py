"""The schedule: the weekly slots, which sessions are held, and cancellations."""
