#!/usr/bin/python3
"""A 2-D point robot on Takeover, with a scripted operator who takes over when it gets stuck.

The robot lives in the square [-1, 1]²: it sees ``[x, y, goal_dx, goal_dy]`` (the goal relative
to it), sets a velocity ``[vx, vy]`` in [-1, 1]² and moves by ``0.1 * velocity`` per step. An
episode succeeds when the robot comes within 0.1 of its goal, and is cut after 50 actions.

The operator watches every robot. When one has not come closer to its goal by at least
``min_progress`` over the last ``patience`` steps, the operator reacts ``reaction`` steps later:
takes over (TAKEOVER), drives it toward the goal for ``drive`` steps, with a little noise, and
hands it back (HANDBACK). Under RLIF the policy's transition before each takeover earns -1, so a
learner soon finds that heading for the goal is what avoids takeovers.

The robots register the task ``point2d``, each acts with the policy version its release
channel points to (``policies.current(robot_id)``: the canary's for the robots in the canary's
share, stable's for the others; sampling its actions; with no stable release yet they act at
random), and stream their steps and the operator's interventions through one outbox. Run
``point_robot.py --help`` for the options.

The robots run only policies signed by a key they trust (``--trusted-keys``; by default the key
directory of ``bin/takeover local``), and reach a secured Kafka with the librdkafka settings of
``--kafka-config FILE`` (SASL_SSL: see the SDK's README).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from takeover_robot import (  # noqa: E402
    CANARY,
    OPERATOR,
    POLICY,
    Connection,
    Outbox,
    PolicySubscriber,
    Robot,
    TakeoverError,
    TaskSpec,
    TrustedKeys,
    TrustedKeysError,
    create_topics,
    register_task,
)
from takeover_robot.signing import trusted_keys  # noqa: E402

TASK = TaskSpec(
    name="point2d",
    obs_dim=4,
    act_dim=2,
    action_low=[-1.0, -1.0],
    action_high=[1.0, 1.0],
    max_episode_steps=50,
    control_hz=50.0,
    observation_names=["x", "y", "goal_dx", "goal_dy"],
    action_names=["vx", "vy"],
    observation_mean=[0.0, 0.0, 0.0, 0.0],
    observation_std=[0.5, 0.5, 0.75, 0.75],
    description="a point that drives to a goal: position += 0.1 * velocity; success within 0.1 of the goal",
)
SPEED = 0.1
GOAL_RADIUS = 0.1
OPERATOR_ID = "py-operator"
UNTIL_STEPS = 200
# `bin/takeover local` keeps its data in --data-dir (default .takeover/local, from where it is started)
# and the public key its learners sign with in DATA/keys
LOCAL_KEYS = Path(".takeover") / "local" / "keys"
REPO_ROOT = Path(__file__).resolve().parents[3]


class PointWorld:
    """The simulated robot: a point and its goal in [-1, 1]²."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.position = np.zeros(2)
        self.goal = np.zeros(2)
        self.reset()

    def reset(self) -> None:
        """A new episode: a random start and a goal at least 0.4 away."""
        self.position = self.rng.uniform(-0.8, 0.8, 2)
        self.goal = self.rng.uniform(-0.8, 0.8, 2)
        while np.linalg.norm(self.goal - self.position) < 0.4:
            self.goal = self.rng.uniform(-0.8, 0.8, 2)

    def observe(self) -> np.ndarray:
        """``[x, y, goal_dx, goal_dy]``."""
        return np.concatenate([self.position, self.goal - self.position])

    def move(self, action: np.ndarray) -> None:
        """Moves by ``SPEED * action`` (clipped to the bounds), staying in the square."""
        self.position = np.clip(self.position + SPEED * np.clip(action, -1.0, 1.0), -1.0, 1.0)

    @property
    def distance(self) -> float:
        return float(np.linalg.norm(self.goal - self.position))

    @property
    def reached(self) -> bool:
        return self.distance < GOAL_RADIUS


@dataclass
class ScriptedOperator:
    """An imperfect operator: takes over a robot that makes no progress, drives it, hands back."""

    patience: int = 4
    min_progress: float = 0.06
    reaction: int = 2
    drive: int = 8
    noise: float = 0.15
    rng: np.random.Generator = field(default_factory=np.random.default_rng)
    in_control: bool = False
    _distances: list[float] = field(default_factory=list)
    _countdown: int | None = None
    _driven: int = 0

    def reset(self) -> None:
        """Forgets what it saw: a new episode starts, with the policy in control."""
        self.in_control = False
        self._distances = []
        self._countdown = None
        self._driven = 0

    def watch(self, distance: float) -> str | None:
        """Sees the robot's distance to its goal before it acts; returns ``"TAKEOVER"`` or
        ``"HANDBACK"`` when the operator does either now, else None."""
        if self.in_control:
            if self._driven >= self.drive:
                self.in_control = False
                self._distances = [distance]
                return "HANDBACK"
            return None
        self._distances.append(distance)
        if self._countdown is None and len(self._distances) > self.patience:
            if self._distances[-1 - self.patience] - distance < self.min_progress:
                self._countdown = self.reaction
        if self._countdown is not None:
            if self._countdown == 0:
                self._countdown = None
                self.in_control = True
                self._driven = 0
                return "TAKEOVER"
            self._countdown -= 1
        return None

    def act(self, observation: np.ndarray) -> np.ndarray:
        """Heads for the goal at nearly full speed, slowing down on the last stretch."""
        to_goal = observation[2:4]
        distance = float(np.linalg.norm(to_goal))
        heading = to_goal / distance if distance > 1e-9 else np.zeros(2)
        action = heading * min(0.9, distance / SPEED) + self.rng.normal(0.0, self.noise, 2)
        self._driven += 1
        return np.clip(action, -1.0, 1.0)


@dataclass
class Tally:
    """Steps and takeovers per policy version."""

    steps: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    takeovers: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    episodes: int = 0
    successes: int = 0

    @property
    def total_steps(self) -> int:
        return sum(self.steps.values())

    @property
    def total_takeovers(self) -> int:
        return sum(self.takeovers.values())

    def steps_from(self, version: int) -> int:
        """Steps taken with this policy version or a newer one."""
        return sum(n for v, n in self.steps.items() if v >= version)

    def per_1k(self, version: int) -> float:
        steps = self.steps.get(version, 0)
        return 1000.0 * self.takeovers.get(version, 0) / steps if steps else 0.0

    def summary(self) -> dict:
        versions = sorted(set(self.steps) | set(self.takeovers))
        return {
            "steps": self.total_steps,
            "takeovers": self.total_takeovers,
            "episodes": self.episodes,
            "successes": self.successes,
            "versions_used": versions,
            "max_version": max(versions, default=0),
            "per_version": {str(v): {"steps": self.steps.get(v, 0), "takeovers": self.takeovers.get(v, 0),
                                     "takeovers_per_1k_steps": round(self.per_1k(v), 2)} for v in versions},
        }


class PointRobot:
    """One point robot, its operator, and its session with Takeover."""

    def __init__(self, robot: Robot, rng: np.random.Generator, tally: Tally):
        self.robot = robot
        self.rng = rng
        self.tally = tally
        self.world = PointWorld(rng)
        self.operator = ScriptedOperator(rng=rng)
        self._acting_version = 0

    def tick(self) -> None:
        """One control step: the operator looks, someone acts, the step is published."""
        observation = self.world.observe()
        decision = self.operator.watch(self.world.distance)
        if decision == "TAKEOVER":
            self.robot.take_over(OPERATOR_ID, "no progress toward the goal")
            self.tally.takeovers[self._acting_version] += 1
        elif decision == "HANDBACK":
            self.robot.hand_back(OPERATOR_ID, "back on track")
        if self.operator.in_control:
            action = self.operator.act(observation)
            record = self.robot.step(observation, action, control=OPERATOR, reward=-self.world.distance)
        else:
            action, version = self.robot.act(observation, deterministic=False, rng=self.rng)
            if action is None:
                action = self.rng.uniform(-1.0, 1.0, TASK.act_dim)
            self._acting_version = version
            record = self.robot.step(observation, action, control=POLICY, reward=-self.world.distance)
        self.tally.steps[record["policy_version"]] += 1
        self.world.move(np.asarray(action, dtype=np.float64))
        if self.world.reached or self.robot.truncation_due:
            self._end_episode()

    def stop(self) -> None:
        """Cuts the running episode short (truncated), so that its last transitions get labelled."""
        if self.robot.step_index > 0:
            self._end_episode()

    def _end_episode(self) -> None:
        success = self.world.reached
        self.robot.end_episode(self.world.observe(), terminated=success, truncated=not success, success=success)
        self.tally.episodes += 1
        self.tally.successes += int(success)
        if self.operator.in_control:
            self.robot.hand_back(OPERATOR_ID, "episode over")
        self.operator.reset()
        self.world.reset()


def default_trusted_keys() -> str:
    """$TAKEOVER_TRUSTED_KEYS, else the key directory of ``bin/takeover local`` started from here
    (``.takeover/local/keys``), else the one of it started from the repository's root."""
    from_env = os.environ.get("TAKEOVER_TRUSTED_KEYS", "").strip()
    if from_env:
        return from_env
    if not LOCAL_KEYS.is_dir() and (REPO_ROOT / LOCAL_KEYS).is_dir():
        return str(REPO_ROOT / LOCAL_KEYS)
    return str(LOCAL_KEYS)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="2-D point robots and a scripted operator on Takeover.")
    parser.add_argument("--bootstrap", default=os.environ.get("TAKEOVER_BOOTSTRAP"),
                        help="Kafka bootstrap servers, host:port (default: $TAKEOVER_BOOTSTRAP, else bootstrap.servers "
                             "of --kafka-config, else localhost:9092)")
    parser.add_argument("--kafka-config", default=os.environ.get("TAKEOVER_PY_KAFKA_CONFIG") or None, metavar="FILE",
                        help="librdkafka client settings for every Kafka client, key=value lines (security.protocol, "
                             "sasl.mechanisms, sasl.username, sasl.password, ssl.ca.location, ...) (default: "
                             "$TAKEOVER_PY_KAFKA_CONFIG)")
    parser.add_argument("--trusted-keys", action="append", metavar="PATH",
                        help="public key of a learner whose policies the robots run (NAME.pub from `takeover keys "
                             "generate`), or a directory of them; repeat it or separate with commas to trust several "
                             "(key rotation) (default: $TAKEOVER_TRUSTED_KEYS, comma-separated, else the keys of "
                             f"`bin/takeover local`: {LOCAL_KEYS})")
    parser.add_argument("--prefix", default="takeover.", help="topic prefix of the Takeover deployment")
    parser.add_argument("--robots", type=int, default=1, help="robots in this process, ids py-1..py-N")
    parser.add_argument("--steps", type=int, default=None, help="stop after this many control steps, all robots together")
    parser.add_argument("--duration", type=float, default=None, help="stop after this many seconds")
    parser.add_argument("--until-version", type=int, default=None,
                        help=f"stop once the robots took {UNTIL_STEPS} steps with this policy version or a newer one")
    parser.add_argument("--hz", type=float, default=50.0, help="control steps per second per robot (0: unthrottled)")
    parser.add_argument("--spool-dir", default=str(Path(tempfile.gettempdir()) / "takeover-point-robot"),
                        help="where the outbox keeps what Kafka cannot take yet")
    parser.add_argument("--seed", type=int, default=None, help="random seed of the worlds and the operator")
    parser.add_argument("--create-topics", action="store_true", help="create missing Takeover topics first")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for Kafka at start and end")
    args = parser.parse_args(argv)
    if args.robots < 1:
        parser.error("--robots must be at least 1")
    args.trusted_keys_given = bool(args.trusted_keys)
    if not args.trusted_keys:
        args.trusted_keys = [default_trusted_keys()]
    return args


def load_trusted_keys(args: argparse.Namespace) -> TrustedKeys:
    """The keys of --trusted-keys (or its default), with a hint when there are none."""
    try:
        return trusted_keys(args.trusted_keys)
    except TrustedKeysError as e:
        hint = ("" if args.trusted_keys_given or os.environ.get("TAKEOVER_TRUSTED_KEYS") else
                f"; by default the robots trust the keys of `bin/takeover local` in {LOCAL_KEYS.resolve()}: start it "
                "first (it writes its key there), or give --trusted-keys PATH or $TAKEOVER_TRUSTED_KEYS")
        raise TrustedKeysError(f"{e}{hint}") from e


def run(args: argparse.Namespace) -> dict:
    """Runs the robots until --steps or --duration (or a signal); returns the RESULT summary."""
    trusted = load_trusted_keys(args)  # before anything reaches Kafka: without keys no policy would ever run
    conn = Connection.from_config_file(args.kafka_config, args.bootstrap, args.prefix)
    print(f"robots trust policy keys {', '.join(trusted.ids())}; Kafka at {conn.bootstrap}"
          f"{' (' + conn.config['security.protocol'] + ')' if 'security.protocol' in conn.config else ''}", flush=True)
    if args.create_topics:
        create_topics(conn, timeout=args.timeout)
    outcome = register_task(TASK, conn, registered_by="py-point-robot", timeout=args.timeout)
    print(f"task {TASK.name}: {outcome.value.lower()} on {conn.topic('tasks')}", flush=True)
    tally = Tally()
    stop = {"now": False}
    previous = {signum: signal.signal(signum, lambda *_: stop.update(now=True))
                for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        return _loop(args, conn, trusted, tally, stop)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _loop(args: argparse.Namespace, conn: Connection, trusted: TrustedKeys, tally: Tally, stop: dict) -> dict:
    rng = np.random.default_rng(args.seed)
    with Outbox(conn, Path(args.spool_dir) / args.prefix.rstrip(".")) as outbox, \
            PolicySubscriber(conn, TASK, trusted) as policies:
        robots = [PointRobot(Robot(f"py-{i}", TASK, outbox, policies), np.random.default_rng(rng.integers(1 << 63)),
                             tally) for i in range(1, args.robots + 1)]
        start = time.monotonic()
        period = 1.0 / args.hz if args.hz > 0 else 0.0
        next_tick = start
        next_report = start + 5.0
        while not stop["now"]:
            if args.steps is not None and tally.total_steps >= args.steps:
                break
            if args.duration is not None and time.monotonic() - start >= args.duration:
                break
            if args.until_version is not None and tally.steps_from(args.until_version) >= UNTIL_STEPS:
                break
            for robot in robots:
                robot.tick()
            now = time.monotonic()
            if now >= next_report:
                report(now - start, policies, tally, outbox)
                next_report += 5.0
            if period:
                next_tick = max(next_tick + period, now - period)
                time.sleep(max(0.0, next_tick - time.monotonic()))
        for robot in robots:
            robot.stop()
        delivered = outbox.close(args.timeout)
        report(time.monotonic() - start, policies, tally, outbox)
        summary = tally.summary()
        summary.update(seconds=round(time.monotonic() - start, 1), robots=args.robots, delivered=delivered,
                       stable_version=policies.current_version, canary_version=policies.canary_version,
                       canary_robots=[r.robot.robot_id for r in robots
                                      if policies.channel_of(r.robot.robot_id) == CANARY],
                       sent=outbox.sent, spooled=outbox.spooled, failed=outbox.failed,
                       policies_refused=policies.rejected,
                       policies_refused_by_reason={k: n for k, n in policies.refused.items() if n})
        if not delivered:
            print(f"warning: Kafka did not take everything in {args.timeout} s; the rest waits in "
                  f"{outbox.spool_path} for the next run", file=sys.stderr)
        return summary


def report(elapsed: float, policies: PolicySubscriber, tally: Tally, outbox: Outbox) -> None:
    """One progress line: the versions the channels run, the steps, the takeover rate of the
    newest versions."""
    newest = sorted(tally.steps, reverse=True)[:3]
    rates = ", ".join(f"v{v} {tally.per_1k(v):.1f} ({tally.steps[v]} steps)" for v in newest) or "-"
    refused = ", ".join(f"{n} {reason}" for reason, n in policies.refused.items() if n)
    canary = (f", canary v{policies.canary_version} ({policies.canary_share:.0%})"
              if policies.canary_version else "")
    print(f"[{elapsed:6.1f} s] policy stable v{policies.current_version}{canary} | steps {tally.total_steps} | "
          f"takeovers/1k steps: {rates} | sent {outbox.sent}, spooled {outbox.spooled}"
          f"{' | policies refused: ' + refused if refused else ''}", flush=True)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = parse_args(argv)
    try:
        summary = run(args)
    except TakeoverError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print("RESULT " + json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
