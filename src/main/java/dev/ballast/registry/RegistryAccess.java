package dev.ballast.registry;

import dev.ballast.image.ImageReference;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Which registries this process may contact: the operator's allow-list ({@code --allowed-registries}, globs
 * over {@code host[:port]}; none means any registry) and a refusal of link-local and cloud metadata
 * addresses that only a pattern naming them literally lifts. Pure: no DNS lookups (see below).
 *
 * <p>Patterns: {@code *} matches any run of characters (dots included), {@code ?} one character, case is
 * ignored. A pattern without a port matches the host on every port ({@code registry.lan} matches
 * {@code registry.lan:5000}); one with a port matches that port only. Docker Hub's aliases are one registry,
 * {@value ImageReference#DOCKER_HUB}, as in image references.
 *
 * <p>Refused unless named: IPv4 literals in 169.254.0.0/16 (in any form the JDK accepts: dotted, or one to
 * three parts), IPv6 link-local literals (fe80::/10), AWS's IPv6 metadata address {@code fd00:ec2::254},
 * IPv4-mapped and NAT64 (64:ff9b::/96) forms of those IPv4 addresses, and the well-known metadata host
 * names in {@link #METADATA_NAMES}. Other DNS names are not looked up: an answer at check time need not be the
 * answer at connect time (DNS rebinding), and a lookup must not stall an API call; an allow-list is the
 * defence against names that point there. "Named" means a pattern without wildcards in its host part.
 */
public final class RegistryAccess {

    /** Host names that cloud providers answer with their instance metadata services. */
    public static final Set<String> METADATA_NAMES =
            Set.of("metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal");

    private static final Pattern IPV4ISH = Pattern.compile("[0-9]+(\\.[0-9]+){0,3}");
    private static final RegistryAccess ANY = new RegistryAccess(List.of());

    private final List<String> patterns;
    private final List<Pattern> compiled;

    private RegistryAccess(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
        this.compiled = this.patterns.stream().map(RegistryAccess::compile).toList();
    }

    /** Every registry but link-local and metadata addresses (the default). */
    public static RegistryAccess any() {
        return ANY;
    }

    /**
     * Only registries matching one of {@code patterns}; an empty list means {@link #any()}.
     *
     * @throws IllegalArgumentException for an empty pattern or one with characters no registry has
     */
    public static RegistryAccess of(List<String> patterns) {
        for (String p : patterns) {
            if (p.isBlank() || !p.matches("[A-Za-z0-9.:*?\\[\\]_-]+")) {
                throw new IllegalArgumentException("invalid registry pattern '" + p
                        + "': use host[:port] with * and ? as wildcards, e.g. *.example.com or registry.lan:5000");
            }
        }
        return patterns.isEmpty() ? ANY : new RegistryAccess(patterns);
    }

    /** Parses the comma-separated value of {@code --allowed-registries} (blank entries ignored). */
    public static RegistryAccess parse(String commaSeparated) {
        return of(
                commaSeparated == null
                        ? List.of()
                        : Arrays.stream(commaSeparated.split(","))
                                .map(String::trim)
                                .filter(s -> !s.isEmpty())
                                .toList());
    }

    /** The patterns as given; empty for any registry. */
    public List<String> patterns() {
        return patterns;
    }

    /** True when a request may go to {@code registry} ({@code host[:port]}, as in an image reference). */
    public boolean permits(String registry) {
        return refusal(registry).isEmpty();
    }

    /** Why {@code registry} is refused, in words naming the option; empty when it is permitted. */
    public Optional<String> refusal(String registry) {
        String r = canonical(registry);
        boolean restricted = isLinkLocalOrMetadata(ImageReference.hostOnly(r));
        boolean matched = false;
        for (int i = 0; i < compiled.size(); i++) {
            if (compiled.get(i).matcher(r).matches()) {
                if (!restricted || !hasWildcardHost(patterns.get(i))) {
                    return Optional.empty();
                }
                matched = true;
            }
        }
        if (restricted) {
            return Optional.of("registry " + registry + " is a link-local or cloud metadata address, which is refused "
                    + "unless --allowed-registries names it" + (matched ? " without wildcards" : ""));
        }
        if (patterns.isEmpty()) {
            return Optional.empty();
        }
        // the operator's list stays out of the answer (it may name internal hosts); the server logs it at start-up
        return Optional.of("registry " + registry + " is not in --allowed-registries");
    }

    /**
     * Why a URL a permitted registry pointed to (a redirect {@code Location}, a token realm, an upload location)
     * must not be fetched: only the link-local and metadata refusal applies there, not the allow-list, since the
     * registry rather than the API caller chose the host (Docker Hub's token and CDN hosts, say). Empty when
     * it may be fetched.
     */
    public Optional<String> targetRefusal(String hostPort) {
        String r = canonical(hostPort);
        if (!isLinkLocalOrMetadata(ImageReference.hostOnly(r))) {
            return Optional.empty();
        }
        for (int i = 0; i < compiled.size(); i++) {
            if (!hasWildcardHost(patterns.get(i)) && compiled.get(i).matcher(r).matches()) {
                return Optional.empty();
            }
        }
        return Optional.of(hostPort + " is a link-local or cloud metadata address, which is refused unless "
                + "--allowed-registries names it");
    }

    /** True for a link-local or metadata host (no port): see the class comment. */
    static boolean isLinkLocalOrMetadata(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (METADATA_NAMES.contains(h)) {
            return true;
        }
        if (IPV4ISH.matcher(h).matches()) {
            long v = ipv4(h);
            return v >= 0 && (v >>> 16) == (169L << 8 | 254L);
        }
        if (h.indexOf(':') >= 0 && h.matches("[0-9a-f:.]+")) {
            try {
                // a literal: InetAddress parses it without any lookup
                InetAddress a = InetAddress.getByName(h);
                if (a instanceof Inet4Address) { // IPv4-mapped ::ffff:a.b.c.d
                    return a.isLinkLocalAddress();
                }
                byte[] b = a.getAddress();
                boolean nat64 = (b[0] & 0xff) == 0x00
                        && (b[1] & 0xff) == 0x64
                        && (b[2] & 0xff) == 0xff
                        && (b[3] & 0xff) == 0x9b
                        && IntStream.range(4, 12).allMatch(i -> b[i] == 0);
                boolean compatible = IntStream.range(0, 12).allMatch(i -> b[i] == 0);
                if (nat64 || compatible) {
                    return (b[12] & 0xff) == 169 && (b[13] & 0xff) == 254;
                }
                return a.isLinkLocalAddress() || a.equals(InetAddress.getByName("fd00:ec2::254"));
            } catch (UnknownHostException e) {
                return false; // not a literal the JDK would connect to either
            }
        }
        return false;
    }

    /** The 32-bit value of a numeric IPv4 literal as the JDK reads it (a, a.b, a.b.c, a.b.c.d), or -1. */
    private static long ipv4(String h) {
        String[] parts = h.split("\\.", -1);
        long[] v = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].length() > 10) {
                return -1;
            }
            v[i] = Long.parseLong(parts[i]);
        }
        int n = parts.length;
        long last = v[n - 1];
        long lastMax = n == 1 ? 0xffffffffL : n == 2 ? 0xffffffL : n == 3 ? 0xffffL : 0xffL;
        if (last > lastMax) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < n - 1; i++) {
            if (v[i] > 255) {
                return -1;
            }
            value |= v[i] << (24 - 8 * i);
        }
        return value | last;
    }

    private static String canonical(String registry) {
        String r = registry.toLowerCase(Locale.ROOT);
        return ImageReference.isDockerHubHost(r) ? ImageReference.DOCKER_HUB : r;
    }

    private static boolean hasWildcardHost(String pattern) {
        String host = ImageReference.hostOnly(pattern);
        return host.indexOf('*') >= 0 || host.indexOf('?') >= 0;
    }

    /** A pattern as a regex over {@code host[:port]}: a port-less pattern matches any port. */
    private static Pattern compile(String pattern) {
        String p = canonical(pattern);
        boolean hasPort =
                p.startsWith("[") ? p.indexOf("]:") >= 0 : p.indexOf(':') >= 0 && p.indexOf(':') == p.lastIndexOf(':');
        StringBuilder regex = new StringBuilder();
        for (char c : p.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (!hasPort) {
            regex.append("(:[0-9]+)?");
        }
        return Pattern.compile(regex.toString());
    }

    @Override
    public String toString() {
        return patterns.isEmpty() ? "any" : String.join(",", patterns);
    }
}
