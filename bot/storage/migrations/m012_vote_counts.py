"""Migration 12: each topic keeps its count of votes, so that the open topics are ranked by
walking an index down to the few shown (!topics, the agenda, the page), not by counting the
votes of every open topic and sorting them all."""

from bot.storage.migrations.migration import Migration

MIGRATION = Migration(
    12,
    "topics keep their count of votes, ranked by an index",
    (
        "ALTER TABLE topics ADD COLUMN vote_count INTEGER NOT NULL DEFAULT 0",
        "UPDATE topics SET vote_count = (SELECT COUNT(*) FROM votes v WHERE v.topic_id = topics.id)",
        # Kept by the database itself, whatever adds or removes a vote (a vote, an unvote,
        # !forgetme, SQL from elsewhere), in the same transaction.
        """CREATE TRIGGER votes_counted AFTER INSERT ON votes BEGIN
            UPDATE topics SET vote_count = vote_count + 1 WHERE id = NEW.topic_id;
        END""",
        """CREATE TRIGGER votes_uncounted AFTER DELETE ON votes BEGIN
            UPDATE topics SET vote_count = vote_count - 1 WHERE id = OLD.topic_id;
        END""",
        """CREATE TRIGGER votes_moved AFTER UPDATE OF topic_id ON votes BEGIN
            UPDATE topics SET vote_count = vote_count - 1 WHERE id = OLD.topic_id;
            UPDATE topics SET vote_count = vote_count + 1 WHERE id = NEW.topic_id;
        END""",
        # The ranking: most votes first, among equals the oldest suggestion first.
        "CREATE INDEX topics_ranked ON topics (vote_count DESC, suggested_at, id) WHERE status = 'open'",
    ),
)
