package dev.ballast.store;

import java.util.List;
import java.util.Optional;

/** Account settings (ECS's PutAccountSetting family) per setting name and principal. */
public final class AccountSettings {
    /** One stored setting. */
    public record Setting(String name, String principalArn, String value) {}

    private final Store store;

    AccountSettings(Store store) {
        this.store = store;
    }

    public void put(Setting s) {
        store.jdbi()
                .useTransaction(h -> h.createUpdate("""
                        INSERT INTO account_settings (name, principal_arn, value, updated_at) VALUES (:name, :principal, :value, :now)
                        ON CONFLICT (name, principal_arn) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                        """)
                        .bind("name", s.name())
                        .bind("principal", s.principalArn())
                        .bind("value", s.value())
                        .bind("now", store.now())
                        .execute());
    }

    public Optional<Setting> find(String name, String principalArn) {
        return store.jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT name, principal_arn, value FROM account_settings WHERE name = :name AND principal_arn = :principal")
                        .bind("name", name)
                        .bind("principal", principalArn)
                        .map((rs, ctx) -> new Setting(rs.getString(1), rs.getString(2), rs.getString(3)))
                        .findOne());
    }

    /** Removes a setting; the removed one, if it existed. */
    public Optional<Setting> delete(String name, String principalArn) {
        return store.jdbi().inTransaction(h -> {
            Optional<Setting> existing = h.createQuery(
                            "SELECT name, principal_arn, value FROM account_settings WHERE name = :name AND principal_arn = :principal")
                    .bind("name", name)
                    .bind("principal", principalArn)
                    .map((rs, ctx) -> new Setting(rs.getString(1), rs.getString(2), rs.getString(3)))
                    .findOne();
            existing.ifPresent(s -> h.createUpdate(
                            "DELETE FROM account_settings WHERE name = :name AND principal_arn = :principal")
                    .bind("name", name)
                    .bind("principal", principalArn)
                    .execute());
            return existing;
        });
    }

    /** All stored settings, ordered by name then principal. */
    public List<Setting> all() {
        return store.jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT name, principal_arn, value FROM account_settings ORDER BY name, principal_arn")
                        .map((rs, ctx) -> new Setting(rs.getString(1), rs.getString(2), rs.getString(3)))
                        .list());
    }
}
