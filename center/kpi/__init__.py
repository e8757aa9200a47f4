"""The numbers: the twelve KPIs (:mod:`.compute`), assessment scores and grades
(:mod:`.assess`), targets (:mod:`.targets`), the working-day calendar
(:mod:`.calendar`) and the columns derived on write that the KPI SQL compares
(:mod:`.derive`)."""
