"""`slimstage compare`: build Dockerfile variants side by side, measure and smoke-test each."""
