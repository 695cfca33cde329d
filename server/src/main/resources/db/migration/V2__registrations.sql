-- Trunkline schema, version 2: the contacts register-in trunks' PBXs registered (RFC 3261 §10.3),
-- kept across restarts. Valid on H2 2.x and PostgreSQL 15+.
CREATE TABLE registration (
    trunk         VARCHAR(64)   NOT NULL,
    contact       VARCHAR(1024) NOT NULL,
    expires_at    BIGINT        NOT NULL,   -- epoch milliseconds
    transport     VARCHAR(8)    NOT NULL,
    source_ip     VARCHAR(64)   NOT NULL,
    source_port   INTEGER       NOT NULL,
    listen_point  VARCHAR(64),
    call_id       VARCHAR(256)  NOT NULL,
    cseq          BIGINT        NOT NULL,
    user_agent    VARCHAR(256)  NOT NULL,
    registered_at BIGINT        NOT NULL,   -- epoch milliseconds
    CONSTRAINT registration_pk PRIMARY KEY (trunk, contact)
);
