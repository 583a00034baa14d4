#!/usr/bin/env bash
# Copies this machine's RAW decoder (LibRaw's dcraw_emu and/or dcraw) plus the shared
# libraries it links against into native-bin/<platform>-<arch>/ for packaging. The app's
# engine (electron/engine/raw/dcraw.ts) looks there first and runs the binary with that
# folder on LD_LIBRARY_PATH / DYLD_LIBRARY_PATH.
#
# Usage: native-bin/fill.sh [path-to-dcraw_emu-or-dcraw ...]   (default: found on PATH)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Same naming as Node's process.platform-process.arch (linux-x64, darwin-arm64, ...).
target="$(node -p 'process.platform + "-" + process.arch' 2>/dev/null || true)"
if [ -z "$target" ]; then
  os="$(uname -s | tr '[:upper:]' '[:lower:]')"
  case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac
  target="$os-$arch"
fi
out="$here/$target"

bins=("$@")
if [ ${#bins[@]} -eq 0 ]; then
  for name in dcraw_emu dcraw; do
    if p="$(command -v "$name")"; then bins+=("$p"); fi
  done
fi
if [ ${#bins[@]} -eq 0 ]; then
  echo "fill.sh: no dcraw_emu or dcraw found on PATH (Debian/Ubuntu: apt install libraw-bin dcraw)" >&2
  exit 1
fi

mkdir -p "$out"
# Libraries every target system has; bundling them would break more than it fixes.
system_lib='^(linux-vdso|linux-gate|ld-linux|libc\.so|libm\.so|libdl\.so|libpthread\.so|librt\.so|libgcc_s\.so|libstdc\+\+\.so)'

for bin in "${bins[@]}"; do
  [ -x "$bin" ] || { echo "fill.sh: not an executable: $bin" >&2; exit 1; }
  install -m 0755 "$(readlink -f "$bin")" "$out/$(basename "$bin")"
  echo "copied $(basename "$bin") <- $bin"
  if [ "$(uname -s)" = "Darwin" ]; then
    otool -L "$bin" | awk 'NR>1 {print $1}' | grep -v '^/usr/lib/\|^/System/' | while read -r lib; do
      install -m 0644 "$lib" "$out/$(basename "$lib")" && echo "  lib $(basename "$lib")"
    done
  else
    ldd "$bin" | awk '/=>/ {print $1, $3}' | while read -r soname path; do
      if [[ "$soname" =~ $system_lib ]] || [ ! -f "$path" ]; then continue; fi
      install -m 0644 "$(readlink -f "$path")" "$out/$soname"
      echo "  lib $soname <- $path"
    done
  fi
done

# Smoke test: the copied decoder must start with only the bundled libraries.
for bin in "$out"/dcraw_emu "$out"/dcraw; do
  [ -x "$bin" ] || continue
  # Without arguments both print their usage (and exit non-zero): that is enough to know
  # the loader found every library.
  usage="$(LD_LIBRARY_PATH="$out" DYLD_LIBRARY_PATH="$out" "$bin" 2>&1 || true)"
  if grep -qi 'dcraw' <<<"$usage"; then
    echo "ok: $bin runs"
  else
    echo "fill.sh: $bin does not run from $out" >&2
    exit 1
  fi
done
