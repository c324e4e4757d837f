package io.takeover.robot.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.robot.task.Pendulum;
import io.takeover.robot.task.Reacher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OperatorQualityTest {

    @ParameterizedTest
    @CsvSource({Pendulum.NAME + ",0.1", Pendulum.NAME + ",0.4", Pendulum.NAME + ",0.9", Reacher.NAME + ",0.1",
            Reacher.NAME + ",0.4", Reacher.NAME + ",0.9"})
    void aCalibratedBiasedOperatorAloneSucceedsAsOftenAsAskedOnEpisodesItWasNotCalibratedOn(String task,
            double quality) {
        OperatorSettings settings = OperatorQuality.calibrate(task, quality, OperatorSettings.DEFAULT, 1);
        double measured = OperatorQuality.aloneSuccessRate(task, settings, 2);
        assertEquals(quality, measured, 0.08, task + " operator with bias " + settings.bias());
        assertEquals(OperatorSettings.DEFAULT.actionNoise(), settings.actionNoise(), "only the bias was set");
    }

    @ParameterizedTest
    @CsvSource({Pendulum.NAME, Reacher.NAME})
    void worseOperatorsAreMoreBiased(String task) {
        double good = OperatorQuality.calibrate(task, 0.9, OperatorSettings.DEFAULT, 1).bias();
        double fair = OperatorQuality.calibrate(task, 0.4, OperatorSettings.DEFAULT, 1).bias();
        double poor = OperatorQuality.calibrate(task, 0.1, OperatorSettings.DEFAULT, 1).bias();
        assertTrue(poor > fair && fair > good, task + ": bias " + poor + " for 10%, " + fair + " for 40%, " + good
                + " for 90%");
    }

    @ParameterizedTest
    @CsvSource({Pendulum.NAME, Reacher.NAME})
    void anUnbiasedOperatorWithItsSmallNoiseIsNearPerfect(String task) {
        assertTrue(OperatorQuality.aloneSuccessRate(task, OperatorSettings.DEFAULT, 3) >= 0.97);
    }

    @Test
    void calibrationIsDeterministicUnderTheSeed() {
        assertEquals(OperatorQuality.calibrate(Pendulum.NAME, 0.4, OperatorSettings.DEFAULT, 7),
                OperatorQuality.calibrate(Pendulum.NAME, 0.4, OperatorSettings.DEFAULT, 7));
        assertEquals(OperatorQuality.calibrateNoise(Reacher.NAME, 0.4, OperatorSettings.DEFAULT, 7),
                OperatorQuality.calibrateNoise(Reacher.NAME, 0.4, OperatorSettings.DEFAULT, 7));
    }

    @ParameterizedTest
    @CsvSource({Pendulum.NAME + ",0.1", Pendulum.NAME + ",0.9", Reacher.NAME + ",0.1", Reacher.NAME + ",0.9"})
    void theNoiseOnlyControlOperatorIsUnbiasedAndCalibratedThroughItsNoise(String task, double quality) {
        OperatorSettings settings = OperatorQuality.calibrateNoise(task, quality,
                OperatorSettings.DEFAULT.withBias(1), 1);
        assertEquals(0, settings.bias());
        assertTrue(settings.actionNoise() > OperatorSettings.DEFAULT.actionNoise(), "noisier: " + settings);
        assertEquals(quality, OperatorQuality.aloneSuccessRate(task, settings, 2), 0.1, "noise "
                + settings.actionNoise());
    }
}
