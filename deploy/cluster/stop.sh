#!/usr/bin/env bash
# Stops, by process id, what deploy/cluster/start.sh started in RUN_DIR: robots first, so that
# what they sent can still be labelled and learned from, then against the data flow.
#
#   deploy/cluster/stop.sh [RUN_DIR]             (default .takeover/cluster)
set -uo pipefail

run_dir="${1:-.takeover/cluster}"
grace="${STOP_TIMEOUT_S:-20}"
[ -d "$run_dir/pids" ] || { echo "nothing started in $run_dir"; exit 0; }

for name in fleet learner taskmanager jobmanager kafka; do
  pid_file="$run_dir/pids/$name.pid"
  [ -f "$pid_file" ] || continue
  pid="$(cat "$pid_file")"
  if kill -TERM "$pid" 2>/dev/null; then
    deadline=$((SECONDS + grace))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$name (pid $pid) still running after ${grace}s: killing it"
      kill -KILL "$pid" 2>/dev/null
    else
      echo "$name (pid $pid) stopped"
    fi
  fi
  rm -f "$pid_file"
done
