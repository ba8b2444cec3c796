-- Typed stop cause (issue 10, item 1): the circuit breaker no longer recognises a task stopped for failing its
-- health checks by its stoppedReason prose but by "stopCause":"HEALTH_CHECK_FAILED" in the task document. Tasks
-- that an older server stopped that way get the cause here, once, so that failures counted by prose before the
-- upgrade are still counted after it. Portable between SQLite and PostgreSQL (REPLACE and LIKE exist in both);
-- the server writes task documents as compact JSON.

UPDATE tasks
SET doc = REPLACE(doc, '"stoppedReason":"Task failed container health checks"',
                  '"stoppedReason":"Task failed container health checks","stopCause":"HEALTH_CHECK_FAILED"'),
    version = version + 1
WHERE doc LIKE '%"stoppedReason":"Task failed container health checks"%'
  AND doc LIKE '%"stopCode":"ServiceSchedulerInitiated"%'
  AND doc NOT LIKE '%"stopCause":%';
