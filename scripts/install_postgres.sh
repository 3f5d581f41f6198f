#!/usr/bin/env bash
# Debian's PostgreSQL server binaries for the decision-record tests; a no-op when present.
# The tests start their own throwaway server (tests/postgres.py); nothing runs as a service.
set -euo pipefail
if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then exit 0; fi
if [ "$(id -u)" != "0" ]; then SUDO=sudo; else SUDO=""; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
# The package may create and start a default cluster; the tests do not use it.
command -v pg_ctlcluster >/dev/null && $SUDO pg_ctlcluster --force "$(ls /usr/lib/postgresql | tail -1)" main stop 2>/dev/null || true
compgen -G "/usr/lib/postgresql/*/bin/initdb"
