-- Services, deployments (with their resolution records), service revisions, tasks, container instances,
-- service events and image rules for the version-consistency policy.

CREATE TABLE services (
    arn                  TEXT    NOT NULL PRIMARY KEY,
    cluster              TEXT    NOT NULL,
    name                 TEXT    NOT NULL,
    status               TEXT    NOT NULL,
    desired_count        INTEGER NOT NULL,
    task_definition_arn  TEXT    NOT NULL,
    doc                  TEXT    NOT NULL,
    client_token         TEXT,
    created_at           BIGINT  NOT NULL,
    updated_at           BIGINT  NOT NULL,
    version              BIGINT  NOT NULL
);
CREATE INDEX services_by_cluster ON services (cluster, status, name);

CREATE TABLE service_revisions (
    arn                  TEXT    NOT NULL PRIMARY KEY,
    service_arn          TEXT    NOT NULL,
    task_definition_arn  TEXT    NOT NULL,
    doc                  TEXT    NOT NULL,
    created_at           BIGINT  NOT NULL,
    updated_at           BIGINT  NOT NULL,
    version              BIGINT  NOT NULL
);
CREATE INDEX service_revisions_by_service ON service_revisions (service_arn, created_at);

CREATE TABLE deployments (
    id                   TEXT    NOT NULL PRIMARY KEY,
    arn                  TEXT    NOT NULL UNIQUE,
    service_arn          TEXT    NOT NULL,
    revision_arn         TEXT    NOT NULL,
    status               TEXT    NOT NULL,
    rollout_state        TEXT    NOT NULL,
    desired_count        INTEGER NOT NULL,
    doc                  TEXT    NOT NULL,
    created_at           BIGINT  NOT NULL,
    updated_at           BIGINT  NOT NULL,
    version              BIGINT  NOT NULL
);
CREATE INDEX deployments_by_service ON deployments (service_arn, created_at);

CREATE TABLE tasks (
    arn                     TEXT    NOT NULL PRIMARY KEY,
    cluster                 TEXT    NOT NULL,
    task_definition_arn     TEXT    NOT NULL,
    service_arn             TEXT,
    deployment_id           TEXT,
    started_by              TEXT,
    container_instance_arn  TEXT,
    desired_status          TEXT    NOT NULL,
    last_status             TEXT    NOT NULL,
    client_token            TEXT,
    doc                     TEXT    NOT NULL,
    created_at              BIGINT  NOT NULL,
    updated_at              BIGINT  NOT NULL,
    version                 BIGINT  NOT NULL
);
CREATE INDEX tasks_by_cluster ON tasks (cluster, desired_status);
CREATE INDEX tasks_by_service ON tasks (service_arn, deployment_id);
CREATE INDEX tasks_by_instance ON tasks (container_instance_arn, last_status);
CREATE INDEX tasks_by_client_token ON tasks (cluster, client_token);

CREATE TABLE container_instances (
    arn              TEXT    NOT NULL PRIMARY KEY,
    cluster          TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    doc              TEXT    NOT NULL,
    registered_at    BIGINT  NOT NULL,
    heartbeat_at     BIGINT  NOT NULL,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    version          BIGINT  NOT NULL
);
CREATE INDEX container_instances_by_cluster ON container_instances (cluster, status);

CREATE TABLE service_events (
    id           TEXT    NOT NULL PRIMARY KEY,
    service_arn  TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    seq          BIGINT  NOT NULL,
    message      TEXT    NOT NULL
);
CREATE INDEX service_events_by_service ON service_events (service_arn, created_at, seq);

CREATE TABLE image_rules (
    scope       TEXT    NOT NULL,
    pattern     TEXT    NOT NULL,
    mode        TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    PRIMARY KEY (scope, pattern)
);
