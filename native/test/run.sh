#!/bin/sh
# Builds the native kernels with the addon's flags (-O3 -std=c++17 -fPIC, no -march) plus the test
# harness, then runs the tests, or the benchmark.
#   native/test/run.sh [--quick]          tests: thread pool, conversions, every GEMM path
#   native/test/run.sh bench [ARGS...]    GFLOP/s as JSON lines (see bench.cpp for ARGS)
# CXX (default g++) and BUILD (default native/test/build) may be set; SANITIZE=thread or
# SANITIZE=address,undefined builds (into BUILD/sanitize-*) and runs the tests under the sanitizers.
set -e
cd "$(dirname "$0")/../.."
CXX=${CXX:-g++}
BUILD=${BUILD:-native/test/build}
FLAGS="-O3 -std=c++17 -fPIC -pthread -Wall -Wextra"
if [ -n "$SANITIZE" ]; then
  FLAGS="-O1 -g -std=c++17 -fPIC -pthread -fsanitize=$SANITIZE -fno-sanitize-recover=all"
  BUILD="$BUILD/sanitize-$(echo "$SANITIZE" | tr , -)"
fi
mkdir -p "$BUILD"
SRC="native/src/cpu.cpp native/src/threadpool.cpp $(ls native/src/gemm/*.cpp)"
objs=""
for f in $SRC; do
  o="$BUILD/$(echo "$f" | tr / _ | sed 's/\.cpp$/.o/')"
  if [ ! -f "$o" ] || [ -n "$(find native/src native/test/run.sh -newer "$o" | head -1)" ]; then
    $CXX $FLAGS -c "$f" -o "$o"
  fi
  objs="$objs $o"
done
if [ "$1" = bench ]; then
  shift
  $CXX $FLAGS $objs native/test/bench.cpp -o "$BUILD/bench"
  exec "$BUILD/bench" "$@"
fi
$CXX $FLAGS $objs native/test/test_main.cpp native/test/test_threadpool.cpp native/test/test_convert.cpp \
  native/test/test_gemm.cpp -o "$BUILD/test"
# the pool's workers must never keep the process from exiting: a hang fails the run
exec timeout 900 "$BUILD/test" "$@"
