#!/usr/bin/env bash
# kill -9 of a real `evq ingest` at random moments, TRIALS times (default 200): after each
# kill the store must open, pass `evq check`, and hold the events of before that ingest or
# of after it, never anything in between. Prints one line per 20 trials and a summary.
#
#     bash Tests/Stress/kill9.sh [TRIALS] [CSV]     (builds evq in release first, unless
#                                                   EVQ names an evq binary to use)
set -euo pipefail
cd "$(dirname "$0")/../.."
trials=${1:-200}
csv=${2:-Samples/ucdp-syria.csv}
evq=${EVQ:-}
if [[ -z $evq ]]; then swift build -c release --product evq >/dev/null; evq=.build/release/evq; fi
store=$(mktemp -d)/stress.evq
"$evq" ingest "$csv" --store "$store" >/dev/null
per=$("$evq" --store "$store" -c 'events | count' --format csv | tail -1)
# How long one ingest takes (microseconds), so that kills land all over it; measured again
# every 10 trials, as the machine's load changes.
measure() { local start=$(date +%s%N); "$evq" ingest "$csv" --store "$store" >/dev/null; took=$(( ($(date +%s%N) - start) / 1000 )); }
measure
events=$(( per * 2 ))
committed=0; rolled_back=0
for ((i = 1; i <= trials; i++)); do
    "$evq" ingest "$csv" --store "$store" >/dev/null 2>&1 &
    pid=$!
    # Half the kills anywhere in the ingest, half in its second half (writing and committing).
    sleep "$(awk -v r=$RANDOM -v h=$((i % 2)) -v t=$took 'BEGIN { f = r / 32767; printf "%.6f", (h ? 0.5 + 0.8 * f : 1.2 * f) * t / 1e6 }')"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    now=$("$evq" --store "$store" -c 'events | count' --format csv | tail -1) || { echo "trial $i: the store does not open"; exit 1; }
    "$evq" check --store "$store" >/dev/null || { echo "trial $i: evq check failed"; exit 1; }
    if [[ $now == "$events" ]]; then rolled_back=$((rolled_back + 1))
    elif [[ $now == $((events + per)) ]]; then committed=$((committed + 1)); events=$now
    else echo "trial $i: $now events, expected $events or $((events + per))"; exit 1; fi
    if (( i % 20 == 0 )); then echo "trial $i: $events events; $committed ingests committed, $rolled_back killed before their commit"; fi
    # Keep the store small and in few segments: start again from one ingest now and then.
    if (( i % 10 == 0 )); then
        rm -rf "$store"; "$evq" ingest "$csv" --store "$store" >/dev/null; measure; events=$((per * 2))
    elif (( i % 10 == 5 )); then
        "$evq" compact --store "$store" >/dev/null
    fi
done
echo "kill9: $trials trials, every one left an openable store with the old or the new events ($committed committed, $rolled_back rolled back; one ingest takes $((took / 1000)) ms)"
rm -rf "$(dirname "$store")"
