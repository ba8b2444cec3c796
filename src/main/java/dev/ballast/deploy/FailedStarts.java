package dev.ballast.deploy;

import dev.ballast.model.ContainerError;
import dev.ballast.model.StopCause;
import dev.ballast.model.StopCode;
import dev.ballast.store.DeploymentRow;
import dev.ballast.store.LaunchFailures;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's failed task starts: counts them on the primary deployment ({@code failedTasks}, kept when the
 * stopped tasks are purged, and the consecutive count of the {@link LaunchBackoff}), reports why they failed
 * (one event per distinct cause; {@link dev.ballast.store.Events} collapses repeats), and decides whether a
 * launch must wait. Counted on every pass, whatever the rollout state: a COMPLETED deployment whose new tasks
 * fail (a scale-out after its pinned image was deleted) shows them too.
 */
final class FailedStarts {
    private static final Logger LOG = LoggerFactory.getLogger(FailedStarts.class);
    private final Store store;
    private final Clock clock;
    private final LaunchBackoff backoff;
    private final Set<String> backingOff = ConcurrentHashMap.newKeySet();

    FailedStarts(Store store, Clock clock, LaunchBackoff backoff) {
        this.store = store;
        this.clock = clock;
        this.backoff = Objects.requireNonNull(backoff, "backoff");
    }

    /** Counted by the circuit breaker and the back-off: tasks that failed to start or failed their health checks. */
    static boolean failedTask(TaskRow t) {
        return StopCode.TASK_FAILED_TO_START.wire().equals(t.stopCode())
                || t.stopCause() == StopCause.HEALTH_CHECK_FAILED;
    }

    /**
     * Counts the primary deployment's new failures and reports them. Returns the deployment as now stored, or
     * null when another writer moved it on (the next pass counts again).
     *
     * @param stopped the deployment's stopped tasks, newest first
     */
    Versioned<DeploymentRow> count(
            ServiceRow service,
            Versioned<DeploymentRow> primary,
            List<TaskRow> live,
            List<TaskRow> stopped,
            Events events) {
        DeploymentRow d = primary.value();
        List<LaunchBackoff.Failure> failed = stopped.stream()
                .filter(FailedStarts::failedTask)
                .map(t -> new LaunchBackoff.Failure(t.arn(), t.stoppedAt() != null ? t.stoppedAt() : t.createdAt()))
                .toList();
        long latestStart = Stream.concat(live.stream(), stopped.stream())
                .filter(t -> d.id().equals(t.deploymentId()) && t.startedAt() != null)
                .mapToLong(TaskRow::startedAt)
                .max()
                .orElse(0);
        LaunchBackoff.Observed o = LaunchBackoff.observe(d.launchFailures(), failed, latestStart);
        if (o.failures().equals(d.launchFailures())) {
            track(service, d);
            return primary;
        }
        // a deployment stored before failures were counted this way (no mark yet) already holds the count of its
        // stopped failed tasks, which are exactly the ones counted now: not added twice
        int failedTasks = d.launchFailures().equals(LaunchFailures.NONE)
                ? Math.max(d.failedTasks(), o.newlyCounted().size())
                : d.failedTasks() + o.newlyCounted().size();
        DeploymentRow next = d.withFailures(failedTasks, o.failures());
        if (!store.deployments().update(next, primary.version())) {
            return null;
        }
        track(service, next);
        if (!o.newlyCounted().isEmpty()) {
            LOG.info(
                    "service {} deployment {}: {} task(s) failed to start ({} in all, {} in a row); next launch not before {}",
                    service.name(),
                    d.id(),
                    o.newlyCounted().size(),
                    next.failedTasks(),
                    o.failures().consecutive(),
                    Instant.ofEpochMilli(backoff.nextLaunchAt(o.failures())));
            stopped.stream().filter(t -> o.newlyCounted().contains(t.arn())).forEach(t -> report(events, t));
        } else {
            LOG.info("service {} deployment {}: a task reached RUNNING; launch back-off reset", service.name(), d.id());
        }
        return new Versioned<>(next, primary.version() + 1);
    }

    private void track(ServiceRow service, DeploymentRow d) {
        if (d.launchFailures().consecutive() > 0) {
            backingOff.add(service.arn());
        } else {
            backingOff.remove(service.arn());
        }
    }

    /**
     * True while launches of the primary deployment wait; then, after {@link LaunchBackoff#REPORT_AFTER}
     * consecutive failures, says so in ECS's words (one event, refreshed while it lasts).
     */
    boolean waiting(ServiceRow service, DeploymentRow primary, Events events) {
        if (!backoff.waiting(primary.launchFailures(), clock.millis())) {
            return false;
        }
        if (primary.launchFailures().consecutive() >= LaunchBackoff.REPORT_AFTER) {
            events.add("(service " + service.name() + ") is unable to consistently start tasks successfully. For more "
                    + "information, see the Troubleshooting section of the Amazon ECS Developer Guide. Task launches are "
                    + "backed off (doubling, at most " + minutes(backoff.cap())
                    + " between attempts) until a task reaches RUNNING.");
        }
        return true;
    }

    /** How many of {@code wanted} tasks to launch now: all, or one probe while failures are counted. */
    int batch(DeploymentRow primary, int wanted) {
        return LaunchBackoff.batch(primary.launchFailures(), wanted);
    }

    /** Services whose primary deployment has consecutive failed starts (the {@code ballast.launch.backoff} gauge). */
    int backingOff() {
        return backingOff.size();
    }

    /** The service is gone or no longer driven here. */
    void forget(String serviceArn) {
        backingOff.remove(serviceArn);
    }

    /** Why a task could not start, without the task's id, so that the same cause makes one (refreshed) event. */
    private static void report(Events events, TaskRow t) {
        for (TaskRow.ContainerRow c : t.containers()) {
            ContainerError error = ContainerError.of(c.reason()).orElse(null);
            if (error == ContainerError.RESOURCE_INITIALIZATION) {
                // a container secret the agent could not resolve: the reason names the reference, never a value
                events.add("(service " + events.serviceName() + ") could not start a task: " + c.reason()
                        + (c.reason().endsWith(".") ? "" : "."));
                continue;
            }
            if (error != ContainerError.CANNOT_PULL_CONTAINER) {
                continue;
            }
            int at = c.launchImage() == null ? -1 : c.launchImage().indexOf('@');
            String reason = c.reason().endsWith(".") ? c.reason() : c.reason() + ".";
            events.add(
                    at < 0
                            ? "(service " + events.serviceName() + ") could not start a task: the image " + c.image()
                                    + " of container " + c.name()
                                    + " could not be pulled (it is not pinned to a digest, so the tag as written was pulled): "
                                    + reason
                            : "(service " + events.serviceName() + ") could not start a task: the image " + c.image()
                                    + " of container "
                                    + c.name() + ", pinned to "
                                    + c.launchImage().substring(at + 1) + ", could not be pulled: " + reason
                                    + " If the pinned image was deleted from the registry, a forced new deployment "
                                    + "(aws ecs update-service --force-new-deployment) re-resolves the tag.");
        }
    }

    private static String minutes(Duration d) {
        return d.toSeconds() % 60 == 0 ? d.toMinutes() + " minutes" : d.toSeconds() + " s";
    }
}
