#!/usr/bin/env bash
# What the tests need from the machine: Debian's Chromium (e2e through playwright-core, never
# `npx playwright install`), the local PostgreSQL and Redis, ffmpeg (call recordings), sipp and baresip
# (real SIP peers), sox, and the mediasoup worker (built offline, cached outside the clone).
# Idempotent and quick when everything is there; installs with apt-get (as root) when not.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v psql >/dev/null 2>&1 || need+=(postgresql)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v sipp >/dev/null 2>&1 || need+=(sip-tester)
command -v baresip >/dev/null 2>&1 || need+=(baresip-core)
command -v sox >/dev/null 2>&1 || need+=(sox)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "missing Debian packages: ${need[*]} (run as root or install them)"; exit 1; fi
  echo "installing Debian packages: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# PostgreSQL: start the local cluster when it is down (same command as the machine's boot).
if command -v pg_lsclusters >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  version=$(ls /etc/postgresql 2>/dev/null | head -n1)
  if [ -n "$version" ]; then pg_ctlcluster --skip-systemctl-redirect "$version" main start || true; fi
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi

# Redis (the multi-node test): start it when it is down (same command as the machine's boot).
if command -v redis-server >/dev/null 2>&1 && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi

# The mediasoup worker: a cache hit takes well under a second, a cold build ~5-10 minutes.
if [ -d node_modules/mediasoup ]; then bash media/build-worker.sh; fi

# Generated Prisma clients (normally made by npm's postinstall).
if [ -d node_modules/prisma ] && [ ! -f server/store/generated/sqlite/client.ts ]; then node scripts/postinstall.mjs; fi
