-- Trunkline schema, version 7: per direction of a relayed call, the RTP packets the relay received
-- twice (duplicates) and after a later one (late, reordered) (issue 8, "late/duplicate"). Null for
-- a call whose media passed through, and for CDRs written before this version.
-- Valid on H2 2.x and PostgreSQL 15+.
ALTER TABLE cdr ADD COLUMN media_caller_duplicates BIGINT;
ALTER TABLE cdr ADD COLUMN media_caller_late       BIGINT;
ALTER TABLE cdr ADD COLUMN media_callee_duplicates BIGINT;
ALTER TABLE cdr ADD COLUMN media_callee_late       BIGINT;
