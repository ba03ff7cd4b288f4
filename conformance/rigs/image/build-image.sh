#!/usr/bin/env bash
# Builds the rig image without a registry, cached by content.
#
#   conformance/rigs/image/build-image.sh [--print-tag] [--no-save] [--with-pcs]
#
# 1. tag = first 16 hex of sha256(this script, Dockerfile, packages, node binary, mirror, options)
# 2. $IMAGE:$tag already in dockerd       -> tag it :latest, done (about a second)
# 3. $CACHE/$IMAGE-$tag.tar.zst exists    -> zstd -d | docker load (a few seconds)
# 4. otherwise: debootstrap --variant=minbase a bookworm root with the packages (1-3 min), slim it,
#    tar | docker import as the base, docker build the Dockerfile on it (adds Node), docker save |
#    zstd into the cache.
#
# Environment:
#   OCFKIT_RIG_IMAGE   image repository (default ocfkit-rig)
#   OCFKIT_RIG_CACHE   cache directory for the saved image (default ${XDG_CACHE_HOME:-~/.cache}/ocfkit-rig)
#   OCFKIT_RIG_BASE    a registry base instead of debootstrap (e.g. debian:bookworm-slim)
#   OCFKIT_RIG_MIRROR  Debian mirror (default: the first bookworm URI in /etc/apt/sources.list*)
#   OCFKIT_RIG_NODE    the Node >= 20 binary to copy (default: `command -v node`). Debian bookworm's
#                      nodejs is 18.x, below the agents' engines field; the host's binary needs
#                      only glibc, libstdc++6 and libgcc-s1, which every Debian root has.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=${OCFKIT_RIG_IMAGE:-ocfkit-rig}
cache=${OCFKIT_RIG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ocfkit-rig}
print_tag=0 save=1 pcs=0
for a in "$@"; do
  case "$a" in
    --print-tag) print_tag=1 ;;
    --no-save) save=0 ;;
    --with-pcs) pcs=1 ;;  # pcs pulls python3, ruby and pcsd (~150 MB); the rigs use cibadmin/crm_*
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-image: unknown option $a (see --help)" >&2; exit 2 ;;
  esac
done

t0=$(date +%s)
say() { printf '[rig image %3ss] %s\n' "$(( $(date +%s) - t0 ))" "$*" >&2; }

node_bin=${OCFKIT_RIG_NODE:-$(command -v node)}
node_major=$("$node_bin" -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || { echo "build-image: $node_bin is Node $node_major; the agents need >= 20 (set OCFKIT_RIG_NODE)" >&2; exit 2; }
mirror=${OCFKIT_RIG_MIRROR:-$(grep -rhoE '(URIs:|deb)[[:space:]]+https?://[^[:space:]]+/debian/?([[:space:]]|$)' /etc/apt/sources.list /etc/apt/sources.list.d 2>/dev/null | awk 'NR==1{print $2}' || true)}
mirror=${mirror:-http://deb.debian.org/debian}
packages=$(grep -v '^[[:space:]]*#' "$here/packages" | grep -v '^[[:space:]]*$' | tr '\n' ' ')
[ "$pcs" = 1 ] && packages="$packages pcs"

tag=$({ cat "$0" "$here/Dockerfile"; echo "$packages"; sha256sum < "$node_bin"; echo "${OCFKIT_RIG_BASE:-debootstrap $mirror}"; } | sha256sum | cut -c1-16)
if [ "$print_tag" = 1 ]; then echo "$image:$tag"; exit 0; fi

if docker image inspect "$image:$tag" >/dev/null 2>&1; then
  docker tag "$image:$tag" "$image:latest"
  say "$image:$tag is current (tagged $image:latest)"
  exit 0
fi
file="$cache/$image-$tag.tar.zst"
if [ -s "$file" ]; then
  say "loading $file"
  zstd -dc "$file" | docker load >/dev/null
  docker tag "$image:$tag" "$image:latest"
  say "$image:$tag loaded from the cache (tagged $image:latest)"
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ocfkit-rig-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
ctx="$work/context"
mkdir -p "$ctx"
cp "$here/Dockerfile" "$here/packages" "$ctx/"
[ "$pcs" = 1 ] && echo pcs >> "$ctx/packages"
cp "$node_bin" "$ctx/node"

if [ -n "${OCFKIT_RIG_BASE:-}" ]; then
  base=$OCFKIT_RIG_BASE
  say "base $base (from a registry; the Dockerfile installs the packages)"
else
  base="$image-base:$tag"
  root="$work/root"
  say "debootstrap bookworm from $mirror with: $packages"
  debootstrap --variant=minbase --include="$(echo "$packages" | tr ' ' ',' | sed 's/,*$//')" \
    bookworm "$root" "$mirror" 2>&1 | while IFS= read -r line; do
      case "$line" in I:\ Retrieving*|I:\ Validating*|I:\ Extracting*|I:\ Unpacking*|I:\ Configuring*) ;; *) say "  $line" ;; esac
    done
  [ -x "$root/usr/sbin/pacemakerd" ] || { echo "build-image: debootstrap did not install pacemaker (see above)" >&2; exit 1; }
  say "slimming the root ($(du -sm "$root" | cut -f1) MB)"
  rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* \
    "$root"/usr/share/info/* "$root"/var/log/*.log "$root"/var/cache/debconf/*-old "$root"/etc/postgresql/*/main \
    "$root"/var/lib/postgresql/*/main
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} +
  : > "$root/etc/machine-id"
  say "importing the root ($(du -sm "$root" | cut -f1) MB) as $base"
  tar -C "$root" -c . | docker import -c 'CMD ["/bin/bash"]' - "$base" >/dev/null
  rm -rf "$root"
fi
say "docker build on $base (adds Node $("$node_bin" -v))"
docker build -q --build-arg "BASE=$base" -t "$image:$tag" "$ctx" >/dev/null
docker tag "$image:$tag" "$image:latest"
[ -z "${OCFKIT_RIG_BASE:-}" ] && docker rmi "$base" >/dev/null 2>&1 || true
size=$(docker image inspect -f '{{.Size}}' "$image:$tag")
say "built $image:$tag ($(( size / 1048576 )) MB)"
if [ "$save" = 1 ]; then
  mkdir -p "$cache"
  rm -f "$cache/$image"-*.tar.zst
  docker save "$image:$tag" | zstd -q -T0 -3 -o "$file.part" && mv "$file.part" "$file"
  say "cached as $file ($(( $(stat -c %s "$file") / 1048576 )) MiB)"
fi
