package io.takeover.robot.fleet;

import io.takeover.robot.operator.ScriptedOperator;
import io.takeover.robot.sdk.PolicySource;
import io.takeover.robot.sdk.RobotOutbox;
import io.takeover.robot.task.Simulators;
import io.takeover.robot.teleop.Teleop;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N simulated robots with their operators, stepped together at a fixed control rate on one
 * thread. Event time advances by exactly one control period per tick, so runs are
 * reproducible for a seed, and at the set rate it tracks the wall clock.
 */
public final class Fleet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Fleet.class);

    private final List<SimulatedRobot> robots = new ArrayList<>();
    private final Duration period;
    private final ScheduledExecutorService clock;
    private final AtomicLong ticks = new AtomicLong();
    private Instant eventTime;

    public Fleet(FleetSettings settings, PolicySource policies, RobotOutbox outbox) {
        this(settings, policies, outbox, Teleop.NONE);
    }

    /** A fleet whose robots also obey operators at the console through {@code teleop}. */
    public Fleet(FleetSettings settings, PolicySource policies, RobotOutbox outbox, Teleop teleop) {
        Random seeds = new Random(settings.seed());
        for (int i = 0; i < settings.robots(); i++) {
            String id = settings.robotIdPrefix() + i;
            ScriptedOperator operator = ScriptedOperator.forTask("operator-" + i, settings.task(), settings.operator(),
                    new Random(seeds.nextLong()));
            robots.add(new SimulatedRobot(id, Simulators.create(settings.task()), operator, policies, outbox,
                    teleop, seeds.nextLong()));
        }
        this.period = Duration.ofNanos(1_000_000_000L / settings.hz());
        this.clock = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleet-clock");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts stepping in real time at the configured rate. */
    public void start() {
        eventTime = Instant.now();
        clock.scheduleAtFixedRate(this::tickSafely, 0, period.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Steps every robot once; the fleet's event time then advances one period. */
    public void tick() {
        if (eventTime == null) {
            eventTime = Instant.now();
        }
        for (SimulatedRobot robot : robots) {
            robot.tick(eventTime);
        }
        eventTime = eventTime.plus(period);
        ticks.incrementAndGet();
    }

    public long ticks() {
        return ticks.get();
    }

    public List<SimulatedRobot> robots() {
        return robots;
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.error("fleet tick failed; the fleet keeps running", e);
        }
    }

    @Override
    public void close() {
        clock.shutdownNow();
        try {
            clock.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
