#!/usr/bin/env bash
# Installs the Debian packages Precinct needs when they are missing (only when running as root).
# Idempotent: when everything is there it only runs dpkg queries.
set -euo pipefail
PACKAGES=(ffmpeg chromium chromium-driver fonts-wqy-microhei postgresql)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
# Splink's Spark backend (#5) needs a Java runtime (17 for pyspark 3.5): any java will do.
command -v java >/dev/null || missing+=(default-jre-headless)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "warning: missing system packages: ${missing[*]} (install them as root with apt-get);" \
       "tests that need them will fail" >&2
  exit 0
fi
echo "installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
