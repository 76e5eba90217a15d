#!/usr/bin/env bash
# Installs the Debian packages the tests and benchmarks need, once: a headless Chromium and its driver,
# a CJK font so Japanese glyphs render in screenshots, GNU gettext (msgfmt, the reference for catalog
# counts), and wrk + nginx for the load benchmark. Skips apt entirely when everything is present.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
command -v msgfmt >/dev/null || need+=(gettext)
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing system packages: ${need[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
