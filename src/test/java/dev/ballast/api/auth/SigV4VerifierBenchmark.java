package dev.ballast.api.auth;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * Prints the cost of one {@link SigV4Verifier#verify} of a Java-SDK-style ECS call with a 1 KB body
 * (signing key cached, as in steady state). A plain loop, not JMH: it reports figures and asserts nothing.
 *
 * <pre>
 * ./mvnw -q -B -ntp test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=target/test-classpath.txt
 * java -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) \
 *     dev.ballast.api.auth.SigV4VerifierBenchmark [iterations-per-round]
 * </pre>
 */
public final class SigV4VerifierBenchmark {

    private SigV4VerifierBenchmark() {}

    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        String body = "{\"cluster\":\"default\",\"family\":\"" + "x".repeat(990) + "\"}";
        WireRequest request = OracleSigner.sdkStyle(now, "ListTasks")
                .credentials("AKIDBENCH", "bench-secret")
                .body(body)
                .header("Content-Length", Integer.toString(body.length()))
                .sign();
        SigV4Verifier verifier = new SigV4Verifier(
                CredentialStore.of(Credential.of("AKIDBENCH", "bench-secret")),
                Clock.fixed(now, ZoneOffset.UTC),
                "ecs");
        if (!(request.verifyWith(verifier) instanceof Verification.Accepted)) {
            throw new IllegalStateException("benchmark request does not verify: " + request.verifyWith(verifier));
        }
        System.out.printf(
                "SigV4Verifier.verify, %d-byte body, %d signed headers, %s%n",
                request.body().length,
                request.header("Authorization")
                        .split("SignedHeaders=")[1]
                        .split(",")[0]
                        .split(";")
                        .length,
                Runtime.version());

        run(request, verifier, iterations); // warm-up
        int rounds = 5;
        double[] nsPerOp = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            nsPerOp[round] = run(request, verifier, iterations);
            System.out.printf("  round %d: %,.0f ns/op%n", round + 1, nsPerOp[round]);
        }
        Arrays.sort(nsPerOp);
        System.out.printf(
                "median %,.0f ns/op (%,.1f µs), best %,.0f ns/op%n",
                nsPerOp[rounds / 2], nsPerOp[rounds / 2] / 1000, nsPerOp[0]);
    }

    private static double run(WireRequest request, SigV4Verifier verifier, int iterations) {
        int accepted = 0;
        long start = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            if (request.verifyWith(verifier) instanceof Verification.Accepted) {
                accepted++;
            }
        }
        long elapsed = System.nanoTime() - start;
        if (accepted != iterations) {
            throw new IllegalStateException("only " + accepted + " of " + iterations + " verified");
        }
        return (double) elapsed / iterations;
    }
}
