package dev.ballast.resolve;

import dev.ballast.image.Digest;
import dev.ballast.image.ImageReference;
import dev.ballast.model.ContainerResolution;
import dev.ballast.model.Mode;
import dev.ballast.model.ResolutionOutcome;
import dev.ballast.model.ResolutionRecord;
import dev.ballast.model.ResolutionState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Applies one attempt's registry answers to a resolution record: pure, so the retry, fallback and failure
 * rules are tested without a registry.
 */
final class ResolutionAttempt {
    /** How many attempts each mode gets, and whether best-effort failures fail the deployment. */
    record Limits(int strict, int bestEffort, boolean circuitBreaker) {}

    private ResolutionAttempt() {}

    /**
     * @param containers the record's containers; those with resolutionMode {@code pending} take part
     * @param answers the registry's answer per container name, for every pending container; the next attempt
     *     is scheduled after the backoff and never before a failed answer's {@code retryAt}
     * @param attempt the number of this attempt (1 for the first)
     * @param nowMillis the clock now, for resolvedAt and the next attempt
     */
    static RevisionResolver.Step apply(
            List<ContainerResolution> containers,
            Map<String, Lookup> answers,
            int attempt,
            Limits limits,
            ResolveSettings settings,
            long nowMillis,
            EventSubject subject) {
        List<ContainerResolution> out = new ArrayList<>();
        List<String> events = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        long next = nowMillis + settings.backoff(attempt).toMillis();
        for (ContainerResolution c : containers) {
            if (c.resolutionMode() != ResolutionOutcome.PENDING) {
                out.add(c);
                continue;
            }
            Lookup answer = answers.get(c.containerName());
            if (answer instanceof Lookup.Failed f && f.retryAt() != null) {
                next = Math.max(next, f.retryAt().toEpochMilli()); // never ask before the registry allows it
            }
            ContainerResolution resolution = switch (answer) {
                case Lookup.Found f -> found(c, f, nowMillis, events, subject);
                case Lookup.Failed f -> failed(c, f.reason(), attempt, limits, nowMillis, events, subject);
                case null -> throw new IllegalStateException("no answer for container " + c.containerName());
            };
            if (resolution.resolutionMode() == ResolutionOutcome.FAILED) {
                failures.add(ResolutionEvents.failure(resolution));
            }
            out.add(resolution);
        }
        ResolutionRecord record;
        if (!failures.isEmpty()) {
            String failure = String.join("; ", failures);
            failures.forEach(f -> events.add(ResolutionEvents.failed(subject, f)));
            record = new ResolutionRecord(ResolutionState.FAILED, attempt, null, out, failure);
        } else if (out.stream().allMatch(c -> c.launchImage() != null)) {
            record = new ResolutionRecord(ResolutionState.RESOLVED, attempt, null, out, null);
        } else {
            record = new ResolutionRecord(ResolutionState.PENDING, attempt, next, out, null);
        }
        return new RevisionResolver.Step(record, events);
    }

    private static ContainerResolution found(
            ContainerResolution c, Lookup.Found f, long now, List<String> events, EventSubject subject) {
        ImageReference ref = f.resolution().reference();
        Digest digest = f.resolution().digest();
        if (ref.digest().isPresent()) {
            ContainerResolution v = with(c, ResolutionOutcome.VERIFIED, digest.toString(), c.image(), now, null);
            events.add(ResolutionEvents.verified(subject, v));
            return v;
        }
        ContainerResolution r =
                with(c, ResolutionOutcome.RESOLVED, digest.toString(), pinned(c.image(), ref, digest), now, null);
        events.add(ResolutionEvents.resolved(subject, r, digest));
        return r;
    }

    private static ContainerResolution failed(
            ContainerResolution c,
            String reason,
            int attempt,
            Limits limits,
            long now,
            List<String> events,
            EventSubject subject) {
        boolean strict = c.mode() == Mode.CONSISTENT;
        int limit = strict ? limits.strict() : limits.bestEffort();
        ContainerResolution pending = with(c, ResolutionOutcome.PENDING, null, null, null, reason);
        if (attempt < limit) {
            events.add(ResolutionEvents.retrying(subject, pending, reason, attempt, limit));
            return pending;
        }
        events.add(ResolutionEvents.gaveUp(subject, pending, reason, attempt, limit));
        if (strict || limits.circuitBreaker()) {
            return with(c, ResolutionOutcome.FAILED, null, null, null, reason);
        }
        ContainerResolution fb = with(c, ResolutionOutcome.FALLBACK, null, c.image(), now, reason);
        events.add(ResolutionEvents.fallback(subject, fb, attempt));
        return fb;
    }

    /**
     * The launch string {@code repo:tag@sha256:…}: the image as written (Docker Hub short names and registry
     * text kept), its implied tag made explicit, the digest appended.
     */
    static String pinned(String written, ImageReference ref, Digest digest) {
        int slash = written.lastIndexOf('/');
        boolean hasTag = written.indexOf(':', slash + 1) >= 0;
        String tag = hasTag ? "" : ":" + ref.tag().orElse(ImageReference.DEFAULT_TAG);
        return written + tag + "@" + digest;
    }

    static ContainerResolution with(
            ContainerResolution c,
            ResolutionOutcome outcome,
            String digest,
            String launchImage,
            Long resolvedAt,
            String reason) {
        return c.with(outcome, digest, launchImage, resolvedAt, reason);
    }
}
