package dev.ballast.agent;

import dev.ballast.image.ImageReference;
import dev.ballast.registry.Credential;
import dev.ballast.registry.RepositoryCredentials;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The image pulls of one agent's tasks, run on a bounded pool so that one slow registry does not hold
 * up other tasks. Pulls live in memory only: after a restart a PENDING task simply pulls again (an
 * image already local costs nothing).
 */
final class Pulls implements AutoCloseable {

    private final ContainerRuntime runtime;
    private final AgentMetrics metrics;
    private final ExecutorService executor;
    private final Runnable finished;
    private final RepositoryCredentials repositoryCredentials;
    private final ContainerSecrets secrets;
    private final Map<String, CompletableFuture<PullOutcome>> byTask = new ConcurrentHashMap<>();

    /**
     * @param finished called after each task's pulls end, so that the agent can report them without waiting
     * @param repositoryCredentials where this agent looks up containers' {@code credentialsParameter}
     */
    Pulls(
            ContainerRuntime runtime,
            AgentMetrics metrics,
            int maxConcurrent,
            String threadPrefix,
            Runnable finished,
            RepositoryCredentials repositoryCredentials) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrentPulls must be at least 1, got " + maxConcurrent);
        }
        this.runtime = runtime;
        this.metrics = metrics;
        this.finished = finished;
        this.repositoryCredentials = Objects.requireNonNull(repositoryCredentials, "repositoryCredentials");
        this.secrets = new ContainerSecrets(repositoryCredentials.secrets());
        this.executor = Executors.newFixedThreadPool(
                maxConcurrent, Thread.ofVirtual().name(threadPrefix, 0).factory());
    }

    /** The outcome of {@code task}'s pulls, starting them if they are not under way; empty while they run. */
    Optional<PullOutcome> poll(AgentTask task) {
        CompletableFuture<PullOutcome> f = byTask.computeIfAbsent(task.arn(), arn -> {
            CompletableFuture<PullOutcome> pull = CompletableFuture.supplyAsync(() -> pullAll(task), executor);
            pull.whenComplete((outcome, error) -> finished.run());
            return pull;
        });
        return f.isDone() ? Optional.of(f.join()) : Optional.empty();
    }

    /** Drops what is known about {@code taskArn}'s pulls (the task moved on). */
    void forget(String taskArn) {
        byTask.remove(taskArn);
    }

    /** Waits until the pulls under way now have finished (for tests and orderly shutdown). */
    boolean await(Duration timeout) throws InterruptedException {
        try {
            CompletableFuture.allOf(byTask.values().toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true; // outcomes are values; an exception here is a bug already reported by the task
        }
    }

    private PullOutcome pullAll(AgentTask task) {
        // ECS fetches a task's secrets before its images: a secret that is not there stops the task unpulled
        for (AgentContainer c : task.containers()) {
            if (secrets.resolve(task, c) instanceof ContainerSecrets.Unavailable u) {
                return new PullOutcome.SecretsUnavailable(c.name(), u.reason());
            }
        }
        Map<String, PullResult> results = new LinkedHashMap<>();
        for (AgentContainer c : task.containers()) {
            Optional<Credential> credential = Optional.empty();
            if (c.credentialsParameter() != null) {
                String host = registryOf(c.launchImage());
                credential = repositoryCredentials.lookup(c.credentialsParameter(), host);
                if (credential.isEmpty()) {
                    PullFailedException unknown = new PullFailedException(
                            c.launchImage(),
                            "CREDENTIALS",
                            "container " + c.name() + " on this agent: "
                                    + repositoryCredentials
                                            .problem(c.credentialsParameter(), host)
                                            .orElse("no credentials"),
                            null);
                    metrics.failed(unknown);
                    return new PullOutcome.Failed(c.name(), unknown);
                }
            }
            try {
                PullResult r = runtime.pull(c.launchImage(), credential);
                metrics.pulled(r);
                results.put(c.name(), r);
            } catch (PullFailedException e) {
                metrics.failed(e);
                return new PullOutcome.Failed(c.name(), e);
            } catch (RuntimeException e) {
                PullFailedException wrapped = new PullFailedException(
                        c.launchImage(), "INTERNAL", "runtime " + runtime.name() + " failed: " + e, e);
                metrics.failed(wrapped);
                return new PullOutcome.Failed(c.name(), wrapped);
            }
        }
        return new PullOutcome.Pulled(results);
    }

    /** The image's registry host as references name it, or the image itself when it does not parse (the pull then says why). */
    private static String registryOf(String image) {
        try {
            return ImageReference.parse(image).registry();
        } catch (RuntimeException e) {
            return image;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
