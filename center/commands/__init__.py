"""One module per ``center`` subcommand group: ``register(subparsers, common)`` adds the parsers."""
