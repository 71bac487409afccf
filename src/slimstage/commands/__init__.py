"""One module per subcommand; each exposes a function taking keyword arguments, returning an int."""
