package io.takeover.flink.label;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.flink.ingest.DeadLetters;
import io.takeover.flink.ingest.RawRecord;
import io.takeover.flink.ingest.SourcedIntervention;
import io.takeover.schemas.Control;
import io.takeover.schemas.DeadLetter;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.Step;
import io.takeover.schemas.Transition;
import io.takeover.schemas.wire.Codecs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class TakeoverLabelOperatorTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final long DT = 50;
    private static final LabelSettings SETTINGS = LabelSettings.DEFAULT.withAllowedLateness(Duration.ofSeconds(1));

    /** Episode e1 of robot r1: steps 0..6 (6 is the final one), operator in control at steps 3 and 4. */
    private static List<Step> episode() {
        List<Step> steps = new ArrayList<>();
        for (int k = 0; k <= 6; k++) {
            steps.add(step("e1", k, k == 6));
        }
        return steps;
    }

    private static List<Intervention> takeoverAt3HandbackAt5() {
        return List.of(intervention(InterventionKind.TAKEOVER, 3), intervention(InterventionKind.HANDBACK, 5));
    }

    @Test
    void takeoverEarnsMinusOneOnThePolicyTransitionIntoTheFirstOperatorStep() throws Exception {
        List<Transition> out = run(episode(), takeoverAt3HandbackAt5());

        assertEquals(6, out.size(), "transitions 0→1 … 5→6");
        for (Transition t : out) {
            boolean takeover = t.getStep() == 2;
            assertEquals(takeover, t.getTakeover(), "takeover flag at step " + t.getStep());
            assertEquals(takeover ? -1f : 0f, t.getReward(), "reward at step " + t.getStep());
            boolean operator = t.getStep() == 3 || t.getStep() == 4;
            assertEquals(operator ? Control.OPERATOR : Control.POLICY, t.getSource(), "source at " + t.getStep());
            assertEquals(operator ? "op-1" : null, t.getOperatorId());
            assertFalse(t.getTerminal(), "a time limit is not terminal");
        }
        Transition first = out.get(0);
        assertEquals(List.of(0f, 0f, 0f), first.getObservation());
        assertEquals(List.of(1f, 0f, 0f), first.getNextObservation(), "s' is the next step's observation");
        assertEquals(List.of(0.5f), first.getAction());
    }

    @Test
    void outOfOrderArrivalWithinTheLatenessGivesTheSameLabels() throws Exception {
        List<Transition> inOrder = run(episode(), takeoverAt3HandbackAt5());
        for (long seed = 0; seed < 5; seed++) {
            List<Step> shuffled = new ArrayList<>(episode());
            Collections.shuffle(shuffled, new Random(seed));
            List<Intervention> interventions = new ArrayList<>(takeoverAt3HandbackAt5());
            Collections.reverse(interventions);
            assertEquals(inOrder, run(shuffled, interventions), "seed " + seed);
        }
    }

    @Test
    void anInterventionArrivingAfterItsStepsButWithinTheLatenessStillCounts() throws Exception {
        var harness = harness();
        for (Step s : episode()) {
            harness.processElement1(s, s.getEventTime().toEpochMilli());
        }
        harness.processBothWatermarks(new Watermark(at(6)));
        for (Intervention iv : takeoverAt3HandbackAt5()) {
            harness.processElement2(sourced(iv), iv.getEventTime().toEpochMilli());
        }
        harness.processBothWatermarks(new Watermark(at(6) + 10_000));
        List<Transition> out = harness.extractOutputValues();
        assertEquals(1, out.stream().filter(Transition::getTakeover).count());
        assertTrue(harness.getSideOutput(DeadLetters.TAG) == null || harness.getSideOutput(DeadLetters.TAG).isEmpty());
        assertEquals(2, out.stream().filter(Transition::getTakeover).findFirst().orElseThrow().getStep());
    }

    @Test
    void duplicatedStepsAreLabelledOnce() throws Exception {
        List<Step> twice = new ArrayList<>(episode());
        twice.addAll(episode().subList(1, 4));
        assertEquals(run(episode(), takeoverAt3HandbackAt5()), run(twice, takeoverAt3HandbackAt5()));
    }

    @Test
    void theRobotsOwnControlFlagMarksOperatorStepsWithoutInterventions() throws Exception {
        List<Step> steps = episode();
        steps.get(3).setControl(Control.OPERATOR);
        List<Transition> out = run(steps, List.of());
        assertEquals(List.of(2L), out.stream().filter(Transition::getTakeover).map(Transition::getStep).toList());
        assertNull(out.get(3).getOperatorId(), "no intervention named the operator");
    }

    @Test
    void aTerminatedEpisodeEndsWithATerminalTransition() throws Exception {
        List<Step> steps = episode();
        steps.get(6).setTruncated(false);
        steps.get(6).setTerminated(true);
        List<Transition> out = run(steps, List.of());
        assertTrue(out.get(5).getTerminal());
        assertEquals(1, out.stream().filter(Transition::getTerminal).count());
    }

    @Test
    void takeoverEndsTheEpisodeForTheCriticWhenSoSet() throws Exception {
        var harness = harness(SETTINGS.withTakeoverEndsEpisode(true));
        feed(harness, episode(), takeoverAt3HandbackAt5());
        List<Transition> out = harness.extractOutputValues();
        assertTrue(out.get(2).getTerminal());
        assertEquals(1, out.stream().filter(Transition::getTerminal).count());
    }

    @Test
    void nothingIsLeftAfterAnEpisodeCompletes() throws Exception {
        var harness = harness();
        feed(harness, episode(), takeoverAt3HandbackAt5());
        assertEquals(6, harness.extractOutputValues().size());
        assertEquals(1, stateLeft(harness), "nothing left of the robot but its final mark");
        assertEquals(0, harness.numEventTimeTimers(), "no timers");
    }

    @Test
    void aRestoreFromACheckpointMidEpisodeLabelsAsIfThereHadBeenNone() throws Exception {
        List<Step> steps = episode();
        var before = harness();
        for (Step s : steps.subList(0, 3)) {
            before.processElement1(s, s.getEventTime().toEpochMilli());
        }
        before.snapshot(1, 0); // stores steps 0..2
        for (Step s : steps.subList(3, 5)) {
            before.processElement1(s, s.getEventTime().toEpochMilli());
        }
        before.processElement2(sourced(intervention(InterventionKind.TAKEOVER, 3)), at(3));
        before.processBothWatermarks(new Watermark(at(2) + SETTINGS.allowedLateness().toMillis())); // 0..2 final
        OperatorSubtaskState snapshot = before.snapshot(2, 0); // appends 3..4; 0..2 are stored but labelled
        List<Transition> out = new ArrayList<>(before.extractOutputValues());
        before.close();

        var after = new KeyedTwoInputStreamOperatorTestHarness<>(new TakeoverLabelOperator(SETTINGS),
                Step::getRobotId, SourcedIntervention::robotId, Types.STRING);
        after.initializeState(snapshot);
        after.open();
        for (Step s : steps.subList(5, 7)) {
            after.processElement1(s, s.getEventTime().toEpochMilli());
        }
        after.processElement2(sourced(intervention(InterventionKind.HANDBACK, 5)), at(5));
        after.processBothWatermarks(new Watermark(at(6) + 10_000));
        out.addAll(after.extractOutputValues());

        assertEquals(run(steps, takeoverAt3HandbackAt5()), out);
        assertEquals(1, stateLeft(after), "the final mark");
    }

    @Test
    void aRobotThatGoesSilentIsForgottenAfterTheIdleTimeout() throws Exception {
        var harness = harness();
        List<Step> unfinished = episode().subList(0, 4);
        feed(harness, unfinished, List.of());
        assertTrue(stateLeft(harness) > 0, "the episode is still open");
        harness.processBothWatermarks(new Watermark(at(3) + Duration.ofMinutes(10).toMillis()));
        assertEquals(3, harness.extractOutputValues().size());
        assertEquals(1, stateLeft(harness), "the final mark");
    }

    @Test
    void theKTransitionsBeforeATakeoverAreMarkedWithTheirDistance() throws Exception {
        var harness = harness(SETTINGS.withPreTakeoverSteps(1));
        feed(harness, episode(), takeoverAt3HandbackAt5());
        List<Transition> out = harness.extractOutputValues();
        assertEquals(6, out.size());
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), out.stream().map(Transition::getStep).toList(), "in order");
        assertNull(out.get(0).getStepsToTakeover());
        assertEquals(1, out.get(1).getStepsToTakeover());
        assertEquals(0, out.get(2).getStepsToTakeover(), "the takeover transition itself");
        assertNull(out.get(3).getStepsToTakeover());
    }

    @Test
    void anInterventionLaterThanTheAllowedLatenessIsDeadLetteredAndChangesNoLabel() throws Exception {
        var harness = harness();
        for (Step s : episode().subList(0, 5)) {
            harness.processElement1(s, s.getEventTime().toEpochMilli());
        }
        harness.processBothWatermarks(new Watermark(at(4) + 5_000)); // steps 0..4 are final
        harness.processElement2(sourced(intervention(InterventionKind.TAKEOVER, 3)), at(3));
        for (Step s : episode().subList(5, 7)) {
            harness.processElement1(s, s.getEventTime().toEpochMilli());
        }
        harness.processBothWatermarks(new Watermark(at(6) + 10_000));

        List<Transition> out = harness.extractOutputValues();
        assertEquals(6, out.size(), "every transition once");
        // Steps 0..4 were final without it; it takes effect from step 5, the first not yet final.
        assertEquals(List.of(4L), out.stream().filter(Transition::getTakeover).map(Transition::getStep).toList());
        assertEquals(Control.POLICY, out.get(3).getSource(), "step 3 stays as it was labelled");
        var deadLetters = harness.getSideOutput(DeadLetters.TAG);
        assertEquals(1, deadLetters.size());
        DeadLetter d = deadLetters.peek().getValue();
        assertEquals("LATE_INTERVENTION", d.getReason());
        assertEquals("takeover.interventions", d.getSourceTopic());
        assertEquals(intervention(InterventionKind.TAKEOVER, 3), Codecs.INTERVENTION.decode(d.getValue().array()));
        assertTrue(d.getMessage().contains("allowed lateness"), d.getMessage());
    }

    @Test
    void repeatedTakeoversAndUnmatchedHandbacksChangeNothing() throws Exception {
        List<Intervention> noisy = new ArrayList<>(takeoverAt3HandbackAt5());
        noisy.add(intervention(InterventionKind.HANDBACK, 1));
        noisy.add(intervention(InterventionKind.TAKEOVER, 4));
        noisy.add(intervention(InterventionKind.HANDBACK, 6));
        assertEquals(run(episode(), takeoverAt3HandbackAt5()), run(episode(), noisy));
    }

    @Test
    void interventionsForARobotThatNeverStepsAreDeadLetteredAndCleared() throws Exception {
        var harness = harness();
        harness.processElement2(sourced(intervention(InterventionKind.TAKEOVER, 0)), at(0));
        harness.processBothWatermarks(new Watermark(at(0) + 1_000));
        assertTrue(stateLeft(harness) > 1, "waits the allowed lateness for a step of its episode");
        harness.processBothWatermarks(new Watermark(at(0) + 2_000));
        assertEquals(List.of("UNKNOWN_EPISODE"), reasons(harness));
        harness.processBothWatermarks(new Watermark(at(0) + Duration.ofMinutes(10).toMillis()));
        assertEquals(1, stateLeft(harness), "the final mark");
    }

    @Test
    void aTakeoverCarriesNoFurtherThanItsEpisode() throws Exception {
        var harness = harness();
        feed(harness, episode(), List.of(intervention(InterventionKind.TAKEOVER, 5))); // never handed back
        for (Step s : episodeTwo()) {
            harness.processElement1(s, s.getEventTime().toEpochMilli());
        }
        harness.processBothWatermarks(new Watermark(E2 + at(6) - T0 + 10_000));
        List<Transition> second = episodeOf(harness.extractOutputValues(), "e2");
        assertEquals(6, second.size());
        assertTrue(second.stream().allMatch(t -> t.getSource() == Control.POLICY && !t.getTakeover()),
                "the next episode starts with the policy in control: " + second);
    }

    @Test
    void aLateTakeoverForAnEndedEpisodeIsDeadLetteredAndLeavesTheNextEpisodeAlone() throws Exception {
        var harness = harness();
        feed(harness, episode(), List.of()); // e1 ends, is labelled, and the robot leaves the heap
        assertEquals(0, ((TakeoverLabelOperator) harness.getOperator()).robotsInMemory());
        harness.snapshot(++checkpoints, 0); // its final mark goes to keyed state
        // 25 s later, as the next episode begins, a takeover of e1 from inside e1
        List<Step> next = episodeTwo();
        harness.processElement1(next.get(0), next.get(0).getEventTime().toEpochMilli());
        harness.processElement2(sourced(intervention(InterventionKind.TAKEOVER, 3)), at(3));
        for (Step s : next.subList(1, next.size())) {
            harness.processElement1(s, s.getEventTime().toEpochMilli());
        }
        harness.processBothWatermarks(new Watermark(E2 + at(6) - T0 + 10_000));

        List<Transition> second = episodeOf(harness.extractOutputValues(), "e2");
        assertEquals(6, second.size());
        assertTrue(second.stream().allMatch(t -> t.getSource() == Control.POLICY && !t.getTakeover()),
                "e2 untouched: " + second);
        assertEquals(List.of("LATE_INTERVENTION"), reasons(harness));
        assertTrue(harness.getSideOutput(DeadLetters.TAG).peek().getValue().getMessage().contains("episode e1"));
    }

    @Test
    void aLateTakeoverIsDeadLetteredWhetherTheFinalMarkIsOnTheHeapOrRestored() throws Exception {
        var harness = harness();
        feed(harness, episode(), List.of());
        OperatorSubtaskState snapshot = harness.snapshot(++checkpoints, 0);
        harness.close();
        var after = new KeyedTwoInputStreamOperatorTestHarness<>(new TakeoverLabelOperator(SETTINGS),
                Step::getRobotId, SourcedIntervention::robotId, Types.STRING);
        after.initializeState(snapshot);
        after.open();
        after.processElement2(sourced(intervention(InterventionKind.TAKEOVER, 3)), at(3));
        for (Step s : episode()) { // and e1's steps again: already final, not labelled twice
            after.processElement1(s, s.getEventTime().toEpochMilli());
        }
        after.processBothWatermarks(new Watermark(at(6) + 20_000));
        assertEquals(List.of(), after.extractOutputValues());
        assertEquals(List.of("LATE_INTERVENTION"), reasons(after));
    }

    @Test
    void anInterventionNamingAnotherEpisodeChangesNoLabelOfThisOne() throws Exception {
        var harness = harness();
        Intervention wrong = Intervention.newBuilder(intervention(InterventionKind.TAKEOVER, 3)).setEpisodeId("e0")
                .build();
        feed(harness, episode(), List.of(wrong));
        List<Transition> out = harness.extractOutputValues();
        assertEquals(6, out.size());
        assertTrue(out.stream().noneMatch(Transition::getTakeover));
        assertEquals(List.of("UNKNOWN_EPISODE"), reasons(harness));
        assertTrue(harness.getSideOutput(DeadLetters.TAG).peek().getValue().getMessage().contains("e1"));
    }

    @Test
    void aQuietRobotIsLabelledAfterTheLatenessPlusTheQuietTime() throws Exception {
        var harness = harness();
        harness.setProcessingTime(0);
        List<Step> unfinished = episode().subList(0, 5);
        for (Step s : unfinished) {
            harness.processElement1(s, s.getEventTime().toEpochMilli());
        }
        harness.processElement2(sourced(intervention(InterventionKind.TAKEOVER, 4)), at(4));
        harness.processBothWatermarks(new Watermark(at(4))); // then nothing more arrives: the watermark stands
        long delay = SETTINGS.quietDelay().toMillis();
        harness.setProcessingTime(delay - 100);
        assertEquals(0, harness.extractOutputValues().size(), "still within the lateness and quiet time");
        harness.setProcessingTime(delay + 1_000);
        List<Transition> out = harness.extractOutputValues();
        assertEquals(List.of(0L, 1L, 2L, 3L), out.stream().map(Transition::getStep).toList(),
                "every step that has a successor, the held-back ones included");
        assertEquals(List.of(3L), out.stream().filter(Transition::getTakeover).map(Transition::getStep).toList());

        // the labels are final now: a takeover from before them is late
        harness.processElement2(sourced(intervention(InterventionKind.HANDBACK, 2)), at(2));
        assertEquals(List.of("LATE_INTERVENTION"), reasons(harness));
    }

    @Test
    void aRobotIsNotRushedWhileTheWatermarkMoves() throws Exception {
        var harness = harness();
        harness.setProcessingTime(0);
        for (Step s : episode().subList(0, 5)) {
            harness.processElement1(s, s.getEventTime().toEpochMilli());
        }
        long delay = SETTINGS.quietDelay().toMillis();
        for (long t = 0; t <= 3 * delay; t += 500) { // other robots keep time moving, slowly
            harness.processBothWatermarks(new Watermark(at(0) - 10_000 + t / 100));
            harness.setProcessingTime(t);
        }
        assertEquals(0, harness.extractOutputValues().size(), "the watermark, not the clock, decides");
    }

    /** The robot's next episode, 25 s after the first one's end. */
    private static final long E2 = at(6) + 25_000;

    private static List<Step> episodeTwo() {
        List<Step> steps = new ArrayList<>();
        for (int k = 0; k <= 6; k++) {
            Step s = step("e2", k, k == 6);
            s.setEventTime(Instant.ofEpochMilli(E2 + k * DT));
            steps.add(s);
        }
        return steps;
    }

    private static List<Transition> episodeOf(List<Transition> out, String episode) {
        return out.stream().filter(t -> t.getEpisodeId().equals(episode)).toList();
    }

    private static List<String> reasons(
            KeyedTwoInputStreamOperatorTestHarness<String, Step, SourcedIntervention, Transition> harness) {
        var deadLetters = harness.getSideOutput(DeadLetters.TAG);
        return deadLetters == null ? List.of()
                : deadLetters.stream().map(r -> r.getValue().getReason()).toList();
    }

    private static List<Transition> run(List<Step> steps, List<Intervention> interventions) throws Exception {
        var harness = harness();
        feed(harness, steps, interventions);
        return harness.extractOutputValues();
    }

    private static void feed(
            KeyedTwoInputStreamOperatorTestHarness<String, Step, SourcedIntervention, Transition> harness,
            List<Step> steps, List<Intervention> interventions) throws Exception {
        for (Step s : steps) {
            harness.processElement1(s, s.getEventTime().toEpochMilli());
        }
        for (Intervention iv : interventions) {
            harness.processElement2(sourced(iv), iv.getEventTime().toEpochMilli());
        }
        harness.processBothWatermarks(new Watermark(at(6) + 10_000));
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, Step, SourcedIntervention, Transition> harness()
            throws Exception {
        return harness(SETTINGS);
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, Step, SourcedIntervention, Transition> harness(
            LabelSettings settings) throws Exception {
        var harness = new KeyedTwoInputStreamOperatorTestHarness<>(new TakeoverLabelOperator(settings),
                Step::getRobotId, SourcedIntervention::robotId, Types.STRING);
        harness.open();
        return harness;
    }

    private static long checkpoints;

    /** Robots on the heap plus keyed-state entries once a checkpoint has written the heap out. */
    private static int stateLeft(
            KeyedTwoInputStreamOperatorTestHarness<String, Step, SourcedIntervention, Transition> harness)
            throws Exception {
        harness.snapshot(++checkpoints, 0);
        return ((TakeoverLabelOperator) harness.getOperator()).robotsInMemory() + harness.numKeyedStateEntries();
    }

    static long at(int k) {
        return T0 + k * DT;
    }

    static Step step(String episode, int k, boolean last) {
        return Step.newBuilder().setRobotId("r1").setTask("pendulum").setEpisodeId(episode).setStep(k)
                .setEventTime(Instant.ofEpochMilli(at(k))).setObservation(List.of((float) k, 0f, 0f))
                .setAction(last ? List.of() : List.of(0.5f)).setPolicyVersion(3).setControl(null)
                .setTruncated(last).build();
    }

    static SourcedIntervention sourced(Intervention iv) {
        return new SourcedIntervention(new RawRecord("takeover.interventions", 1, 40 + iv.getEventTime().toEpochMilli() % 7,
                iv.getEventTime().toEpochMilli(), "r1".getBytes(), Codecs.INTERVENTION.encode(iv)), iv);
    }

    static Intervention intervention(InterventionKind kind, int k) {
        return Intervention.newBuilder().setRobotId("r1").setEpisodeId("e1").setOperatorId("op-1")
                .setEventTime(Instant.ofEpochMilli(at(k))).setKind(kind).build();
    }
}
