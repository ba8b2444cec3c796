package dev.ballast.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {

    static final String H = "sha256:" + "a".repeat(64);
    static final String H2 = "sha256:" + "0123456789abcdef".repeat(4);
    static final String H512 = "sha512:" + "b".repeat(128);

    /** input → registry, repository, tag (or null), digest (or null). */
    static Stream<Arguments> good() {
        return Stream.of(
                // Docker Hub normalisation
                arguments("busybox", "docker.io", "library/busybox", "latest", null),
                arguments("busybox:1.36", "docker.io", "library/busybox", "1.36", null),
                arguments("library/busybox", "docker.io", "library/busybox", "latest", null),
                arguments("docker.io/busybox", "docker.io", "library/busybox", "latest", null),
                arguments("docker.io/library/busybox", "docker.io", "library/busybox", "latest", null),
                arguments("index.docker.io/busybox", "docker.io", "library/busybox", "latest", null),
                arguments("index.docker.io/library/busybox:musl", "docker.io", "library/busybox", "musl", null),
                arguments("registry-1.docker.io/busybox", "docker.io", "library/busybox", "latest", null),
                arguments("registry-1.docker.io/foo/bar:1", "docker.io", "foo/bar", "1", null),
                arguments("foo/bar", "docker.io", "foo/bar", "latest", null),
                arguments("foo/bar/baz", "docker.io", "foo/bar/baz", "latest", null),
                arguments("ubuntu@" + H, "docker.io", "library/ubuntu", null, H),
                arguments("ubuntu:22.04@" + H, "docker.io", "library/ubuntu", "22.04", H),
                arguments("docker.io/ubuntu:22.04@" + H2, "docker.io", "library/ubuntu", "22.04", H2),
                // registries with ports, IPs, localhost
                arguments("localhost/foo", "localhost", "foo", "latest", null),
                arguments("localhost:5000/foo", "localhost:5000", "foo", "latest", null),
                arguments("localhost:5000/foo/bar:v1", "localhost:5000", "foo/bar", "v1", null),
                arguments("127.0.0.1:5000/demo/app:v1", "127.0.0.1:5000", "demo/app", "v1", null),
                arguments("127.0.0.1/demo/app", "127.0.0.1", "demo/app", "latest", null),
                arguments("[::1]:5000/demo/app", "[::1]:5000", "demo/app", "latest", null),
                arguments("[::1]/demo/app:v2", "[::1]", "demo/app", "v2", null),
                arguments("[2001:db8::1]:443/x", "[2001:db8::1]:443", "x", "latest", null),
                arguments("[fe80::1]/x", "[fe80::1]", "x", "latest", null),
                arguments("gcr.io/project/image", "gcr.io", "project/image", "latest", null),
                arguments("gcr.io/project/image:tag", "gcr.io", "project/image", "tag", null),
                arguments("gcr.io/project/image@" + H, "gcr.io", "project/image", null, H),
                arguments("gcr.io/project/image:tag@" + H, "gcr.io", "project/image", "tag", H),
                arguments("ghcr.io/owner/repo/sub/deep:1.0.0", "ghcr.io", "owner/repo/sub/deep", "1.0.0", null),
                arguments("registry.example.com:8443/a/b", "registry.example.com:8443", "a/b", "latest", null),
                arguments("registry.example.com/a", "registry.example.com", "a", "latest", null),
                arguments("Registry.Example.COM/a", "Registry.Example.COM", "a", "latest", null),
                arguments("my-registry.local:5000/x", "my-registry.local:5000", "x", "latest", null),
                arguments("a.b.c.d.e/x", "a.b.c.d.e", "x", "latest", null),
                arguments("xn--bcher-kva.example/x", "xn--bcher-kva.example", "x", "latest", null),
                arguments("host:1/x", "host:1", "x", "latest", null),
                arguments("host:65535/x", "host:65535", "x", "latest", null),
                arguments("sub-domain.example.com/x:y", "sub-domain.example.com", "x", "y", null),
                arguments("example.com/x@" + H512, "example.com", "x", null, H512),
                // repository separators
                arguments("foo/a.b", "docker.io", "foo/a.b", "latest", null),
                arguments("foo/a_b", "docker.io", "foo/a_b", "latest", null),
                arguments("foo/a__b", "docker.io", "foo/a__b", "latest", null),
                arguments("foo/a-b", "docker.io", "foo/a-b", "latest", null),
                arguments("foo/a---b", "docker.io", "foo/a---b", "latest", null),
                arguments("foo/a.b_c-d__e", "docker.io", "foo/a.b_c-d__e", "latest", null),
                arguments("foo/0", "docker.io", "foo/0", "latest", null),
                arguments("a", "docker.io", "library/a", "latest", null),
                arguments("a/b/c/d/e/f/g", "docker.io", "a/b/c/d/e/f/g", "latest", null),
                // tags
                arguments("foo:A", "docker.io", "library/foo", "A", null),
                arguments("foo:_under", "docker.io", "library/foo", "_under", null),
                arguments("foo:v1.2.3-rc.1", "docker.io", "library/foo", "v1.2.3-rc.1", null),
                arguments("foo:Latest_UPPER", "docker.io", "library/foo", "Latest_UPPER", null),
                arguments("foo:" + "t".repeat(128), "docker.io", "library/foo", "t".repeat(128), null),
                arguments("localhost:5000", "docker.io", "library/localhost", "5000", null),
                arguments("foo:5000/bar:tag", "foo:5000", "bar", "tag", null),
                arguments("foo.com:8080/bar:8080", "foo.com:8080", "bar", "8080", null),
                // names of the maximum length
                arguments("example.com/" + "a".repeat(243), "example.com", "a".repeat(243), "latest", null));
    }

    /** input → a fragment of the reason. */
    static Stream<Arguments> bad() {
        return Stream.of(
                arguments("", "reference is empty"),
                arguments("Foo/bar", "repository name must be lowercase"),
                arguments("Uppercase", "repository name must be lowercase"),
                arguments("foo/Bar", "repository name must be lowercase"),
                arguments("gcr.io/Project/image", "repository name must be lowercase"),
                arguments("localhost:5000/Foo", "repository name must be lowercase"),
                arguments(":tag", "repository name is empty"),
                arguments("@" + H, "repository name is empty"),
                arguments("example.com/", "repository name is empty"),
                arguments("foo//bar", "empty path component"),
                arguments("foo/", "empty path component"),
                arguments("/foo", "empty path component"),
                arguments("foo/-bar", "must start and end"),
                arguments("foo/bar-", "must start and end"),
                arguments("foo/.bar", "must start and end"),
                arguments("foo/bar.", "must start and end"),
                arguments("foo/_bar", "must start and end"),
                arguments("foo/a..b", "invalid separator \"..\""),
                arguments("foo/a___b", "invalid separator \"___\""),
                arguments("foo/a._b", "invalid separator \"._\""),
                arguments("foo/a-_b", "invalid separator"),
                arguments("foo/a b", "invalid separator \" \""),
                arguments("foo/a+b", "invalid separator \"+\""),
                arguments("foo/a$b", "invalid separator"),
                arguments("foo:", "tag is empty"),
                arguments("foo:-tag", "tag \"-tag\" contains invalid character '-' at its start"),
                arguments("foo:.tag", "at its start"),
                arguments("foo:ta g", "contains invalid character ' '"),
                arguments("foo:ta+g", "contains invalid character '+'"),
                arguments("foo:" + "t".repeat(129), "tag must be at most 128 characters"),
                arguments("foo@sha256:abc", "sha256 needs 64 hex characters, got 3"),
                arguments("foo@sha256:" + "A".repeat(64), "must be lowercase hex"),
                arguments("foo@sha256:" + "g".repeat(64), "must be lowercase hex"),
                arguments("foo@sha256:" + "a".repeat(65), "needs 64 hex characters"),
                arguments("foo@md5:" + "a".repeat(32), "unsupported algorithm \"md5\""),
                arguments("foo@sha256", "expected algorithm:hex"),
                arguments("foo@", "expected algorithm:hex"),
                arguments("foo@:abc", "expected algorithm:hex"),
                arguments("foo@" + H + "@" + H, "needs 64 hex characters"),
                arguments("a".repeat(64), "image id"),
                arguments("0123456789abcdef".repeat(4), "image id"),
                arguments("example.com/" + "a".repeat(244), "at most 255 characters"),
                arguments("a/" + "a".repeat(254), "at most 255 characters"),
                arguments("-host.com/foo", "contains invalid character '-'"),
                arguments("host-.com/foo", "contains invalid character '-'"),
                arguments("ho_st.com/foo", "contains invalid character '_'"),
                arguments("host..com/foo", "empty label"),
                arguments(".host.com/foo", "empty label"),
                arguments("host:/foo", "port \"\" is not a number"),
                arguments("host:abc/foo", "port \"abc\" is not a number"),
                arguments("host:99999/foo", "out of range"),
                arguments("host:123456/foo", "is not a number"),
                arguments("[::1/foo", "unclosed IPv6 bracket"),
                arguments("[::1]x/foo", "junk after the IPv6 address"),
                arguments("[zz::1]/foo", "not a valid IPv6 address"),
                arguments("[]/foo", "\"[]\" must start and end"),
                arguments("foo bar", "invalid separator"),
                arguments(" foo", "must start and end"),
                arguments("foo\t", "invalid separator \"\t\""),
                arguments("http://example.com/foo", "port \"\" is not a number"),
                arguments("foo:bar:baz", "invalid separator \":\""));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @MethodSource("good")
    void parses_and_normalises(String input, String registry, String repository, String tag, String digest) {
        ImageReference ref = ImageReference.parse(input);
        assertThat(ref.registry()).isEqualTo(registry);
        assertThat(ref.repository()).isEqualTo(repository);
        assertThat(ref.tag()).isEqualTo(Optional.ofNullable(tag));
        assertThat(ref.digest()).isEqualTo(Optional.ofNullable(digest).map(Digest::parse));
        assertThat(ref.original()).isEqualTo(input);
        String canonical =
                registry + "/" + repository + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
        assertThat(ref.canonical()).isEqualTo(canonical);
        assertThat(ref.toString()).isEqualTo(canonical);
        ImageReference again = ImageReference.parse(ref.toString());
        assertThat(again).isEqualTo(ref).hasSameHashCodeAs(ref);
        assertThat(again.original()).isEqualTo(canonical);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @MethodSource("bad")
    void rejects_with_a_reason_naming_the_input(String input, String reason) {
        assertThatThrownBy(() -> ImageReference.parse(input))
                .isInstanceOf(InvalidReferenceException.class)
                .hasMessageStartingWith("invalid image reference \"" + input + "\": ")
                .hasMessageContaining(reason);
    }

    @Test
    void error_message_has_the_documented_shape() {
        assertThatThrownBy(() -> ImageReference.parse("Foo/bar"))
                .hasMessage("invalid image reference \"Foo/bar\": repository name must be lowercase");
    }

    @Test
    void docker_hub_aliases_are_one_reference() {
        ImageReference a = ImageReference.parse("busybox");
        assertThat(ImageReference.parse("docker.io/library/busybox:latest")).isEqualTo(a);
        assertThat(ImageReference.parse("index.docker.io/busybox")).isEqualTo(a);
        assertThat(ImageReference.parse("registry-1.docker.io/library/busybox")).isEqualTo(a);
        assertThat(a.original()).isEqualTo("busybox");
    }

    @Test
    void with_digest_keeps_the_tag() {
        ImageReference ref = ImageReference.parse("127.0.0.1:5000/demo/app:v1");
        ImageReference pinned = ref.withDigest(Digest.parse(H));
        assertThat(pinned.toString()).isEqualTo("127.0.0.1:5000/demo/app:v1@" + H);
        assertThat(pinned.tag()).contains("v1");
        assertThat(pinned.name()).isEqualTo("127.0.0.1:5000/demo/app");
        assertThat(pinned.withTag("v2").toString()).isEqualTo("127.0.0.1:5000/demo/app:v2");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "localhost/a",
                "localhost:5000/a",
                "LOCALHOST:1/a",
                "127.0.0.1:5000/a",
                "127.1.2.3/a",
                "127.255.255.255:80/a",
                "[::1]:5000/a",
                "[::1]/a"
            })
    void loopback_registries(String input) {
        assertThat(ImageReference.parse(input).isLoopbackRegistry()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "busybox",
                "gcr.io/a",
                "128.0.0.1/a",
                "127.0.0.256/a",
                "127.0.0/a",
                "localhost.example.com/a",
                "[::2]/a",
                "10.0.0.1:5000/a",
                "127.example.com/a"
            })
    void not_loopback_registries(String input) {
        assertThat(ImageReference.parse(input).isLoopbackRegistry()).isFalse();
    }

    @Test
    void constructor_rejects_unnormalised_state() {
        assertThatThrownBy(() -> ImageReference.of("index.docker.io", "library/x", "latest", null))
                .hasMessageContaining("Docker Hub must be named docker.io");
        assertThatThrownBy(() -> ImageReference.of("docker.io", "x", "latest", null))
                .hasMessageContaining("need a namespace");
        assertThatThrownBy(() -> ImageReference.of("example.com", "x", null, null))
                .hasMessageContaining("needs a tag or a digest");
        assertThat(ImageReference.of("example.com", "x", "1", null).original()).isEqualTo("example.com/x:1");
    }
}
