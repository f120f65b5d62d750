"""The pinned agenda message of each served room, kept current by edits."""
