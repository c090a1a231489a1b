-- Live memories per user, kept by the memory projector in the append's transaction, so that a list
-- page reads its total instead of counting the user's rows (DESIGN.md §3). A user without live
-- memories has no row.
CREATE TABLE memory_counts (
    user_id TEXT    PRIMARY KEY,
    live    INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO memory_counts (user_id, live) SELECT user_id, count(*) FROM memories GROUP BY user_id;

-- Filtered list pages come out of the index already in list order (newest first), without sorting
-- every match of the filter.
DROP INDEX memories_by_agent;
CREATE INDEX memories_by_agent ON memories (user_id, agent_id, created_at, seq);
DROP INDEX memories_by_run;
CREATE INDEX memories_by_run ON memories (user_id, run_id, created_at, seq);
