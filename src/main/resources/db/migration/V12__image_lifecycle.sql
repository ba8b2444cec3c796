-- Image lifecycle (issue 11): per-service lifecycle policies, the watched tags' last known digests, the
-- children of image indexes (immutable, so a cache), digests the guard found missing, and digest approvals.
-- Portable between SQLite and PostgreSQL; times are epoch milliseconds; documents are JSON text.

CREATE TABLE service_image_policies (
    service_arn  TEXT    NOT NULL PRIMARY KEY,
    policy       TEXT    NOT NULL,
    updated_at   BIGINT  NOT NULL
);

CREATE TABLE tag_states (
    registry    TEXT    NOT NULL,
    repository  TEXT    NOT NULL,
    tag         TEXT    NOT NULL,
    digest      TEXT,
    media_type  TEXT,
    etag        TEXT,
    changed_at  BIGINT  NOT NULL,
    checked_at  BIGINT  NOT NULL,
    source      TEXT    NOT NULL,
    PRIMARY KEY (registry, repository, tag)
);

CREATE TABLE index_platforms (
    registry      TEXT  NOT NULL,
    repository    TEXT  NOT NULL,
    index_digest  TEXT  NOT NULL,
    platforms     TEXT  NOT NULL,
    PRIMARY KEY (registry, repository, index_digest)
);

CREATE TABLE missing_images (
    registry     TEXT    NOT NULL,
    repository   TEXT    NOT NULL,
    digest       TEXT    NOT NULL,
    detected_at  BIGINT  NOT NULL,
    source       TEXT    NOT NULL,
    PRIMARY KEY (registry, repository, digest)
);

CREATE TABLE digest_approvals (
    service_arn  TEXT    NOT NULL,
    digest       TEXT    NOT NULL,
    approved_at  BIGINT  NOT NULL,
    PRIMARY KEY (service_arn, digest)
);
