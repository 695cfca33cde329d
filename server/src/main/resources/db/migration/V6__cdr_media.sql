-- Trunkline schema, version 6: what the RTP relay saw of a relayed call (issue 8), per direction
-- (caller = the audio the caller sent, callee = the audio the callee sent), the one-way audio flag,
-- the DTMF digits and the recording. All null for a call whose media passed through.
-- Version 5 is the traces branch's. Valid on H2 2.x and PostgreSQL 15+.
ALTER TABLE cdr ADD COLUMN media_caller_packets   BIGINT;
ALTER TABLE cdr ADD COLUMN media_caller_lost      BIGINT;
ALTER TABLE cdr ADD COLUMN media_caller_jitter_ms DOUBLE PRECISION;
ALTER TABLE cdr ADD COLUMN media_caller_mos       DOUBLE PRECISION;
ALTER TABLE cdr ADD COLUMN media_callee_packets   BIGINT;
ALTER TABLE cdr ADD COLUMN media_callee_lost      BIGINT;
ALTER TABLE cdr ADD COLUMN media_callee_jitter_ms DOUBLE PRECISION;
ALTER TABLE cdr ADD COLUMN media_callee_mos       DOUBLE PRECISION;
ALTER TABLE cdr ADD COLUMN media_one_way          VARCHAR(16);    -- 'caller-to-callee', ...
ALTER TABLE cdr ADD COLUMN media_dtmf             VARCHAR(256);
ALTER TABLE cdr ADD COLUMN media_recording        VARCHAR(1024);
