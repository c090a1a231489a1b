-- The full-text index's vocabulary, one row per term with the number of memories holding it: a
-- search looks up how common each of its terms is and leaves the most common ones out of its
-- candidate scan (BM25 then ranks the candidates by every term). A view of memories_fts; it stores
-- nothing of its own.
CREATE VIRTUAL TABLE memories_fts_vocabulary USING fts5vocab (memories_fts, 'row');
