package dev.ballast.console;

/**
 * A small HTML writer that escapes every text and attribute value it is given: the console's pages are built with
 * it, never by concatenating strings, so nothing read from the store (names, images, reasons, events) can inject
 * markup. Not thread-safe; one per response.
 *
 * <pre>{@code
 * Html h = new Html();
 * h.open("section", "aria-labelledby", "drift-title").el("h2", "Drift", "id", "drift-title");
 * h.open("p").text("tag moved ").code(digest).close("p").close("section");
 * }</pre>
 */
public final class Html {
    private final StringBuilder out;

    public Html() {
        this(4096);
    }

    public Html(int capacity) {
        out = new StringBuilder(capacity);
    }

    /** {@code <tag a1="v1" …>}: attributes as name/value pairs; a null value leaves the attribute out, "" writes it bare. */
    public Html open(String tag, String... attributes) {
        out.append('<').append(tag);
        attrs(attributes);
        out.append('>');
        return this;
    }

    /** A void element ({@code <input …>}, {@code <meta …>}, {@code <link …>}). */
    public Html empty(String tag, String... attributes) {
        return open(tag, attributes);
    }

    public Html close(String tag) {
        out.append("</").append(tag).append('>');
        return this;
    }

    /** {@code <tag …>text</tag>}, the text escaped (null: empty). */
    public Html el(String tag, Object text, String... attributes) {
        return open(tag, attributes).text(text).close(tag);
    }

    /** Escaped text (null writes nothing). */
    public Html text(Object text) {
        if (text != null) {
            escape(String.valueOf(text), false);
        }
        return this;
    }

    /** A digest, ARN or image in {@code <code>} (wraps anywhere on narrow screens through the style sheet). */
    public Html code(Object text) {
        return el("code", text);
    }

    /** A link. */
    public Html a(String href, Object text, String... attributes) {
        String[] all = new String[attributes.length + 2];
        all[0] = "href";
        all[1] = href;
        System.arraycopy(attributes, 0, all, 2, attributes.length);
        return el("a", text, all);
    }

    /** Markup this class made itself (another {@link Html}'s output). */
    public Html raw(Html other) {
        out.append(other.out);
        return this;
    }

    /** Trusted constant markup (a literal in the code, never data). */
    Html constant(String markup) {
        out.append(markup);
        return this;
    }

    public int length() {
        return out.length();
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void attrs(String... attributes) {
        if (attributes.length % 2 != 0) {
            throw new IllegalArgumentException("attributes come in name/value pairs");
        }
        for (int i = 0; i < attributes.length; i += 2) {
            String value = attributes[i + 1];
            if (value == null) {
                continue;
            }
            out.append(' ').append(attributes[i]);
            if (!value.isEmpty()) {
                out.append("=\"");
                escape(value, true);
                out.append('"');
            }
        }
    }

    private void escape(String s, boolean attribute) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append(attribute ? "&quot;" : "\"");
                case '\'' -> out.append(attribute ? "&#39;" : "'");
                default -> out.append(c);
            }
        }
    }

    /** The text escaped for HTML, for callers that need the string (a header, a test). */
    public static String escaped(String s) {
        Html h = new Html(s.length() + 16);
        h.escape(s, true);
        return h.toString();
    }
}
