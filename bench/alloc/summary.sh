#!/usr/bin/env bash
# bench/alloc/summary.sh TRACE.nettrace [FRAMES]: what the traced process allocated, by type, method and call stack.
set -eu
cd "$(dirname "$0")"
dotnet build AllocSummary.csproj -c Release --nologo -v q -clp:ErrorsOnly >&2
dotnet bin/Release/net10.0/AllocSummary.dll "$@"
