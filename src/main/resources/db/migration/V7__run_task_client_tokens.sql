-- RunTask idempotency: one row per (cluster, clientToken), inserted in the transaction that inserts the
-- call's tasks. The primary key makes a second set of tasks for one token impossible, on SQLite and on
-- PostgreSQL replicas alike. request_hash fingerprints the call's other parameters ('' = unknown: tokens
-- used before this migration), so a reused token with different parameters can be refused.
CREATE TABLE run_task_client_tokens (
    cluster       TEXT    NOT NULL,
    client_token  TEXT    NOT NULL,
    request_hash  TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    PRIMARY KEY (cluster, client_token)
);

INSERT INTO run_task_client_tokens (cluster, client_token, request_hash, created_at)
SELECT cluster, client_token, '', MIN(created_at) FROM tasks
WHERE client_token IS NOT NULL
GROUP BY cluster, client_token;
