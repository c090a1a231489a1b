-- Each vector row records the value of the `vectors` change counter (projection_checkpoints) when it
-- was written, so every process can load just the vectors written since it last looked.
ALTER TABLE memory_vectors ADD COLUMN change INTEGER NOT NULL DEFAULT 0;
CREATE INDEX memory_vectors_by_change ON memory_vectors (change);
INSERT OR IGNORE INTO projection_checkpoints (name, position) VALUES ('vectors', 0);
