#!/usr/bin/env bash
# Crash demo: kill -9 the shop while its saga creates a shipping label, start it again on the same
# data, and watch the order complete.
#
#   saga-sample-shop/crash-demo.sh            (from anywhere; builds the jar first)
#   SKIP_BUILD=1 PORT=8081 TIME_LIMIT=120 saga-sample-shop/crash-demo.sh
#
# Exits 0 when the order ends COLLECTED with its saga COMPLETED within TIME_LIMIT seconds after the
# restart, non-zero otherwise. Always stops the JVMs and the embedded PostgreSQL it started and
# deletes its temporary data folder (KEEP_DATA=1 keeps it).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
TIME_LIMIT="${TIME_LIMIT:-90}"
DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/saga-shop-crash-demo.XXXXXX")"
LOG_DIR="$DATA_DIR-logs"
mkdir -p "$LOG_DIR"
APP_PID=""

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [[ -z "${PORT:-}" ]]; then
    PORT=8080
    while port_busy "$PORT"; do PORT=$((PORT + 1)); done
fi
BASE="http://localhost:$PORT"

# The embedded PostgreSQL runs as a child process of the JVM; a kill -9 of the JVM leaves it running.
postmaster_pid() { [[ -f "$DATA_DIR/postmaster.pid" ]] && head -1 "$DATA_DIR/postmaster.pid" || true; }

stop_postgres() { # like a machine crash: immediate stop, no checkpoint; PostgreSQL recovers on the next start
    local pm
    pm="$(postmaster_pid)"
    if [[ -n "$pm" ]] && kill -0 "$pm" 2>/dev/null; then
        local pg_ctl
        pg_ctl="$(dirname "$(readlink "/proc/$pm/exe")")/pg_ctl"
        "$pg_ctl" -D "$DATA_DIR" stop -m immediate -w >/dev/null 2>&1 || kill -9 "$pm" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pm" 2>/dev/null || break; sleep 0.1; done
    fi
}

cleanup() {
    local rc=$?
    if [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; then
        kill "$APP_PID" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$APP_PID" 2>/dev/null || true
    fi
    stop_postgres
    if [[ "${KEEP_DATA:-0}" == 1 ]]; then
        echo "kept data in $DATA_DIR, logs in $LOG_DIR"
    else
        rm -rf "$DATA_DIR" "$LOG_DIR"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" | head -1; }

start_shop() { # $1 = log file
    java -jar "$JAR" \
        --server.port="$PORT" \
        --shop.embedded-db.data-dir="$DATA_DIR" \
        --shop.faults.carrier-delay=5s \
        --shop.gateway.callback-delay=500ms \
        --saga.dispatcher.lease=5s \
        >"$1" 2>&1 &
    APP_PID=$!
    for _ in $(seq 120); do
        if curl -fs "$BASE/actuator/health" >/dev/null 2>&1; then
            echo "shop up on $BASE (pid $APP_PID)"
            return 0
        fi
        kill -0 "$APP_PID" 2>/dev/null || { echo "the shop died at startup:"; tail -30 "$1"; return 1; }
        sleep 0.5
    done
    echo "the shop did not start within 60 s"; tail -30 "$1"; return 1
}

order_status() { curl -fs "$BASE/orders/$ORDER_ID" | field status; }

wait_status() { # $1 = wanted status, $2 = seconds
    local status=""
    for _ in $(seq $(($2 * 4))); do
        status="$(order_status || true)"
        [[ "$status" == "$1" ]] && return 0
        sleep 0.25
    done
    echo "order is '$status', not $1, after $2 s"; return 1
}

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    say "Building the shop jar"
    (cd "$REPO_ROOT" && ./mvnw -q -pl saga-sample-shop -am package -DskipTests)
fi
JAR="$(ls "$REPO_ROOT"/saga-sample-shop/target/saga-sample-shop-*.jar | grep -v original | head -1)"

say "Starting the shop (data in $DATA_DIR, every label takes 5 s)"
start_shop "$LOG_DIR/run1.log"

say "Placing an order"
PLACED="$(curl -fs -X POST "$BASE/orders" -H 'Content-Type: application/json' \
    -d '{"item":"widget","quantity":2,"email":"ada@example.com"}')"
echo "$PLACED"
ORDER_ID="$(echo "$PLACED" | field orderId)"
SAGA_ID="$(echo "$PLACED" | field sagaId)"

say "Waiting for the label step to start"
for _ in $(seq 120); do
    grep -q "creating label" "$LOG_DIR/run1.log" && break
    sleep 0.25
done
grep -q "creating label" "$LOG_DIR/run1.log" || { echo "the label step never started"; exit 1; }
# the tracking number is derived from the step's idempotency key (ShippingService)
KILLED_LABEL="$(grep -o "creating label [^ ]*" "$LOG_DIR/run1.log" | tail -1 | awk '{print $3}')"
echo "the attempt about to be killed asks the carrier for label $KILLED_LABEL"
sleep 1
echo "order is $(order_status) while the carrier works on the label"

say "kill -9 the shop (pid $APP_PID) in the middle of createLabel"
kill -9 "$APP_PID"
wait "$APP_PID" 2>/dev/null || true
APP_PID=""
stop_postgres   # its database goes down with it, as in a machine crash
echo "killed; the label step has no outcome recorded"

say "Starting the shop again on the same data"
start_shop "$LOG_DIR/run2.log"
echo "order is $(order_status) after the restart"

say "Waiting for the saga to be taken over (lease 5 s) and the label created"
RESTARTED_AT=$SECONDS
wait_status LABELLED "$TIME_LIMIT"
echo "order LABELLED after $((SECONDS - RESTARTED_AT)) s"

say "The warehouse picks the item"
curl -fs -X POST "$BASE/orders/$ORDER_ID/picked" -H 'Content-Type: application/json' -d '{"by":"crash-demo"}'
echo
wait_status PICKED $((TIME_LIMIT - (SECONDS - RESTARTED_AT)))

say "The customer collects it"
for _ in $(seq 40); do  # the confirmation is sent right after PICKED; collected is kept until the saga asks
    curl -fs "$BASE/orders/$ORDER_ID/emails" | grep -q CONFIRMATION && break
    sleep 0.25
done
curl -fs -X POST "$BASE/orders/$ORDER_ID/collected"
echo
wait_status COLLECTED $((TIME_LIMIT - (SECONDS - RESTARTED_AT)))

SAGA_STATUS=""
for _ in $(seq 20); do
    SAGA_STATUS="$(curl -fs "$BASE/orders/$ORDER_ID" | field sagaStatus)"
    [[ "$SAGA_STATUS" == COMPLETED ]] && break
    sleep 0.25
done

say "The order"
curl -fs "$BASE/orders/$ORDER_ID"
echo
say "The label step in /actuator/sagas/$SAGA_ID: the attempt cut short by kill -9 left no record; it ran again after the lease ran out, with the same idempotency key (the same tracking number)"
SAGA_JSON="$(curl -fs "$BASE/actuator/sagas/$SAGA_ID")"
if command -v jq >/dev/null; then
    echo "$SAGA_JSON" | jq -c '.. | objects | select(.name? // "" | test("createLabel")) | {kind, name, status, attempts}' 2>/dev/null \
        || echo "$SAGA_JSON"
else
    echo "$SAGA_JSON"
fi
grep -h "automatic recovery\|Carrier: label" "$LOG_DIR/run2.log" | sed 's/^.*\] //' | head -5 || true

say "The same idempotency key, and one effect"
RETRIED_LABEL="$(grep -o "Carrier: label [^ ]* for order $ORDER_ID" "$LOG_DIR/run2.log" | head -1 | awk '{print $3}')"
CREATED="$(cat "$LOG_DIR/run1.log" "$LOG_DIR/run2.log" | grep -c "Carrier: label [^ ]* for order $ORDER_ID created" || true)"
echo "killed attempt: label $KILLED_LABEL; attempt after the restart: label $RETRIED_LABEL; labels created for the order: $CREATED"
if [[ -z "$KILLED_LABEL" || "$KILLED_LABEL" != "$RETRIED_LABEL" ]]; then
    echo; echo "FAILED: the attempt after the restart did not use the killed attempt's idempotency key"; exit 1
fi
if [[ "$CREATED" != 1 ]]; then
    echo; echo "FAILED: $CREATED labels created for one order"; exit 1
fi

if [[ "$SAGA_STATUS" != COMPLETED ]]; then
    echo; echo "FAILED: saga is '$SAGA_STATUS'"; exit 1
fi
say "OK: the order survived kill -9 and was COLLECTED; its saga is COMPLETED"
