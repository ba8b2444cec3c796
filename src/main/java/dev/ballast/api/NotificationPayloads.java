package dev.ballast.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.ballast.image.MediaTypes;
import dev.ballast.lifecycle.RegistryEvent;
import dev.ballast.lifecycle.RegistryEvent.Kind;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The two notification bodies {@link NotificationEndpoint} accepts, read into typed records (with the request path's
 * JSON limits: nesting, string sizes, duplicate keys) and reduced to {@link RegistryEvent}s:
 *
 * <ul>
 *   <li>the CNCF distribution registry's envelope ({@code application/vnd.docker.distribution.events.v1+json},
 *       {@code {"events":[{"action","target":{"mediaType","digest","repository","url","tag"},"request":{"host"}}]}});
 *   <li>a Harbor webhook in its default format ({@code {"type","occur_at","operator","event_data":{"resources":
 *       [{"digest","tag","resource_url"}],"repository":{"name","namespace","repo_full_name"}}}}).
 * </ul>
 *
 * The registry an event is about is {@code registryOverride} when given (the endpoint's {@code ?registry=}), else the
 * host of {@code target.url} / {@code resource_url}, else (distribution) {@code request.host}. Members Ballast does
 * not use are ignored.
 */
final class NotificationPayloads {
    private static final ObjectReader READER =
            Json.mapper().readerFor(Payload.class).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private NotificationPayloads() {}

    /** The body is not JSON, or not one of the two shapes; the message names the member at fault. */
    static final class MalformedException extends RuntimeException {
        MalformedException(String message) {
            super(message);
        }
    }

    /** Either shape: {@code events} (distribution) or {@code type} and {@code event_data} (Harbor). */
    record Payload(
            List<DistributionEvent> events,
            String type,
            @JsonProperty("event_data") HarborData eventData) {}

    record DistributionEvent(String action, Target target, RequestInfo request) {}

    record Target(String mediaType, String digest, String repository, String url, String tag) {}

    record RequestInfo(String host) {}

    record HarborData(List<HarborResource> resources, HarborRepository repository) {}

    record HarborResource(
            String digest,
            String tag,
            @JsonProperty("resource_url") String resourceUrl) {}

    record HarborRepository(
            String name,
            String namespace,
            @JsonProperty("repo_full_name") String repoFullName) {}

    /** Reads {@code body} into events; {@code registryOverride} (host[:port]) or null. */
    static List<RegistryEvent> read(byte[] body, String registryOverride) {
        Payload p = parse(body);
        if (p.events() != null) {
            List<RegistryEvent> out = new ArrayList<>();
            for (DistributionEvent e : p.events()) {
                if (e == null) {
                    throw new MalformedException("events: an event is null, expected an object");
                }
                out.add(distribution(e, registryOverride));
            }
            return out;
        }
        if (p.type() != null) {
            return harbor(p, registryOverride);
        }
        throw new MalformedException("the body is neither a distribution notification envelope (\"events\") nor a"
                + " Harbor webhook (\"type\", \"event_data\")");
    }

    private static Payload parse(byte[] body) {
        if (body.length == 0) {
            throw new MalformedException("the body is empty, expected a JSON object");
        }
        try {
            Payload p = READER.readValue(body);
            if (p == null) {
                throw new MalformedException("the body is null, expected a JSON object");
            }
            return p;
        } catch (JsonMappingException e) {
            String path = path(e);
            if (e.getCause() instanceof JsonProcessingException syntax) {
                throw new MalformedException("the body is not valid JSON"
                        + (path.isEmpty() ? "" : " (in " + path + ")") + ": "
                        + ShapeValidator.clip(firstLine(syntax.getOriginalMessage())));
            }
            String original = e.getOriginalMessage();
            if (original != null && original.startsWith("Trailing token")) {
                throw new MalformedException("the body is not valid JSON: it holds more than one JSON value");
            }
            String what = e instanceof MismatchedInputException m && m.getTargetType() != null
                    ? "expected " + expected(m.getTargetType())
                    : ShapeValidator.clip(firstLine(e.getOriginalMessage()));
            throw new MalformedException((path.isEmpty() ? "the body" : path) + ": " + what);
        } catch (JsonProcessingException e) {
            throw new MalformedException(
                    "the body is not valid JSON: " + ShapeValidator.clip(firstLine(e.getOriginalMessage())));
        } catch (IOException e) {
            throw new MalformedException("the body is unreadable: " + e.getMessage());
        }
    }

    private static RegistryEvent distribution(DistributionEvent e, String registryOverride) {
        Kind kind = switch (e.action() == null ? "" : e.action()) {
            case "push" -> Kind.PUSH;
            case "delete" -> Kind.DELETE;
            case "pull" -> Kind.PULL;
            case "mount" -> Kind.MOUNT;
            default -> Kind.UNKNOWN;
        };
        Target t = e.target();
        if (t == null) {
            return RegistryEvent.of(kind, null, null, null, null, null, false);
        }
        String host = registryOverride != null
                ? registryOverride
                : hostOfUrl(t.url()) != null
                        ? hostOfUrl(t.url())
                        : e.request() == null ? null : e.request().host();
        // a manifest by its media type, or by its URL when the media type is one Ballast does not list
        boolean manifest = (t.mediaType() != null && MediaTypes.isManifestType(t.mediaType()))
                || (t.url() != null && t.url().contains("/manifests/"));
        return RegistryEvent.of(kind, host, t.repository(), t.tag(), t.digest(), t.mediaType(), manifest);
    }

    private static List<RegistryEvent> harbor(Payload p, String registryOverride) {
        Kind kind = switch (p.type().toUpperCase(Locale.ROOT)) {
            case "PUSH_ARTIFACT" -> Kind.PUSH;
            case "DELETE_ARTIFACT" -> Kind.DELETE;
            case "PULL_ARTIFACT" -> Kind.PULL;
            default -> Kind.UNKNOWN;
        };
        HarborData data = p.eventData();
        if (data == null || data.resources() == null) {
            if (kind == Kind.UNKNOWN) {
                return List.of(RegistryEvent.of(kind, null, null, null, null, null, false));
            }
            throw new MalformedException("event_data.resources: missing, expected the artifacts of the " + p.type());
        }
        String repository = repository(data.repository());
        List<RegistryEvent> out = new ArrayList<>();
        for (HarborResource r : data.resources()) {
            if (r == null) {
                throw new MalformedException("event_data.resources: a resource is null, expected an object");
            }
            String host = registryOverride != null ? registryOverride : hostOfResourceUrl(r.resourceUrl());
            // Harbor's artifacts are manifests or indexes; it does not send their media type
            out.add(RegistryEvent.of(kind, host, repository, r.tag(), r.digest(), null, true));
        }
        return out;
    }

    private static String repository(HarborRepository r) {
        if (r == null) {
            return null;
        }
        if (r.repoFullName() != null && !r.repoFullName().isEmpty()) {
            return r.repoFullName();
        }
        return r.namespace() == null || r.name() == null ? null : r.namespace() + "/" + r.name();
    }

    /** {@code host[:port]} of an absolute URL, or null. */
    static String hostOfUrl(String url) {
        if (url == null || url.isEmpty()) {
            return null;
        }
        try {
            URI u = URI.create(url);
            if (u.getHost() == null) {
                return null;
            }
            return u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The host of Harbor's {@code resource_url} ({@code host/project/repo:tag}, sometimes with a scheme), or null. */
    static String hostOfResourceUrl(String resourceUrl) {
        if (resourceUrl == null || resourceUrl.isEmpty()) {
            return null;
        }
        if (resourceUrl.contains("://")) {
            return hostOfUrl(resourceUrl);
        }
        int slash = resourceUrl.indexOf('/');
        return slash <= 0 ? null : resourceUrl.substring(0, slash);
    }

    /** The JSON type a record's member needs, in the words of the error. */
    private static String expected(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array";
        }
        return type.isRecord() ? "an object" : "a value of another type";
    }

    private static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                out.append('[').append(r.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable input";
        }
        String line = message.lines().findFirst().orElse(message);
        int at = line.indexOf(" at [Source");
        return at > 0 ? line.substring(0, at) : line;
    }
}
