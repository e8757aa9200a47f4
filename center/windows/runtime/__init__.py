"""What every window runs on: the QApplication and its fonts (:mod:`.qtenv`),
translations (:mod:`.i18n`), background workers (:mod:`.workers`), the change-feed
listener (:mod:`.changefeed`) and the garbage-collector policy (:mod:`.heap`)."""
