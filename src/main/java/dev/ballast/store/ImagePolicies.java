package dev.ballast.store;

import dev.ballast.model.ImageLifecyclePolicy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Per-service image-lifecycle policies ({@link ImageLifecyclePolicy}); a service without one uses the default. */
public final class ImagePolicies {
    private final Store store;

    ImagePolicies(Store store) {
        this.store = store;
    }

    /** The service's stored policy, or {@link ImageLifecyclePolicy#DEFAULT}. */
    public ImageLifecyclePolicy policy(String serviceArn) {
        return find(serviceArn).orElse(ImageLifecyclePolicy.DEFAULT);
    }

    /** The service's stored policy, if it has one. */
    public Optional<ImageLifecyclePolicy> find(String serviceArn) {
        return store.jdbi()
                .withHandle(h -> h.createQuery("SELECT policy FROM service_image_policies WHERE service_arn = :s")
                        .bind("s", serviceArn)
                        .mapTo(String.class)
                        .findOne())
                .map(json -> StoreJson.read(json, ImageLifecyclePolicy.class, "service image policy"));
    }

    /** Every stored policy by service ARN (services without one use the default). */
    public Map<String, ImageLifecyclePolicy> all() {
        Map<String, ImageLifecyclePolicy> out = new LinkedHashMap<>();
        store.jdbi()
                .useHandle(h -> h.createQuery(
                                "SELECT service_arn, policy FROM service_image_policies ORDER BY service_arn")
                        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                        .forEach(e -> out.put(
                                e.getKey(),
                                StoreJson.read(e.getValue(), ImageLifecyclePolicy.class, "service image policy"))));
        return out;
    }

    /** Creates or replaces the service's policy. */
    public void put(String serviceArn, ImageLifecyclePolicy policy) {
        String json = StoreJson.write(policy, "service image policy");
        store.jdbi()
                .useTransaction(h -> h.createUpdate("""
                        INSERT INTO service_image_policies (service_arn, policy, updated_at) VALUES (:s, :p, :now)
                        ON CONFLICT (service_arn) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at
                        """)
                        .bind("s", serviceArn)
                        .bind("p", json)
                        .bind("now", store.now())
                        .execute());
    }

    /** Removes the service's policy (it uses the default again); false if it had none. */
    public boolean delete(String serviceArn) {
        return store.jdbi()
                        .inTransaction(h -> h.createUpdate("DELETE FROM service_image_policies WHERE service_arn = :s")
                                .bind("s", serviceArn)
                                .execute())
                == 1;
    }
}
