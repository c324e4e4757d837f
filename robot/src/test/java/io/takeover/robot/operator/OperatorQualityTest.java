package io.takeover.robot.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.robot.task.Pendulum;
import io.takeover.robot.task.Reacher;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OperatorQualityTest {

    @ParameterizedTest
    @CsvSource({Pendulum.NAME + ",0.1", Pendulum.NAME + ",0.4", Pendulum.NAME + ",0.9", Reacher.NAME + ",0.1",
            Reacher.NAME + ",0.4", Reacher.NAME + ",0.9"})
    void aCalibratedOperatorAloneSucceedsAsOftenAsAskedOnEpisodesItWasNotCalibratedOn(String task, double quality) {
        OperatorSettings settings = OperatorQuality.calibrate(task, quality, OperatorSettings.DEFAULT, 1);
        double measured = OperatorQuality.aloneSuccessRate(task, settings, 2);
        assertEquals(quality, measured, 0.1, task + " operator with noise " + settings.actionNoise());
    }

    @ParameterizedTest
    @CsvSource({Pendulum.NAME, Reacher.NAME})
    void worseOperatorsAreNoisier(String task) {
        double good = OperatorQuality.calibrate(task, 0.9, OperatorSettings.DEFAULT, 1).actionNoise();
        double poor = OperatorQuality.calibrate(task, 0.1, OperatorSettings.DEFAULT, 1).actionNoise();
        assertTrue(poor > good, task + ": noise " + poor + " for 10% vs " + good + " for 90%");
    }
}
