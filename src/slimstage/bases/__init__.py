"""Stand-in base images, built from Debian packages where no registry is reachable."""
