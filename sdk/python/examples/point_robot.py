#!/usr/bin/env python3
"""A robot the Java side knows nothing about: a 2-D point that drives to a goal, with its own
task (``point2d``) and a scripted operator, both in Python.

Each control step the point moves by ``0.1 * action`` (actions in [-1, 1]^2); it observes its
position and the offset to its goal, ``[x, y, goal_dx, goal_dy]``; an episode ends when it is
within 0.1 of the goal (success) or after 40 steps. The operator watches: when the point has
made no progress toward the goal for 3 steps it takes over, drives the point toward the goal
itself for up to 8 steps, and hands back. The robot acts with the newest policy the learner
publishes (sampled actions), or at random before the first; so every takeover is a -1 on the
policy's last transition before it, and a policy that drives to the goal is taken over less.

    /usr/bin/python3 examples/point_robot.py --bootstrap localhost:9092 --robots 2 --duration 300
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from takeover_robot import Outbox, PolicySubscriber, Robot, TaskSpec, register_task  # noqa: E402
from takeover_robot.kafka import connection  # noqa: E402

TASK = TaskSpec(name="point2d", obs_dim=4, act_dim=2, action_low=[-1.0, -1.0], action_high=[1.0, 1.0],
                max_episode_steps=40, control_hz=50.0, observation_names=["x", "y", "goal_dx", "goal_dy"],
                action_names=["vx", "vy"], observation_mean=[0.0, 0.0, 0.0, 0.0],
                observation_std=[0.6, 0.6, 0.8, 0.8], description="a 2-D point that drives to a goal (Python example)")
OPERATOR_ID = "py-operator"
SPEED = 0.1
REACHED = 0.1


class PointWorld:
    """The point and its goal."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.pos = np.zeros(2)
        self.goal = np.zeros(2)

    def reset(self) -> np.ndarray:
        self.pos = self.rng.uniform(-1, 1, 2)
        self.goal = self.rng.uniform(-1, 1, 2)
        while np.linalg.norm(self.goal - self.pos) < 0.5:
            self.goal = self.rng.uniform(-1, 1, 2)
        return self.observation()

    def step(self, action: np.ndarray) -> np.ndarray:
        self.pos = np.clip(self.pos + SPEED * np.clip(action, -1, 1), -1.5, 1.5)
        return self.observation()

    def observation(self) -> np.ndarray:
        return np.concatenate([self.pos, self.goal - self.pos]).astype(np.float32)

    def distance(self) -> float:
        return float(np.linalg.norm(self.goal - self.pos))


class ScriptedOperator:
    """Takes over after 3 steps without progress; drives to the goal; hands back after 8 steps."""

    REACTION = 3
    CONTROL = 8

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.in_control = False
        self.best = np.inf
        self.stalled = 0
        self.controlled = 0

    def new_episode(self) -> None:
        self.in_control, self.best, self.stalled, self.controlled = False, np.inf, 0, 0

    def wants_control(self, distance: float) -> bool:
        if distance < self.best - 0.02:
            self.best, self.stalled = distance, 0
        else:
            self.stalled += 1
        return self.stalled >= self.REACTION

    def action(self, world: PointWorld) -> np.ndarray:
        toward = (world.goal - world.pos) / SPEED
        return np.clip(toward + self.rng.normal(0, 0.1, 2), -1, 1)

    def done(self, distance: float) -> bool:
        self.controlled += 1
        return self.controlled >= self.CONTROL or distance < 2 * REACHED


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap", default=os.environ.get("TAKEOVER_BOOTSTRAP", "localhost:9092"))
    parser.add_argument("--prefix", default="takeover.")
    parser.add_argument("--robots", type=int, default=1)
    parser.add_argument("--hz", type=float, default=50.0, help="control steps per second of each robot")
    parser.add_argument("--steps", type=int, default=0, help="stop after this many steps in all (0: no limit)")
    parser.add_argument("--duration", type=float, default=120.0, help="stop after this many seconds")
    parser.add_argument("--until-version", type=int, default=0,
                        help="stop once robots took 200 steps with this policy version or a newer one")
    parser.add_argument("--spool-dir", default=None)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    conn = connection(args.bootstrap, args.prefix)
    outcome = register_task(TASK, conn, registered_by="point_robot.py")
    print(f"task {TASK.name}: {outcome.name.lower()}", flush=True)
    spool_dir = Path(args.spool_dir or tempfile.mkdtemp(prefix="point-robot-"))
    outbox = Outbox(conn, spool_dir)
    policies = PolicySubscriber(conn, TASK)
    rng = np.random.default_rng(args.seed)
    fleet = []
    for i in range(args.robots):
        robot = Robot(f"py-{i + 1}", TASK, outbox, policies)
        world, operator = PointWorld(np.random.default_rng(args.seed * 1000 + i)), ScriptedOperator(rng)
        fleet.append((robot, world, operator, [world.reset()]))

    per_version: dict[int, dict[str, int]] = defaultdict(lambda: {"steps": 0, "takeovers": 0})
    steps = takeovers = episodes = successes = late_steps = 0
    started = time.monotonic()
    next_print = started + 5
    tick = 1.0 / args.hz
    next_tick = started
    try:
        while True:
            now = time.monotonic()
            if now - started >= args.duration or (args.steps and steps >= args.steps):
                break
            if args.until_version and late_steps >= 200:
                break
            for robot, world, operator, obs in fleet:
                policy_action, version = robot.act(obs[0], deterministic=False, rng=rng)
                if not operator.in_control and operator.wants_control(world.distance()):
                    robot.take_over(OPERATOR_ID, reason="no progress toward the goal")
                    operator.in_control = True
                    operator.controlled = 0
                    takeovers += 1
                    per_version[version]["takeovers"] += 1
                if operator.in_control:
                    action, control = operator.action(world), "OPERATOR"
                else:
                    action = policy_action if policy_action is not None else rng.uniform(-1, 1, 2)
                    control = "POLICY"
                robot.step(obs[0], action, control=control, policy_version=version)
                steps += 1
                per_version[version]["steps"] += 1
                if args.until_version and version >= args.until_version:
                    late_steps += 1
                obs[0] = world.step(np.asarray(action, dtype=np.float64))
                if operator.in_control and operator.done(world.distance()):
                    robot.hand_back(OPERATOR_ID)
                    operator.in_control = False
                    operator.best, operator.stalled = world.distance(), 0
                reached = world.distance() < REACHED
                if reached or robot.truncation_due:
                    if operator.in_control:
                        robot.hand_back(OPERATOR_ID, reason="episode over")
                    robot.end_episode(obs[0], terminated=reached, truncated=not reached, success=reached)
                    episodes += 1
                    successes += int(reached)
                    operator.new_episode()
                    obs[0] = world.reset()
            if time.monotonic() >= next_print:
                next_print += 5
                newest = sorted(per_version)[-3:]
                rates = ", ".join(f"v{v} {1000 * per_version[v]['takeovers'] / max(1, per_version[v]['steps']):.0f}"
                                  f" ({per_version[v]['steps']} steps)" for v in newest)
                print(f"{time.monotonic() - started:5.0f} s  policy v{policies.current_version}  steps {steps}  "
                      f"takeovers/1k: {rates}  success {successes}/{episodes}  sent {outbox.sent} "
                      f"spooled {outbox.spooled}", flush=True)
            next_tick += tick
            pause = next_tick - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            else:
                next_tick = time.monotonic()
    finally:
        flushed = outbox.flush(30)
        policies.close()
        outbox.close(10)
    versions = sorted(v for v, c in per_version.items() if c["steps"])
    result = {"steps": steps, "takeovers": takeovers, "episodes": episodes, "successes": successes,
              "versions_used": versions, "max_version": max(versions) if versions else 0,
              "per_version": {str(v): per_version[v] for v in versions}, "flushed": flushed}
    print("RESULT " + json.dumps(result), flush=True)
    return 0 if flushed else 1


if __name__ == "__main__":
    sys.exit(main())
