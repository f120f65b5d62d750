"""The Matrix adapter, the only package that imports nio: credentials (credentials.py), and
sending, sync and the inbox, encryption, rooms (adapter.py, still to be split by job)."""
