-- The mock æternity ledger: an AnchorRegistry (anchors), an AccessNFT (tokens) and a chain of
-- blocks that seals the anchors, so that changing any stored anchor or block is detectable.
-- The hashes and their canonical encodings are documented in Sources/BuddiLedger/MerkleEncoding.swift.

-- The deployment: one row, created here with a random id. The contract addresses (ct_…) are
-- derived from its id, so they are the same for every process of this deployment.
CREATE TABLE ledger_deployment (
    singleton     boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    deployment_id uuid        NOT NULL DEFAULT gen_random_uuid(),
    created_at    timestamptz NOT NULL DEFAULT now()
);

INSERT INTO ledger_deployment DEFAULT VALUES;

-- Blocks, chained by hash from height 0 (whose previous_hash is 64 zeros):
-- hash = SHA256(0x03 ‖ previous_hash ‖ u64 height ‖ anchors_root), where anchors_root is the
-- Merkle root of the leaf hashes of the block's anchors in id order.
CREATE TABLE ledger_blocks (
    height        bigint      PRIMARY KEY CHECK (height >= 0),
    previous_hash text        NOT NULL CHECK (previous_hash ~ '^[0-9a-f]{64}$'),
    anchors_root  text        NOT NULL CHECK (anchors_root ~ '^[0-9a-f]{64}$'),
    hash          text        NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
    sealed_at     timestamptz NOT NULL DEFAULT now()
);

-- Anchored Merkle roots. block_height is NULL until the sealer puts the anchor in a block;
-- anchoring never waits for the chain head.
CREATE TABLE ledger_anchors (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    merkle_root  text        NOT NULL CHECK (merkle_root ~ '^[0-9a-f]{64}$'),
    manifest     text        NOT NULL,
    policy       text        NOT NULL,
    storage_hint text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    block_height bigint      REFERENCES ledger_blocks (height)
);

-- The sealer's scan: only the anchors not sealed yet, in id order.
CREATE INDEX ledger_anchors_unsealed ON ledger_anchors (id) WHERE block_height IS NULL;

-- A block's anchors, in id order.
CREATE INDEX ledger_anchors_block ON ledger_anchors (block_height, id) WHERE block_height IS NOT NULL;

-- Access tokens. The token URI is buddi://anchors/<anchor_id>/tokens/<id>.
CREATE TABLE ledger_tokens (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    anchor_id  bigint      NOT NULL REFERENCES ledger_anchors (id),
    owner      text        NOT NULL CHECK (owner <> ''),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ledger_tokens_anchor ON ledger_tokens (anchor_id);
