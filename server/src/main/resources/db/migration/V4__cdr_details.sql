-- Trunkline schema, version 4: what a CDR also keeps (issue 6): both forms of the numbers, when it
-- rang, the Q.850 cause and who hung up. Valid on H2 2.x and PostgreSQL 15+.
ALTER TABLE cdr ADD COLUMN caller_dialed VARCHAR(128) DEFAULT '' NOT NULL;
ALTER TABLE cdr ADD COLUMN called_dialed VARCHAR(128) DEFAULT '' NOT NULL;
ALTER TABLE cdr ADD COLUMN called_sent   VARCHAR(128) DEFAULT '' NOT NULL;
ALTER TABLE cdr ADD COLUMN ringing_at    TIMESTAMP WITH TIME ZONE;
ALTER TABLE cdr ADD COLUMN cause         INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE cdr ADD COLUMN hangup        VARCHAR(16) DEFAULT '' NOT NULL;
