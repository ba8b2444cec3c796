package dev.ballast.store;

import java.util.List;

/** Image rules of the version-consistency policy: per scope ("account" or a cluster ARN), pattern → mode. */
public final class ImageRules {
    /** One rule. */
    public record Rule(String scope, String pattern, String mode) {}

    public static final String ACCOUNT = "account";
    private final Store store;

    ImageRules(Store store) {
        this.store = store;
    }

    public void put(Rule r) {
        store.jdbi()
                .useTransaction(h -> h.createUpdate("""
                        INSERT INTO image_rules (scope, pattern, mode, created_at) VALUES (:scope, :pattern, :mode, :now)
                        ON CONFLICT (scope, pattern) DO UPDATE SET mode = excluded.mode
                        """)
                        .bind("scope", r.scope())
                        .bind("pattern", r.pattern())
                        .bind("mode", r.mode())
                        .bind("now", store.now())
                        .execute());
    }

    public boolean delete(String scope, String pattern) {
        return store.jdbi()
                        .inTransaction(h -> h.createUpdate(
                                        "DELETE FROM image_rules WHERE scope = :scope AND pattern = :pattern")
                                .bind("scope", scope)
                                .bind("pattern", pattern)
                                .execute())
                == 1;
    }

    /** The rules of one scope in the order they were created (first match wins). */
    public List<Rule> of(String scope) {
        return store.jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT scope, pattern, mode FROM image_rules WHERE scope = :scope ORDER BY created_at, pattern")
                        .bind("scope", scope)
                        .map((rs, ctx) -> new Rule(rs.getString(1), rs.getString(2), rs.getString(3)))
                        .list());
    }
}
