package io.takeover.robot.fleet;

import static io.takeover.schemas.wire.FloatLists.boxed;

import io.takeover.robot.operator.ScriptedOperator;
import io.takeover.robot.policy.MlpPolicy;
import io.takeover.robot.sdk.PolicySource;
import io.takeover.robot.sdk.RobotOutbox;
import io.takeover.robot.teleop.Teleop;
import io.takeover.robot.task.Environment;
import io.takeover.schemas.task.TaskSpec;
import io.takeover.schemas.Control;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.Step;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * One simulated robot with its operator. Each {@link #tick} is one control step: the policy
 * proposes an action, the operator (seeing it) may take over or hand back, whoever is in control
 * acts, and the step is published. At the
 * end of an episode a final step carries the last observation with an empty action.
 *
 * <p>An operator at the console ({@link Teleop}) outranks the scripted one: while they hold the
 * robot, it executes their action and the scripted operator only waits. The robot writes their
 * TAKEOVER and HANDBACK itself, stamped with the event time of the step where control changed
 * hands, so the labels line up with its steps exactly. A hold spans episodes: the hold of the
 * old episode is handed back at its end and taken over again at the first step of the next.
 */
public final class SimulatedRobot {

    private static final List<Float> NO_ACTION = List.of();

    private final String robotId;
    private final Environment env;
    private final TaskSpec spec;
    private final ScriptedOperator operator;
    private final PolicySource policies;
    private final RobotOutbox outbox;
    private final Teleop teleop;
    private final Random rng;
    private final float[] action;

    private MlpPolicy.Actor actor;
    private int episode = -1;
    private String episodeId;
    private long step;
    private float[] obs;
    // who holds the robot from the console, as announced in this episode; metrics read it on another thread
    private volatile String consoleOperator;

    public SimulatedRobot(String robotId, Environment env, ScriptedOperator operator, PolicySource policies,
            RobotOutbox outbox, long seed) {
        this(robotId, env, operator, policies, outbox, Teleop.NONE, seed);
    }

    public SimulatedRobot(String robotId, Environment env, ScriptedOperator operator, PolicySource policies,
            RobotOutbox outbox, Teleop teleop, long seed) {
        this.robotId = robotId;
        this.teleop = teleop;
        this.env = env;
        this.spec = env.spec();
        this.operator = operator;
        this.policies = policies;
        this.outbox = outbox;
        this.rng = new Random(seed);
        this.action = new float[spec.actDim()];
    }

    /** Takes one control step at event time {@code now}. */
    public void tick(Instant now) {
        if (obs == null) {
            startEpisode(now);
        }
        refreshPolicy();
        long version = actor == null ? 0 : actor.version();
        // the policy proposes first: the operator may judge its action before deciding to take over
        if (actor == null) {
            for (int i = 0; i < action.length; i++) {
                action[i] = spec.actionLow()[i] + rng.nextFloat() * (spec.actionHigh()[i] - spec.actionLow()[i]);
            }
        } else {
            actor.sample(obs, rng, action);
        }
        Teleop.Hold hold = teleop.hold(robotId);
        Control control = Control.POLICY;
        if (hold != null || consoleOperator != null) {
            followConsole(now, hold);
        } else {
            switch (operator.observe(obs, step, action)) {
                case TAKEOVER -> intervene(now, InterventionKind.TAKEOVER, operator.takeoverReason());
                case HANDBACK -> intervene(now, InterventionKind.HANDBACK, operator.handBackReason());
                case NONE -> { }
            }
        }
        if (consoleOperator != null) {
            control = Control.OPERATOR;
            consoleAction(hold.action());
        } else if (operator.inControl()) {
            control = Control.OPERATOR;
            System.arraycopy(operator.act(obs), 0, action, 0, action.length);
        }
        float[] next = env.step(action);
        outbox.step(step(now, obs, boxed(action), version, control, env.lastReward(), false, false, null));
        obs = next;
        step++;
        boolean terminated = env.terminated();
        if (terminated || step >= spec.maxSteps()) {
            Instant end = now.plusMillis(1);
            boolean operated = operator.inControl() || consoleOperator != null;
            outbox.step(step(end, obs, NO_ACTION, version, operated ? Control.OPERATOR : Control.POLICY,
                    null, terminated, !terminated, env.succeeded()));
            if (consoleOperator != null) {
                intervene(end, InterventionKind.HANDBACK, consoleOperator, "episode ended");
                consoleOperator = null; // taken over again at the next episode's first step if still held
            }
            if (operator.endEpisode()) {
                intervene(end, InterventionKind.HANDBACK, "episode ended");
            }
            obs = null;
        }
    }

    /**
     * Control changes hands as the console says, at this step: the scripted operator lets go of
     * a robot the console takes (handing back first, so the steps it controlled stay its own),
     * and a robot the console no longer holds goes back to the policy.
     */
    private void followConsole(Instant now, Teleop.Hold hold) {
        String holder = hold == null ? null : hold.operatorId();
        if (java.util.Objects.equals(holder, consoleOperator)) {
            return;
        }
        if (consoleOperator != null) {
            intervene(now, InterventionKind.HANDBACK, consoleOperator, hold == null ? teleop.handBackReason(robotId)
                    : "taken over by " + holder + " at the console");
        } else if (operator.endEpisode()) {
            intervene(now, InterventionKind.HANDBACK, "taken over by " + holder + " at the console");
        }
        if (holder != null) {
            intervene(now, InterventionKind.TAKEOVER, holder, hold.reason() == null ? "at the console" : hold.reason());
        }
        consoleOperator = holder;
    }

    /** The console's action, clipped to the task's bounds; no torque, no motion until the first drive command. */
    private void consoleAction(float[] commanded) {
        for (int i = 0; i < action.length; i++) {
            float a = i < commanded.length && Float.isFinite(commanded[i]) ? commanded[i] : 0f;
            action[i] = Math.max(spec.actionLow()[i], Math.min(spec.actionHigh()[i], a));
        }
    }

    /** Who holds the robot from the console now; null when nobody does. */
    public String consoleOperator() {
        return consoleOperator;
    }

    public String robotId() {
        return robotId;
    }

    /** Version of the policy the robot acts with now; 0 before the first. */
    public long policyVersion() {
        return actor == null ? 0 : actor.version();
    }

    private void startEpisode(Instant now) {
        episode++;
        episodeId = robotId + "/" + now.toEpochMilli() + "-" + episode;
        step = 0;
        obs = env.reset(rng);
    }

    private void refreshPolicy() {
        MlpPolicy newest = policies.current(robotId);
        if (newest != null && (actor == null || newest.version() != actor.version())) {
            actor = newest.newActor();
        }
    }

    private void intervene(Instant at, InterventionKind kind, String reason) {
        intervene(at, kind, operator.id(), reason);
    }

    private void intervene(Instant at, InterventionKind kind, String operatorId, String reason) {
        outbox.intervention(Intervention.newBuilder().setRobotId(robotId).setEpisodeId(episodeId)
                .setOperatorId(operatorId).setEventTime(at).setKind(kind).setReason(reason).build());
    }

    private Step step(Instant at, float[] observation, List<Float> act, long version, Control control,
            Float reward, boolean terminated, boolean truncated, Boolean success) {
        return Step.newBuilder().setRobotId(robotId).setTask(spec.name()).setEpisodeId(episodeId).setStep(step)
                .setEventTime(at).setObservation(boxed(observation)).setAction(act).setPolicyVersion(version)
                .setControl(control).setReward(reward).setTerminated(terminated).setTruncated(truncated)
                .setSuccess(success).build();
    }

}
