"""The SQLite store (one connection, one writer at a time) and the numbered migrations."""
