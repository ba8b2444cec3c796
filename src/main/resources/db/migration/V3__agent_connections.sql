-- Agent connection state of container instances, so the instance-health monitor finds stale agents
-- with one indexed query. heartbeat_at (V2) holds the last heartbeat; agent_connected is 1 or 0.

ALTER TABLE container_instances ADD COLUMN agent_connected INTEGER NOT NULL DEFAULT 1;
CREATE INDEX container_instances_by_heartbeat ON container_instances (agent_connected, heartbeat_at);
