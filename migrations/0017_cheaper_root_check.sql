-- An anchor's Merkle root is checked when the anchor is made and again when the sealer puts it in
-- a block. As the pattern '^[0-9a-f]{64}$' the check cost PostgreSQL's regular expression engine
-- some 12 µs a row (the counted repetition), two checks for every conversation ingested; the same
-- rule as a length and a class of characters costs about 1.5 µs. Same name, same rows accepted.
-- Re-adding the constraint checks every anchor once, under the table's exclusive lock: about a
-- second per million anchors.
ALTER TABLE ledger_anchors
    DROP CONSTRAINT ledger_anchors_merkle_root_check,
    ADD CONSTRAINT ledger_anchors_merkle_root_check CHECK (length(merkle_root) = 64 AND merkle_root !~ '[^0-9a-f]');
