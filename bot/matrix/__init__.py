"""The Matrix adapter, the only package that imports nio, by job: credentials.py (login,
tokens), sender.py (replies out), sync.py (sync, events into the inbox), inbox.py (the
durable inbox table), workers.py (one worker per room), crypto.py (encryption), rooms.py
(served rooms, invites, power levels); adapter.py wires them and starts the announcer."""
