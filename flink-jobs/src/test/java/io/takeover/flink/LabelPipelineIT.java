package io.takeover.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.flink.ingest.RawRecord;
import io.takeover.schemas.DeadLetter;
import io.takeover.schemas.FleetStats;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.Step;
import io.takeover.schemas.Transition;
import io.takeover.schemas.wire.Codecs;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;

/** The whole label topology on a MiniCluster at parallelism 2, fed from memory. */
class LabelPipelineIT {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    private static final long T0 = Instant.now().minusSeconds(600).toEpochMilli() / 1000 * 1000; // a whole second

    @Test
    void labelsEveryRobotAndDeadLettersBadInputWithoutStopping() throws Exception {
        List<RawRecord> steps = new ArrayList<>();
        List<RawRecord> interventions = new ArrayList<>();
        long offset = 0;
        for (String robot : List.of("a", "b", "c")) {
            for (int k = 0; k <= 20; k++) {
                steps.add(raw("takeover.steps", offset++, Codecs.STEP.encode(step(robot, k, k == 20))));
            }
            interventions.add(raw("takeover.interventions", offset++,
                    Codecs.INTERVENTION.encode(intervention(robot, InterventionKind.TAKEOVER, 8))));
            interventions.add(raw("takeover.interventions", offset++,
                    Codecs.INTERVENTION.encode(intervention(robot, InterventionKind.HANDBACK, 12))));
        }
        steps.add(raw("takeover.steps", 900, "garbage".getBytes(StandardCharsets.UTF_8)));
        Step wrongDims = step("a", 3, false);
        wrongDims.setObservation(List.of(1f, 2f));
        steps.add(raw("takeover.steps", 901, Codecs.STEP.encode(wrongDims)));
        Step negative = step("a", 3, false);
        negative.setStep(-4);
        steps.add(raw("takeover.steps", 902, Codecs.STEP.encode(negative)));
        Step nan = step("b", 3, false);
        nan.setAction(List.of(Float.NaN));
        steps.add(raw("takeover.steps", 903, Codecs.STEP.encode(nan)));

        List<RawRecord> input = new ArrayList<>(steps);
        input.addAll(interventions);
        input.sort(java.util.Comparator.comparingLong(RawRecord::getTimestamp)); // as a producer would send them
        PipelineRun run = PipelineRun.of(input);
        LabelPipeline.Outputs out = run.out();
        try (CloseableIterator<Transition> t = out.transitions().collectAsync();
                CloseableIterator<FleetStats> f = out.fleetStats().collectAsync();
                CloseableIterator<DeadLetter> d = out.deadLetters().collectAsync()) {
            run.env().execute("label-pipeline-test");
            List<Transition> transitions = drain(t);
            List<FleetStats> stats = drain(f);
            List<DeadLetter> deadLetters = drain(d);

            assertEquals(60, transitions.size(), "20 transitions per robot");
            Map<String, List<Long>> takeoverSteps = transitions.stream().filter(Transition::getTakeover)
                    .collect(Collectors.groupingBy(Transition::getRobotId,
                            Collectors.mapping(Transition::getStep, Collectors.toList())));
            assertEquals(Map.of("a", List.of(7L), "b", List.of(7L), "c", List.of(7L)), takeoverSteps);

            assertEquals(List.of("BAD_DIMENSIONS", "NEGATIVE_STEP", "NOT_FINITE", "NOT_SINGLE_OBJECT"),
                    deadLetters.stream().map(DeadLetter::getReason).sorted().toList());
            DeadLetter garbage = deadLetters.stream().filter(x -> x.getOffset() == 900).findFirst().orElseThrow();
            assertEquals("takeover.steps", garbage.getSourceTopic());
            assertEquals("garbage", StandardCharsets.UTF_8.decode(garbage.getValue()).toString());

            List<FleetStats> windows = stats.stream().filter(s -> !s.getCumulative()).toList();
            long statSteps = windows.stream().mapToLong(FleetStats::getSteps).sum();
            long statTakeovers = windows.stream().mapToLong(FleetStats::getTakeovers).sum();
            long episodes = windows.stream().mapToLong(FleetStats::getEpisodes).sum();
            FleetStats total = stats.stream().filter(FleetStats::getCumulative)
                    .max(java.util.Comparator.comparing(FleetStats::getWindowEnd)).orElseThrow();
            assertEquals(60, total.getSteps(), "the cumulative record adds up the windows");
            assertEquals(3, total.getTakeovers());
            assertEquals(50.0, total.getTakeoversPer1kSteps(), 1e-9);
            assertEquals(3, total.getRobots());
            assertEquals(60, statSteps, "control steps of the three robots");
            FleetStats first = windows.stream().filter(w -> w.getWindowStart().toEpochMilli() == T0).findFirst()
                    .orElseThrow();
            assertEquals(3, first.getTakeovers(), "a takeover counts in the window of its time, not of its label's");
            assertEquals(60, first.getSteps(), "steps 0-19 of each robot fall in the first second");
            assertEquals(3, first.getRobots());
            assertEquals(3, statTakeovers);
            assertEquals(3, episodes);
            assertTrue(stats.stream().allMatch(s -> s.getPolicyVersion() == 2 && s.getTask().equals("pendulum")));
        }
    }

    @Test
    void stepsPassOnlyForRegisteredTasksWithTheirDimensions() throws Exception {
        List<RawRecord> input = new ArrayList<>();
        long offset = 0;
        for (int k = 0; k <= 10; k++) {
            input.add(raw("takeover.steps", offset++, Codecs.STEP.encode(pointStep("p", k, k == 10, 4))));
        }
        List<byte[]> ghost = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            ghost.add(Codecs.STEP.encode(Step.newBuilder(step("q", k, false)).setTask("ghost").build()));
            input.add(raw("takeover.steps", offset++, ghost.get(k)));
        }
        input.add(raw("takeover.steps", offset++, Codecs.STEP.encode(pointStep("p2", 0, false, 3))));
        input.sort(java.util.Comparator.comparingLong(RawRecord::getTimestamp));

        PipelineRun run = PipelineRun.of(input, Map.of("pendulum", new int[] {3, 1}, "point2d", new int[] {4, 2}));
        try (CloseableIterator<Transition> t = run.out().transitions().collectAsync();
                CloseableIterator<DeadLetter> d = run.out().deadLetters().collectAsync()) {
            run.env().execute("registered-tasks-test");
            List<Transition> transitions = drain(t);
            List<DeadLetter> deadLetters = drain(d);

            assertEquals(10, transitions.stream().filter(x -> x.getTask().equals("point2d")).count(),
                    "a task that is not in the code is labelled like any other");
            assertEquals(List.of("BAD_DIMENSIONS", "UNKNOWN_TASK", "UNKNOWN_TASK", "UNKNOWN_TASK", "UNKNOWN_TASK",
                    "UNKNOWN_TASK", "UNKNOWN_TASK"), deadLetters.stream().map(DeadLetter::getReason).sorted().toList());
            DeadLetter unknown = deadLetters.stream().filter(x -> x.getReason().equals("UNKNOWN_TASK"))
                    .min(java.util.Comparator.comparing(DeadLetter::getOffset)).orElseThrow();
            assertTrue(unknown.getMessage().contains("'ghost' is not registered; registered: [")
                    && unknown.getMessage().contains("point2d"), unknown.getMessage());
            byte[] kept = new byte[unknown.getValue().remaining()];
            unknown.getValue().duplicate().get(kept);
            assertEquals(java.util.HexFormat.of().formatHex(ghost.get(0)), java.util.HexFormat.of().formatHex(kept),
                    "the refused step is kept byte for byte");
        }
    }

    private static Step pointStep(String robot, int k, boolean last, int obsDim) {
        List<Float> obs = new ArrayList<>();
        for (int i = 0; i < obsDim; i++) {
            obs.add(0.1f * i);
        }
        return Step.newBuilder(step(robot, k, last)).setTask("point2d").setObservation(obs)
                .setAction(last ? List.of() : List.of(0.5f, -0.5f)).build();
    }

    private static <T> List<T> drain(CloseableIterator<T> it) {
        List<T> list = new ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }

    private static RawRecord raw(String topic, long offset, byte[] value) {
        long timestamp = T0;
        try {
            timestamp = topic.endsWith("steps") ? Codecs.STEP.decode(value).getEventTime().toEpochMilli()
                    : Codecs.INTERVENTION.decode(value).getEventTime().toEpochMilli();
        } catch (RuntimeException e) {
            // garbage keeps T0
        }
        return new RawRecord(topic, 0, offset, timestamp, null, value);
    }

    private static Step step(String robot, int k, boolean last) {
        return Step.newBuilder().setRobotId(robot).setTask("pendulum").setEpisodeId(robot + "/1").setStep(k)
                .setEventTime(Instant.ofEpochMilli(T0 + 50L * k)).setObservation(List.of(1f, 0f, (float) k))
                .setAction(last ? List.of() : List.of(0.1f)).setPolicyVersion(2).setTruncated(last)
                .setSuccess(last ? Boolean.FALSE : null).build();
    }

    private static Intervention intervention(String robot, InterventionKind kind, int k) {
        return Intervention.newBuilder().setRobotId(robot).setEpisodeId(robot + "/1").setOperatorId("op")
                .setEventTime(Instant.ofEpochMilli(T0 + 50L * k)).setKind(kind).build();
    }
}
