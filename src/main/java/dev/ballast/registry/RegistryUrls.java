package dev.ballast.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** URLs a registry sends (redirects, upload locations, {@code Link} pages), checked before use, and their wording. */
final class RegistryUrls {

    private RegistryUrls() {}

    /** "registry H", or "H (for registry R)" when a token realm or redirect led elsewhere. */
    static String who(String registry, URI uri) {
        String authority = String.valueOf(uri.getRawAuthority());
        return authority.equals(registry) ? "registry " + registry : authority + " (for registry " + registry + ")";
    }

    /** {@code reference} resolved against {@code base}; INVALID when the registry sent something malformed. */
    static URI target(String action, String registry, URI base, String reference) {
        URI uri;
        try {
            uri = base.resolve(new URI(reference.trim()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw RegistryException.of(
                    RegistryException.Kind.INVALID,
                    action + ": registry " + registry + " sent a malformed URL " + quote(reference));
        }
        String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw RegistryException.of(
                    RegistryException.Kind.INVALID,
                    action + ": registry " + registry + " pointed to " + quote(reference)
                            + ", which is not an http(s) URL");
        }
        if (uri.getHost() == null) {
            throw RegistryException.of(
                    RegistryException.Kind.INVALID,
                    action + ": registry " + registry + " sent a URL without a host " + quote(reference));
        }
        return uri;
    }

    /** {@code text} quoted for a message: control characters dropped, at most 120 characters. */
    static String quote(String text) {
        String clean = text.codePoints()
                .filter(c -> c >= 0x20 && c != 0x7f)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return "\"" + (clean.length() > 120 ? clean.substring(0, 120) + "…" : clean) + "\"";
    }
}
