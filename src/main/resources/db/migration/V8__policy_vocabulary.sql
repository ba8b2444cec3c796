-- One policy vocabulary (issue 9, item 12): the account and cluster setting versionConsistency now take
-- enabled/consistent (strict), best-effort and disabled, as image rules do. Before, a stored setting
-- 'enabled' meant best-effort; rewrite it so existing installs behave exactly as before.
-- Portable between SQLite and PostgreSQL (REPLACE and LIKE exist in both). Cluster settings live in the
-- cluster document, which the server writes as compact JSON: {"name":"versionConsistency","value":"..."}.

UPDATE account_settings SET value = 'best-effort'
WHERE name = 'versionConsistency' AND value = 'enabled';

UPDATE clusters
SET doc = REPLACE(doc, '{"name":"versionConsistency","value":"enabled"}', '{"name":"versionConsistency","value":"best-effort"}')
WHERE doc LIKE '%{"name":"versionConsistency","value":"enabled"}%';
