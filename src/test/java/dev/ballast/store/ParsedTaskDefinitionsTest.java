package dev.ballast.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.ModelJson;
import dev.ballast.model.TaskDefinition;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A revision's typed definition is parsed once per ARN, however many records the store reads of it. */
class ParsedTaskDefinitionsTest {
    @TempDir
    Path dir;

    private static String doc(String family, int revision, String image) {
        return "{\"family\":\"" + family + "\",\"revision\":" + revision
                + ",\"taskDefinitionArn\":\"arn:aws:ecs:us-east-1:"
                + "123456789012:task-definition/" + family + ":" + revision
                + "\",\"containerDefinitions\":[{\"name\":\"app\","
                + "\"image\":\"" + image + "\",\"memory\":64}]}";
    }

    @Test
    void eachRevisionIsParsedOnceWhateverReadsIt() {
        Map<String, AtomicInteger> parses = new ConcurrentHashMap<>();
        try (Store store = Store.openSqlite(dir, Clock.systemUTC())) {
            TaskDefinitions defs = new TaskDefinitions(store, doc -> {
                TaskDefinition td = ModelJson.taskDefinition(doc);
                parses.computeIfAbsent(td.arn(), a -> new AtomicInteger()).incrementAndGet();
                return td;
            });
            String arn1 = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1";
            String arn2 = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2";
            TaskDefinitionRecord registered = defs.register(
                    "web", r -> new TaskDefinitions.Registration(arn1, doc("web", r, "nginx:1.27"), List.of()));
            defs.register("web", r -> new TaskDefinitions.Registration(arn2, doc("web", r, "nginx:1.28"), List.of()));
            assertThat(parses).as("registering parses nothing").isEmpty();

            TaskDefinition first = registered.definition();
            for (int i = 0; i < 5; i++) {
                assertThat(defs.findByArn(arn1).orElseThrow().definition()).isSameAs(first);
                assertThat(defs.find("web", 1).orElseThrow().definition()).isSameAs(first);
                assertThat(defs.latestActive("web")
                                .orElseThrow()
                                .definition()
                                .containers()
                                .getFirst()
                                .image())
                        .isEqualTo("nginx:1.28");
            }
            assertThat(parses).containsOnlyKeys(arn1, arn2);
            assertThat(parses.get(arn1)).hasValue(1);
            assertThat(parses.get(arn2)).hasValue(1);
        }
    }

    @Test
    void theStoredDocumentStaysAsRegistered() {
        try (Store store = Store.openSqlite(dir, Clock.systemUTC())) {
            String arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1";
            String doc = "{ \"family\" : \"web\", \"containerDefinitions\" : [ {\"name\":\"app\",\"image\":\"a\","
                    + "\"unknownMember\":{\"x\":[1,2]}} ] }";
            store.taskDefinitions().register("web", r -> new TaskDefinitions.Registration(arn, doc, List.of()));
            TaskDefinitionRecord read = store.taskDefinitions().findByArn(arn).orElseThrow();
            assertThat(read.definition().containers().getFirst().image()).isEqualTo("a");
            assertThat(read.doc()).isEqualTo(doc);
        }
    }

    @Test
    void aListingRecordHasNoDocumentToParse() {
        try (Store store = Store.openSqlite(dir, Clock.systemUTC())) {
            String arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1";
            store.taskDefinitions()
                    .register("web", r -> new TaskDefinitions.Registration(arn, doc("web", r, "a"), List.of()));
            TaskDefinitionRecord listed = store.taskDefinitions()
                    .list("ACTIVE", "web", false, null, 10)
                    .getFirst();
            assertThatThrownBy(listed::definition)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(arn);
        }
    }

    @Test
    void aRecordMadeOffTheStoreParsesItsOwnDocument() {
        TaskDefinitionRecord r =
                new TaskDefinitionRecord("web", 3, "arn:x", "ACTIVE", doc("web", 3, "busybox"), 0, null, null);
        assertThat(r.definition()).isSameAs(r.definition());
        assertThat(r.definition().revision()).isEqualTo(3);
        assertThat(r)
                .isEqualTo(
                        new TaskDefinitionRecord("web", 3, "arn:x", "ACTIVE", doc("web", 3, "busybox"), 0, null, null));
    }
}
