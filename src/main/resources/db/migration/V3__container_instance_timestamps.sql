-- Container instances are stored through the same document table code as tasks, which stamps
-- created_at and updated_at on every insert and update; V2 created the table without them, so no
-- instance could be registered.
ALTER TABLE container_instances ADD COLUMN created_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE container_instances ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
