package io.takeover.console;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.schemas.kafka.KafkaConnection;
import java.nio.file.Path;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class ConsoleSettingsTest {

    @Test
    void teleopRobotsAreGlobs() {
        ConsoleSettings defaults = ConsoleSettings.of(KafkaConnection.to("localhost:9092"), Path.of("users"));
        Predicate<String> obeys = defaults.obeysTeleop();
        assertTrue(obeys.test("robot-2"));
        assertFalse(obeys.test("arm-7"));
        assertFalse(obeys.test("my-robot-2"), "a glob matches the whole id");
        Predicate<String> two = new ConsoleSettings(defaults.kafka(), "127.0.0.1", 0, Path.of("users"),
                "sim-*, lab.arm-?x*", defaults.history(), defaults.sessionLifetime()).obeysTeleop();
        assertTrue(two.test("sim-1"));
        assertTrue(two.test("lab.arm-?x9"), "only * is special; the rest is literal");
        assertFalse(two.test("labXarm-1x9"));
        Predicate<String> none = new ConsoleSettings(defaults.kafka(), "127.0.0.1", 0, Path.of("users"), "",
                defaults.history(), defaults.sessionLifetime()).obeysTeleop();
        assertFalse(none.test("robot-2"));
    }
}
