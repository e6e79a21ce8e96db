#!/usr/bin/env bash
# Builds the mediasoup 3.12.16 worker offline against Debian 12 system libraries and installs it
# at mediasoup's default path (node_modules/mediasoup/worker/out/Release/mediasoup-worker).
#
#   bash media/build-worker.sh          # build or copy from cache, install (from anywhere)
#   bash media/build-worker.sh --key    # print the cache key (e.g. for a CI cache) and exit
#
# mediasoup's own postinstall downloads a prebuilt binary or builds with meson subprojects that
# download their sources; neither works offline, so package.json disables it (allowScripts).
# Here the download-only subprojects are replaced by stubs that export Debian's libraries
# (libuv, OpenSSL 3, libsrtp2, usrsctp, abseil, nlohmann-json), and Debian's meson/ninja build it.
#
# The stripped binary is cached outside the repo, keyed by mediasoup version, machine,
# this script's hash and the Debian library versions:
#   ${MEDIASOUP_WORKER_CACHE:-$HOME/.cache/parley/mediasoup-worker}/<key>/mediasoup-worker
# A cache hit only copies (well under a second); an installed binary equal to the cached one is
# left alone. A cold build takes about 5 minutes on 2 cores.
set -euo pipefail

die() { echo "build-worker: $*" >&2; exit 1; }
case "${1:-}" in
  '') MODE=install ;;
  --key) MODE=key ;;
  *) die "unknown argument $1 (usage: bash media/build-worker.sh [--key])" ;;
esac
log() { echo "build-worker: $*"; }

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SELF="$REPO/media/build-worker.sh"
MS_DIR="$REPO/node_modules/mediasoup"
WANT_VERSION=3.12.16

[ -f "$MS_DIR/package.json" ] || die "node_modules/mediasoup is missing: run npm ci first"
MS_VERSION=$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$MS_DIR/package.json" | head -n1)
[ "$MS_VERSION" = "$WANT_VERSION" ] \
  || die "mediasoup $MS_VERSION is installed but this script builds $WANT_VERSION (the pinned version)"

# Debian packages: the libraries the worker links against (their -dev packages pull the runtime
# libraries in) and the build tools.
LIB_DEBS=(libuv1-dev libssl-dev libsrtp2-dev libusrsctp-dev libabsl-dev nlohmann-json3-dev)
TOOL_DEBS=(meson ninja-build pkg-config g++ make)
if ! dpkg -s "${LIB_DEBS[@]}" "${TOOL_DEBS[@]}" >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || die "missing Debian packages; run as root or: apt-get install ${LIB_DEBS[*]} ${TOOL_DEBS[*]}"
  log "installing Debian packages: ${LIB_DEBS[*]} ${TOOL_DEBS[*]}"
  apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${LIB_DEBS[@]}" "${TOOL_DEBS[@]}" >/dev/null || die "apt-get install failed"
fi

SELF_HASH=$(sha256sum "$SELF" | cut -c1-12)
LIBS_HASH=$(dpkg-query -W -f='${Package}=${Version}\n' "${LIB_DEBS[@]}" | sort | sha256sum | cut -c1-12)
KEY="mediasoup-$MS_VERSION-$(uname -m)-$SELF_HASH-$LIBS_HASH"
if [ "$MODE" = key ]; then echo "$KEY"; exit 0; fi
CACHE_ROOT="${MEDIASOUP_WORKER_CACHE:-$HOME/.cache/parley/mediasoup-worker}"
CACHED="$CACHE_ROOT/$KEY/mediasoup-worker"
OUT_DIR="$MS_DIR/worker/out/Release"
INSTALLED="$OUT_DIR/mediasoup-worker"

install_cached() { # install_cached WHAT (for the message)
  if [ -x "$INSTALLED" ] && cmp -s "$CACHED" "$INSTALLED"; then
    log "up to date ($KEY)"
    return 0
  fi
  mkdir -p "$OUT_DIR"
  # Copy then rename, so a running worker or a concurrent run never sees a half-written file.
  cp "$CACHED" "$INSTALLED.tmp.$$" && chmod 755 "$INSTALLED.tmp.$$" && mv -f "$INSTALLED.tmp.$$" "$INSTALLED" \
    || die "could not install $INSTALLED"
  log "installed $1 ($KEY)"
}

if [ -x "$CACHED" ]; then install_cached "from cache"; exit 0; fi

# Cold build. One build at a time per cache root; a second run waits, then hits the cache.
mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.lock"
flock 9
if [ -x "$CACHED" ]; then install_cached "from cache"; exit 0; fi

START=$(date +%s)
SRC=$(mktemp -d "${TMPDIR:-/tmp}/parley-mediasoup-worker.XXXXXX")
trap 'rm -rf "$SRC"' EXIT
log "cold build of mediasoup-worker $MS_VERSION in $SRC (about 5 minutes on 2 cores)"
(cd "$MS_DIR/worker" && tar --exclude=./out -cf - .) | (cd "$SRC" && tar -xf -)
cd "$SRC"

# Debian 12 ships meson 1.0.1; 3.12's meson.build asks for >= 1.1.0 but uses nothing newer.
sed -i "s/meson_version: '>= 1.1.0'/meson_version: '>= 1.0.0'/" meson.build
grep -q "meson_version: '>= 1.0.0'" meson.build || die "meson.build changed: cannot relax meson_version"

# Stub subprojects: same names and variables as the wraps, backed by system libraries.
# The static "*_lib" variables only feed the (unbuilt) shared library target's link_whole.
rm -f subprojects/*.wrap
stub() { # stub NAME  (meson.build on stdin)
  mkdir -p "subprojects/$1"
  echo '/* empty: the real library comes from Debian */' > "subprojects/$1/stub.c"
  cat > "subprojects/$1/meson.build"
}
stub openssl <<'EOF'
project('openssl', 'c')
openssl_dep = dependency('openssl', version: '>= 3.0')
libcrypto_lib = static_library('crypto_stub', 'stub.c')
libssl_lib = static_library('ssl_stub', 'stub.c')
EOF
stub nlohmann_json <<'EOF'
project('nlohmann_json', 'cpp')
nlohmann_json_dep = dependency('nlohmann_json')
EOF
stub libuv <<'EOF'
project('libuv', 'c')
libuv_dep = dependency('libuv')
libuv = static_library('uv_stub', 'stub.c')
EOF
cat > subprojects/libuv/meson_options.txt <<'EOF'
option('build_tests', type: 'boolean', value: false)
option('build_benchmarks', type: 'boolean', value: false)
EOF
stub libsrtp2 <<'EOF'
project('libsrtp2', 'c')
libsrtp2_dep = declare_dependency(dependencies: dependency('libsrtp2'), include_directories: include_directories('/usr/include/srtp2'))
libsrtp2 = static_library('srtp2_stub', 'stub.c')
EOF
cat > subprojects/libsrtp2/meson_options.txt <<'EOF'
option('crypto-library', type: 'string', value: 'openssl')
option('crypto-library-kdf', type: 'string', value: 'disabled')
option('tests', type: 'string', value: 'disabled')
EOF
stub usrsctp <<'EOF'
project('usrsctp', 'c')
usrsctp_dep = dependency('usrsctp')
usrsctp = static_library('usrsctp_stub', 'stub.c')
EOF
echo "option('sctp_build_programs', type: 'boolean', value: false)" > subprojects/usrsctp/meson_options.txt
stub abseil-cpp <<'EOF'
project('abseil-cpp', 'c', 'cpp')
absl_container_dep = declare_dependency(dependencies: [
  dependency('absl_flat_hash_map'), dependency('absl_flat_hash_set'), dependency('absl_btree'),
  dependency('absl_inlined_vector'), dependency('absl_memory'),
])
absl_strings_dep = dependency('absl_strings')
absl_types_dep = declare_dependency(dependencies: [dependency('absl_optional'), dependency('absl_variant')])
absl_container_lib = static_library('absl_stub', 'stub.c')
EOF
stub catch2 <<'EOF'
project('catch2', 'cpp')
catch2_dep = declare_dependency()
EOF

meson setup build --buildtype=release -Db_ndebug=true --wrap-mode=nodownload >meson-setup.log 2>&1 \
  || { tail -n 40 meson-setup.log >&2; die "meson setup failed"; }
ninja -C build mediasoup-worker >ninja.log 2>&1 \
  || { tail -n 60 ninja.log >&2; die "ninja build failed"; }
strip build/mediasoup-worker

# Every shared library must resolve, or the worker would die at spawn with a vaguer error.
if ldd build/mediasoup-worker | grep -q 'not found'; then
  ldd build/mediasoup-worker | grep 'not found' >&2
  die "built worker has unresolved shared libraries"
fi

mkdir -p "$CACHE_ROOT/$KEY"
cp build/mediasoup-worker "$CACHED.tmp.$$" && mv -f "$CACHED.tmp.$$" "$CACHED" || die "could not write cache $CACHED"
install_cached "the new build"
log "built in $(( $(date +%s) - START )) s ($KEY)"
