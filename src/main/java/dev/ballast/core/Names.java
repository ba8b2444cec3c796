package dev.ballast.core;

import java.util.regex.Pattern;

/** Name rules ECS applies to clusters, task definition families and containers. */
public final class Names {
    /** Up to 255 letters (upper and lowercase), numbers, underscores and hyphens. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");

    private Names() {}

    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
