# Chromium for the Swagger UI test (Microsoft.Playwright drives the Debian 'chromium' package through
# CNSEXCHANGE_CHROMIUM; no Playwright browser download).
chromium_ensure() {
  local bin
  for bin in /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -x "$bin" ]; then export CNSEXCHANGE_CHROMIUM="$bin"; return 0; fi
  done
  if [ "$(id -u)" -ne 0 ]; then
    echo "Chromium is missing; run as root (apt-get install chromium) or set CNSEXCHANGE_CHROMIUM." >&2
    return 1
  fi
  echo "Installing Chromium (apt-get install chromium)..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2 || return 1
  export CNSEXCHANGE_CHROMIUM=/usr/bin/chromium
}
