"""One module per subcommand; each takes its options object and returns an exit code."""
