"""The street office's own work: joint meetings (:mod:`.meetings`) and the budget
(:mod:`.budget`)."""
