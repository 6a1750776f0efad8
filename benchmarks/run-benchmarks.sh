#!/usr/bin/env bash
# Runs the Warmpool benchmarks and writes JMH JSON results, then prints the ratios.
#
#   benchmarks/run-benchmarks.sh quick [results-dir]   # about 3 minutes: 3 forks, short iterations, no HikariCP
#   benchmarks/run-benchmarks.sh full  [results-dir]   # about 25 minutes: 3 forks, 5 x 2 s iterations, all peers
#   benchmarks/run-benchmarks.sh store [results-dir]   # about 4 minutes: grants/s through each store at 1, 4, 16 threads
#
# The store benchmark's jdbc case starts PostgreSQL 17 from Maven artifacts in each fork (store-jdbc's TestDatabase),
# or uses the server named by WARMPOOL_TEST_JDBC_URL.
#
# Results go to benchmarks/target/results/<mode> unless a directory is given. The uber-jar is built first if it is
# missing (./mvnw -B -pl benchmarks -am package -DskipTests). Set JAVA to run on another JVM.
set -euo pipefail

mode=${1:-quick}
here=$(cd "$(dirname "$0")" && pwd)
out=${2:-$here/target/results/$mode}
jar=$here/target/benchmarks.jar
java=${JAVA:-java}

if [[ ! -f $jar ]]; then
  (cd "$here/.." && ./mvnw -B -q -pl benchmarks -am package -DskipTests)
fi
mkdir -p "$out"

case $mode in
  quick)
    iters=(-f 3 -wi 1 -w 500ms -i 2 -r 500ms)
    hot='LeaseReleaseBenchmark\.(warmpool|stormpot|commonsPool2)$'
    single=(-f 3 -wi 0 -i 1)
    rounds=3
    ;;
  full)
    iters=(-f 3 -wi 5 -w 2s -i 5 -r 2s)
    hot='LeaseReleaseBenchmark\.'
    single=(-f 3 -wi 1 -i 3)
    rounds=7
    ;;
  store)
    for t in 1 4 16; do
      "$java" -jar "$jar" StoreGrantBenchmark -t "$t" -f 3 -wi 2 -w 1s -i 3 -r 1s -rf json -rff "$out/store-t$t.json" \
        | tee "$out/store-t$t.txt" | grep -E '^(Benchmark|StoreGrantBenchmark\.)' || true
    done
    python3 "$here/ratios.py" "$out"/store-t*.json
    exit 0
    ;;
  *)
    echo "usage: $0 quick|full|store [results-dir]" >&2
    exit 2
    ;;
esac

jmh() {
  local name=$1
  shift
  "$java" -jar "$jar" "$@" -rf json -rff "$out/$name.json" | tee "$out/$name.txt" | grep -E '^(Benchmark|[A-Z][A-Za-z]+Benchmark\.)' || true
}

for t in 1 2 8; do
  jmh "hot-t$t" "$hot" -t "$t" "${iters[@]}"
done
jmh latency-t2 "$hot" -t 2 -bm sample "${iters[@]}"
jmh scale-lease 'ScaleLeaseBenchmark' -t 1 "${iters[@]}"
jmh control-pass 'ControlPassBenchmark' -t 1 "${iters[@]}"
jmh day-run 'DayRunBenchmark' -t 1 "${single[@]}"
jmh incident-replay 'IncidentReplayBenchmark' -t 1 "${single[@]}"
"$java" -cp "$jar" dev.warmpool.benchmarks.EngineFootprint "$rounds" "$out/footprint.json" | tee "$out/footprint.txt"

python3 "$here/ratios.py" "$out"/*.json
