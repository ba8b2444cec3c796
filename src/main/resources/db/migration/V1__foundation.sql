-- Foundation schema: clusters, task definitions, account settings, tags.
-- Portable between SQLite and PostgreSQL: TEXT documents hold the ECS JSON shapes; times are epoch millis.

CREATE TABLE clusters (
    name        TEXT    NOT NULL PRIMARY KEY,
    arn         TEXT    NOT NULL UNIQUE,
    status      TEXT    NOT NULL,
    doc         TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);

CREATE TABLE task_definition_families (
    family         TEXT    NOT NULL PRIMARY KEY,
    last_revision  INTEGER NOT NULL
);

CREATE TABLE task_definitions (
    family               TEXT    NOT NULL,
    revision             INTEGER NOT NULL,
    arn                  TEXT    NOT NULL UNIQUE,
    status               TEXT    NOT NULL,
    doc                  TEXT    NOT NULL,
    registered_at        BIGINT  NOT NULL,
    deregistered_at      BIGINT,
    delete_requested_at  BIGINT,
    PRIMARY KEY (family, revision)
);
CREATE INDEX task_definitions_by_status ON task_definitions (status, family, revision);

CREATE TABLE account_settings (
    name           TEXT    NOT NULL,
    principal_arn  TEXT    NOT NULL,
    value          TEXT    NOT NULL,
    updated_at     BIGINT  NOT NULL,
    PRIMARY KEY (name, principal_arn)
);

CREATE TABLE tags (
    resource_arn  TEXT  NOT NULL,
    tag_key       TEXT  NOT NULL,
    tag_value     TEXT  NOT NULL,
    PRIMARY KEY (resource_arn, tag_key)
);
