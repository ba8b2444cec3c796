package dev.ballast.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium driven through Selenium for the console's browser tests: Debian's {@code /usr/bin/chromium} with
 * its {@code /usr/bin/chromedriver} (both from {@code scripts/install-prereqs}), named explicitly so Selenium Manager
 * never looks for or downloads a driver. A missing binary fails the test; it never skips. The window is 1280×900, so
 * screenshots are 1280 pixels wide.
 *
 * <pre>{@code
 * try (Browser browser = Browser.start()) {
 *     browser.login(server.endpoint(), "test", "test");
 *     browser.open(server.endpoint().resolve("/console/clusters/default"));
 *     WebElement row = browser.await(By.cssSelector("tr[data-service='web']"));
 * }
 * }</pre>
 *
 * Waits are {@link WebDriverWait}s bounded by {@link #WAIT}; nothing sleeps.
 */
public final class Browser implements AutoCloseable {
    /** Debian's chromium (package chromium). */
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** Debian's chromedriver (package chromium-driver), the same build as {@link #CHROMIUM}. */
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** How long a wait lasts before it fails (a live region polls every 2 s; a deployment takes a few). */
    public static final Duration WAIT = Duration.ofSeconds(30);

    public static final int WIDTH = 1280;
    public static final int HEIGHT = 900;

    /** Selenium's "no CDP implementation matching 156" warning: raw CDP commands (the screenshot) need none. */
    private static final Logger DEVTOOLS_LOG = Logger.getLogger("org.openqa.selenium.devtools");

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final WebDriverWait wait;

    private Browser(ChromeDriverService service, ChromeDriver driver) {
        this.service = service;
        this.driver = driver;
        this.wait = new WebDriverWait(driver, WAIT);
    }

    /** Starts headless Chromium with a 1280×900 window; fails naming scripts/install-prereqs when a binary is missing. */
    public static Browser start() {
        for (Path binary : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(binary)) {
                throw new AssertionError(binary + " is missing: run scripts/install-prereqs (Debian packages chromium"
                        + " and chromium-driver); the console's browser tests need them");
            }
        }
        DEVTOOLS_LOG.setLevel(Level.SEVERE);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withSilent(true)
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=" + WIDTH + "," + HEIGHT,
                "--force-device-scale-factor=1",
                "--hide-scrollbars",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--lang=en-US");
        if ("root".equals(System.getProperty("user.name"))) {
            options.addArguments("--no-sandbox"); // Chromium refuses to run as root with its sandbox
        }
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            service.stop();
            throw new AssertionError(
                    "headless " + CHROMIUM + " did not start through " + CHROMEDRIVER
                            + " (scripts/install-prereqs installs both): " + e.getMessage(),
                    e);
        }
        driver.manage().window().setSize(new Dimension(WIDTH, HEIGHT));
        driver.manage().timeouts().pageLoadTimeout(WAIT);
        driver.manage().timeouts().scriptTimeout(WAIT);
        return new Browser(service, driver);
    }

    /** The Selenium driver, for anything the helpers do not cover. */
    public WebDriver driver() {
        return driver;
    }

    /** Loads {@code uri} and waits for the document to be complete. */
    public Browser open(URI uri) {
        driver.get(uri.toString());
        awaitLoaded();
        return this;
    }

    /** The path and query of the current page ({@code /console/…}). */
    public String path() {
        URI uri = URI.create(driver.getCurrentUrl());
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    /**
     * Signs in on {@code endpoint}'s console login page with the access key pair, and waits until the browser has left
     * the login page (signed in) or the page shows its error (refused).
     *
     * @return true when signed in
     */
    public boolean login(URI endpoint, String accessKeyId, String secretAccessKey) {
        forget(endpoint);
        open(endpoint.resolve("/console/login"));
        WebElement key = await(By.id("accessKeyId"));
        key.clear();
        key.sendKeys(accessKeyId);
        WebElement secret = driver.findElement(By.id("secretAccessKey"));
        secret.clear();
        secret.sendKeys(secretAccessKey);
        driver.findElement(By.cssSelector("form[action='/console/login'] button[type=submit]"))
                .click();
        until(
                "the sign-in to finish (signed in, or the error shown)",
                d -> !path().startsWith("/console/login")
                        || !d.findElements(By.id("login-error")).isEmpty());
        awaitLoaded();
        return !path().startsWith("/console/login");
    }

    /** Drops the cookies of {@code endpoint}'s console (a fresh visitor: no session). */
    public void forget(URI endpoint) {
        open(endpoint.resolve("/console/login"));
        driver.manage().deleteAllCookies();
    }

    /** Waits for an element to be present and visible; fails after {@link #WAIT}. */
    public WebElement await(By by) {
        return wait.withMessage(() -> "waiting for " + by + " on " + driver.getCurrentUrl())
                .until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Waits until {@code condition} gives a non-null, non-false value; fails after {@link #WAIT} naming {@code what}. */
    public <T> T until(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT)
                .withMessage(() -> "waiting for " + what + " on " + driver.getCurrentUrl())
                .until(condition::apply);
    }

    /** Waits until {@code document.readyState} is complete. */
    public void awaitLoaded() {
        until("the page to load", d -> "complete".equals(js("return document.readyState")));
    }

    /** Runs a script in the page ({@link JavascriptExecutor}), with {@code arguments[i]} bound to {@code args}. */
    public Object js(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    /** The element that has the keyboard focus. */
    public WebElement focused() {
        return driver.switchTo().activeElement();
    }

    /**
     * A PNG of the whole page, {@link #WIDTH} pixels wide and as tall as the document (at most 3× the window), written
     * to {@code file} (parent directories created).
     */
    public Path screenshot(Path file) {
        Number height =
                (Number) js("return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)");
        int h = Math.min(Math.max(height.intValue(), HEIGHT), 3 * HEIGHT);
        Map<String, Object> clip = new HashMap<>();
        clip.put("x", 0);
        clip.put("y", 0);
        clip.put("width", WIDTH);
        clip.put("height", h);
        clip.put("scale", 1);
        Map<String, Object> params = new HashMap<>();
        params.put("format", "png");
        params.put("captureBeyondViewport", true);
        params.put("clip", clip);
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", params);
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
        } catch (IOException e) {
            throw new AssertionError("cannot write the screenshot " + file + ": " + e, e);
        }
        return file;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
