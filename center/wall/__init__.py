"""What the command-center wall shows, as Qt-free parts that refresh independently
(:mod:`.model`); the Qt side is :mod:`center.windows.wall`."""
