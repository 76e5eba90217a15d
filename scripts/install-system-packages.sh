#!/usr/bin/env bash
# Installs the Debian packages a make target needs, once, and skips apt entirely when they are present.
#   test:  a headless Chromium (Playwright drives /usr/bin/chromium), a CJK font so Japanese glyphs render
#          in screenshots, and GNU gettext (msgfmt, the reference for catalog counts and syntax)
#   bench: gettext (msgfmt) and the load drivers of the benchmarks: wrk and nginx
set -euo pipefail
need=()
case "${1:-test}" in
  test)
    command -v chromium >/dev/null || need+=(chromium)
    [ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
    command -v msgfmt >/dev/null || need+=(gettext)
    ;;
  bench)
    command -v msgfmt >/dev/null || need+=(gettext)
    command -v wrk >/dev/null || need+=(wrk)
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
    ;;
  *) echo "usage: $0 test|bench" >&2; exit 2 ;;
esac
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing system packages: ${need[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
