#!/usr/bin/env bash
# Install Debian's Chromium and a colour emoji font for the chat page test; installs only what
# is missing, so it also adds the font where Chromium is already there.
set -euo pipefail

missing=()
if [[ ! -x /usr/bin/chromium ]]; then
    missing+=(chromium fonts-dejavu-core)
fi
# Without it headless Chromium draws emoji (the bot sends 🇪🇺 and others) as empty boxes.
if ! dpkg-query -W -f='${Status}' fonts-noto-color-emoji 2>/dev/null | grep -q "install ok installed"; then
    missing+=(fonts-noto-color-emoji)
fi

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "Chromium and the emoji font are already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
    exit 0
fi

if [[ "$(id -u)" -eq 0 ]]; then
    sudo_cmd=()
elif command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
else
    echo "Installing ${missing[*]} needs root: run this script as root or install sudo." >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"

if [[ ! -x /usr/bin/chromium ]]; then
    echo "apt-get finished but /usr/bin/chromium is still missing; check the apt output above." >&2
    exit 1
fi
echo "Installed ${missing[*]}; Chromium: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
