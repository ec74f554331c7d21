#!/usr/bin/env bash
# usage: round.sh START_N ROUNDS variants...
cd /tmp/replay24n; n=$1; r=$2; shift 2
for i in $(seq 1 $r); do for v in "$@"; do K=$(printf '%02x' $n); n=$((n+1)); ./run.sh b0 $v.sql $K 2>&1 | tail -1; done; done
