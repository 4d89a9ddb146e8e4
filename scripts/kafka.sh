#!/usr/bin/env bash
# A single-node Apache Kafka broker (KRaft) on loopback for development, tests and CI.
# Jars come from Maven Central through the machine's Maven and run on its Java 17.
#   scripts/kafka.sh up|down|status
# Env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_DATA_DIR (.data/kafka)
#
# Kafka 3.9.1: kafkajs 2.2.4 speaks old protocol versions (e.g. JoinGroup v0/v1) that 4.0.0
# removed; 3.9.1 keeps them all and runs KRaft without ZooKeeper.
set -euo pipefail

KAFKA_VERSION=3.9.1
SLF4J_VERSION=1.7.36
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=${KAFKA_PORT:-9092}
CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
DATA_DIR=${KAFKA_DATA_DIR:-$ROOT/.data/kafka}
JAR_DIR=${KAFKA_JAR_DIR:-$ROOT/.data/kafka-jars/$KAFKA_VERSION}
PID_FILE=$DATA_DIR/kafka.pid
LOG_FILE=$DATA_DIR/server.log

die() { echo "kafka.sh: $*" >&2; exit 1; }

require_tools() {
  command -v java >/dev/null || die "java not found: install a Java 17 runtime (e.g. apt-get install openjdk-17-jre-headless)"
  local major
  major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  [ "${major:-0}" -ge 11 ] || die "Java 11+ required (Kafka $KAFKA_VERSION), found version ${major:-unknown}"
}

fetch_jars() {
  [ -f "$JAR_DIR/.complete" ] && return 0
  command -v mvn >/dev/null || die "mvn not found: Maven is needed once to fetch the Kafka $KAFKA_VERSION jars (apt-get install maven)"
  echo "kafka.sh: fetching Kafka $KAFKA_VERSION jars from Maven Central (once)…"
  local pom_dir
  pom_dir=$(mktemp -d)
  cat >"$pom_dir/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>switchyard.local</groupId><artifactId>kafka-runtime</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>$SLF4J_VERSION</version></dependency>
  </dependencies>
</project>
EOF
  rm -rf "$JAR_DIR" && mkdir -p "$JAR_DIR"
  if ! mvn -q -B -f "$pom_dir/pom.xml" dependency:copy-dependencies -DoutputDirectory="$JAR_DIR" -DincludeScope=runtime >"$pom_dir/mvn.log" 2>&1; then
    tail -20 "$pom_dir/mvn.log" >&2
    die "Maven could not fetch the Kafka jars (see above)"
  fi
  rm -rf "$pom_dir"
  touch "$JAR_DIR/.complete"
}

write_config() {
  mkdir -p "$DATA_DIR/logs"
  cat >"$DATA_DIR/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA_DIR/logs
num.partitions=3
auto.create.topics.enable=true
# One node: internal topics must not ask for more replicas than exist, or consumers never find a coordinator.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
default.replication.factor=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
offsets.topic.num.partitions=3
EOF
  cat >"$DATA_DIR/log4j.properties" <<EOF
log4j.rootLogger=WARN, file
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$LOG_FILE
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
}

JAVA_OPTS=(-Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true)

java_cmd() {
  java "${JAVA_OPTS[@]}" -Dlog4j.configuration="file:$DATA_DIR/log4j.properties" -cp "$JAR_DIR/*" "$@"
}

is_running() {
  [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

up() {
  if is_running; then
    echo "kafka.sh: broker already running (pid $(cat "$PID_FILE")) on 127.0.0.1:$PORT"
    return 0
  fi
  port_open && die "port $PORT is taken by another process; set KAFKA_PORT"
  require_tools
  fetch_jars
  write_config
  if [ ! -f "$DATA_DIR/logs/meta.properties" ]; then
    java_cmd kafka.tools.StorageTool format -t "$(java_cmd kafka.tools.StorageTool random-uuid)" \
      -c "$DATA_DIR/server.properties" >"$DATA_DIR/format.log" 2>&1 || { cat "$DATA_DIR/format.log" >&2; die "storage format failed"; }
  fi
  : >"$LOG_FILE"
  # setsid + nohup: the broker outlives the shell that started it (CI steps, test runners).
  setsid nohup java "${JAVA_OPTS[@]}" -Dlog4j.configuration="file:$DATA_DIR/log4j.properties" -cp "$JAR_DIR/*" \
    kafka.Kafka "$DATA_DIR/server.properties" >"$DATA_DIR/stdout.log" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  local deadline=$((SECONDS + 60))
  until port_open && grep -q "Kafka Server started\|started (kafka.server.KafkaRaftServer)\|Transition from STARTING to STARTED" "$LOG_FILE" "$DATA_DIR/stdout.log" 2>/dev/null; do
    if ! is_running; then
      tail -n 30 "$LOG_FILE" "$DATA_DIR/stdout.log" >&2
      die "broker exited during startup"
    fi
    if [ $SECONDS -ge $deadline ]; then
      tail -n 30 "$LOG_FILE" "$DATA_DIR/stdout.log" >&2
      die "broker not ready after 60 s"
    fi
    sleep 0.5
  done
  echo "kafka.sh: Kafka $KAFKA_VERSION up on 127.0.0.1:$PORT (pid $(cat "$PID_FILE"), data $DATA_DIR)"
}

down() {
  if ! is_running; then
    rm -f "$PID_FILE"
    echo "kafka.sh: broker not running"
    return 0
  fi
  local pid
  pid=$(cat "$PID_FILE")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
  echo "kafka.sh: broker stopped"
}

status() {
  if is_running; then
    echo "kafka.sh: running (pid $(cat "$PID_FILE")) on 127.0.0.1:$PORT"
  else
    echo "kafka.sh: not running"
    return 1
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) die "usage: scripts/kafka.sh up|down|status" ;;
esac
