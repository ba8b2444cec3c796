package dev.ballast.store;

import java.util.Objects;

/**
 * What a committed store write changed, as a key small enough for a PostgreSQL notification payload: the
 * tasks of a container instance, a container instance, the tasks or row of a service, or a cluster.
 * {@link #EVERYTHING} stands for "anything may have changed" (after the notification connection was lost).
 *
 * @param kind what kind of thing changed
 * @param id   its ARN (a cluster: its name); {@code *} for {@link #EVERYTHING}
 */
public record Change(Kind kind, String id) {
    /** Anything may have changed: re-read what you depend on. */
    public static final Change EVERYTHING = new Change(Kind.EVERYTHING, "*");

    /** Kinds of change, each with the one letter that stands for it in a notification payload. */
    public enum Kind {
        /** A task assigned to the container instance {@code id} was inserted or written. */
        INSTANCE_TASKS('t'),
        /** The container instance row {@code id} (status, registration) was written. */
        INSTANCE('i'),
        /** The service {@code id}, or one of its tasks, was written. */
        SERVICE('s'),
        /** The cluster named {@code id} was created, updated or deactivated. */
        CLUSTER('c'),
        /** Anything. */
        EVERYTHING('*');

        private final char letter;

        Kind(char letter) {
            this.letter = letter;
        }

        static Kind of(char letter) {
            for (Kind k : values()) {
                if (k.letter == letter) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown change kind '" + letter + "'");
        }
    }

    public Change {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        if (id.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a change id has no line breaks: " + id);
        }
    }

    public static Change instanceTasks(String instanceArn) {
        return new Change(Kind.INSTANCE_TASKS, instanceArn);
    }

    public static Change instance(String instanceArn) {
        return new Change(Kind.INSTANCE, instanceArn);
    }

    public static Change service(String serviceArn) {
        return new Change(Kind.SERVICE, serviceArn);
    }

    public static Change cluster(String name) {
        return new Change(Kind.CLUSTER, name);
    }

    /** The payload form: the kind's letter, then the id. */
    String encode() {
        return kind.letter + id;
    }

    static Change decode(String line) {
        if (line.isEmpty()) {
            throw new IllegalArgumentException("empty change");
        }
        return new Change(Kind.of(line.charAt(0)), line.substring(1));
    }
}
