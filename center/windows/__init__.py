"""The Qt windows: the wall, the workstation, the application shell and the runtime they share."""
