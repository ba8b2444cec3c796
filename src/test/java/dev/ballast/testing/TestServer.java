package dev.ballast.testing;

import dev.ballast.api.auth.CredentialStore;
import dev.ballast.cli.BallastServer;
import dev.ballast.cli.ServerConfig;
import dev.ballast.core.Account;
import dev.ballast.registry.BudgetSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * A Ballast server running in-process on a free loopback port, with the development credentials, on
 * SQLite in a temporary directory (or on PostgreSQL given a JDBC URL). Hands out AWS SDK clients.
 */
public final class TestServer implements AutoCloseable {
    public static final Account ACCOUNT = new Account("123456789012", "us-east-1");
    private final BallastServer server;
    private final Path dataDir;
    private final String storeUrl;
    private final UnaryOperator<ServerConfig.Builder> adjust;

    private TestServer(
            BallastServer server, Path dataDir, String storeUrl, UnaryOperator<ServerConfig.Builder> adjust) {
        this.server = server;
        this.dataDir = dataDir;
        this.storeUrl = storeUrl;
        this.adjust = adjust;
    }

    public static TestServer sqlite() {
        return start(null);
    }

    public static TestServer postgres(String jdbcUrl) {
        return start(jdbcUrl);
    }

    private static TestServer start(String storeUrl) {
        return start(storeUrl, c -> c);
    }

    /** A server on SQLite whose configuration the test adjusts (simulated instances, resolve settings…). */
    public static TestServer sqlite(UnaryOperator<ServerConfig.Builder> adjust) {
        return start(null, adjust);
    }

    public static TestServer start(String storeUrl, UnaryOperator<ServerConfig.Builder> adjust) {
        try {
            return startIn(Files.createTempDirectory("ballast-test-"), storeUrl, adjust);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TestServer startIn(Path dir, String storeUrl, UnaryOperator<ServerConfig.Builder> adjust) {
        BallastServer s = BallastServer.start(
                adjust.apply(defaults(dir).storeUrl(storeUrl)).build());
        return new TestServer(s, dir, storeUrl, adjust);
    }

    /** What every test server starts from: loopback, any free port, the development pair, {@link #ACCOUNT}, SQLite in {@code dir}. */
    public static ServerConfig.Builder defaults(Path dir) {
        return ServerConfig.builder()
                .bind(InetAddress.getLoopbackAddress())
                .port(0)
                .dataDir(dir)
                .account(ACCOUNT)
                .credentials(CredentialStore.developmentPair())
                // no background tag watch pass in tests that count registry requests; tests of the watcher set
                // their own interval or call TagWatcher.passOnce()
                .tagWatch(new ServerConfig.TagWatch(Duration.ofDays(1), BudgetSettings.defaults()));
    }

    /** Stops this server and starts a new one on the same data (a restart); use the returned instance. */
    public TestServer restart() {
        close();
        return startIn(dataDir, storeUrl, adjust);
    }

    /** Starts a new server on the data of {@code stopped}, a server already closed (a restart with work in between). */
    public static TestServer startAgain(TestServer stopped) {
        return startIn(stopped.dataDir, stopped.storeUrl, stopped.adjust);
    }

    public int port() {
        return server.port();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public BallastServer server() {
        return server;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** An ECS client signing with the development pair, no retries (so errors surface at once). */
    public EcsClient client() {
        return client("test", "test");
    }

    public EcsClient client(String accessKey, String secret) {
        return Clients.ecs(endpoint(), accessKey, secret);
    }

    @Override
    public void close() {
        server.close();
    }
}
