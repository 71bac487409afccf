"""`slimstage analyze` and `diff`: where the bytes of an image go, as plain data."""
