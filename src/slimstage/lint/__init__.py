"""`slimstage lint`: a stage-aware Dockerfile linter for image size, multi-stage builds, Python."""
