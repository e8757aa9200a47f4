"""``center demo``: the deterministic demo street (geometry, people, visits, cases,
meetings, budget), built into an empty database by :func:`.build.build_demo`."""
