package dev.ballast.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.image.ImageReference;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Registry names are chosen by API callers: their metric labels stay bounded (issue 9, item 6). */
class RegistryMetricsTest {

    @Test
    void ten_thousand_registries_leave_the_registry_metrics_under_100_kb() {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RegistryConfig config = RegistryConfig.defaults()
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1))
                .withRetries(1, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(1))
                .withInsecureRegistries(Set.of("10.1.2.3:5000"));
        RegistryClient client = new RegistryClient(config, meters);
        // loopback addresses across 127.0.0.0/8, port 9 (discard): refused at once, nothing leaves the machine
        for (int i = 0; i < 10_000; i++) {
            ImageReference ref = ImageReference.parse("127.1." + (i / 250) + "." + (i % 250 + 1) + ":9/demo/app:v1");
            assertThatThrownBy(() -> client.resolve(ref)).isInstanceOf(RegistryException.class);
        }
        String scrape = meters.scrape();
        int bytes = scrape.getBytes(StandardCharsets.UTF_8).length;
        assertThat(bytes).as("scrape size").isLessThan(100 * 1024);
        assertThat(scrape)
                .contains("registry=\"other\"")
                .contains("registry=\"127.1.0.1:9\"")
                .doesNotContain("registry=\"127.1.39.250:9\"");
        long registries = scrape.lines()
                .filter(l -> l.startsWith("ballast_registry_requests_total{"))
                .map(l -> l.replaceAll(".*registry=\"([^\"]*)\".*", "$1"))
                .distinct()
                .count();
        assertThat(registries)
                .as("distinct registry labels: the first 20 and other")
                .isEqualTo(RegistryConfig.DEFAULT_METRIC_REGISTRY_LIMIT + 1);
    }

    @Test
    void configured_registries_keep_their_label_after_the_limit_is_reached() {
        RegistryLabels labels = new RegistryLabels(Set.of("registry.example.com"), 2);
        assertThat(labels.of("a.example")).isEqualTo("a.example");
        assertThat(labels.of("b.example")).isEqualTo("b.example");
        assertThat(labels.of("c.example")).isEqualTo(RegistryLabels.OTHER);
        assertThat(labels.of("a.example")).isEqualTo("a.example");
        assertThat(labels.of("registry.example.com")).isEqualTo("registry.example.com");
    }
}
