package dev.ballast.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A local HTTP server on 127.0.0.1 whose answers a test scripts, for protocol edge cases a real
 * registry will not produce on demand (429, missing headers, wrong digests, redirects, stalls). It
 * records every request it receives so that tests assert on what reached the server.
 */
public final class ScriptedServer implements AutoCloseable {

    /** A request as received. */
    public record Received(String method, String target, Map<String, List<String>> headers) {

        public Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream())
                    .findFirst();
        }

        public String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }
    }

    /** An answer: status, headers and body (never sent for HEAD). */
    public record Reply(int status, Map<String, String> headers, byte[] body) {

        public static Reply of(int status) {
            return new Reply(status, Map.of(), new byte[0]);
        }

        public static Reply json(int status, String body) {
            return new Reply(status, Map.of("Content-Type", "application/json"), body.getBytes(StandardCharsets.UTF_8));
        }

        public Reply with(String header, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(header, value);
            return new Reply(status, h, body);
        }

        public Reply withBody(String contentType, byte[] content) {
            return new Reply(status, headers, content).with("Content-Type", contentType);
        }
    }

    /** Decides the answer to one request; may block (see {@link #awaitClose()}). */
    @FunctionalInterface
    public interface Script {
        Reply answer(Received request) throws Exception;
    }

    /**
     * Answers a request by writing to the exchange itself: bodies that trickle, never end, or are larger
     * than any test should allocate (write them in pieces). The request body has been read.
     */
    @FunctionalInterface
    public interface RawScript {
        void answer(Received request, HttpExchange exchange) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    private ScriptedServer(InetAddress bind, Script script, RawScript raw) throws IOException {
        server = HttpServer.create(new InetSocketAddress(bind, 0), 0);
        server.setExecutor(executor);
        server.createContext("/", ex -> {
            if (raw != null) {
                handleRaw(ex, raw);
            } else {
                handle(ex, script);
            }
        });
        server.start();
    }

    /** A server whose script writes its answers itself ({@link RawScript}). */
    public static ScriptedServer startRaw(RawScript script) {
        try {
            return new ScriptedServer(InetAddress.getLoopbackAddress(), null, script);
        } catch (IOException e) {
            throw new AssertionError("cannot start a scripted server: " + e, e);
        }
    }

    private void handleRaw(HttpExchange ex, RawScript script) throws IOException {
        try (ex) {
            ex.getRequestBody().readAllBytes();
            Received r = new Received(
                    ex.getRequestMethod(), ex.getRequestURI().toString(), Map.copyOf(ex.getRequestHeaders()));
            received.add(r);
            script.answer(r, ex);
        } catch (IOException e) {
            // the client hung up: what hostile-answer scripts expect
        } catch (Exception e) {
            throw new IOException("script failed: " + e, e);
        }
    }

    public static ScriptedServer start(Script script) {
        return startOn(InetAddress.getLoopbackAddress(), script);
    }

    /** A scripted server listening on {@code bind} only (e.g. a non-loopback address of this machine). */
    public static ScriptedServer startOn(InetAddress bind, Script script) {
        try {
            return new ScriptedServer(bind, script, null);
        } catch (IOException e) {
            throw new AssertionError("cannot start a scripted server: " + e, e);
        }
    }

    private void handle(HttpExchange ex, Script script) throws IOException {
        try (ex) {
            ex.getRequestBody().readAllBytes();
            Received r = new Received(
                    ex.getRequestMethod(), ex.getRequestURI().toString(), Map.copyOf(ex.getRequestHeaders()));
            received.add(r);
            Reply reply;
            try {
                reply = script.answer(r);
            } catch (Exception e) {
                reply = Reply.json(500, "{\"errors\":[{\"code\":\"SCRIPT\",\"message\":\"" + e + "\"}]}");
            }
            reply.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            boolean head = r.method().equals("HEAD");
            if (head || reply.body().length == 0) {
                ex.sendResponseHeaders(reply.status(), -1);
            } else {
                ex.sendResponseHeaders(reply.status(), reply.body().length);
                ex.getResponseBody().write(reply.body());
            }
        }
    }

    /** {@code 127.0.0.1:<port>} (or the address it was started on). */
    public String host() {
        InetAddress a = server.getAddress().getAddress();
        String ip = a.isAnyLocalAddress()
                ? "127.0.0.1"
                : a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
        return ip + ":" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public long count(Predicate<Received> which) {
        return received.stream().filter(which).count();
    }

    /** Blocks a script until the server closes: a stalled server. */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
