#!/usr/bin/env bash
# Runs every test of the solution, then the native kimi's end-to-end smoke. Besides the .NET SDK the tests
# drive tmux (the shell's pseudo-terminal tests) and python3 (the Python client's flock interop in the auth
# tests), npm installs the official Node client and its Node 22 for the interop tests (docs/interop.md), and
# the Native AOT publish links with clang: installed when missing (scripts/prerequisites.sh).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
source scripts/prerequisites.sh

install_missing tmux=tmux python3=python3 npm=npm
dotnet test KimiCode.slnx "$@"

# The native kimi, installed the way a user installs it (into a throwaway prefix), then the offline tour
# run with that binary: device-flow login against the emulator, -p, and an ACP prompt. A trim or AOT
# warning fails the publish; any wrong answer fails the tour.
echo "==> native kimi: ./install.sh into a temporary prefix, then ./quickstart.sh with it"
prefix="$(mktemp -d)"
trap 'rm -rf "$prefix"' EXIT
./install.sh --prefix "$prefix"
"$prefix/bin/kimi" --version
KIMI="$prefix/bin/kimi" ./quickstart.sh
