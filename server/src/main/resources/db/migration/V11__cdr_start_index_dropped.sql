-- Trunkline schema, version 11: no index on the CDRs' start. Every search finds its rows through the
-- block summaries (versions 9 and 10), which hold each segment's range of start: the newest, a time
-- range and a status read the segments whose range may hold them, by primary key. The index cost
-- every row a B-tree entry written out of order once calls last minutes (a row is written when its
-- call ends): +66 % CPU per row with 3-minute calls (bench/RESULTS.md, stop 20, branch cdr13).
-- Valid on H2 2.x and PostgreSQL 15+.
DROP INDEX cdr_start;
