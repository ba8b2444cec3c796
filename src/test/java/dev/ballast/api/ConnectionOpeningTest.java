package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.testing.TestServer;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the running server does with the first bytes of a connection (issue 9, item 11), over raw sockets:
 * HTTP/1.0 gets a 400 that says to use HTTP/1.1; bytes that are not HTTP (a TLS ClientHello) are not held.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionOpeningTest {
    /** The start of a TLS 1.2/1.3 ClientHello record as curl sends it to an https:// URL. */
    private static final byte[] CLIENT_HELLO = HexFormat.of()
            .parseHex("16030100f4010000f00303" + "5a".repeat(32) + "20" + "a1".repeat(32)
                    + "0008130213031301c02f0100009f");

    private TestServer server;

    @BeforeAll
    void start() {
        server = TestServer.sqlite();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void http10GetsAClear400AndTheConnectionCloses() throws IOException {
        for (String request : new String[] {
            "GET /healthz HTTP/1.0\r\n\r\n",
            "POST / HTTP/1.0\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 2\r\n\r\n{}"
        }) {
            String answer = exchange(request.getBytes(StandardCharsets.US_ASCII));
            assertThat(answer)
                    .startsWith("HTTP/1.1 400 ")
                    .contains("Connection: close")
                    .contains("HTTP/1.0 is not supported: send the request with HTTP/1.1");
        }
    }

    @Test
    void aTlsClientHelloOnThePlainPortIsClosedAtOnce() throws IOException {
        assertThat(exchange(CLIENT_HELLO)).isEmpty();
        assertThat(exchange(new byte[] {0, 1, 2, 3})).isEmpty();
        String metrics = exchange("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(metrics).containsPattern("ballast_http_connections_closed_total\\{reason=\"not_http\"} [1-9]");
    }

    @Test
    void http11IsServedAsBefore() throws IOException {
        String answer = exchange("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith("ok\n");
    }

    /**
     * Sends {@code bytes} and reads until the server closes the connection; fails if it is still open after
     * 15 s, less than the 20 s read timeout, so only a connection closed on purpose passes.
     */
    private String exchange(byte[] bytes) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(15_000);
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            try {
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server held the connection without answering or closing it", e);
            }
        }
    }
}
