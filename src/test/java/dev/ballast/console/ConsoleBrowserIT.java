package dev.ballast.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.agent.remote.JsonApiClient;
import dev.ballast.api.Json;
import dev.ballast.api.auth.SigV4Signer;
import dev.ballast.image.Digest;
import dev.ballast.testing.Browser;
import dev.ballast.testing.Clients;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ServerProcess;
import dev.ballast.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * The console's acceptance flow in headless Chromium against the packaged server (simulated runtime), a real CNCF
 * registry and a tag watcher checking every second: a service pinned to {@code demo/web:v1}; the tag moves; the
 * cluster page shows the service's {@code drift} badge, the service page the drift (pin vs tag now); "Force new
 * deployment" pins the new digest, which the page shows without reloading (a marker set in the page survives while the
 * live region is swapped); "Roll back to this deployment" pins the old digest again; log out. Also: an action whose
 * CSRF token was removed is refused and changes nothing; the action flow works with the keyboard alone (TAB,
 * SHIFT+TAB, ENTER), focus visible at each step.
 *
 * <p>It writes screenshots of the main pages to {@code target/console-screenshots}, or to the directory of the
 * system property {@code ballast.console.screenshots} ({@code docs/console} refreshes the README's pictures).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final String ECS = "AmazonEC2ContainerServiceV20141113";
    static final String CLUSTER = "/console/clusters/default";
    static final String WEB = CLUSTER + "/services/web";
    static final String KEYS = CLUSTER + "/services/keys";
    static final String MARKER = "return window.ballastMarker";

    RegistryFixture registry;
    ServerProcess server;
    EcsClient ecs;
    JsonApiClient api;
    Browser browser;
    Path screenshots;

    @BeforeAll
    void start() throws Exception {
        screenshots = Path.of(System.getProperty("ballast.console.screenshots", "target/console-screenshots"));
        registry = RegistryFixture.start();
        server = ServerProcess.start(
                ServerProcess.freePort(),
                "--data-dir",
                Files.createTempDirectory("ballast-console-browser-").toString(),
                "--runtime",
                "simulated",
                "--simulated-instances",
                "2",
                "--tag-watch-interval",
                "1s");
        ecs = Clients.ecs(server.endpoint(), "test", "test");
        api = new JsonApiClient(
                server.endpoint(), new SigV4Signer("test", "test", "us-east-1", "ecs", Clock.systemUTC())::sign);
        browser = Browser.start();
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (ecs != null) {
            ecs.close();
        }
        if (server != null) {
            server.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    @Order(1)
    void aMovedTagIsSeenForcedToTheNewDigestRolledBackToTheOldAndSignedOut() {
        Digest v1 = registry.images().push("demo/web:v1", TestImages.Format.OCI, "web-1");
        createService("web", "demo/web:v1", 2);
        String first = primary("web").id();
        Digest v2 = registry.images().moveTag("demo/web:v1", TestImages.Format.OCI, "web-2");
        assertThat(v2).isNotEqualTo(v1);
        Eventually.await(
                "the tag watcher to see demo/web:v1 moved",
                WAIT,
                () -> imageDrift("web").path("drifted").asBoolean());

        assertThat(browser.login(server.endpoint(), "test", "test")).isTrue();
        assertThat(browser.path()).isEqualTo("/console/");
        screenshot("clusters.png");

        // the cluster page: the service's row with its drift badge
        follow(browser.driver().findElement(By.linkText("default")));
        assertThat(browser.path()).isEqualTo(CLUSTER);
        WebElement row = browser.await(By.cssSelector("#services tr[data-service='web']"));
        assertThat(badges(row)).contains("drift");
        screenshot("cluster-services.png");

        // the service page: pinned v1, the tag now at v2, drifted
        follow(row.findElement(By.linkText("web")));
        assertThat(browser.path()).isEqualTo(WEB);
        assertThat(browser.driver().findElement(By.tagName("h1")).getText()).isEqualTo("web");
        WebElement drift = browser.await(By.cssSelector("#drift tr[data-container='app']"));
        assertThat(drift.findElement(By.cssSelector("code.digest")).getText()).isEqualTo(v1.toString());
        assertThat(drift.findElement(By.cssSelector("code.tag-now")).getText()).isEqualTo(v2.toString());
        assertThat(badges(drift)).contains("drifted");
        assertThat(pinIn(first)).isEqualTo(v1.toString());
        screenshot("service-drift.png");

        // force a new deployment: a confirmation page, then back on the service page with a notice
        follow(browser.driver().findElement(By.linkText("Force new deployment")));
        assertThat(browser.path()).isEqualTo(WEB + "/force");
        screenshot("confirm-force.png");
        submit("Force new deployment");
        assertThat(browser.path()).isEqualTo(WEB);
        assertThat(browser.await(By.cssSelector("main .flash[role=status]")).getText())
                .contains("web");
        String second = awaitNewPrimary("web", first);
        assertThat(second).isNotEqualTo(first);
        seenLive(
                "the new deployment " + second + " pinned to " + v2 + " and its rollout COMPLETED",
                () -> v2.toString().equals(pinIn(second))
                        && primary("web").rolloutState() == DeploymentRolloutState.COMPLETED
                        && text(deployment(second)).contains(DeploymentRolloutState.COMPLETED.toString()));
        assertThat(primary("web").id()).isEqualTo(second);
        assertThat(pinIn(second)).as("the pin DescribeServices' drift reports").isEqualTo(pinnedDigest("web"));
        screenshot("service-after-force.png");

        // roll back to the first deployment: its digest, v1, is the new PRIMARY's pin
        follow(deployment(first).findElement(By.linkText("Roll back to this deployment")));
        // the link sits in a live region: a swap can make it stale before the navigation lands
        browser.until("the rollback's confirmation", d -> browser.path().startsWith(WEB + "/rollback?deployment="));
        browser.awaitLoaded();
        screenshot("confirm-rollback.png");
        submit("Roll back");
        assertThat(browser.path()).isEqualTo(WEB);
        String third = awaitNewPrimary("web", second);
        assertThat(third).isNotIn(first, second);
        seenLive(
                "the rollback deployment " + third + " pinned to " + v1,
                () -> v1.toString().equals(pinIn(third))
                        && primary("web").rolloutState() == DeploymentRolloutState.COMPLETED
                        && text(deployment(third)).contains(DeploymentRolloutState.COMPLETED.toString()));
        assertThat(pinnedDigest("web")).isEqualTo(v1.toString());
        screenshot("service-after-rollback.png");

        // a task of the service
        browser.open(server.endpoint().resolve(WEB + "/tasks"));
        WebElement taskLink = browser.await(By.cssSelector("#tasks tr[data-task] a"));
        screenshot("tasks.png");
        follow(taskLink);
        assertThat(browser.path()).startsWith(CLUSTER + "/tasks/");
        WebElement container = browser.await(By.cssSelector("tr[data-container='app']"));
        assertThat(container.getText()).contains(registry.host() + "/demo/web:v1");
        assertThat(container.findElements(By.tagName("code")).stream()
                        .map(WebElement::getText)
                        .filter(t -> t.startsWith("sha256:"))
                        .toList())
                .as("the digest the task runs is one the service pinned")
                .singleElement()
                .isIn(v1.toString(), v2.toString());
        screenshot("task.png");

        // the overview pages
        for (String page : List.of("policy", "pins", "audit")) {
            browser.open(server.endpoint().resolve("/console/" + page));
            assertThat(browser.path()).isEqualTo("/console/" + page);
            assertThat(browser.driver().getTitle()).doesNotStartWith("Not done").doesNotStartWith("Error");
            assertThat(browser.driver().findElements(By.tagName("h1"))).hasSize(1);
            screenshot(page + ".png");
        }
        assertThat(browser.driver().getPageSource()).doesNotContain("aws_secret_access_key");

        // log out: the next page asks to sign in again
        browser.open(server.endpoint().resolve(WEB));
        follow(browser.driver().findElement(By.cssSelector("header form[action='/console/logout'] button")));
        browser.until("the sign-in page", d -> browser.path().startsWith("/console/login"));
        assertThat(browser.driver().manage().getCookieNamed(Sessions.COOKIE)).isNull();
        browser.open(server.endpoint().resolve(WEB));
        assertThat(browser.path()).startsWith("/console/login?next=");
        assertThat(browser.driver().findElements(By.id("accessKeyId"))).hasSize(1);
    }

    @Test
    @Order(2)
    void anActionWithoutItsCsrfTokenIsRefusedAndChangesNothing() {
        registry.images().push("demo/keys:v1", TestImages.Format.OCI, "keys-1");
        createService("keys", "demo/keys:v1", 1);
        String before = primary("keys").id();
        assertThat(browser.login(server.endpoint(), "test", "test")).isTrue();
        browser.open(server.endpoint().resolve(KEYS + "/force"));
        WebElement form = formOf("Force new deployment");
        Object removed = browser.js(
                "var i = arguments[0].querySelector('input[name=csrf]'); if (i) { i.remove(); return true; }"
                        + " return false;",
                form);
        assertThat(removed).as("the form carried a CSRF token").isEqualTo(true);
        submit("Force new deployment");
        assertThat(browser.path()).as("not redirected").isEqualTo(KEYS + "/force");
        assertThat(browser.driver().getTitle()).startsWith("Refused");
        assertThat(browser.await(By.cssSelector("main [role=alert]")).getText()).contains("CSRF token is missing");
        screenshot("refused-csrf.png");
        Service keys = service("keys");
        assertThat(keys.deployments()).as("no deployment started").hasSize(1);
        assertThat(keys.deployments().getFirst().id()).isEqualTo(before);
    }

    @Test
    @Order(3)
    void theForceActionWorksWithTheKeyboardAloneWithFocusVisibleAtEachStep() {
        if (service("keys") == null) {
            registry.images().push("demo/keys:v1", TestImages.Format.OCI, "keys-1");
            createService("keys", "demo/keys:v1", 1);
        }
        String before = primary("keys").id();
        assertThat(browser.login(server.endpoint(), "test", "test")).isTrue();
        browser.open(server.endpoint().resolve(KEYS));

        WebElement link = tabTo(
                "the link Force new deployment",
                e -> "a".equals(e.getTagName()) && "Force new deployment".equals(e.getText()));
        assertThat(link.getAttribute("href")).endsWith(KEYS + "/force");
        press(Keys.ENTER);
        browser.until("the confirmation page", d -> browser.path().equals(KEYS + "/force"));
        browser.awaitLoaded();

        WebElement button = tabTo("the button Force new deployment", ConsoleBrowserIT::isConfirmButton);
        press(Keys.TAB);
        WebElement next = browser.focused();
        assertThat(next).as("TAB leaves the button").isNotEqualTo(button);
        assertFocusVisible(next);
        press(Keys.SHIFT, Keys.TAB);
        assertThat(browser.focused()).as("SHIFT+TAB comes back to it").isEqualTo(button);
        assertFocusVisible(button);
        press(Keys.ENTER);
        browser.until("the service page after the action", d -> browser.path().equals(KEYS));
        assertThat(browser.await(By.cssSelector("main .flash[role=status]")).getText())
                .contains("keys");
        String after = awaitNewPrimary("keys", before);
        assertThat(after).isNotEqualTo(before);
    }

    // --- the browser side

    /** Presses TAB until {@code target} holds for the focused element (at most 80 times), checking each stop. */
    private WebElement tabTo(String what, Predicate<WebElement> target) {
        for (int i = 0; i < 80; i++) {
            press(Keys.TAB);
            WebElement e = browser.focused();
            assertThat(e.getTagName())
                    .as("focus stop %d is an element the keyboard reaches", i)
                    .isIn("a", "button", "input", "select", "textarea", "summary", "main", "div", "section");
            assertFocusVisible(e);
            if (target.test(e)) {
                return e;
            }
        }
        throw new AssertionError("80 TABs did not reach " + what + " on " + browser.path());
    }

    private static boolean isConfirmButton(WebElement e) {
        return "button".equals(e.getTagName()) && "Force new deployment".equals(e.getText());
    }

    private void press(CharSequence... keys) {
        Actions a = new Actions(browser.driver());
        if (keys.length == 2 && keys[0] == Keys.SHIFT) {
            a.keyDown(Keys.SHIFT).sendKeys(keys[1]).keyUp(Keys.SHIFT).perform();
        } else {
            a.sendKeys(keys).perform();
        }
    }

    /** The focused element shows the console's focus ring (:focus-visible, a 3 px solid outline) and is on screen. */
    private void assertFocusVisible(WebElement e) {
        assertThat(e.isDisplayed()).as("focused %s is displayed", describe(e)).isTrue();
        Object ring = browser.js(
                "var e = arguments[0], s = getComputedStyle(e);"
                        + " return e.matches(':focus-visible') && s.outlineStyle !== 'none'"
                        + " && parseFloat(s.outlineWidth) >= 2;",
                e);
        assertThat(ring).as("focus ring on %s", describe(e)).isEqualTo(true);
    }

    private static String describe(WebElement e) {
        return "<" + e.getTagName() + "> " + e.getText();
    }

    private WebElement formOf(String buttonText) {
        return browser.await(By.xpath("//main//form[.//button[normalize-space()='" + buttonText + "']]"));
    }

    /** Clicks the form's button {@code text} and waits for the answer's page. */
    private void submit(String text) {
        WebElement button = browser.await(By.xpath("//main//form//button[normalize-space()='" + text + "']"));
        follow(button);
    }

    /** Clicks a link or a form's button and waits until the next page replaced this one and has loaded. */
    private void follow(WebElement element) {
        element.click();
        browser.until("the next page", ExpectedConditions.stalenessOf(element));
        browser.awaitLoaded();
    }

    /**
     * Sets a marker in the page, waits until {@code condition} holds (the live regions swap in what changed), and
     * checks the marker survived: the page was never reloaded; the deployments region was swapped at least once.
     */
    private void seenLive(String what, BooleanSupplier condition) {
        browser.js("window.ballastMarker = 'not reloaded';");
        WebElement region = browser.await(By.id("deployments-live"));
        browser.until(what + " (without reloading)", d -> {
            try {
                return condition.getAsBoolean();
            } catch (StaleElementReferenceException swapping) {
                return false;
            }
        });
        assertThat(browser.js(MARKER)).as("the same page: not reloaded").isEqualTo("not reloaded");
        assertThat(ExpectedConditions.stalenessOf(region).apply(browser.driver()))
                .as("the deployments region was swapped in place")
                .isTrue();
    }

    private WebElement deployment(String id) {
        return browser.driver().findElement(By.cssSelector("#deployments li.deployment[data-deployment='" + id + "']"));
    }

    /** The pinned digest of container app in deployment {@code id}'s resolution record, as the page shows it. */
    private String pinIn(String id) {
        List<WebElement> rows = browser.driver()
                .findElements(By.cssSelector("#deployments li.deployment[data-deployment='" + id
                        + "'] tr[data-container='app'] code.digest"));
        return rows.isEmpty() ? null : rows.getFirst().getText();
    }

    private static String text(WebElement e) {
        return e.getText();
    }

    private static List<String> badges(WebElement e) {
        return e.findElements(By.cssSelector(".badge")).stream()
                .map(WebElement::getText)
                .toList();
    }

    private void screenshot(String name) {
        Path file = browser.screenshot(screenshots.resolve(name));
        assertThat(file).isNotEmptyFile();
    }

    // --- the API side

    private void createService(String name, String repoTag, int count) {
        ecs.registerTaskDefinition(r -> r.family(name)
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image(registry.host() + "/" + repoTag)
                        .memory(64)
                        .versionConsistency("enabled")
                        .build()));
        ecs.createService(r -> r.serviceName(name).taskDefinition(name).desiredCount(count));
        Eventually.await(name + " steady with " + count + " running tasks", WAIT, () -> {
            Service s = service(name);
            return s.runningCount() == count
                    && s.deployments().size() == 1
                    && s.deployments().getFirst().rolloutState() == DeploymentRolloutState.COMPLETED;
        });
    }

    private Service service(String name) {
        List<Service> found = ecs.describeServices(r -> r.services(name)).services();
        return found.isEmpty() ? null : found.getFirst();
    }

    private Deployment primary(String name) {
        return service(name).deployments().stream()
                .filter(d -> "PRIMARY".equals(d.status()))
                .findFirst()
                .orElseThrow();
    }

    private String awaitNewPrimary(String name, String previous) {
        Eventually.await(
                "a new PRIMARY deployment of " + name,
                WAIT,
                () -> !primary(name).id().equals(previous));
        return primary(name).id();
    }

    private JsonNode imageDrift(String name) {
        ObjectNode in = Json.object();
        in.putArray("services").add(name);
        return api.call(ECS, "DescribeServices", in).path("services").get(0).path("imageDrift");
    }

    private String pinnedDigest(String name) {
        for (JsonNode c : imageDrift(name).path("containers")) {
            if (c.path("containerName").asText().equals("app")) {
                return c.path("pinnedDigest").asText();
            }
        }
        throw new AssertionError("no container app in the drift of " + name);
    }
}
