# Shared helpers to run a local PostgreSQL cluster without Docker (sourced by run.sh, test.sh, reliability.sh).
# initdb refuses root, so the cluster runs as the 'postgres' system user.

pg_find_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

# Installs the server with apt only when its binaries are missing.
pg_ensure_binaries() {
  if PG_BIN=$(pg_find_bindir); then export PG_BIN; return 0; fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "PostgreSQL server binaries are missing; run as root (apt-get install postgresql) or set CNSEXCHANGE_TEST_DB." >&2
    return 1
  fi
  echo "Installing PostgreSQL server (apt-get install postgresql)..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2 || return 1
  PG_BIN=$(pg_find_bindir) || return 1
  export PG_BIN
}

pg_ensure_user() {
  if ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
}

# Runs a command as the postgres user when we are root, as ourselves otherwise.
pg_as() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Free = nothing listens on it AND no socket uses it as its local port: the picks (5643x, 1870x) lie inside the kernel's
# ephemeral range, where a client connection of another run may hold the port, and PostgreSQL then fails to bind it.
pg_port_free() {
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 1; fi
  if command -v ss >/dev/null 2>&1 && [ -n "$(ss -Htan "( sport = :$1 )" 2>/dev/null)" ]; then return 1; fi
  return 0
}

pg_pick_port() {
  local port=$1
  while ! pg_port_free "$port"; do port=$((port + 1)); done
  echo "$port"
}

# A folder the postgres user can reach: the wanted one if its parents are traversable, else one under /var/tmp.
pg_usable_dir() {
  local wanted=$1 fallback=$2
  mkdir -p "$wanted" 2>/dev/null || true
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$wanted" 2>/dev/null || true
    if runuser -u postgres -- test -w "$wanted" 2>/dev/null; then echo "$wanted"; return; fi
    mkdir -p "$fallback"; chown postgres: "$fallback"; echo "$fallback"; return
  fi
  echo "$wanted"
}

# pg_start DATADIR PORT [extra server options...]: initdb on first use, then start on 127.0.0.1:PORT.
pg_start() {
  local data=$1 port=$2; shift 2
  if [ ! -f "$data/PG_VERSION" ]; then
    pg_as "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null || \
      pg_as "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null || return 1
  fi
  mkdir -p "$data/run" 2>/dev/null || pg_as mkdir -p "$data/run"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$data/run"
  pg_as "$PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
    -o "-p $port -k $data/run -c listen_addresses=127.0.0.1 -c max_connections=300 $*" start >/dev/null || {
      echo "PostgreSQL did not start; see $data/server.log:" >&2; tail -20 "$data/server.log" >&2; return 1; }
}

# pg_start_free DATADIR FIRST_PORT [extra server options...]: pg_start on the first free port from FIRST_PORT, and again on
# the next one when another run bound that port between the pick and the start (two test runs started at once: initdb
# takes seconds). Sets PG_PORT.
pg_start_free() {
  local data=$1 port=$2 err attempt; shift 2
  for attempt in 1 2 3 4 5; do
    port=$(pg_pick_port "$port")
    if err=$(pg_start "$data" "$port" "$@" 2>&1); then PG_PORT=$port; return 0; fi
    if [ "$attempt" -lt 5 ] && grep -qE "could not (create any TCP/IP sockets|bind)" <<<"$err"; then
      echo "Port $port was taken by another process meanwhile; trying the next one." >&2
      port=$((port + 1))
      continue
    fi
    echo "$err" >&2
    return 1
  done
}

pg_stop() {
  local data=$1
  [ -f "$data/postmaster.pid" ] && pg_as "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}

pg_connection_string() { echo "Host=127.0.0.1;Port=$1;Username=postgres;Database=$2"; }
