"""The application shell: start-up behind a progress dialog (:mod:`.startup`), the
main window (:mod:`.main_window`) and its menu registry (:mod:`.menus`)."""
