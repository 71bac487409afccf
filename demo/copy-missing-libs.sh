#!/bin/sh
# Stage into DEST every file of the Debian packages that the given extension modules need and the
# runtime base lacks, so that `COPY --from=builder DEST/ /` installs them whole.
# Whole packages, not single .so files: libraries load more with dlopen than ldd shows (libpq's
# LDAP client loads SASL mechanisms, glibc loads NSS modules and gconv), and a final stage with
# the library but not the rest of its package passes a GET / and fails on the first real use.
# Usage: copy-missing-libs DEST MODULE.so...
set -eu
dest=$1
shift
py=$(readlink -f "$(command -v python3)")

# The shared libraries some ELF files load (ldd follows DT_NEEDED all the way down).
libs_of() {
  for f in "$@"; do ldd "$f"; done |
    awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u
}
# The package that owns a file; dpkg may list it under /lib or /usr/lib (merged /usr).
owner() {
  real=$(readlink -f "$1")
  for path in "$1" "$real" "${real#/usr}"; do
    if found=$(dpkg -S "$path" 2>/dev/null); then echo "${found%%:*}" | cut -d, -f1; return; fi
  done
}
packages_of() { while read -r lib; do owner "$lib"; done | sort -u; }
# A package's dependencies, first alternatives, without versions or architectures.
depends_of() {
  dpkg-query -W -f='${Pre-Depends},${Depends}\n' "$1" | tr ',' '\n' |
    sed 's/|.*//; s/(.*)//; s/:.*//; s/ //g' | grep -v '^$' || true
}

# What the runtime base has (it is made the same way, from the same release): the packages
# whose every shared library the interpreter loads. A package it has only in part, such as libc6
# (libc.so.6, not libresolv.so.2 or gconv), is staged whole. Essential tools are left out: a
# runtime image goes without them.
libs_of "$py" $(find "/usr/lib/$(basename "$py")/lib-dynload" -name '*.so') > /tmp/base-libs
sed 's|.*/||' /tmp/base-libs > /tmp/base-names
: > /tmp/have
for pkg in $(packages_of < /tmp/base-libs); do
  dpkg -L "$pkg" | grep -E '/lib[^/]*\.so(\.[0-9]+)*$' | sed 's|.*/||' | sort -u > /tmp/pkg-names
  if [ -z "$(grep -vxF -f /tmp/base-names /tmp/pkg-names)" ]; then echo "$pkg" >> /tmp/have; fi
done
dpkg-query -W -f='${Package} ${Essential}\n' | awk '$2 == "yes" { print $1 }' >> /tmp/have

# What the modules need, and everything those packages depend on, less what the base has.
libs_of "$@" | packages_of > /tmp/todo
: > /tmp/need
while [ -s /tmp/todo ]; do
  pkg=$(head -n 1 /tmp/todo)
  sed -i 1d /tmp/todo
  if grep -qx "$pkg" /tmp/have /tmp/need; then continue; fi
  echo "$pkg" >> /tmp/need
  depends_of "$pkg" >> /tmp/todo
done

# Every file each package owns, at its real path.
for pkg in $(cat /tmp/need); do
  echo "staging $pkg"
  dpkg -L "$pkg" | while read -r path; do
    if [ -f "$path" ] || [ -L "$path" ]; then
      dir=$(cd "$(dirname "$path")" && pwd -P)
      mkdir -p "$dest$dir"
      cp -a "$path" "$dest$dir/"
    fi
  done
done
