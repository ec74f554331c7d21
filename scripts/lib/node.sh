# Node.js and npm for the OpenAPI lint (npx @redocly/cli, pinned in tests/CnsExchange.ClientTests/OpenApiLintTests.cs).
node_ensure() {
  if command -v npx >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "Node.js/npm are missing; run as root (apt-get install nodejs npm)." >&2
    return 1
  fi
  echo "Installing Node.js and npm (apt-get install nodejs npm)..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >&2
}
