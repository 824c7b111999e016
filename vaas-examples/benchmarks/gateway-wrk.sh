#!/usr/bin/env bash
# The hello route through the gateway against a plain Jetty handler returning the same bytes, loaded by wrk (a
# native client, so the load generator costs the 2 cores less than a Java one): requests per second, p99 latency,
# and requests per CPU-second of the server process (the design brief's measure), contenders alternated:
#   plain     a non-blocking handler: Jetty runs it on the thread that read the request, no hand-off
#   blocking  the same handler as Jetty's default (may block): Jetty hands it to a pool thread
#   gateway   the hello app through VaasHandler (which may block, so it hands off too)
#   workers   the same app with "workerThreads": "always" (a second hand-off, to the app's own thread)
#
#   bash vaas-examples/benchmarks/gateway-wrk.sh [connections] [seconds] [rounds]
#
# Needs wrk (Debian: apt-get install wrk), JAVA_HOME set to a JDK 25, and `mvn -DskipTests package` done.
set -euo pipefail
connections=${1:-32}
seconds=${2:-10}
rounds=${3:-2}
here=$(cd "$(dirname "$0")" && pwd)
jar="$here/target/benchmarks.jar"
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 1; }
[ -f "$jar" ] || { echo "$jar not found: run mvn -DskipTests package first" >&2; exit 1; }

out=$(mktemp)
fifo=$(mktemp -u)
mkfifo "$fifo"
# The server serves until its input closes: this script holds the only writer of that pipe (fd 3).
"${JAVA_HOME:?set JAVA_HOME to a JDK 25}/bin/java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$jar" io.vaas.examples.bench.GatewayThroughput --serve <"$fifo" >"$out" 2>&1 &
server=$!
exec 3>"$fifo"
rm -f "$fifo"
trap 'exec 3>&-; wait $server 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 1 100); do grep -q '^plain=' "$out" && break; sleep 0.2; done
line=$(grep '^plain=' "$out") || { cat "$out" >&2; exit 1; }
declare -A url
for kv in $line; do url[${kv%%=*}]=${kv#*=}; done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
hz=$(getconf CLK_TCK)

run() { # name url seconds -> "req/s p99 req-per-cpu-second"
    local before after result rps p99
    before=$(cpu_ticks)
    result=$(wrk -t2 -c"$connections" -d"$3"s --latency "$2")
    after=$(cpu_ticks)
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$result")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$result")
    awk -v n="$1" -v rps="$rps" -v p99="$p99" -v s="$3" -v cpu=$(( after - before )) -v hz="$hz" \
        'BEGIN { printf "%-8s %9.0f req/s  p99 %8s  %8.0f req per server CPU-second\n", n, rps, p99, rps * s / (cpu / hz) }'
}

echo "warm-up"
for name in plain blocking gateway workers; do run "$name" "${url[$name]}" 5 >/dev/null; done
for round in $(seq 1 "$rounds"); do
    echo "round $round, $connections connections, ${seconds}s each"
    for name in plain blocking gateway workers; do run "$name" "${url[$name]}" "$seconds"; done
done
