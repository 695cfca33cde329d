-- Trunkline schema, version 5 (issue 7): SIP traces live in segment files (traces.path), not here;
-- a trace search shows each call's CDR, found by the call's id (the trace id). Valid on H2 2.x and
-- PostgreSQL 15+.
CREATE INDEX cdr_id ON cdr (id);
