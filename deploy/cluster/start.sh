#!/usr/bin/env bash
# Takeover as separate processes on this machine: a Kafka broker (KRaft), a standalone Flink
# session cluster (JobManager + TaskManager) running the label job submitted with Flink's own
# client, a learner (replay + learner) and a simulated fleet. Every process writes its pid to
# RUN_DIR/pids and its log to RUN_DIR/logs; deploy/cluster/stop.sh RUN_DIR stops them by pid.
# Started again on the same RUN_DIR, everything resumes: Kafka's log, the label job from its
# latest checkpoint, the replay and the learner from theirs.
#
#   deploy/cluster/start.sh [RUN_DIR]            (default .takeover/cluster)
#
# Ports (environment variable, default):
#   KAFKA_PORT 9092, KAFKA_CONTROLLER_PORT 9093   the broker and its KRaft controller
#   FLINK_RPC_PORT 6123, FLINK_REST_PORT 8081     JobManager RPC; REST API and web UI
#   FLINK_METRICS_PORTS 9249-9259                 label job metrics (JobManager, TaskManager: first free)
#   LEARNER_METRICS_PORT 9464, FLEET_METRICS_PORT 9465
# Other knobs: TASK (pendulum), ROBOTS (8), PARALLELISM (2), PARTITIONS (4), RELEASE (auto), JOB_ARGS, LEARNER_ARGS,
# FLEET_ARGS (extra options of the label job, `takeover learner`, `takeover fleet`), JAVA (java).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
run_dir="$(mkdir -p "${1:-.takeover/cluster}" && cd "${1:-.takeover/cluster}" && pwd)"
java="${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}"

kafka_port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
rpc_port="${FLINK_RPC_PORT:-6123}"
rest_port="${FLINK_REST_PORT:-8081}"
flink_metrics_ports="${FLINK_METRICS_PORTS:-9249-9259}"
learner_metrics_port="${LEARNER_METRICS_PORT:-9464}"
fleet_metrics_port="${FLEET_METRICS_PORT:-9465}"
task="${TASK:-pendulum}"
robots="${ROBOTS:-8}"
parallelism="${PARALLELISM:-2}"
partitions="${PARTITIONS:-4}"
start_timeout="${START_TIMEOUT_S:-120}"
# auto, as in local mode: a few robots may leave a canary share empty, and an empty canary never decides
release="${RELEASE:-auto}"

case "$task" in # the simulated fleet's tasks; the label job reads every task from the registry
  pendulum | reacher) ;;
  *) echo "TASK must be pendulum or reacher, got '$task'" >&2; exit 2 ;;
esac

broker_classpath="$root/deploy/embedded-kafka/target/broker-classpath.txt"
flink_classpath="$root/deploy/cluster/target/flink-classpath.txt"
job_jar="$root/flink-jobs/target/takeover-flink-jobs-0.1.0-SNAPSHOT-job.jar"
for built in "$broker_classpath" "$flink_classpath" "$job_jar" "$root/tools/target/classpath.txt"; do
  if [ ! -f "$built" ]; then
    echo "$built is missing: build first with  ./mvnw -DskipTests install" >&2
    exit 2
  fi
done

export TAKEOVER_NO_BUILD=1 # bin/takeover runs what is built, checked above, never rebuilds under a running part
mkdir -p "$run_dir"/{conf,logs,pids,kafka,checkpoints,learner,fleet}
if compgen -G "$run_dir/pids/*.pid" >/dev/null; then
  echo "$run_dir has processes from an earlier start: deploy/cluster/stop.sh $run_dir first" >&2
  exit 2
fi

fail() {
  echo "start failed: $1" >&2
  [ -n "${2:-}" ] && [ -f "$2" ] && { echo "--- last lines of $2:" >&2; tail -n 30 "$2" >&2; }
  "$root/deploy/cluster/stop.sh" "$run_dir" >&2 || true
  exit 1
}

# start NAME COMMAND...: in the background, in a session of its own, pid and log under RUN_DIR
start() {
  local name="$1"; shift
  setsid "$@" >>"$run_dir/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$run_dir/pids/$name.pid"
}

alive() { kill -0 "$(cat "$run_dir/pids/$1.pid")" 2>/dev/null; }

# wait_for NAME DESCRIPTION CHECK...: until CHECK succeeds, NAME dies, or the deadline passes
wait_for() {
  local name="$1" what="$2"; shift 2
  local deadline=$((SECONDS + start_timeout))
  until "$@" >/dev/null 2>&1; do
    alive "$name" || fail "$name exited before $what" "$run_dir/logs/$name.log"
    [ "$SECONDS" -lt "$deadline" ] || fail "$what: not within ${start_timeout}s" "$run_dir/logs/$name.log"
    sleep 0.5
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

http_get() { # plain HTTP/1.0 over bash's /dev/tcp: nothing to install
  exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$2" >&3
  sed '1,/^\r\{0,1\}$/d' <&3
  exec 3<&-
}

taskmanager_registered() { http_get "$rest_port" /overview | grep -q '"taskmanagers":[1-9]'; }

for port in "KAFKA_PORT=$kafka_port" "KAFKA_CONTROLLER_PORT=$controller_port" "FLINK_RPC_PORT=$rpc_port" \
    "FLINK_REST_PORT=$rest_port" "LEARNER_METRICS_PORT=$learner_metrics_port" "FLEET_METRICS_PORT=$fleet_metrics_port"; do
  if port_open "${port#*=}"; then
    echo "port ${port#*=} is in use (by \`bin/takeover local\`?): stop that, or set ${port%%=*} to a free port" >&2
    exit 2
  fi
done
cat >"$run_dir/conf/log4j2.properties" <<EOF
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = out
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-40c{1.} %m%n
logger.kafka.name = kafka
logger.kafka.level = WARN
logger.kafkaorg.name = org.apache.kafka
logger.kafkaorg.level = WARN
EOF
log4j="-Dlog4j.configurationFile=$run_dir/conf/log4j2.properties"

echo "Kafka broker (KRaft) on localhost:$kafka_port …"
cat >"$run_dir/conf/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$kafka_port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$kafka_port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$run_dir/kafka
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
broker_cp="$(cat "$broker_classpath")"
if [ ! -f "$run_dir/kafka/meta.properties" ]; then
  # transaction.version 1: with 2, exactly-once restores log false "fenced … data loss" errors
  "$java" $log4j -cp "$broker_cp" kafka.tools.StorageTool format -t "$(cat /proc/sys/kernel/random/uuid)" \
    -c "$run_dir/conf/server.properties" --feature transaction.version=1 >"$run_dir/logs/kafka-format.log" 2>&1 \
    || fail "formatting the broker's storage" "$run_dir/logs/kafka-format.log"
fi
start kafka "$java" -Xmx512m $log4j -cp "$broker_cp" kafka.Kafka "$run_dir/conf/server.properties"
wait_for kafka "Kafka listening on $kafka_port" port_open "$kafka_port"
TAKEOVER_JAVA_OPTS="${TAKEOVER_JAVA_OPTS:-} -Dtakeover.log=$run_dir/logs/topics-detail.log" \
  "$root/bin/takeover" topics --bootstrap "127.0.0.1:$kafka_port" --partitions "$partitions" \
  >"$run_dir/logs/topics.log" 2>&1 || fail "creating topics" "$run_dir/logs/topics.log"

echo "Flink session cluster: JobManager (REST http://localhost:$rest_port) and a TaskManager …"
cat >"$run_dir/conf/config.yaml" <<EOF
jobmanager.rpc.address: localhost
jobmanager.rpc.port: $rpc_port
jobmanager.bind-host: localhost
jobmanager.memory.process.size: 768m
taskmanager.host: localhost
taskmanager.bind-host: localhost
taskmanager.numberOfTaskSlots: $parallelism
taskmanager.memory.process.size: 1536m
rest.address: localhost
rest.bind-address: localhost
rest.port: $rest_port
metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
metrics.reporter.prom.port: $flink_metrics_ports
metrics.reporter.prom.filter.includes: "*.labels:*;*.pipeline:*;*:dead_letters;*.fleet.*:*"
EOF
flink_cp="$(cat "$flink_classpath")"
# what Flink's own config.yaml passes every Flink JVM on Java 17 (env.java.opts.all)
flink_opens="--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"
# the memory options and JVM flags Flink's own start scripts compute, from the same utility
memory() { "$java" -cp "$flink_cp" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$run_dir/conf" \
  2>/dev/null | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://'; }
mapfile -t jm < <(memory GET_JM_RESOURCE_PARAMS)
mapfile -t tm < <(memory GET_TM_RESOURCE_PARAMS)
[ "${#jm[@]}" -ge 2 ] && [ "${#tm[@]}" -ge 2 ] || fail "Flink's memory settings could not be computed"
# shellcheck disable=SC2086 # the JVM flags and dynamic properties are word lists
start jobmanager "$java" ${jm[0]} $flink_opens $log4j -cp "$flink_cp" \
  org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$run_dir/conf" ${jm[1]}
wait_for jobmanager "the JobManager's REST API on $rest_port" http_get "$rest_port" /config
# shellcheck disable=SC2086
start taskmanager "$java" ${tm[0]} $flink_opens $log4j -cp "$flink_cp" \
  org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$run_dir/conf" ${tm[1]}
wait_for taskmanager "the TaskManager registering" taskmanager_registered

# started before in this RUN_DIR: resume the label job from its latest completed checkpoint
resume=()
if [ -f "$run_dir/job-id" ]; then
  latest="$(find "$run_dir/checkpoints/$(cat "$run_dir/job-id")" -mindepth 2 -maxdepth 2 -name _metadata \
    -path '*/chk-*' 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$latest" ] && resume=(-s "$(dirname "$latest")")
fi
echo "Submitting the label job ($job_jar)${resume[1]:+, resuming from ${resume[1]}} …"
# shellcheck disable=SC2086
FLINK_CONF_DIR="$run_dir/conf" "$java" $flink_opens $log4j -cp "$flink_cp" org.apache.flink.client.cli.CliFrontend run -d \
  "${resume[@]}" -c io.takeover.flink.LabelJobMain "$job_jar" --bootstrap-servers "127.0.0.1:$kafka_port" \
  --checkpoint-dir "file://$run_dir/checkpoints" --parallelism "$parallelism" ${JOB_ARGS:-} \
  >"$run_dir/logs/submit.log" 2>&1 || fail "submitting the label job" "$run_dir/logs/submit.log"
job_id="$(grep -oE 'JobID [0-9a-f]{32}' "$run_dir/logs/submit.log" | head -n 1 | cut -d' ' -f2)"
[ -n "$job_id" ] || fail "no job id in the client's output" "$run_dir/logs/submit.log"
echo "$job_id" >"$run_dir/job-id"

# The learner signs every policy; the robots run only what a key they trust signed.
if [ ! -f "$run_dir/keys/learner.key" ]; then
  "$root/bin/takeover" keys generate --out "$run_dir/keys" --name learner >"$run_dir/logs/keys.log" 2>&1 \
    || fail "generating the policy signing key" "$run_dir/logs/keys.log"
fi

# The fleet first: its robots register their task, which the learner waits for.
echo "Fleet: $robots simulated robots, metrics on :$fleet_metrics_port …"
# shellcheck disable=SC2086 # LEARNER_ARGS and FLEET_ARGS are option lists
TAKEOVER_JAVA_OPTS="${TAKEOVER_JAVA_OPTS:-} -Dtakeover.log=$run_dir/logs/fleet-detail.log" \
  start fleet "$root/bin/takeover" fleet --bootstrap "127.0.0.1:$kafka_port" --task "$task" --robots "$robots" \
  --spool-dir "$run_dir/fleet" --trusted-keys "$run_dir/keys" --metrics-port "$fleet_metrics_port" ${FLEET_ARGS:-}
wait_for fleet "the fleet's metrics on $fleet_metrics_port" port_open "$fleet_metrics_port"

echo "Learner for $task, metrics on :$learner_metrics_port …"
# shellcheck disable=SC2086
TAKEOVER_JAVA_OPTS="${TAKEOVER_JAVA_OPTS:-} -Dtakeover.log=$run_dir/logs/learner-detail.log" \
  start learner "$root/bin/takeover" learner --bootstrap "127.0.0.1:$kafka_port" --task "$task" \
  --data-dir "$run_dir/learner" --signing-key "$run_dir/keys/learner.key" --release "$release" --metrics-port "$learner_metrics_port" --flink-rest "http://localhost:$rest_port" \
  ${LEARNER_ARGS:-}
wait_for learner "the learner's metrics on $learner_metrics_port" port_open "$learner_metrics_port"

cat <<EOF
Running, as separate processes (pids in $run_dir/pids, logs in $run_dir/logs):
  kafka        127.0.0.1:$kafka_port (controller :$controller_port)     pid $(cat "$run_dir/pids/kafka.pid")
  jobmanager   http://localhost:$rest_port (RPC :$rpc_port)          pid $(cat "$run_dir/pids/jobmanager.pid")
  taskmanager  label job $job_id                      pid $(cat "$run_dir/pids/taskmanager.pid")
  learner      http://localhost:$learner_metrics_port/metrics                   pid $(cat "$run_dir/pids/learner.pid")
  fleet        http://localhost:$fleet_metrics_port/metrics ($robots robots)        pid $(cat "$run_dir/pids/fleet.pid")
  label job metrics: the first free ports of $flink_metrics_ports, /metrics
Stop everything:  deploy/cluster/stop.sh $run_dir
EOF
