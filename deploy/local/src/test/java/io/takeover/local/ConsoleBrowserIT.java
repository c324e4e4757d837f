package io.takeover.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.robot.operator.OperatorSettings;
import io.takeover.schemas.Control;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.Step;
import io.takeover.schemas.Transition;
import io.takeover.schemas.wire.Codecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * An operator at the console, in a real browser (Debian's chromium, headless), against
 * {@code takeover local} with four simulated robots: signs in, sees the four, takes over
 * robot-2, drives it for 2 s with the arrow key, and hands it back. Then the topics must say
 * so: the TAKEOVER/HANDBACK pair under the operator's name, exactly those steps labelled as
 * the operator's, and the −1 on the policy's transition just before. Each view is saved under
 * {@code docs/console/} for the README.
 */
class ConsoleBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String ROBOT = "robot-2";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    @Timeout(300)
    void anOperatorTakesOverRobot2DrivesItAndHandsItBack(@TempDir Path dir) throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the console's browser test needs Debian's chromium and chromium-driver: "
                        + "apt-get install chromium chromium-driver");
        // the scripted operators never take over: every takeover in this run is the console's
        LocalSettings settings = LocalSettings.in(dir).robots(4).kafkaPort(0).hz(20).seed(11).metricsPort(0)
                .jobMetricsPorts("9249-9299").consolePort(0).minReplaySize(400).publishEvery(200)
                .operator(OperatorSettings.DEFAULT.withRandomTakeovers(0)).build();
        try (LocalStack stack = LocalStack.start(settings)) {
            String password = Files.readString(dir.resolve("console/sign-in")).strip();
            Await.until(WAIT, "every robot to run a learned policy", () ->
                    stack.fleet().robots().stream().allMatch(r -> r.policyVersion() >= 1));
            WebDriver browser = chromium();
            try {
                String operator = browse(browser, "http://127.0.0.1:" + stack.consolePort(), password);
                // the fleet runs on, so that the watermark passes the hand-back and the labels are final
                Await.until(WAIT, "the label job to label " + ROBOT + "'s steps well past the hand-back", () ->
                        labelledPast(stack, handback(stack, operator).getEventTime().plusSeconds(3)));
                stack.stopFleet();
                assertTheTopicsSaySo(stack, operator);
            } finally {
                browser.quit();
            }
        }
    }

    private static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100",
                "--disable-gpu");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .build();
        return new ChromeDriver(service, options);
    }

    /** The scenario in the browser; returns the operator's name as the console shows it. */
    private static String browse(WebDriver browser, String console, String password) throws Exception {
        // the live views redraw as steps arrive: an element found may be replaced before it is used
        WebDriverWait wait = (WebDriverWait) new WebDriverWait(browser, WAIT).ignoring(StaleElementReferenceException.class);
        browser.get(console);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user"))).sendKeys("operator");
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("sign-in")).click();
        String operator = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signed-in-as"))).getText();
        assertEquals("operator", operator);

        wait.until(b -> b.findElements(By.cssSelector("#fleet tbody tr:not(.offline)")).size() == 4);
        @SuppressWarnings("unchecked")
        List<String> robots = ((List<String>) ((JavascriptExecutor) browser).executeScript(
                "return [...document.querySelectorAll('#fleet tbody tr')].map(row => row.dataset.robot)"))
                .stream().sorted().toList();
        assertEquals(List.of("robot-0", "robot-1", "robot-2", "robot-3"), robots);
        screenshot(browser, "fleet");

        wait.until(b -> {
            b.findElement(By.cssSelector("tr[data-robot='" + ROBOT + "'] a")).click();
            return true;
        });
        WebElement takeover = wait.until(ExpectedConditions.elementToBeClickable(By.id("takeover")));
        wait.until(b -> b.findElements(By.cssSelector("#robot-plots .uplot")).size() >= 4); // 3 observation fields, 1 action
        Thread.sleep(1500); // a moment of the policy on the plots before the operator's
        takeover.click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("control-status"),
                "You are in control of " + ROBOT));
        new Actions(browser).keyDown(Keys.ARROW_RIGHT).perform();
        Thread.sleep(1000);
        screenshot(browser, "robot");
        Thread.sleep(1000);
        new Actions(browser).keyUp(Keys.ARROW_RIGHT).perform();
        browser.findElement(By.id("handback")).click();
        wait.until(b -> !b.findElement(By.id("control-status")).getText().contains("You are in control"));
        assertEquals("", browser.findElement(By.id("robot-error")).getText(), "the console reported no error");

        browser.findElement(By.cssSelector("#nav a[data-view='operators']")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-operator='operator']")));
        screenshot(browser, "operators");
        browser.findElement(By.cssSelector("#nav a[data-view='learning']")).click();
        wait.until(b -> !b.findElements(By.cssSelector("#learning table.versions tbody tr")).isEmpty());
        screenshot(browser, "learning");
        return operator;
    }

    private static Intervention handback(LocalStack stack, String operator) {
        List<Intervention> mine = interventions(stack, operator);
        return mine.stream().filter(iv -> iv.getKind() == InterventionKind.HANDBACK)
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no HANDBACK by " + operator + ": " + mine));
    }

    private static List<Intervention> interventions(LocalStack stack, String operator) {
        return TopicReader.readAll(stack.connection(), stack.connection().topics().interventions(), Codecs.INTERVENTION)
                .stream().filter(iv -> iv.getOperatorId().equals(operator)).toList();
    }

    private static boolean labelledPast(LocalStack stack, Instant time) {
        return TopicReader.readAll(stack.connection(), stack.connection().topics().transitions(), Codecs.TRANSITION)
                .stream().anyMatch(t -> t.getRobotId().equals(ROBOT) && t.getEventTime().isAfter(time));
    }

    private static void assertTheTopicsSaySo(LocalStack stack, String operator) {
        List<Intervention> mine = interventions(stack, operator);
        assertTrue(mine.stream().allMatch(iv -> iv.getRobotId().equals(ROBOT)), "only " + ROBOT + " was taken over");
        List<InterventionKind> kinds = mine.stream().map(Intervention::getKind).toList();
        // a pair, or two if an episode ended while the operator held the robot (handed back there, taken over at the next)
        assertTrue(kinds.equals(List.of(InterventionKind.TAKEOVER, InterventionKind.HANDBACK))
                || kinds.equals(List.of(InterventionKind.TAKEOVER, InterventionKind.HANDBACK, InterventionKind.TAKEOVER,
                        InterventionKind.HANDBACK)), "TAKEOVER/HANDBACK by " + operator + ": " + kinds);

        List<Step> steps = TopicReader.readAll(stack.connection(), stack.connection().topics().steps(), Codecs.STEP)
                .stream().filter(s -> s.getRobotId().equals(ROBOT)).toList();
        Map<Long, Step> stepAt = new HashMap<>();
        steps.forEach(s -> stepAt.put(s.getEventTime().toEpochMilli(), s));
        TreeSet<String> held = new TreeSet<>(); // episode#step of every step the operator acted in
        List<String> minusOne = new ArrayList<>();
        for (int i = 0; i < mine.size(); i += 2) {
            Instant from = mine.get(i).getEventTime();
            Instant to = mine.get(i + 1).getEventTime();
            Step first = stepAt.get(from.toEpochMilli());
            assertTrue(first != null, "the TAKEOVER is stamped with one of the robot's own steps");
            if (first.getStep() > 0) {
                minusOne.add(first.getEpisodeId() + "#" + (first.getStep() - 1));
            }
            steps.stream().filter(s -> !s.getEventTime().isBefore(from) && s.getEventTime().isBefore(to)
                    && !s.getAction().isEmpty()).forEach(s -> held.add(s.getEpisodeId() + "#" + s.getStep()));
        }
        long seconds = Math.round(held.size() / 20.0);
        assertTrue(held.size() >= 30, "the operator drove for about 2 s at 20 Hz: " + held.size() + " steps");
        List<Step> driven = steps.stream().filter(s -> held.contains(s.getEpisodeId() + "#" + s.getStep())).toList();
        assertTrue(driven.stream().allMatch(s -> s.getControl() == Control.OPERATOR), "the robot says OPERATOR");
        long fullRight = driven.stream().filter(s -> s.getAction().get(0) == 2f).count();
        assertTrue(fullRight >= 20, "the right arrow is full torque (2): " + fullRight + " of " + driven.size()
                + " steps in " + seconds + " s");

        List<Transition> transitions = TopicReader.readAll(stack.connection(),
                stack.connection().topics().transitions(), Codecs.TRANSITION).stream()
                .filter(t -> t.getRobotId().equals(ROBOT)).toList();
        TreeSet<String> labelledAsOperator = transitions.stream().filter(t -> operator.equals(t.getOperatorId()))
                .map(t -> t.getEpisodeId() + "#" + t.getStep()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(held, labelledAsOperator, "exactly the steps the operator held are labelled as theirs");
        assertTrue(transitions.stream().filter(t -> operator.equals(t.getOperatorId()))
                .allMatch(t -> t.getSource() == Control.OPERATOR && t.getReward() == 0f));
        List<String> takeovers = transitions.stream().filter(Transition::getTakeover)
                .map(t -> t.getEpisodeId() + "#" + t.getStep()).toList();
        assertEquals(minusOne, takeovers, "the −1 is on the policy's transition just before the takeover, and only there");
        for (Transition t : transitions) {
            assertEquals(t.getTakeover() ? -1f : 0f, t.getReward());
        }
    }

    private static void screenshot(WebDriver browser, String view) throws Exception {
        Path docs = repositoryRoot().resolve("docs/console");
        Files.createDirectories(docs);
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, docs.resolve(view + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no mvnw above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
