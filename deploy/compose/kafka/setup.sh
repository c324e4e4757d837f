#!/usr/bin/env bash
# One-shot setup of deploy/compose (service kafka-setup, on the apache/kafka image): a SCRAM-SHA-512 user
# per part of Takeover, holding exactly the ACLs io.takeover.schemas.kafka.KafkaAccess grants that part
# (`takeover access show` prints them; ComposeFileTest holds the lines below to it). Runs as admin
# (admin.properties). Running it again changes nothing, except passwords changed in .env.
# Passwords: letters and digits (kafka-configs.sh splits its --add-config value at commas and brackets).
set -euo pipefail

bin=/opt/kafka/bin
admin=(--bootstrap-server kafka:9092 --command-config /etc/takeover/kafka/admin.properties)

# user NAME PASSWORD: create NAME, or update its password (SCRAM-SHA-512)
user() {
  if [[ -z "$2" ]]; then
    echo "kafka-setup: no password for user $1 (deploy/compose/.env)" >&2
    exit 1
  fi
  "$bin/kafka-configs.sh" "${admin[@]}" --alter --entity-type users --entity-name "$1" \
    --add-config "SCRAM-SHA-512=[iterations=4096,password=$2]"
}

# acl ARGS...: kafka-acls.sh --add ARGS (adding an ACL that exists changes nothing)
acl() {
  "$bin/kafka-acls.sh" "${admin[@]}" --add "$@" > /dev/null
}

user robot "$ROBOT_PASSWORD"
user label-job "$LABEL_JOB_PASSWORD"
user learner "$LEARNER_PASSWORD"
user mlops "$MLOPS_PASSWORD"
user console "$CONSOLE_PASSWORD"

# robots: write steps, interventions and their task's registration; read tasks, policies, releases and
# teleoperation commands
acl --allow-principal User:robot --operation Write --topic takeover.steps
acl --allow-principal User:robot --operation Write --topic takeover.interventions
acl --allow-principal User:robot --operation Write --operation Read --topic takeover.tasks
acl --allow-principal User:robot --operation Read --topic takeover.policies
acl --allow-principal User:robot --operation Read --topic takeover.releases
acl --allow-principal User:robot --operation Read --topic takeover.teleop
acl --allow-principal User:robot --operation Read --resource-pattern-type prefixed --group takeover.robot-

# the label job: read steps, interventions, tasks; write transitions, fleet statistics, dead letters,
# exactly once (its transactional ids and consumer groups start with takeover.takeover-label)
acl --allow-principal User:label-job --operation Read --topic takeover.steps
acl --allow-principal User:label-job --operation Read --topic takeover.interventions
acl --allow-principal User:label-job --operation Read --topic takeover.tasks
acl --allow-principal User:label-job --operation Write --topic takeover.transitions
acl --allow-principal User:label-job --operation Write --topic takeover.fleet-stats
acl --allow-principal User:label-job --operation Write --topic takeover.dead-letters
acl --allow-principal User:label-job --operation Read --resource-pattern-type prefixed --group takeover.takeover-label
acl --allow-principal User:label-job --operation Write --resource-pattern-type prefixed --transactional-id takeover.takeover-label

# learners: read transitions, fleet statistics, tasks; read and write policies and releases (its release controller)
acl --allow-principal User:learner --operation Read --topic takeover.transitions
acl --allow-principal User:learner --operation Read --topic takeover.fleet-stats
acl --allow-principal User:learner --operation Read --topic takeover.tasks
acl --allow-principal User:learner --operation Read --operation Write --topic takeover.policies
acl --allow-principal User:learner --operation Read --operation Write --topic takeover.releases

# MLOps (takeover policy): read policies, fleet statistics, tasks; read and write releases
acl --allow-principal User:mlops --operation Read --topic takeover.policies
acl --allow-principal User:mlops --operation Read --topic takeover.fleet-stats
acl --allow-principal User:mlops --operation Read --topic takeover.tasks
acl --allow-principal User:mlops --operation Read --operation Write --topic takeover.releases

# the operator console: read steps, fleet statistics, tasks, policies; read and write interventions (for robots
# that do not obey teleoperation) and releases (its MLOps users); write teleoperation commands
acl --allow-principal User:console --operation Read --topic takeover.steps
acl --allow-principal User:console --operation Read --operation Write --topic takeover.interventions
acl --allow-principal User:console --operation Read --topic takeover.fleet-stats
acl --allow-principal User:console --operation Read --topic takeover.tasks
acl --allow-principal User:console --operation Read --topic takeover.policies
acl --allow-principal User:console --operation Read --operation Write --topic takeover.releases
acl --allow-principal User:console --operation Write --topic takeover.teleop

echo "kafka-setup: users robot, label-job, learner, mlops, console and their ACLs are in place"
