package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.api.BadRequests.Case;
import dev.ballast.api.BadRequests.Expect;
import dev.ballast.testing.RawClient;
import dev.ballast.testing.TestServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * Throws well over a thousand malformed or mutated, properly signed requests at every served operation
 * (see {@link BadRequests}) and checks that the server never fails (no 5xx), answers every error as AWS
 * JSON 1.1 ({@code __type} and {@code message}) without leaking internals, refuses what must be refused,
 * leaves the store exactly as it was for everything that must not write, and is healthy afterwards.
 * The generator is seeded ({@code -Dballast.badinput.seed=N} picks another seed).
 */
class BadInputTest {
    private static final long SEED = Long.getLong("ballast.badinput.seed", 20_260_101L);
    private static final Pattern LEAK = Pattern.compile(
            "\\tat |Exception:|java\\.|javax\\.|jdk\\.|sun\\.|com\\.fasterxml|org\\.jdbi|org\\.sqlite|org\\.postgresql|io\\.helidon"
                    + "|dev\\.ballast|StreamReadConstraints|\\[Source|line: \\d+, column: \\d+");

    @Test
    void everyBaseRequestIsValidAndEachWriteChangesTheStore() {
        try (TestServer server = TestServer.sqlite();
                EcsClient ecs = server.client()) {
            BadInputFixture.seed(ecs);
            RawClient raw = RawClient.forServer(server);
            Map<String, JsonNode> before = BadInputFixture.snapshot(raw);
            for (Map.Entry<String, ObjectNode> base : BadInputFixture.bases().entrySet()) {
                String op = base.getKey();

                RawClient.Response r = raw.call(op, base.getValue().toString());

                assertThat(r.status()).as(op + " answered " + r).isEqualTo(200);
                Map<String, JsonNode> after = BadInputFixture.snapshot(raw);
                List<String> changes = BadInputFixture.differences(before, after);
                before = after;
                if (BadInputFixture.READ_ONLY.contains(op)) {
                    assertThat(changes).as(op + " is a read").isEmpty();
                } else {
                    assertThat(changes)
                            .as(op + " must change what the API reads back, or the fuzz test could not see it")
                            .isNotEmpty();
                }
            }
        }
    }

    @Test
    void malformedAndMutatedRequestsAreRefusedCleanlyAndChangeNothing() {
        try (TestServer server = TestServer.sqlite();
                EcsClient ecs = server.client()) {
            BadInputFixture.seed(ecs);
            RawClient raw = RawClient.forServer(server);
            List<Case> cases = new BadRequests(BadInputFixture.bases(), BadInputFixture.READ_ONLY, SEED).generate();
            assertThat(cases).hasSizeGreaterThanOrEqualTo(1000);
            Tally tally = new Tally();
            List<String> problems = new ArrayList<>();

            Map<String, JsonNode> before = BadInputFixture.snapshot(raw);
            for (Map.Entry<String, List<Case>> batch : byOperation(cases, false).entrySet()) {
                batch.getValue().forEach(c -> send(raw, c, tally, problems));
                Map<String, JsonNode> after = BadInputFixture.snapshot(raw);
                BadInputFixture.differences(before, after)
                        .forEach(d -> problems.add(
                                "store changed by refused or no-effect " + batch.getKey() + " requests: " + d));
                before = after;
            }
            for (List<Case> batch : byOperation(cases, true).values()) {
                batch.forEach(c -> send(raw, c, tally, problems));
            }

            assertThat(raw.get("/healthz").status()).isEqualTo(200);
            assertThat(ecs.listClusters().clusterArns()).isNotEmpty();
            assertThat(raw.call("DescribeTaskDefinition", "{\"taskDefinition\":\"worker:1\"}")
                            .status())
                    .isEqualTo(200);
            System.out.println(tally.summary(SEED, cases.size()));
            assertThat(problems)
                    .as(problems.size() + " problems, the first ones:\n"
                            + String.join("\n", problems.subList(0, Math.min(40, problems.size()))))
                    .isEmpty();
        }
    }

    /** Cases grouped by operation in base order, shuffled by the seed; either the may-write ones or the others. */
    private static Map<String, List<Case>> byOperation(List<Case> cases, boolean mayWrite) {
        Map<String, List<Case>> out = new LinkedHashMap<>();
        BadInputFixture.bases().keySet().forEach(op -> out.put(op, new ArrayList<>()));
        cases.stream()
                .filter(c -> (c.expect() == Expect.MAY_WRITE) == mayWrite)
                .forEach(c -> out.get(c.operation()).add(c));
        Random random = new Random(SEED);
        out.values().forEach(l -> Collections.shuffle(l, random));
        return out;
    }

    private static void send(RawClient raw, Case c, Tally tally, List<String> problems) {
        RawClient.Response r;
        long start = System.nanoTime();
        try {
            RawClient.Request req = raw.request(c.body()).target(c.target());
            switch (c.framing()) {
                case CHUNKED, CHUNKED_PAST_LIMIT -> req.chunked();
                case EXPECT_CONTINUE -> req.expectContinue();
                case CONTENT_LENGTH -> {}
            }
            r = req.send();
        } catch (RuntimeException e) {
            if (c.framing() == BadRequests.Framing.CHUNKED_PAST_LIMIT) {
                tally.count(c, -1, "(reset while sending past the limit)", System.nanoTime() - start);
            } else {
                problems.add(c + ": no HTTP answer: " + e);
                tally.count(c, -1, "(no answer)", System.nanoTime() - start);
            }
            return;
        }
        List<String> found = check(c, r);
        found.forEach(p -> problems.add(c + ": " + p + " — got " + r));
        tally.count(
                c,
                r.status(),
                r.errorType().orElse(r.status() == 200 ? "(success)" : "(none)"),
                System.nanoTime() - start);
    }

    /** Everything wrong with one answer. */
    static List<String> check(Case c, RawClient.Response r) {
        List<String> p = new ArrayList<>();
        if (r.status() >= 500) {
            p.add("server error " + r.status());
        }
        if (c.expect() == Expect.REFUSED && (r.status() < 400 || r.status() >= 500)) {
            p.add("expected a 4xx refusal");
        }
        if (LEAK.matcher(r.text()).find()) {
            p.add("the body leaks internals");
        }
        if (r.header("x-amzn-RequestId").isEmpty()) {
            p.add("no x-amzn-RequestId header");
        }
        if (!r.header("Content-Type").equals(Optional.of(RawClient.CONTENT_TYPE))) {
            p.add("Content-Type " + r.header("Content-Type") + " is not " + RawClient.CONTENT_TYPE);
        }
        JsonNode body;
        try {
            body = r.json();
        } catch (IllegalStateException e) {
            p.add("the body is not JSON");
            return p;
        }
        if (body == null || !body.isObject()) {
            p.add("the body is not a JSON object");
        } else if (r.status() != 200) {
            String type = body.path("__type").asText("");
            if (!body.path("__type").isTextual() || type.isBlank()) {
                p.add("no __type");
            }
            if (!body.path("message").isTextual()
                    || body.path("message").asText().isBlank()) {
                p.add("no message");
            } else if (!c.family().equals("escaped lone surrogate")
                    && hasUnpairedSurrogate(body.path("message").asText())) {
                p.add("the message has half of a surrogate pair (clients cannot print it as UTF-8)");
            }
            if (!r.header("X-Amzn-ErrorType").equals(Optional.of(type))) {
                p.add("X-Amzn-ErrorType header " + r.header("X-Amzn-ErrorType") + " differs from __type " + type);
            }
        }
        return p;
    }

    private static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** Counts by status, error type, mutation family and expectation, for the printed summary. */
    private static final class Tally {
        private final Map<String, Integer> byStatus = new TreeMap<>();
        private final Map<String, Integer> byType = new TreeMap<>();
        private final Map<String, int[]> byFamily = new TreeMap<>();
        private final Map<String, int[]> byExpect = new TreeMap<>();

        void count(Case c, int status, String type, long nanos) {
            byStatus.merge(status < 0 ? "none" : String.valueOf(status), 1, Integer::sum);
            byType.merge(type, 1, Integer::sum);
            boolean refused = status >= 400 && status < 500;
            int[] f = byFamily.computeIfAbsent(c.family(), k -> new int[3]);
            f[0]++;
            f[1] += refused ? 1 : 0;
            f[2] += (int) (nanos / 1_000_000);
            int[] e = byExpect.computeIfAbsent(c.expect().name(), k -> new int[2]);
            e[0]++;
            e[1] += refused ? 1 : 0;
        }

        String summary(long seed, int total) {
            StringBuilder sb = new StringBuilder("BadInputTest: " + total + " requests, seed " + seed + "\n");
            sb.append("  by expectation (sent / refused with 4xx):\n");
            byExpect.forEach((k, v) -> sb.append(String.format("    %-10s %5d / %5d%n", k, v[0], v[1])));
            sb.append("  by HTTP status:\n");
            byStatus.forEach((k, v) -> sb.append(String.format("    %-6s %5d%n", k, v)));
            sb.append("  by __type:\n");
            byType.forEach((k, v) -> sb.append(String.format("    %-40s %5d%n", k, v)));
            sb.append("  by mutation (sent / refused, time):\n");
            byFamily.forEach((k, v) -> sb.append(String.format("    %-32s %5d / %5d  %6d ms%n", k, v[0], v[1], v[2])));
            return sb.toString();
        }
    }
}
