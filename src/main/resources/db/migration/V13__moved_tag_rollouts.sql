-- Rollouts on a moved tag (issue 11, item 6): which deployments the image lifecycle started because a tag moved,
-- of which kind (refresh of disabled containers, autoRedeploy of pinned ones), for which (tag, digest), and how
-- each ended. The concurrency cap counts the open ones; a failed one halts its (tag, digest) for every service.
-- Portable between SQLite and PostgreSQL; times are epoch milliseconds.

CREATE TABLE moved_tag_rollouts (
    deployment_id    TEXT    NOT NULL PRIMARY KEY,
    service_arn      TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    tag              TEXT    NOT NULL,
    digest           TEXT    NOT NULL,
    previous_digest  TEXT,
    started_at       BIGINT  NOT NULL,
    outcome          TEXT,
    finished_at      BIGINT
);

CREATE INDEX moved_tag_rollouts_open ON moved_tag_rollouts (outcome);
CREATE INDEX moved_tag_rollouts_by_tag ON moved_tag_rollouts (tag, digest);
