#!/usr/bin/env bash
# Offline tour of kimi: publishes the native kimi (Native AOT) and builds kimi-emulator, starts the emulator
# (a local Kimi Code service), logs in through the real OAuth device flow, sends prompts with -p and over
# ACP as an editor would. Needs only the .NET SDK (clang and zlib headers are installed when missing).
# Nothing outside 127.0.0.1 is contacted; everything is cleaned up on exit. Any failure stops it (exit ≠ 0),
# so CI runs it as the native binary's end-to-end smoke. KIMI=/path/to/kimi tours that binary instead.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
source scripts/emulator.sh

if [[ -n "${KIMI:-}" ]]; then
  kimi="$KIMI"
else
  publish_native_kimi
  kimi="$NATIVE_KIMI"
fi

work="$(mktemp -d)"
cleanup() {
  stop_emulator
  rm -rf "$work"
}
trap cleanup EXIT

# expect NAME EXPECTED ACTUAL: fails the tour when a step did not answer what the emulator's model says.
expect() {
  if [[ "$3" != "$2" ]]; then
    printf '%s answered %q, expected %q\n' "$1" "$3" "$2" >&2
    exit 1
  fi
}

echo "==> starting kimi-emulator (device codes approved automatically)"
start_emulator "$work" --auto-approve --poll-interval 1
echo "    emulator at $EMULATOR_URL"

echo "==> kimi login --no-browser"
"$kimi" login --no-browser
echo "==> kimi auth status"
"$kimi" auth status
# A small project for the agent to work on. The emulator's model turns a line `tool: NAME {json}` into a
# real tool call, so the agent does real work offline.
mkdir -p "$work/project"
printf 'print("hello from the quick start")\n' >"$work/project/hello.py"
echo "==> kimi -p \"Hello, Kimi\""
answer="$("$kimi" -p "Hello, Kimi")"
echo "$answer"
expect "kimi -p" "Echo: Hello, Kimi" "$answer"
echo "==> kimi -p (the agent reads a file with its Read tool)"
"$kimi" -w "$work/project" -p $'What does hello.py print?\ntool: Read {"file_path":"hello.py"}'
echo "==> kimi -p --yolo (the agent runs a shell command; print mode never asks, --yolo allows it)"
"$kimi" -w "$work/project" --yolo -p $'Run it.\ntool: Bash {"command":"python3 hello.py || cat hello.py"}'

echo "==> kimi acp (what an editor does: initialize → session/new → session/prompt, JSON-RPC over stdio)"
coproc ACP { "$kimi" acp 2>"$work/acp.err"; }
# acp_call ID REQUEST: sends one request and sets RESPONSE to its response line; the notifications that
# arrive before it (session/update) are kept in acp-updates.jsonl.
acp_call() {
  local line
  printf '%s\n' "$2" >&"${ACP[1]}"
  while IFS= read -r -t 60 line <&"${ACP[0]}"; do
    if [[ "$line" == *"\"id\":$1,"* || "$line" == *"\"id\":$1}"* ]]; then
      if [[ "$line" == *'"error":'* ]]; then echo "kimi acp: $line" >&2; exit 1; fi
      RESPONSE="$line"
      return 0
    fi
    printf '%s\n' "$line" >>"$work/acp-updates.jsonl"
  done
  echo "kimi acp closed its output or did not answer request $1; its stderr:" >&2
  cat "$work/acp.err" >&2
  exit 1
}
acp_call 1 '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":1,"clientCapabilities":{}}}'
echo "    initialize: $RESPONSE"
acp_call 2 "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"session/new\",\"params\":{\"cwd\":\"$work/project\",\"mcpServers\":[]}}"
session_id="$(sed -n 's/.*"sessionId":"\([^"]*\)".*/\1/p' <<<"$RESPONSE")"
echo "    session/new: session $session_id"
acp_call 3 "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"session/prompt\",\"params\":{\"sessionId\":\"$session_id\",\"prompt\":[{\"type\":\"text\",\"text\":\"Hello over ACP\"}]}}"
echo "    session/prompt: $RESPONSE"
answer="$(sed -n 's/.*"agent_message_chunk".*"text":"\([^"]*\)".*/\1/p' "$work/acp-updates.jsonl" | tr -d '\n')"
echo "    streamed answer: $answer"
expect "kimi acp" "Echo: Hello over ACP" "$answer"
exec {ACP[1]}>&-
wait "$ACP_PID"

echo "==> kimi logout"
"$kimi" logout
echo "==> done: the whole path ran offline against the emulator"
