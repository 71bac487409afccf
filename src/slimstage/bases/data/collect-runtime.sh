#!/bin/sh
# Copy a Python runtime out of a Debian system into ROOT: the interpreter, its standard library,
# every shared library they load (found with ldd), certificates, time zones and a minimal /etc.
# Usage: collect-runtime ROOT pythonX.Y
set -eu
root=$1
py=$2
mkdir -p "$root"

# Keep the merged-/usr layout: /lib, /lib64, /bin, /sbin are symlinks into /usr.
for link in bin sbin lib lib64; do
  if [ -L "/$link" ]; then cp -a "/$link" "$root/"; fi
done

# Copy a path to the same place under ROOT, dereferencing its directory so that paths reached
# through /lib and /usr/lib land in one place.
copy() {
  dir=$(cd "$(dirname "$1")" && pwd -P)
  mkdir -p "$root$dir"
  cp -a "$dir/$(basename "$1")" "$root$dir/"
}
copy_lib() {
  dir=$(cd "$(dirname "$1")" && pwd -P)
  mkdir -p "$root$dir"
  cp -L "$1" "$root$dir/$(basename "$1")"
}

copy "/usr/bin/$py"
copy /usr/bin/python3
mkdir -p "$root/usr/lib"
cp -a "/usr/lib/$py" "$root/usr/lib/"
mkdir -p "$root/usr/lib/python3/dist-packages" "$root/usr/local/bin"
ln -s "/usr/bin/$py" "$root/usr/local/bin/python3"
ln -s "/usr/bin/$py" "$root/usr/local/bin/python"
ln -s python3 "$root/usr/bin/python"

for f in "/usr/bin/$py" $(find "/usr/lib/$py/lib-dynload" -name '*.so'); do
  ldd "$f"
done | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u |
while read -r lib; do copy_lib "$lib"; done

for f in /etc/ssl/certs/ca-certificates.crt /etc/ssl/openssl.cnf /usr/lib/ssl \
         /etc/ld.so.cache /etc/ld.so.conf /etc/ld.so.conf.d /etc/nsswitch.conf \
         /etc/host.conf /usr/lib/os-release /etc/os-release /etc/mime.types; do
  if [ -e "$f" ]; then copy "$f"; fi
done

# Time zones, for zoneinfo. right/ (the leap-second variants) is left out: Debian moved it to
# tzdata-legacy from trixie on, so both releases ship the same zones.
copy /usr/share/zoneinfo
rm -rf "$root/usr/share/zoneinfo/right"

mkdir -p "$root/tmp" "$root/root" "$root/home/nonroot" "$root/var/tmp"
chmod 1777 "$root/tmp" "$root/var/tmp"
chmod 0700 "$root/root"
cat > "$root/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
PASSWD
cat > "$root/etc/group" <<GROUP
root:x:0:
nogroup:x:65534:
nonroot:x:65532:
GROUP
chown 65532:65532 "$root/home/nonroot"
