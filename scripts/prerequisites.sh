# Sourced by the scripts at the top of the repository. A fresh machine has only the .NET SDK: whatever
# else a script needs is installed here (apt-get) when missing, so CI and a new clone need no setup.

# install_missing COMMAND=PACKAGE…: apt-get installs each PACKAGE whose COMMAND (or file, when it starts
# with /) is missing.
install_missing() {
  local missing=() pair
  for pair in "$@"; do
    local probe="${pair%%=*}" package="${pair#*=}"
    if [[ "$probe" == /* ]]; then [[ -e "$probe" ]] && continue; else command -v "$probe" >/dev/null 2>&1 && continue; fi
    missing+=("$package")
  done
  ((${#missing[@]})) || return 0
  echo "==> installing ${missing[*]} (apt-get)"
  local sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
}

# publish_native_kimi: publishes the Native AOT kimi for this machine (dotnet publish, Release) into
# artifacts/native and sets NATIVE_KIMI to it, printing how long the build took. The AOT compiler links
# with clang and needs zlib's headers (the documented Linux prerequisites).
publish_native_kimi() {
  install_missing clang=clang /usr/include/zlib.h=zlib1g-dev
  local root started
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  echo "==> publishing the native kimi (dotnet publish -c Release, Native AOT; a few minutes the first time)"
  started=$SECONDS
  dotnet publish "$root/src/KimiCode.Cli/KimiCode.Cli.csproj" -c Release -o "$root/artifacts/native" -nologo -v quiet -clp:NoSummary
  NATIVE_KIMI="$root/artifacts/native/kimi"
  echo "    built $NATIVE_KIMI in $((SECONDS - started)) s"
}
