#!/bin/sh
# Copy into DEST the shared libraries that the given extension modules load and that the Python
# interpreter itself does not (the runtime base has exactly the interpreter's). Paths are kept,
# resolved through the merged-/usr symlinks, so `COPY --from=builder DEST/ /` puts them in place.
# Usage: copy-missing-libs DEST MODULE.so...
set -eu
dest=$1
shift
py=$(readlink -f "$(command -v python3)")
libs_of() {
  for f in "$@"; do ldd "$f"; done |
    awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u
}
libs_of "$py" $(find "/usr/lib/$(basename "$py")/lib-dynload" -name '*.so') > /tmp/have
libs_of "$@" > /tmp/need
comm -13 /tmp/have /tmp/need | while read -r lib; do
  dir=$(cd "$(dirname "$lib")" && pwd -P)
  mkdir -p "$dest$dir"
  cp -L "$lib" "$dest$dir/$(basename "$lib")"
  echo "copied $dir/$(basename "$lib")"
done
