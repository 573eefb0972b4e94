#!/usr/bin/env bash
# Installs the Debian packages Werkstatt's build and tests need, if any is missing (idempotent).
#   chromium         browser tests (driven by Playwright with executable_path, never downloaded)
#   postgresql       the test suite starts its own server on a temporary data directory
#   gettext          compiles the translations
#   nodejs, npm      fetch the front-end libraries (Leaflet, htmx) from the npm registry
#   fonts-dejavu-core  fonts for screenshots and PDFs
#   poppler-utils    pdftotext/pdftoppm: tests read back the PDFs we make (badges, schedules)
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
