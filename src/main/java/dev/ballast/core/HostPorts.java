package dev.ballast.core;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Host ports, TCP and UDP, as ECS counts them: the {@code PORTS} and {@code PORTS_UDP} resources of a
 * container instance. An instance's registered ports are the ones its agent reserves; a task takes the
 * fixed host ports of its port mappings (a dynamic host port, 0 or absent in bridge mode, takes none).
 */
public record HostPorts(SortedSet<Integer> tcp, SortedSet<Integer> udp) {
    /** What the ECS agent reserves when {@code ECS_RESERVED_PORTS} is not set: SSH, Docker, and its own two ports. */
    public static final HostPorts ECS_AGENT_DEFAULT = new HostPorts(List.of(22, 2375, 2376, 51678, 51679), List.of());

    public static final HostPorts NONE = new HostPorts(List.of(), List.of());

    public HostPorts {
        tcp = Collections.unmodifiableSortedSet(new TreeSet<>(tcp == null ? List.of() : tcp));
        udp = Collections.unmodifiableSortedSet(new TreeSet<>(udp == null ? List.of() : udp));
    }

    public HostPorts(Collection<Integer> tcp, Collection<Integer> udp) {
        this(tcp == null ? null : new TreeSet<>(tcp), udp == null ? null : new TreeSet<>(udp));
    }

    public HostPorts plus(HostPorts other) {
        if (other.empty()) {
            return this;
        }
        TreeSet<Integer> t = new TreeSet<>(tcp);
        t.addAll(other.tcp);
        TreeSet<Integer> u = new TreeSet<>(udp);
        u.addAll(other.udp);
        return new HostPorts(t, u);
    }

    /** Whether a port of one protocol is in both. */
    public boolean overlaps(HostPorts other) {
        return !Collections.disjoint(tcp, other.tcp) || !Collections.disjoint(udp, other.udp);
    }

    public boolean empty() {
        return tcp.isEmpty() && udp.isEmpty();
    }
}
