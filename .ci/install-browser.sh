#!/usr/bin/env bash
# Install Debian's Chromium for the chat page test; does nothing when it is already there.
set -euo pipefail

if [[ -x /usr/bin/chromium ]]; then
    echo "Chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
    exit 0
fi

if [[ "$(id -u)" -eq 0 ]]; then
    sudo_cmd=()
elif command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
else
    echo "Installing Chromium needs root: run this script as root or install sudo." >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends chromium fonts-dejavu-core

if [[ ! -x /usr/bin/chromium ]]; then
    echo "apt-get finished but /usr/bin/chromium is still missing; check the apt output above." >&2
    exit 1
fi
echo "Chromium installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
