#!/usr/bin/env bash
# Builds evq's libFuzzer targets with AddressSanitizer and runs each for a bounded time:
#   query         text -> parse, check, plan, run, render
#   readers       bytes -> CSV/TSV/JSONL ingest
#   differential  a query run with every optimizer pass and with none: answers must agree
#   store         a store whose segment file or manifest is damaged -> open, query
#   bash Tests/Fuzz/run.sh [SECONDS_PER_TARGET=60] [TARGET...]
# Seeds come from Queries/, the language reference's examples and the bundled samples; what a
# run adds is kept in .build-fuzz/corpus. A crash leaves crash-* in .build-fuzz; turn it into a
# regression test. Not run by CI: a fuzz run is open-ended by nature.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
shift || true
targets=("${@:-query readers differential store}")
targets=(${targets[@]})
build=.build-fuzz
# SwiftPM's --sanitize fuzzer instruments executables only: ask for coverage in the libraries too.
swift build -j 2 --build-path "$build" --sanitize address --target EVQ \
    -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address -Xcxx -fsanitize=fuzzer-no-link,address >&2
debug="$build/debug"
# The targets use the session's `package` members (its catalog, statement outcomes): compile
# them as part of the package, under the name SwiftPM gave it (the checkout's folder name).
package_name=$(grep -o '"-package-name","[^"]*"' "$build/debug.yaml" | grep -v swift_argument_parser | head -1 | cut -d'"' -f4)
objects=$(ls "$debug"/{EVQ,EVQEngine,EVQStore,EVQSyntax,CRegex,CChecksum}.build/*.o)
for t in "${targets[@]}"; do
    case "$t" in
        query) source=Tests/Fuzz/QueryFuzz.swift ;;
        readers) source=Tests/Fuzz/ReaderFuzz.swift ;;
        differential) source=Tests/Fuzz/DifferentialFuzz.swift ;;
        store) source=Tests/Fuzz/StoreFuzz.swift ;;
        *) echo "unknown target '$t' (query, readers, differential, store)" >&2; exit 64 ;;
    esac
    swiftc -sanitize=fuzzer,address -parse-as-library -module-name "Fuzz_$t" -package-name "$package_name" -I "$debug/Modules" \
        -Xcc -fmodule-map-file="$debug/CRegex.build/module.modulemap" -I Sources/CRegex/include \
        -Xcc -fmodule-map-file="$debug/CChecksum.build/module.modulemap" -I Sources/CChecksum/include \
        "$PWD/$source" $objects -lre2 -lstdc++ -o "$build/fuzz-$t"
    seeds="$build/seeds/$t"
    rm -rf "$seeds"
    mkdir -p "$seeds" "$build/corpus/$t"
    if [ "$t" = query ] || [ "$t" = differential ]; then
        cp Queries/*.evq "$seeds/"
        awk '/^```evq$/{n++; f=sprintf("'"$seeds"'/ref-%03d.evq", n); next} /^```/{f=""} f{print > f}' Sources/EVQ/EVQ.docc/Language.md
        if [ "$t" = differential ]; then
            # An odd first byte runs the rest as text; an even one builds a pipeline from the bytes.
            for f in "$seeds"/*.evq; do { printf '\x01'; cat "$f"; } > "$f.seed" && mv "$f.seed" "$f"; done
            for i in $(seq 0 63); do printf "$(printf '\\x00\\x%02x\\x%02x\\x%02x' $((i * 3)) $(((i * 5 + 1) % 256)) $(((i * 7 + 2) % 256)))" > "$seeds/pipeline-$i"; done
        fi
    elif [ "$t" = store ]; then
        ASAN_OPTIONS=detect_leaks=0 EVQ_FUZZ_SEEDS="$seeds" "$build/fuzz-$t"
    else
        # The first byte picks the reader: 0 csv, 1 tsv, 2 jsonl.
        { printf '\x00'; head -c 4000 Samples/seed-events.csv; } > "$seeds/seed.csv"
        { printf '\x00'; head -c 4000 Samples/actors.csv; } > "$seeds/actors.csv"
        { printf '\x01'; head -c 4000 Samples/seed-events.csv | tr ',' '\t'; } > "$seeds/seed.tsv"
        { printf '\x02'; printf '{"id": "a", "n": 1, "t": "2024-10-01"}\n{"id": "b\\u00e9", "n": 2.5, "x": [1, {"y": null}]}\n'; } > "$seeds/seed.jsonl"
    fi
    echo "fuzzing $t for $seconds s" >&2
    # Leak reports are off: lazily built, cached indexes live as long as the process on purpose.
    (cd "$build" && ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}" nice -n 10 "./fuzz-$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
        -print_final_stats=1 "corpus/$t" "seeds/$t")
done
