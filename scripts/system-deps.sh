#!/usr/bin/env bash
# Debian packages: Pango for WeasyPrint, fonts for every script on a card, redis-server (the
# private broker `flask serve` starts when REDIS_URL is unset), poppler/qpdf to
# check PDFs, Chromium for the browser tests, wrk for `make bench`'s page figures. Installs
# what is missing when run as root; otherwise prints the command to run.
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core fonts-noto-cjk
          fonts-noto-color-emoji fonts-dejavu-core fonts-dancingscript poppler-utils qpdf chromium
          redis-server wrk)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing Debian packages: ${missing[*]}"
  echo "Install them with: sudo apt-get install ${missing[*]}"
  exit 1
fi
