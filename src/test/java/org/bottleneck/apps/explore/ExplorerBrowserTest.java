package org.bottleneck.apps.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.bottleneck.backend.Backends;
import org.bottleneck.cli.Main;
import org.bottleneck.data.Mnist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.interactions.WheelInput;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The explorer page in a real browser: Debian's headless Chromium driven by Selenium through
 * {@code /usr/bin/chromedriver}, both named explicitly so Selenium downloads nothing. A
 * {@code vae2d} trained here for 5 short epochs on 20,000 images (the page needs structure to show, not quality)
 * serves 2,000 test points. The test loads the page, checks every point was drawn, hovers two
 * empty places and checks the decoded image changed, hovers a sample for its panel, zooms and
 * resets, pins two points for the interpolation strip, toggles the grid, and saves a screenshot
 * to {@code target/explorer.png} (and to {@code -Dexplore.screenshot=FILE} when given: the
 * README's picture comes from here).
 *
 * <p>Without Chromium the test is skipped and says why; with {@code BOTTLENECK_REQUIRE_BROWSER=1}
 * (set by {@code .ci/run}, which installs it) a missing browser fails instead.
 */
class ExplorerBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium"), DRIVER = Path.of("/usr/bin/chromedriver");
    private static final int POINTS = 2000;

    @TempDir
    static Path tmp;
    private static Explorer explorer;
    private static ExploreServer server;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!present && "1".equals(System.getenv("BOTTLENECK_REQUIRE_BROWSER"))) {
            throw new AssertionError("BOTTLENECK_REQUIRE_BROWSER=1 but " + CHROMIUM + " or " + DRIVER
                    + " is missing: apt-get install chromium chromium-driver");
        }
        Assumptions.assumeTrue(present, "no " + CHROMIUM + " and " + DRIVER + " here: the browser test is skipped "
                + "(apt-get install chromium chromium-driver to run it; CI does)");
        Path run = tmp.resolve("vae2d");
        int code = Main.run("train", "--model", "vae2d", "--device", "cpu", "--data", "data/mnist", "--epochs", "5",
                "--train-limit", "20000", "--test-limit", String.valueOf(POINTS), "--no-progress", "--out", run.toString());
        assertEquals(0, code, "training the page's model");
        explorer = Explorer.open(run.resolve("best.safetensors"), Mnist.load(Path.of("data/mnist"), false).limit(POINTS), 2,
                () -> Backends.open("cpu", 0), new PrintStream(OutputStream.nullOutputStream()));
        server = ExploreServer.start(explorer, "127.0.0.1", 0, 12, System.err);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=1720,1250", "--user-data-dir=" + Files.createDirectories(tmp.resolve("chromium-profile")));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (explorer != null) {
            explorer.close();
        }
    }

    private static <T> T waitFor(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(browser, Duration.ofSeconds(20)).withMessage(what).until(condition);
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private static int attr(WebElement e, String name) {
        String v = e.getDomAttribute(name);
        return v == null ? -1 : Integer.parseInt(v);
    }

    /** Hovers canvas pixel (x, y) (from the top left) and waits for a decode that was not there before. */
    private static String hoverAndDecode(WebElement plane, WebElement decoded, int x, int y) {
        int before = attr(decoded, "data-decodes");
        new Actions(browser).moveToElement(plane, x - 320, y - 320).perform(); // offsets from the centre
        waitFor("a decode after hovering (" + x + ", " + y + ")", d -> attr(decoded, "data-decodes") > before);
        return (String) js("return arguments[0].toDataURL('image/png');", decoded);
    }

    @Test
    void thePageDrawsDecodesPinsInterpolatesAndShowsTheGrid() throws Exception {
        browser.get("http://127.0.0.1:" + server.port() + "/");
        waitFor("the page to load its points", d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
        WebElement plane = browser.findElement(By.id("plane")), decoded = browser.findElement(By.id("decoded"));
        assertEquals(POINTS, attr(plane, "data-points-drawn"), "every point is inside the fitted view");
        assertEquals(10, browser.findElements(By.cssSelector("#legend span")).size(), "one legend entry per digit");
        assertTrue(browser.findElement(By.id("model")).getText().contains("vae2d"), "the side panel names the model");

        // Two places of the plane, far apart (corners stay clear of most points): the decodes differ.
        String first = hoverAndDecode(plane, decoded, 30, 30);
        String second = hoverAndDecode(plane, decoded, 610, 610);
        assertNotEquals(first, second, "hovering elsewhere decodes another image");
        assertTrue(browser.findElement(By.id("coords")).getText().startsWith("x "), "coordinates are shown");

        // Zoom in around the centre: fewer points in view; reset brings all of them back.
        new Actions(browser).scrollFromOrigin(WheelInput.ScrollOrigin.fromElement(plane), 0, -1500).perform();
        waitFor("zooming in to hide points", d -> attr(plane, "data-points-drawn") < POINTS);
        browser.findElement(By.id("reset")).click();
        waitFor("reset to show every point", d -> attr(plane, "data-points-drawn") == POINTS);

        // Two pins: one on a sample, one on an empty place; the strip holds 10 decodes.
        List<?> a = (List<?>) js("return window.bottleneckExplorer.screenOf(3);");
        int ax = (int) Math.round(((Number) a.get(0)).doubleValue()), ay = (int) Math.round(((Number) a.get(1)).doubleValue());
        new Actions(browser).moveToElement(plane, ax - 320, ay - 320).click().perform();
        new Actions(browser).moveToElement(plane, 600 - 320, 40 - 320).click().perform();
        WebElement strip = browser.findElement(By.id("strip"));
        waitFor("the interpolation strip", d -> attr(strip, "data-steps") == 10
                && ((Number) js("return arguments[0].naturalWidth;", strip)).intValue() > 0);
        assertEquals(10 * 28 + 9, ((Number) js("return arguments[0].naturalWidth;", strip)).intValue(), "10 tiles, 9 gaps");
        assertTrue(browser.findElement(By.id("pins")).getText().contains("point #3"), "pin A is the sample");

        browser.findElement(By.id("grid-toggle")).click();
        WebElement grid = browser.findElement(By.id("grid"));
        waitFor("the decoded grid", d -> grid.isDisplayed() && ((Number) js("return arguments[0].naturalWidth;", grid)).intValue() > 0);
        assertEquals(12 * 28 + 11, ((Number) js("return arguments[0].naturalWidth;", grid)).intValue(), "12 tiles, 11 gaps");

        // Last, hover a sample: its image, reconstruction and 8 neighbours (left in the screenshot).
        List<?> p = (List<?>) js("return window.bottleneckExplorer.screenOf(7);");
        int px = (int) Math.round(((Number) p.get(0)).doubleValue()), py = (int) Math.round(((Number) p.get(1)).doubleValue());
        new Actions(browser).moveToElement(plane, px - 320, py - 320).perform();
        WebElement panel = browser.findElement(By.id("point-panel"));
        waitFor("the hovered sample's panel", d -> panel.isDisplayed()
                && attr(browser.findElement(By.id("neighbours")), "data-count") == 8);
        waitFor("the sample's image", d -> ((Number) js("return document.getElementById('point-recon').naturalWidth;")).intValue() == 28);
        assertTrue(browser.findElement(By.id("point-index")).getText().startsWith("#"), "the panel names the point");
        assertTrue(browser.findElement(By.id("status")).getDomAttribute("class") == null
                || !browser.findElement(By.id("status")).getDomAttribute("class").contains("error"),
                "no error on the page: " + browser.findElement(By.id("status")).getText());

        Path shot = Path.of("target", "explorer.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        assertTrue(Files.size(shot) > 10_000, "a screenshot of the page");
        String copy = System.getProperty("explore.screenshot");
        if (copy != null && !copy.isBlank()) {
            Files.copy(shot, Path.of(copy), StandardCopyOption.REPLACE_EXISTING);
        }
        assertEquals(0, server.failures());
    }
}
