-- Stopped tasks are kept for --stopped-task-retention and then purged in bounded batches, oldest first:
-- the purge finds them by status and the time their row was last written (when they stopped).

CREATE INDEX tasks_by_status_updated ON tasks (last_status, updated_at);
