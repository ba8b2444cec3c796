package dev.ballast.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.model.DesiredStatus;
import dev.ballast.model.LaunchType;
import dev.ballast.model.TaskLaunch;
import dev.ballast.model.TaskStatus;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** V14's capacity providers and cluster associations, the same on SQLite and PostgreSQL. */
abstract class CapacityProvidersContract {
    private static final String ARN = "arn:aws:ecs:us-east-1:123456789012:capacity-provider/";
    private Store store;

    abstract Store open();

    @BeforeEach
    void start() {
        store = open();
    }

    @AfterEach
    void stop() {
        store.close();
    }

    private static CapacityProviderRow provider(String name, String group) {
        return new CapacityProviderRow(name, ARN + name, group, "{\"autoScalingGroupArn\":\"" + group + "\"}", 1, 1);
    }

    private void cluster(String name, List<String> providers) {
        store.clusters().createOrGet(name, "arn:cluster/" + name, "{}", List.of(), providers);
    }

    @Test
    void aProviderIsCreatedOnceAndItsGroupOnlyOnce() {
        CapacityProviders providers = store.capacityProviders();
        assertThat(providers.create(provider("blue", "blue-asg"), List.of(new Tags.Tag("team", "b"))))
                .isEmpty();
        assertThat(providers.create(provider("blue", "other-asg"), List.of()))
                .contains(CapacityProviders.Conflict.NAME);
        assertThat(providers.create(provider("azure", "blue-asg"), List.of()))
                .contains(CapacityProviders.Conflict.AUTO_SCALING_GROUP);
        assertThat(providers.find("azure")).isEmpty();
        assertThat(store.tags().list(ARN + "blue")).containsExactly(new Tags.Tag("team", "b"));

        CapacityProviderRow blue = providers.find("blue").orElseThrow();
        assertThat(providers.update(blue.withDoc("{\"managedDraining\":\"DISABLED\"}", 5)))
                .isTrue();
        assertThat(providers.find("blue").orElseThrow().doc()).contains("managedDraining");
        assertThat(providers.update(provider("nope", "nope-asg"))).isFalse();
    }

    @Test
    void providersListInNameOrderFromAPosition() {
        for (String n : List.of("c", "a", "b")) {
            store.capacityProviders().create(provider(n, n + "-asg"), List.of());
        }
        assertThat(store.capacityProviders().list(null, 2))
                .extracting(CapacityProviderRow::name)
                .containsExactly("a", "b");
        assertThat(store.capacityProviders().list("b", 2))
                .extracting(CapacityProviderRow::name)
                .containsExactly("c");
    }

    @Test
    void anAssociatedProviderIsNotDeletedUntilNoActiveClusterHasIt() {
        CapacityProviders providers = store.capacityProviders();
        providers.create(provider("blue", "blue-asg"), List.of(new Tags.Tag("k", "v")));
        cluster("one", List.of("blue", CapacityProviders.FARGATE));
        cluster("two", List.of());
        assertThat(providers.putClusterProviders("two", "{\"capacityProviders\":[\"blue\"]}", List.of("blue")))
                .isTrue();
        assertThat(providers.clustersUsing("blue")).containsExactly("one", "two");
        assertThat(providers.deleteUnlessAssociated("blue")).contains(List.of("one", "two"));

        providers.putClusterProviders("one", "{}", List.of(CapacityProviders.FARGATE));
        store.clusters().deactivate("two");
        assertThat(providers.clustersUsing("blue")).isEmpty();
        assertThat(providers.deleteUnlessAssociated("blue")).contains(List.of());
        assertThat(providers.find("blue")).isEmpty();
        assertThat(store.tags().list(ARN + "blue")).isEmpty();
        assertThat(providers.deleteUnlessAssociated("blue")).isEmpty();
    }

    @Test
    void associatingAMissingProviderWritesNothing() {
        cluster("one", List.of());
        assertThatThrownBy(() -> store.capacityProviders()
                        .putClusterProviders("one", "{\"changed\":true}", List.of("FARGATE_SPOT", "ghost")))
                .isInstanceOfSatisfying(
                        CapacityProviders.MissingProviderException.class,
                        e -> assertThat(e.provider()).isEqualTo("ghost"));
        assertThat(store.clusters().find("one").orElseThrow().doc()).isEqualTo("{}");
        assertThatThrownBy(() -> cluster("two", List.of("ghost")))
                .isInstanceOf(CapacityProviders.MissingProviderException.class);
        assertThat(store.clusters().find("two")).isEmpty();
        assertThat(store.capacityProviders().putClusterProviders("absent", "{}", List.of()))
                .isFalse();
    }

    @Test
    void aProviderInUseIsNotRemovedDecidedInTheWritingTransaction() {
        store.capacityProviders().create(provider("blue", "blue-asg"), List.of());
        cluster("one", List.of("blue", CapacityProviders.FARGATE));
        store.tasks()
                .insertAll(List.of(new TaskRow(
                                "arn:task/1",
                                "one",
                                "arn:cluster/one",
                                "arn:td/app:1",
                                null,
                                null,
                                null,
                                "family:app",
                                "arn:instance/1",
                                DesiredStatus.RUNNING.wire(),
                                TaskStatus.PROVISIONING.wire(),
                                List.of(),
                                null,
                                null,
                                null,
                                0,
                                16,
                                0,
                                null,
                                null,
                                null,
                                null,
                                null,
                                0)
                        .withLaunch(new TaskLaunch(LaunchType.EC2, "blue", null, null))));
        assertThatThrownBy(() -> store.capacityProviders()
                        .putClusterProviders("one", "{\"changed\":true}", List.of(CapacityProviders.FARGATE)))
                .isInstanceOf(CapacityProviders.ProviderInUseException.class)
                .hasMessageContaining("blue");
        assertThat(store.clusters().find("one").orElseThrow().doc()).isEqualTo("{}");
        assertThat(store.capacityProviders().clustersUsing("blue")).containsExactly("one");
        // keeping blue, FARGATE (unused) can go
        assertThat(store.capacityProviders().putClusterProviders("one", "{}", List.of("blue")))
                .isTrue();
    }

    @Test
    void theGroupNameIsTheArnsLastPartOrTheName() {
        assertThat(provider("p", "arn:aws:autoscaling:us-east-1:1:autoScalingGroup:u-u-i-d:autoScalingGroupName/web")
                        .groupName())
                .isEqualTo("web");
        assertThat(provider("p", "web-asg").groupName()).isEqualTo("web-asg");
    }
}
