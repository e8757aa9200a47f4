"""Residents' requests (cases): the lifecycle state machine and every case write
(:mod:`.lifecycle`), the paged inbox with its clocks (:mod:`.inbox`) and spot
checks (:mod:`.spotcheck`)."""
