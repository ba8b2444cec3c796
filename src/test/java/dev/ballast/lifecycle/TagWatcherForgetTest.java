package dev.ballast.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.model.TagKey;
import dev.ballast.model.TagSource;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryConfig;
import dev.ballast.store.Store;
import dev.ballast.store.TagState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tag watcher forgets the state of every tag nothing references any more, whoever recorded it (poll, push or
 * the resolution baseline): a stale state must not be read as the tag's digest when a new service uses the tag. No
 * service exists, so the pass sends no request.
 */
class TagWatcherForgetTest {
    private static final String D = "sha256:" + "1".repeat(64);

    @TempDir
    Path dir;

    @Test
    void unwatchedStatesAreForgottenWhateverTheirSource() {
        try (Store store = Store.openSqlite(dir, Clock.systemUTC())) {
            for (TagSource source : TagSource.values()) {
                TagKey key = new TagKey("127.0.0.1:5000", "gone/app", source.wire());
                store.tagStates().record(new TagState(key, D, null, null, 1_000, 1_000, source));
            }
            TagWatcher watcher = new TagWatcher(
                    store,
                    new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry()),
                    Clock.systemUTC(),
                    new SimpleMeterRegistry(),
                    () -> {});

            TagWatcher.Pass pass = watcher.passOnce();

            assertThat(pass.watched()).isZero();
            assertThat(store.tagStates().all()).isEmpty();
        }
    }
}
