#!/usr/bin/env bash
# Both migration sets apply and match their schema (no drift), on SQLite and on the local
# PostgreSQL, and the two schemas describe the same models.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
prisma="node node_modules/prisma/build/index.js"

# Same models in both schema files (only the header differs).
if ! diff <(sed '1,/^datasource db/d' prisma/sqlite/schema.prisma | sed '1,/^}/d') \
          <(sed '1,/^datasource db/d' prisma/postgres/schema.prisma | sed '1,/^}/d') >/dev/null; then
  echo "db-check: prisma/sqlite and prisma/postgres schemas differ in their models"; exit 1
fi

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sqlite_url="file:$tmp/check.db"
DATABASE_URL=$sqlite_url $prisma migrate deploy >/dev/null
DATABASE_URL=$sqlite_url $prisma migrate diff --from-migrations prisma/sqlite/migrations --to-schema prisma/sqlite/schema.prisma --exit-code >/dev/null \
  || { echo "db-check: SQLite migrations drift from prisma/sqlite/schema.prisma"; exit 1; }
echo "db-check: SQLite migrations apply, no drift"

pg_admin=${PG_ADMIN_URL:-postgresql://postgres:postgres@127.0.0.1:5432/postgres}
pg_url=${pg_admin%/*}/parley_ci_check
psql "$pg_admin" -qc 'DROP DATABASE IF EXISTS parley_ci_check WITH (FORCE)' >/dev/null 2>&1 || su postgres -c "psql -qc 'DROP DATABASE IF EXISTS parley_ci_check WITH (FORCE)'" >/dev/null
DATABASE_URL=$pg_url $prisma migrate deploy >/dev/null
DATABASE_URL=$pg_url $prisma migrate diff --from-migrations prisma/postgres/migrations --to-schema prisma/postgres/schema.prisma --exit-code >/dev/null \
  || { echo "db-check: PostgreSQL migrations drift from prisma/postgres/schema.prisma"; exit 1; }
psql "$pg_admin" -qc 'DROP DATABASE IF EXISTS parley_ci_check WITH (FORCE)' >/dev/null 2>&1 || true
echo "db-check: PostgreSQL migrations apply, no drift"
