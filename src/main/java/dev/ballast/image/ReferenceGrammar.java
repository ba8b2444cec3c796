package dev.ballast.image;

import java.util.Locale;

/**
 * The pieces of the Docker image reference grammar (distribution's {@code reference} package,
 * {@code regexp.go}), as checks that say what is wrong instead of a single "invalid format".
 * Each method returns {@code null} when the input is valid, otherwise the reason.
 */
final class ReferenceGrammar {

    static final int NAME_MAX = 255;
    static final int TAG_MAX = 128;

    private ReferenceGrammar() {}

    /** True when the first path element names a registry rather than a Docker Hub namespace. */
    static boolean looksLikeRegistry(String first) {
        return first.indexOf('.') >= 0 || first.indexOf(':') >= 0 || first.equals("localhost");
    }

    /** {@code host[:port]} where host is a DNS-style name or a bracketed IPv6 address. */
    static String checkRegistry(String registry) {
        if (registry.isEmpty()) {
            return "registry host is empty";
        }
        String host = registry;
        String port = null;
        if (registry.startsWith("[")) {
            int close = registry.indexOf(']');
            if (close < 0) {
                return "registry host \"" + registry + "\" has an unclosed IPv6 bracket";
            }
            host = registry.substring(0, close + 1);
            String rest = registry.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return "registry host \"" + registry + "\" has junk after the IPv6 address";
                }
                port = rest.substring(1);
            }
            String inner = host.substring(1, host.length() - 1);
            if (inner.isEmpty() || !inner.chars().allMatch(c -> c == ':' || Character.digit(c, 16) >= 0)) {
                return "registry host \"" + host + "\" is not a valid IPv6 address";
            }
        } else {
            int colon = registry.indexOf(':');
            if (colon >= 0) {
                host = registry.substring(0, colon);
                port = registry.substring(colon + 1);
            }
            String hostError = checkDomainName(host);
            if (hostError != null) {
                return hostError;
            }
        }
        if (port != null) {
            if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return "registry port \"" + port + "\" is not a number";
            }
            if (Integer.parseInt(port) > 65535) {
                return "registry port " + port + " is out of range";
            }
        }
        return null;
    }

    private static String checkDomainName(String host) {
        if (host.isEmpty()) {
            return "registry host is empty";
        }
        for (String label : host.split("\\.", -1)) {
            if (label.isEmpty()) {
                return "registry host \"" + host + "\" has an empty label";
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                if (!alnum && !(c == '-' && i > 0 && i < label.length() - 1)) {
                    return "registry host \"" + host + "\" contains invalid character '" + c + "'";
                }
            }
        }
        return null;
    }

    /** Slash-separated lowercase components joined by single {@code .}, {@code _}, {@code __} or runs of {@code -}. */
    static String checkRepository(String repository) {
        if (repository.isEmpty()) {
            return "repository name is empty";
        }
        for (String component : repository.split("/", -1)) {
            String error = checkPathComponent(component);
            if (error != null) {
                return error;
            }
        }
        return null;
    }

    private static String checkPathComponent(String component) {
        if (component.isEmpty()) {
            return "repository name has an empty path component";
        }
        if (!component.equals(component.toLowerCase(Locale.ROOT))) {
            return "repository name must be lowercase";
        }
        int i = 0;
        int n = component.length();
        while (i < n) {
            int start = i;
            while (i < n && isLowerAlnum(component.charAt(i))) {
                i++;
            }
            if (i == start) {
                return "repository path component \"" + component
                        + "\" must start and end with a lowercase letter or digit";
            }
            if (i == n) {
                return null;
            }
            int sepStart = i;
            while (i < n && !isLowerAlnum(component.charAt(i))) {
                i++;
            }
            String sep = component.substring(sepStart, i);
            if (!(sep.equals(".")
                    || sep.equals("_")
                    || sep.equals("__")
                    || sep.chars().allMatch(c -> c == '-'))) {
                return "repository path component \"" + component + "\" has invalid separator \"" + sep + "\"";
            }
            if (i == n) {
                return "repository path component \"" + component
                        + "\" must start and end with a lowercase letter or digit";
            }
        }
        return null;
    }

    /** {@code [\w][\w.-]{0,127}}. */
    static String checkTag(String tag) {
        if (tag.isEmpty()) {
            return "tag is empty";
        }
        if (tag.length() > TAG_MAX) {
            return "tag must be at most " + TAG_MAX + " characters, got " + tag.length();
        }
        for (int i = 0; i < tag.length(); i++) {
            char c = tag.charAt(i);
            boolean word = isLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '_';
            if (!(word || (i > 0 && (c == '.' || c == '-')))) {
                return "tag \"" + tag + "\" contains invalid character '" + c + "'" + (i == 0 ? " at its start" : "");
            }
        }
        return null;
    }

    /** A bare 64-character hex string is an image id, never a repository name. */
    static boolean isImageId(String s) {
        return s.length() == 64 && s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    private static boolean isLowerAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }
}
