package dev.ballast.resolve;

import dev.ballast.image.Digest;
import dev.ballast.model.ContainerResolution;

/** The wording of resolution events, in the style of ECS service event messages. */
final class ResolutionEvents {
    private ResolutionEvents() {}

    static String resolved(EventSubject s, ContainerResolution c, Digest digest) {
        return s.prefix() + " resolved image " + c.image() + " of container " + c.containerName() + " to " + digest
                + " (" + decided(c) + ").";
    }

    static String verified(EventSubject s, ContainerResolution c) {
        return s.prefix() + " verified image " + c.image() + " of container " + c.containerName()
                + ": the registry still serves its digest (" + decided(c) + ").";
    }

    static String skipped(EventSubject s, ContainerResolution c) {
        return s.prefix() + " container " + c.containerName() + " runs image " + c.image()
                + " as written, without resolution (" + decided(c) + ").";
    }

    static String retrying(EventSubject s, ContainerResolution c, String reason, int attempt, int limit) {
        return s.prefix() + " could not resolve image " + c.image() + " of container " + c.containerName() + ": "
                + reason + " (attempt " + attempt + " of " + limit + "; retrying).";
    }

    static String gaveUp(EventSubject s, ContainerResolution c, String reason, int attempt, int limit) {
        return s.prefix() + " could not resolve image " + c.image() + " of container " + c.containerName() + ": "
                + reason + " (attempt " + attempt + " of " + limit + "; giving up).";
    }

    static String fallback(EventSubject s, ContainerResolution c, int attempts) {
        return s.prefix() + " continuing on tag " + c.image() + " for container " + c.containerName() + " after "
                + attempts + " failed resolution" + (attempts == 1 ? "" : "s") + " (best-effort, ECS parity).";
    }

    static String failed(EventSubject s, String failure) {
        return s.prefix() + " deployment failed: " + failure + ".";
    }

    /** {@code image X of container Y could not be resolved (reason)}, the record's failure text. */
    static String failure(ContainerResolution c) {
        return "image " + c.image() + " of container " + c.containerName() + " could not be resolved (" + c.reason()
                + "; " + decided(c) + ")";
    }

    private static String decided(ContainerResolution c) {
        return c.mode().wire() + ", decided by " + c.decidedBy().wire()
                + (c.rule() == null ? "" : " '" + c.rule() + "'");
    }
}
