# nginx as the reverse proxy of scripts/scale-out.sh and bench/run.sh (sourced). Debian's package, installed with apt
# only when missing; run as a plain foreground-less process with its own config, pid and temp folders (no system service).

nginx_ensure() {
  NGINX_BIN=$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true)
  if [ -n "$NGINX_BIN" ]; then export NGINX_BIN; return 0; fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "nginx is missing; run as root (apt-get install nginx) or install it." >&2
    return 1
  fi
  echo "Installing nginx (apt-get install nginx)..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >&2 || return 1
  NGINX_BIN=$(command -v nginx || echo /usr/sbin/nginx)
  [ -x "$NGINX_BIN" ] || return 1
  export NGINX_BIN
}

# nginx_config DIR PROXY_PORT API_PORT...: writes DIR/nginx.conf, a round-robin upstream over the API processes, with
# the proxy rules of deploy/nginx/ (which requests are retried, timeouts). Passive health checks: a process that fails
# once (refused connection, reset, timeout, 502/503/504) is left out for 3 s.
nginx_config() {
  local dir=$1 port=$2; shift 2
  local rules; rules=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../deploy/nginx" && pwd)
  mkdir -p "$dir/tmp"
  # The workers run as an unprivileged user when nginx starts as root: they must reach the temp folders, where a body
  # above the 16 KiB buffer is written (a validation with a 20 KiB scan answered 500, "open() … (13: Permission denied)",
  # from a folder made by mktemp -d, mode 700).
  chmod 755 "$dir" "$dir/tmp"
  local servers="" p
  for p in "$@"; do servers+="    server 127.0.0.1:$p max_fails=1 fail_timeout=3s;"$'\n'; done
  cat > "$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log $dir/access.log combined buffer=64k flush=2s;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  server_tokens off;
  include $rules/cns-retry-map.conf;
  upstream cns_api {
$servers    keepalive 64;
  }
  server {
    listen 127.0.0.1:$port;
    include $rules/cns-locations.conf;
  }
}
CONF
}

nginx_start() { "$NGINX_BIN" -c "$1/nginx.conf" -p "$1" -e "$1/error.log"; }

nginx_stop() { [ -f "$1/nginx.pid" ] && "$NGINX_BIN" -c "$1/nginx.conf" -p "$1" -e "$1/error.log" -s quit 2>/dev/null || true; }
