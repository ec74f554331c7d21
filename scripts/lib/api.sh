# Waiting for an API process started in the background (sourced by scale-out.sh and bench/run.sh).

# api_wait_ready PORT PID LOG [SECONDS]: returns once http://127.0.0.1:PORT/health/ready answers; exits the script,
# naming the process and showing the end of its log, when the process stops first or (with SECONDS) the time runs out.
api_wait_ready() {
  local port=$1 pid=$2 log=$3 limit=${4:-0} deadline=$((SECONDS + ${4:-0}))
  until curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null || { [ "$limit" -gt 0 ] && [ $SECONDS -ge $deadline ]; }; then
      echo "The API process on port $port did not become ready; see $log" >&2
      tail -20 "$log" >&2; exit 1
    fi
    sleep 0.5
  done
}
