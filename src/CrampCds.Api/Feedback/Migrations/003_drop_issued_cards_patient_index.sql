-- Since 002 the snooze lookup reads feedback alone, and no query looks issued cards up by patient: the index only made
-- every logged card cost one more B-tree insert (a random one, as patient hashes are).

DROP INDEX IF EXISTS ix_issued_cards_patient;
