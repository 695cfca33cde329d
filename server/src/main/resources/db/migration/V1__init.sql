-- Trunkline schema, version 1. Must stay valid on H2 2.x and PostgreSQL 15+.

-- One row per Trunkline node: written by `trunkline run` once it is listening, which proves that
-- the database is reachable and writable. Later versions link registrations to the node holding them.
CREATE TABLE node (
    node_id    VARCHAR(64)              NOT NULL,
    version    VARCHAR(32)              NOT NULL,
    started_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT node_pk PRIMARY KEY (node_id)
);
