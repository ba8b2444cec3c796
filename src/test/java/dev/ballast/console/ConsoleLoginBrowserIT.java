package dev.ballast.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.testing.Browser;
import dev.ballast.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;

/**
 * The console's sign-in in headless Chromium against the packaged server: the development pair signs in (an HttpOnly
 * session cookie, the clusters page, the key shown, never the secret), a wrong secret or an unknown key stays on the
 * login page with its error and no session, and a page asked for without a session redirects to the login page and
 * back to that page after signing in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleLoginBrowserIT {
    static final String SECRET = "test";

    ServerProcess server;
    Browser browser;

    @BeforeAll
    void start() throws Exception {
        server = ServerProcess.start(
                ServerProcess.freePort(),
                "--data-dir",
                Files.createTempDirectory("ballast-console-login-").toString(),
                "--runtime",
                "simulated");
        browser = Browser.start();
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aWrongKeyIsRefusedWithTheErrorAndNoSession() throws Exception {
        browser.forget(server.endpoint());
        assertThat(browser.login(server.endpoint(), "test", "not-the-secret")).isFalse();
        assertThat(browser.path()).startsWith("/console/login");
        assertThat(browser.await(By.id("login-error")).getText())
                .isEqualTo("The access key ID or the secret access key is wrong.");
        assertThat(browser.driver().manage().getCookieNamed(Sessions.COOKIE)).isNull();
        assertThat(browser.driver().findElement(By.id("accessKeyId")).getAttribute("value"))
                .as("the key is kept for a retry")
                .isEqualTo("test");
        assertThat(browser.driver().findElement(By.id("secretAccessKey")).getAttribute("value"))
                .as("the secret is not")
                .isEmpty();
        assertThat(browser.driver().getPageSource()).doesNotContain("not-the-secret");
        screenshot("login-refused.png");

        assertThat(browser.login(server.endpoint(), "AKIDUNKNOWN", SECRET)).isFalse();
        assertThat(browser.driver().findElement(By.id("login-error")).getText())
                .as("one answer for an unknown key and a wrong secret")
                .isEqualTo("The access key ID or the secret access key is wrong.");
        assertThat(browser.driver().manage().getCookieNamed(Sessions.COOKIE)).isNull();

        browser.open(server.endpoint().resolve("/console/"));
        assertThat(browser.path()).as("no session: back to the login page").startsWith("/console/login");
    }

    @Test
    void theDevelopmentPairSignsInAndReturnsToThePageAskedFor() {
        browser.forget(server.endpoint());
        browser.open(server.endpoint().resolve("/console/?from=bookmark"));
        assertThat(browser.path()).isEqualTo("/console/login?next=%2Fconsole%2F%3Ffrom%3Dbookmark");
        screenshot("login.png");
        browser.await(By.id("accessKeyId")).sendKeys("test");
        browser.driver().findElement(By.id("secretAccessKey")).sendKeys(SECRET);
        browser.driver().findElement(By.cssSelector("main button[type=submit]")).click();
        browser.until("the page asked for", d -> browser.path().equals("/console/?from=bookmark"));

        Cookie cookie = browser.driver().manage().getCookieNamed(Sessions.COOKIE);
        assertThat(cookie).isNotNull();
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        assertThat(cookie.getExpiry()).as("a session with an expiry").isNotNull();
        assertThat(browser.js("return document.cookie"))
                .as("HttpOnly: invisible to scripts")
                .isEqualTo("");
        assertThat(browser.driver()
                        .findElement(By.cssSelector("header .who code"))
                        .getText())
                .isEqualTo("test");

        assertThat(browser.driver().findElement(By.tagName("h1")).getText()).isEqualTo("Clusters");
        assertThat(browser.driver().findElement(By.linkText("default")).getAttribute("href"))
                .endsWith("/console/clusters/default");
    }

    private void screenshot(String name) {
        Path file = Path.of(System.getProperty("ballast.console.screenshots", "target/console-screenshots"), name);
        browser.screenshot(file);
        assertThat(file).isNotEmptyFile();
    }
}
