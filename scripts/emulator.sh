# Sourced by the scripts at the top of the repository: builds and starts kimi-emulator (a local Kimi Code
# service) on a free loopback port and points a private KIMI_CODE_HOME at it.

# start_emulator WORK_DIR [EMULATOR FLAGS…]: sets EMULATOR_PID and EMULATOR_URL, exports KIMI_CODE_HOME
# (WORK_DIR/home), KIMI_CODE_OAUTH_HOST and KIMI_CODE_BASE_URL. Call stop_emulator when done (a trap).
start_emulator() {
  local work="$1" root
  shift
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  dotnet build "$root/src/KimiCode.Emulator/KimiCode.Emulator.csproj" -c Release -nologo -v quiet -clp:NoSummary
  dotnet exec "$root/src/KimiCode.Emulator/bin/Release/net10.0/kimi-emulator.dll" --port 0 "$@" >"$work/emulator.log" 2>&1 &
  EMULATOR_PID=$!
  EMULATOR_URL=""
  for _ in $(seq 1 200); do
    EMULATOR_URL="$(sed -n 's/^listening \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$work/emulator.log" | head -n 1)"
    [[ -n "$EMULATOR_URL" ]] && break
    kill -0 "$EMULATOR_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z "$EMULATOR_URL" ]]; then echo "kimi-emulator did not start; its output:" >&2; cat "$work/emulator.log" >&2; return 1; fi
  export KIMI_CODE_HOME="$work/home" KIMI_CODE_OAUTH_HOST="$EMULATOR_URL" KIMI_CODE_BASE_URL="$EMULATOR_URL/coding/v1"
}

stop_emulator() {
  if [[ -n "${EMULATOR_PID:-}" ]]; then kill "$EMULATOR_PID" 2>/dev/null || true; wait "$EMULATOR_PID" 2>/dev/null || true; fi
  EMULATOR_PID=""
}
