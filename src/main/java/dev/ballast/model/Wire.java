package dev.ballast.model;

import java.util.function.Function;

/** Strict lookup of an enum constant by its ECS wire string. */
final class Wire {

    private Wire() {}

    static <E extends Enum<E>> E lookup(Class<E> type, Function<E, String> wire, String value, String what) {
        for (E e : type.getEnumConstants()) {
            if (wire.apply(e).equals(value)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " \"" + value + "\"");
    }
}
