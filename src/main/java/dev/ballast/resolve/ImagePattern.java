package dev.ballast.resolve;

import dev.ballast.image.ImageReference;
import dev.ballast.image.InvalidReferenceException;
import java.util.Objects;
import java.util.Optional;

/**
 * An image rule pattern: a glob in which {@code *} matches any run of characters (slashes and colons
 * included) and every other character matches itself. A pattern matches an image when it matches the
 * image string as written or its canonical form ({@code nginx:1.27} is also
 * {@code docker.io/library/nginx:1.27}). Patterns are non-empty, at most {@value #MAX_LENGTH} characters
 * and hold no whitespace.
 *
 * <p>When several patterns of one layer match an image, the most {@linkplain #specificity() specific} one
 * decides: the one with the most literal (non-{@code *}) characters, then the one with the fewest
 * {@code *}s; patterns equal on both keep their order (creation order for rules).
 */
public record ImagePattern(String text) {
    public static final int MAX_LENGTH = 255;

    public ImagePattern {
        Objects.requireNonNull(text, "pattern");
        String problem = problem(text).orElse(null);
        if (problem != null) {
            throw new IllegalArgumentException("invalid image pattern \"" + text + "\": " + problem);
        }
    }

    /** What is wrong with {@code text} as a pattern, if anything. */
    public static Optional<String> problem(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.of("it is empty");
        }
        if (text.length() > MAX_LENGTH) {
            return Optional.of("it has " + text.length() + " characters; at most " + MAX_LENGTH + " are allowed");
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i)) || Character.isISOControl(text.charAt(i))) {
                return Optional.of("it contains whitespace or a control character at position " + (i + 1));
            }
        }
        return Optional.empty();
    }

    /** How specific this pattern is: its literal characters and its wildcards. */
    public Specificity specificity() {
        int wildcards = (int) text.chars().filter(ch -> ch == '*').count();
        return new Specificity(text.length() - wildcards, wildcards);
    }

    /** True when the pattern matches {@code image} as written or in canonical form. */
    public boolean matches(Image image) {
        return glob(text, image.written()) || (image.canonical() != null && glob(text, image.canonical()));
    }

    /** Greedy wildcard match with backtracking to the last {@code *}: linear in practice, O(n·m) at worst. */
    static boolean glob(String pattern, String s) {
        int p = 0;
        int i = 0;
        int star = -1;
        int mark = 0;
        while (i < s.length()) {
            if (p < pattern.length() && pattern.charAt(p) != '*' && pattern.charAt(p) == s.charAt(i)) {
                p++;
                i++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = i;
            } else if (star >= 0) {
                p = star + 1;
                i = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    @Override
    public String toString() {
        return text;
    }

    /**
     * The order of patterns by specificity: more literal characters is more specific; with as many, fewer
     * wildcards is more specific. {@code docker.io/datadog/agent:*} (24 literals) beats {@code *}
     * (none) and {@code *}{@code /datadog/agent:*} (15).
     *
     * @param literals characters other than {@code *}
     * @param wildcards {@code *} characters
     */
    public record Specificity(int literals, int wildcards) implements Comparable<Specificity> {
        @Override
        public int compareTo(Specificity o) {
            int byLiterals = Integer.compare(literals, o.literals);
            return byLiterals != 0 ? byLiterals : Integer.compare(o.wildcards, wildcards);
        }
    }

    /**
     * An image in the two forms patterns are matched against.
     *
     * @param written the task definition's string
     * @param canonical its canonical form, or null when it does not parse as a reference
     * @param reference the parsed reference, or null when it does not parse
     */
    public record Image(String written, String canonical, ImageReference reference) {
        public static Image of(String written) {
            Objects.requireNonNull(written, "image");
            try {
                ImageReference ref = ImageReference.parse(written);
                return new Image(written, ref.canonical(), ref);
            } catch (InvalidReferenceException e) {
                return new Image(written, null, null);
            }
        }
    }
}
