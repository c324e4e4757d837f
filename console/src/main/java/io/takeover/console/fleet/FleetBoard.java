package io.takeover.console.fleet;

import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.Step;
import io.takeover.schemas.task.TaskSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The console's picture of the fleet, from the steps, interventions and task registrations it
 * follows: every robot that is online, who controls it, how risky it is, and the operators'
 * figures. Thread-safe: the Kafka followers write, the web handlers read.
 */
public final class FleetBoard {

    /** A robot silent this long is offline; it leaves the board after {@link #FORGET_AFTER}. */
    public static final Duration OFFLINE_AFTER = Duration.ofSeconds(10);
    public static final Duration FORGET_AFTER = Duration.ofMinutes(10);

    /** One robot's line in the fleet view. */
    public record RobotLine(String robot, String task, long version, String controller, long controlSince,
            String control, double risk, boolean needsHelp, long sinceLastStepMillis, boolean online, long step,
            String episode) {}

    /** The robot view: the line, the task it runs, its recent steps, takeovers and episodes. */
    public record RobotDetail(RobotLine line, TaskView task, List<RobotState.StepView> steps,
            List<RobotState.Event> events, List<RobotState.Episode> episodes) {}

    /** A task as the page draws it. */
    public record TaskView(String name, int obsDim, int actDim, float[] actionLow, float[] actionHigh, float controlHz,
            int maxSteps, List<String> observationNames, List<String> actionNames, String description) {
        static TaskView of(TaskSpec s) {
            return new TaskView(s.name(), s.obsDim(), s.actDim(), s.actionLow(), s.actionHigh(), s.controlHz(),
                    s.maxSteps(), s.observationNames(), s.actionNames(), s.description());
        }
    }

    private final Map<String, RobotState> robots = new HashMap<>();
    private final Map<String, TaskSpec> tasks = new TreeMap<>();
    private final OperatorBoard operators = new OperatorBoard();
    private final LongSupplier nanoClock;
    private long stepsSeen;

    public FleetBoard() {
        this(System::nanoTime);
    }

    public FleetBoard(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    public synchronized void step(Step step) {
        robots.computeIfAbsent(step.getRobotId(), RobotState::new).step(step, nanoClock.getAsLong());
        stepsSeen++;
    }

    /** Steps taken since the console started. */
    public synchronized long stepsSeen() {
        return stepsSeen;
    }

    public synchronized void intervention(Intervention iv) {
        RobotState robot = robots.computeIfAbsent(iv.getRobotId(), RobotState::new);
        long t = iv.getEventTime().toEpochMilli();
        if (iv.getKind() == InterventionKind.TAKEOVER) {
            robot.takeover(iv.getOperatorId(), t, iv.getEpisodeId(), iv.getReason());
        } else {
            robot.handback(iv.getOperatorId(), t, iv.getEpisodeId(), iv.getReason());
        }
        operators.add(iv);
    }

    public synchronized void task(TaskSpec spec) {
        tasks.put(spec.name(), spec);
    }

    /**
     * The robots heard from, ranked by need of help: the highest takeover risk first. A robot
     * needs help when its risk is at least twice the fleet's median and at least 5 per 1,000
     * steps, so that one takeover in a quiet fleet does not flag it.
     */
    public synchronized List<RobotLine> lines() {
        long now = nanoClock.getAsLong();
        robots.values().removeIf(r -> r.last == null ? false : now - r.lastSeenNanos > FORGET_AFTER.toNanos());
        List<RobotState> heard = robots.values().stream().filter(r -> r.last != null).toList();
        double median = medianRisk();
        List<RobotLine> lines = new ArrayList<>();
        for (RobotState r : heard) {
            lines.add(line(r, median, now));
        }
        lines.sort(Comparator.comparingDouble(RobotLine::risk).reversed().thenComparing(RobotLine::robot));
        return lines;
    }

    public synchronized Optional<RobotDetail> robot(String robotId, long afterSeq) {
        RobotState r = robots.get(robotId);
        if (r == null || r.last == null) {
            return Optional.empty();
        }
        TaskSpec spec = tasks.get(r.task);
        return Optional.of(new RobotDetail(line(r, medianRisk(), nanoClock.getAsLong()),
                spec == null ? null : TaskView.of(spec), r.stepsAfter(afterSeq), r.events(), r.episodes()));
    }

    /** Whether {@code robotId} is known and who, by its interventions, controls it now (null: the policy). */
    public synchronized Optional<String> controller(String robotId) {
        RobotState r = robots.get(robotId);
        return r == null ? Optional.empty() : Optional.ofNullable(r.controller);
    }

    /** The episode the robot is in, by its newest step. */
    public synchronized Optional<Step> lastStep(String robotId) {
        RobotState r = robots.get(robotId);
        return r == null ? Optional.empty() : Optional.ofNullable(r.last);
    }

    public synchronized List<OperatorBoard.Figures> operators() {
        return operators.figures();
    }

    public synchronized Map<String, TaskSpec> tasks() {
        return new TreeMap<>(tasks);
    }

    /** The median takeover risk of the robots heard from: what "needs help" is measured against. */
    private double medianRisk() {
        double[] risks = robots.values().stream().filter(r -> r.last != null).mapToDouble(RobotState::risk).sorted()
                .toArray();
        return risks.length == 0 ? 0 : risks[risks.length / 2];
    }

    private static RobotLine line(RobotState r, double median, long now) {
        long silent = (now - r.lastSeenNanos) / 1_000_000;
        double risk = r.risk();
        boolean needsHelp = risk >= 5 && risk >= 2 * median;
        Step s = r.last;
        return new RobotLine(r.robotId, r.task, s.getPolicyVersion(), r.controller, r.controlSince,
                s.getControl() == null ? null : s.getControl().name(), risk, needsHelp, silent,
                silent < OFFLINE_AFTER.toMillis(), s.getStep(), s.getEpisodeId());
    }
}
