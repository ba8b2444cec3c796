-- Capacity providers (issue 12, item 3): each names a pool of container instances by the Auto Scaling group name
-- in its autoScalingGroupProvider (instances carry it as the attribute ballast.auto-scaling-group). FARGATE and
-- FARGATE_SPOT are built in and have no row. cluster_capacity_providers holds a cluster's associated providers
-- (the cluster document lists them too), so deleting an associated provider is refused in one transaction.
-- Portable between SQLite and PostgreSQL; times are epoch milliseconds.

CREATE TABLE capacity_providers (
    name                    TEXT    NOT NULL PRIMARY KEY,
    arn                     TEXT    NOT NULL UNIQUE,
    auto_scaling_group_arn  TEXT    NOT NULL UNIQUE,
    doc                     TEXT    NOT NULL,
    created_at              BIGINT  NOT NULL,
    updated_at              BIGINT  NOT NULL
);

CREATE TABLE cluster_capacity_providers (
    cluster   TEXT  NOT NULL,
    provider  TEXT  NOT NULL,
    PRIMARY KEY (cluster, provider)
);

CREATE INDEX cluster_capacity_providers_by_provider ON cluster_capacity_providers (provider);
