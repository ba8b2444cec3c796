-- Sharded controllers (issue 13): the service keyspace is divided into a fixed number of shards (store.Shards);
-- each shard is held by at most one live server replica. A replica is live while its row in `replicas` has not
-- expired (it renews it every third of its lease). `token` grows by one whenever a shard changes hands: every
-- controller write checks, in its own transaction, that the shard's holder and token are still the ones it acts
-- under (the fence), so a replica that was paused past its lease can never write after losing the shard.
-- Rows of `shard_leases` change only when a shard moves; renewing is one write of the replica's own row.

CREATE TABLE replicas (
    holder      TEXT    NOT NULL PRIMARY KEY,
    node_name   TEXT    NOT NULL,
    started_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL
);

CREATE TABLE shard_leases (
    shard       INTEGER NOT NULL PRIMARY KEY,
    holder      TEXT,
    token       BIGINT  NOT NULL,
    moved_at    BIGINT  NOT NULL
);
