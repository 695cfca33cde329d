-- Trunkline schema, version 12: the CDR block summaries by their latest start, newest first. A search
-- without a key (the newest page, a time range, a status) reads the summaries in that order a chunk
-- at a time and stops once its page is full, instead of reading every summary (which grew with the
-- table: 25-30 ms for the newest page at 1 M rows, bench/RESULTS.md, stop 21, branch cdr14). One
-- entry per block of up to 1,024 rows: nothing measurable per row written.
-- Valid on H2 2.x and PostgreSQL 15+.
CREATE INDEX cdr_block_max_start ON cdr_block (max_start, id);
