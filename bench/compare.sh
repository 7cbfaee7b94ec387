#!/usr/bin/env bash
# kimi side by side, one command, one run: publishes the native kimi, then measures (medians of N runs after a
# warm-up, peak RSS from /usr/bin/time or the agent's VmHWM) `--version`, `-p` one turn, ACP spawn →
# initialize / session/new / one prompt, 20 concurrent ACP sessions, resume of a 10 MB session and the
# 16-process refresh storm, all against an in-process emulator. With --peers DIR (a folder where
# `npm install @openai/codex @zed-industries/codex-acp` and/or `npm install @moonshot-ai/kimi-code` ran; a
# Node 22 may sit in DIR/bin), those are measured on the same work and our ratio to each is printed.
#
#   bench/compare.sh [--runs N] [--peers DIR] [--kimi PATH]    (--kimi skips the publish: measure that binary)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh
install_missing /usr/bin/time=time

if [[ " $* " != *" --kimi "* ]]; then
  publish_native_kimi
  set -- --kimi "$NATIVE_KIMI" "$@"
fi
dotnet run -c Release --project bench/KimiCode.Acp.Benchmarks -- "$@"
