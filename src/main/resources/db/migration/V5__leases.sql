-- Leases: which server replica drives the controllers when several share one PostgreSQL store. A lease is
-- held by `holder` until `expires_at` (epoch milliseconds on the holder's clock); the holder renews it
-- while alive, and another replica may take it once it has expired.

CREATE TABLE leases (
    name        TEXT    NOT NULL PRIMARY KEY,
    holder      TEXT    NOT NULL,
    expires_at  BIGINT  NOT NULL
);
