#!/usr/bin/env bash
# Offline tour of kimi: builds kimi and kimi-emulator, starts the emulator (a local Kimi Code
# service), logs in through the real OAuth device flow, checks the login and sends a prompt.
# Needs only the .NET SDK. Nothing outside 127.0.0.1 is contacted; everything is cleaned up on exit.
set -euo pipefail
cd "$(dirname "$0")"

echo "==> building kimi and kimi-emulator (Release)"
dotnet build src/KimiCode.Cli/KimiCode.Cli.csproj -c Release -nologo -v quiet -clp:NoSummary
dotnet build src/KimiCode.Emulator/KimiCode.Emulator.csproj -c Release -nologo -v quiet -clp:NoSummary
kimi=(dotnet exec src/KimiCode.Cli/bin/Release/net10.0/kimi.dll)
emulator=(dotnet exec src/KimiCode.Emulator/bin/Release/net10.0/kimi-emulator.dll)

work="$(mktemp -d)"
emulator_pid=""
cleanup() {
  if [[ -n "$emulator_pid" ]]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> starting kimi-emulator (device codes approved automatically)"
"${emulator[@]}" --port 0 --auto-approve --poll-interval 1 >"$work/emulator.log" 2>&1 &
emulator_pid=$!
url=""
for _ in $(seq 1 200); do
  url="$(sed -n 's/^listening \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$work/emulator.log" | head -n 1)"
  [[ -n "$url" ]] && break
  if ! kill -0 "$emulator_pid" 2>/dev/null; then cat "$work/emulator.log" >&2; exit 1; fi
  sleep 0.1
done
if [[ -z "$url" ]]; then echo "kimi-emulator did not start; its output:" >&2; cat "$work/emulator.log" >&2; exit 1; fi
echo "    emulator at $url"

# A private data folder, and the service endpoints pointed at the emulator.
export KIMI_CODE_HOME="$work/home"
export KIMI_CODE_OAUTH_HOST="$url"
export KIMI_CODE_BASE_URL="$url/coding/v1"

echo "==> kimi login --no-browser"
"${kimi[@]}" login --no-browser
echo "==> kimi auth status"
"${kimi[@]}" auth status
# A small project for the agent to work on. The emulator's model turns a line `tool: NAME {json}` into a
# real tool call, so the agent does real work offline.
mkdir -p "$work/project"
printf 'print("hello from the quick start")\n' >"$work/project/hello.py"
echo "==> kimi -p \"Hello, Kimi\""
"${kimi[@]}" -p "Hello, Kimi"
echo "==> kimi -p (the agent reads a file with its Read tool)"
"${kimi[@]}" -w "$work/project" -p $'What does hello.py print?\ntool: Read {"file_path":"hello.py"}'
echo "==> kimi -p --yolo (the agent runs a shell command; print mode never asks, --yolo allows it)"
"${kimi[@]}" -w "$work/project" --yolo -p $'Run it.\ntool: Bash {"command":"python3 hello.py || cat hello.py"}'
echo "==> kimi logout"
"${kimi[@]}" logout
echo "==> done: the whole path ran offline against the emulator"
