package dev.ballast.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.model.Layer;
import dev.ballast.model.Mode;
import dev.ballast.store.ClusterRecord;
import dev.ballast.store.ServiceRow;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The policy page's list of the containers one rule decides: capped for big installations, escaped. */
class PolicyPageTest {
    private static final ClusterRecord SHOP =
            new ClusterRecord("shop", "arn:aws:ecs:us-east-1:123456789012:cluster/shop", "ACTIVE", "{}", 0, 0);

    private static PolicyPage.Decided decided(int i, String image) {
        ServiceRow s = new ServiceRow(
                SHOP.arn().replace("cluster/", "service/shop/") + "/svc-" + i,
                "shop",
                SHOP.arn(),
                "svc-" + i,
                "ACTIVE",
                1,
                "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1",
                null,
                null,
                0,
                false);
        return new PolicyPage.Decided(SHOP, s, "app", image, Mode.CONSISTENT);
    }

    @Test
    void atMostAHundredContainersAreListedAndTheRestCounted() {
        List<PolicyPage.Decided> all = new ArrayList<>();
        for (int i = 0; i < PolicyPage.CAP + 7; i++) {
            all.add(decided(i, "registry.example/team/web:v1"));
        }
        Html h = new Html();
        PolicyPage.containers(h, Layer.CLUSTER_RULE, "*/team/*:*", all, "cluster shop rule */team/*:*");
        String html = h.toString();
        assertThat(html.split("<tr data-layer=\"cluster-rule\"", -1)).hasSize(PolicyPage.CAP + 1);
        assertThat(html)
                .contains("<caption>" + (PolicyPage.CAP + 7) + " containers decided by cluster shop rule */team/*:*")
                .contains("data-service=\"svc-99\"")
                .doesNotContain("data-service=\"svc-100\"")
                .contains("<p class=\"muted\">and 7 more</p>");
    }

    @Test
    void exactlyTheCapNeedsNoMoreAndNothingSaysSo() {
        List<PolicyPage.Decided> all = new ArrayList<>();
        for (int i = 0; i < PolicyPage.CAP; i++) {
            all.add(decided(i, "registry.example/team/web:v1"));
        }
        Html h = new Html();
        PolicyPage.containers(h, Layer.SYSTEM_DEFAULT, null, all, "the system default");
        assertThat(h.toString()).doesNotContain("more</p>").doesNotContain("data-rule=");
        Html none = new Html();
        PolicyPage.containers(none, Layer.SYSTEM_DEFAULT, null, List.of(), "the system default");
        assertThat(none.toString()).isEqualTo("<p class=\"muted\">Decides no container of an ACTIVE service.</p>");
    }

    @Test
    void whatTheStoreHoldsIsEscaped() {
        Html h = new Html();
        PolicyPage.containers(
                h, Layer.ACCOUNT_RULE, "\"><script>", List.of(decided(1, "<img src=x>")), "account rule \"><script>");
        assertThat(h.toString())
                .contains("data-rule=\"&quot;&gt;&lt;script&gt;\"")
                .contains("<code>&lt;img src=x&gt;</code>")
                .doesNotContain("<script>")
                .doesNotContain("<img");
    }
}
