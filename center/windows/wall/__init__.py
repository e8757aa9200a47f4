"""The command-center wall: data controller, view, panels, full-screen window."""
