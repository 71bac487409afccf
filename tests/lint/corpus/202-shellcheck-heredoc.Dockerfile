# Heredocs: the body is the script when it is the RUN's only content or given to a shell; with
# another command it is data the shell still expands. (hadolint needs the blank lines.)
FROM debian:bookworm-slim
RUN <<EOF
set -e
cd /opt
for f in $(ls); do echo $f; done
EOF

RUN cat > /etc/motd <<EOF
Built for $target_env
EOF

RUN <<EOF
#!/usr/bin/env python3
print("not shell: not checked")
EOF

RUN <<'EOF' bash
set -e
cd /srv
EOF

USER 1000
HEALTHCHECK CMD ["true"]
CMD ["bash"]
