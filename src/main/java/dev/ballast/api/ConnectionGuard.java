package dev.ballast.api;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.task.InterruptableTask;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener's only connection selector: Helidon's HTTP/1.1 connection, with deadlines and a look at the
 * first bytes.
 * <ul>
 *   <li>A connection must deliver a request's line and headers, and then its body, within the read timeout
 *       (counted from the end of its previous request, or from accept); one waiting between requests is
 *       closed after the idle timeout. Time spent in an operation ({@link #busy}) does not count.</li>
 *   <li>Bytes that cannot start an HTTP request (a TLS ClientHello on the plain port) close the connection
 *       at once; an HTTP/1.0 request line gets a 400 that says to use HTTP/1.1 (RFC 9112 section 2.3), then
 *       the connection is closed.</li>
 *   <li>A request or answer with {@code Connection: close} closes the connection once answered (RFC 9112
 *       section 9.6).</li>
 * </ul>
 */
final class ConnectionGuard implements ServerConnectionSelector, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final byte[] HTTP_1_0_REFUSAL = refusal();

    private final Http1ConnectionSelector http1;
    private final int maxPrologue;
    private final Duration readTimeout;
    private final Duration idleTimeout;
    private final Map<Thread, Guarded> open = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;

    private final Map<String, Counter> closed = new ConcurrentHashMap<>();

    ConnectionGuard(Duration readTimeout, Duration idleTimeout, MeterRegistry meters) {
        for (String reason : List.of("read_timeout", "idle_timeout", "not_http", "http_1_0")) {
            closed.put(
                    reason,
                    Counter.builder("ballast.http.connections.closed")
                            .description("Connections the server closed on purpose, by reason")
                            .tag("reason", reason)
                            .register(meters));
        }
        Gauge.builder("ballast.http.connections", this, ConnectionGuard::openConnections)
                .description("Open client connections")
                .baseUnit("connections")
                .register(meters);
        // A "Connection: close" in a request or in our answer ends the connection after that answer (Helidon
        // would otherwise wait for the client to close it).
        Http1ConnectionListener closeRequested = new Http1ConnectionListener() {
            @Override
            public void headers(ConnectionContext ctx, Headers headers) {
                Guarded g =
                        headers.containsToken(HeaderValues.CONNECTION_CLOSE) ? open.get(Thread.currentThread()) : null;
                if (g != null) {
                    g.delegate.close(false);
                }
            }
        };
        Http1Config config = Http1Config.builder()
                .addReceiveListener(closeRequested)
                .addSendListener(closeRequested)
                .build();
        this.http1 = Http1ConnectionSelector.builder().config(config).build();
        this.maxPrologue = config.maxPrologueLength();
        this.readTimeout = readTimeout;
        this.idleTimeout = idleTimeout;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("ballast-read-deadlines").factory());
        long period = Math.max(100, Math.min(1_000, readTimeout.toMillis() / 4));
        sweeper.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /** Marks the calling connection as running an operation (its time does not count) or as back to reading. */
    void busy(boolean busy) {
        Guarded g = open.get(Thread.currentThread());
        if (g != null) {
            if (!busy) {
                g.quietSince =
                        System.nanoTime(); // the answer is still being written: count from now, not from the request
            }
            g.busy = busy;
        }
    }

    /** Connections open now (for tests and metrics). */
    int openConnections() {
        return open.size();
    }

    private void sweep() {
        try {
            for (Guarded g : open.values()) {
                if (g.busy) {
                    continue;
                }
                boolean betweenRequests = g.delegate instanceof InterruptableTask<?> t && t.canInterrupt();
                Duration limit = betweenRequests ? idleTimeout : readTimeout;
                Duration idle = g.delegate.idleTime();
                long quietSince = g.quietSince;
                if (quietSince != 0) {
                    Duration sinceOperation = Duration.ofNanos(System.nanoTime() - quietSince);
                    idle = sinceOperation.compareTo(idle) < 0 ? sinceOperation : idle;
                }
                if (idle.compareTo(limit) > 0) {
                    LOG.debug(
                            "closing connection from {}: {} for {}",
                            g.ctx.remotePeer().address(),
                            betweenRequests ? "idle" : "no complete request",
                            limit);
                    g.close(true);
                    closed.get(betweenRequests ? "idle_timeout" : "read_timeout")
                            .increment();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("read deadline sweep failed", e);
        }
    }

    @Override
    public int bytesToIdentifyConnection() {
        return 0;
    }

    @Override
    public Support supports(BufferData data) {
        return Support.SUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        return new Guarded(ctx, http1.connection(ctx));
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }

    /** What the first bytes of a connection are. */
    enum Opening {
        HTTP,
        HTTP_1_0,
        NOT_HTTP,
        CLOSED
    }

    /** Looks at (without consuming) the first request line, or as much of it as decides. */
    static Opening opening(DataReader reader, int maxPrologue) {
        try {
            reader.ensureAvailable();
            BufferData first = reader.getBuffer(reader.available());
            int b = first.read();
            // RFC 9112 section 2.2: a method is a token (real ones are upper case); an empty line may precede it
            if (!(b >= 'A' && b <= 'Z') && b != '\r' && b != '\n') {
                return Opening.NOT_HTTP;
            }
            while (true) {
                BufferData seen = reader.getBuffer(reader.available());
                int lf = seen.indexOf((byte) '\n');
                if (lf >= 0) {
                    String line =
                            seen.readString(lf, StandardCharsets.ISO_8859_1).stripTrailing();
                    return line.endsWith(" HTTP/1.0") ? Opening.HTTP_1_0 : Opening.HTTP;
                }
                if (reader.available() >= maxPrologue) {
                    return Opening.HTTP; // Helidon answers an overlong request line
                }
                reader.getBuffer(reader.available() + 1); // waits for more (within the read timeout)
            }
        } catch (DataReader.InsufficientDataAvailableException e) {
            return Opening.CLOSED;
        }
    }

    private static byte[] refusal() {
        byte[] body = "HTTP/1.0 is not supported: send the request with HTTP/1.1 (as the AWS SDKs and CLI do).\n"
                .getBytes(StandardCharsets.US_ASCII);
        String head = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=us-ascii\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    /** One connection: Helidon's HTTP/1.1 connection, registered for the sweep while it runs. */
    private final class Guarded implements ServerConnection, InterruptableTask<Void> {
        private final ConnectionContext ctx;
        private final ServerConnection delegate;
        private volatile Thread thread;
        private volatile boolean busy;
        private volatile long quietSince;

        Guarded(ConnectionContext ctx, ServerConnection delegate) {
            this.ctx = ctx;
            this.delegate = delegate;
        }

        @Override
        public void handle(Limit limit) throws InterruptedException {
            thread = Thread.currentThread();
            open.put(thread, this);
            try {
                switch (opening(ctx.dataReader(), maxPrologue)) {
                    case HTTP -> delegate.handle(limit);
                    case HTTP_1_0 -> {
                        ctx.dataWriter().writeNow(BufferData.create(HTTP_1_0_REFUSAL));
                        closed.get("http_1_0").increment();
                    }
                    case NOT_HTTP -> {
                        LOG.debug(
                                "closed a connection from {} that did not start with HTTP",
                                ctx.remotePeer().address());
                        closed.get("not_http").increment();
                    }
                    case CLOSED -> {}
                }
            } finally {
                open.remove(thread);
            }
        }

        @Override
        public Duration idleTime() {
            return delegate.idleTime();
        }

        @Override
        public void close(boolean interrupt) {
            delegate.close(interrupt);
            Thread t = thread;
            if (interrupt && t != null) {
                t.interrupt(); // also before Helidon's connection has started reading
            }
        }

        @Override
        public boolean canInterrupt() {
            return delegate instanceof InterruptableTask<?> t && t.canInterrupt();
        }
    }
}
