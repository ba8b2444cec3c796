package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.testing.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * Clients that send slowly cannot take the server down (issue 9, item 5): the packaged server at the
 * launcher's default heap ({@code -Xmx192m}, as {@link ServerProcess} starts it) under 500 connections that
 * each send most of a 1 MiB body and then stall, while an AWS SDK client keeps calling it.
 */
class SlowClientsIT {
    private static final int ATTACKERS = 500;
    private static final int BODY = 1 << 20;

    @Test
    void slowBodiesDoNotStarveSignedRequests() throws Exception {
        int port = ServerProcess.freePort();
        try (ServerProcess server = ServerProcess.start(
                        port,
                        "--runtime",
                        "simulated",
                        "--data-dir",
                        Files.createTempDirectory("ballast-slow-").toString());
                EcsClient ecs = boundedClient(server.endpoint())) {
            for (int i = 0; i < 200; i++) { // warm up first, so the figures below are the attack's, not the JIT's
                String name = "warm-" + i;
                ecs.createCluster(r -> r.clusterName(name));
                ecs.describeClusters(r -> r.clusters(name));
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger refused = new AtomicInteger();
            AtomicInteger cut = new AtomicInteger();
            List<Thread> attackers = new ArrayList<>();
            for (int i = 0; i < ATTACKERS; i++) {
                attackers.add(Thread.ofVirtual().start(() -> trickle(port, stop, refused, cut)));
            }
            List<Long> latenciesMicros = Collections.synchronizedList(new ArrayList<>());
            long end = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            for (int i = 0; System.nanoTime() < end; i++) {
                String name = "slow-" + i;
                long t0 = System.nanoTime();
                ecs.createCluster(r -> r.clusterName(name)); // throws (failing the test) on any error or timeout
                assertThat(ecs.describeClusters(r -> r.clusters(name)).clusters())
                        .hasSize(1);
                latenciesMicros.add((System.nanoTime() - t0) / 2_000);
            }
            stop.set(true);
            for (Thread t : attackers) {
                t.join(Duration.ofSeconds(30));
            }
            assertThat(server.log()).doesNotContain("OutOfMemoryError");
            assertThat(ecs.listClusters().clusterArns()).isNotEmpty();
            List<Long> sorted = latenciesMicros.stream().sorted().toList();
            System.out.printf(
                    "slow bodies: %d attackers, %d refused with 503, %d cut by the read timeout; %d signed calls,"
                            + " latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    ATTACKERS,
                    refused.get(),
                    cut.get(),
                    sorted.size() * 2,
                    sorted.get(sorted.size() / 2) / 1000.0,
                    sorted.get(Math.min(sorted.size() - 1, sorted.size() * 99 / 100)) / 1000.0,
                    sorted.getLast() / 1000.0);
            assertThat(refused.get()).as("attackers refused at once").isPositive();
        }
    }

    /** Sends the headers of a 1 MiB ListClusters call and all but its last byte, 8 KiB every 100 ms; again when cut. */
    private static void trickle(int port, AtomicBoolean stop, AtomicInteger refused, AtomicInteger cut) {
        byte[] chunk = new byte[8192];
        Arrays.fill(chunk, (byte) ' ');
        while (!stop.get()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                OutputStream out = s.getOutputStream();
                out.write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n"
                                + "X-Amz-Target: AmazonEC2ContainerServiceV20141113.ListClusters\r\nContent-Length: "
                                + BODY
                                + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                s.setSoTimeout(100); // the pace: one chunk per 100 ms, unless the server answers or closes
                int sent = 0;
                while (!stop.get()) {
                    try {
                        if (s.getInputStream().read() >= 0) {
                            refused.incrementAndGet(); // answered (503) before the body was read
                        } else {
                            cut.incrementAndGet(); // closed by the read timeout
                        }
                        break;
                    } catch (SocketTimeoutException keepGoing) {
                        if (sent + chunk.length < BODY) {
                            out.write(chunk);
                            out.flush();
                            sent += chunk.length;
                        }
                    }
                }
            } catch (IOException e) {
                cut.incrementAndGet(); // the server closed the connection
            }
            pause(stop);
        }
    }

    private static void pause(AtomicBoolean stop) {
        try {
            if (!stop.get()) {
                Thread.sleep(1_000); // a patient attacker: reconnect once a second
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static EcsClient boundedClient(URI endpoint) {
        return EcsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(5))
                        .build())
                .overrideConfiguration(
                        o -> o.retryStrategy(b -> b.maxAttempts(1)).apiCallTimeout(Duration.ofSeconds(5)))
                .build();
    }

    @Test
    void slowHeadersAreCutWhileSignedRequestsAreAnswered() throws Exception {
        int port = ServerProcess.freePort();
        try (ServerProcess server = ServerProcess.start(
                        port,
                        "--runtime",
                        "simulated",
                        "--read-timeout",
                        "5s",
                        "--data-dir",
                        Files.createTempDirectory("ballast-headers-").toString());
                EcsClient ecs = boundedClient(server.endpoint())) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger cut = new AtomicInteger();
            List<Thread> attackers = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                attackers.add(Thread.ofVirtual().start(() -> {
                    try (Socket s = new Socket("127.0.0.1", port)) {
                        s.setSoTimeout(1_000); // the pace: one header byte a second
                        s.getOutputStream()
                                .write("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                                        .getBytes(StandardCharsets.US_ASCII));
                        while (!stop.get()) {
                            try {
                                if (s.getInputStream().read() < 0) {
                                    cut.incrementAndGet();
                                    return;
                                }
                            } catch (SocketTimeoutException keepGoing) {
                                s.getOutputStream().write('a');
                            }
                        }
                    } catch (IOException e) {
                        cut.incrementAndGet();
                    }
                }));
            }
            long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            int calls = 0;
            for (; System.nanoTime() < end; calls++) {
                assertThat(ecs.listClusters().clusterArns()).isNotNull();
            }
            stop.set(true);
            for (Thread t : attackers) {
                t.join(Duration.ofSeconds(10));
            }
            System.out.printf(
                    "slow headers: 2000 connections, %d cut by the 5 s read timeout; %d signed calls answered%n",
                    cut.get(), calls);
            assertThat(cut.get())
                    .as("slow-header connections closed by the read timeout")
                    .isPositive();
        }
    }

    @Test
    void aStalledRequestIsClosedAfterTheReadTimeout() throws Exception {
        int port = ServerProcess.freePort();
        try (ServerProcess server = ServerProcess.start(
                port,
                "--runtime",
                "simulated",
                "--read-timeout",
                "2s",
                "--data-dir",
                Files.createTempDirectory("ballast-stall-").toString())) {
            for (String partial : List.of(
                    "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Tar",
                    "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"a\":")) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setSoTimeout(60_000);
                    s.getOutputStream().write(partial.getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    assertThat(readToEnd(s.getInputStream()))
                            .as("connection closed for " + partial.length() + " bytes")
                            .isTrue();
                }
            }
        }
    }

    /** True when the server closed the connection (EOF or reset) before the socket timeout. */
    static boolean readToEnd(InputStream in) throws IOException {
        try {
            while (in.read() >= 0) {
                // discard whatever the server answers before closing
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
