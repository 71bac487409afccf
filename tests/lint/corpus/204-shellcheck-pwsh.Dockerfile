# Shells ShellCheck cannot read: one SS501 on the SHELL line, and their RUNs are not checked.
FROM debian:bookworm-slim AS zsh-stage
SHELL ["/bin/zsh", "-c"]
RUN print -l $path

FROM mcr.microsoft.com/powershell:lts-debian-12
SHELL ["pwsh", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN Write-Host $env:PATH
RUN Get-ChildItem /
COPY --from=zsh-stage /etc/zshrc /etc/zshrc
USER 1000
HEALTHCHECK CMD ["pwsh", "-c", "exit 0"]
CMD ["pwsh"]
