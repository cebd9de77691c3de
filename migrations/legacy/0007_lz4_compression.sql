-- Compress large values (a memory's raw JSON and transcript, job checkpoints) with lz4 instead
-- of pglz: several times faster to compress and decompress, for a similar size on JSON. Only
-- values written from now on are affected; nothing is rewritten, so this is instant.
ALTER TABLE conversations ALTER COLUMN raw SET COMPRESSION lz4;
ALTER TABLE conversations ALTER COLUMN metadata SET COMPRESSION lz4;
ALTER TABLE conversations ALTER COLUMN action_items SET COMPRESSION lz4;
ALTER TABLE jobs ALTER COLUMN args SET COMPRESSION lz4;
ALTER TABLE jobs ALTER COLUMN progress SET COMPRESSION lz4;
ALTER TABLE jobs ALTER COLUMN result SET COMPRESSION lz4;
