"""The solve pipeline: data -> problem -> CP-SAT models -> verified schedule (entry point: scheduler.search.solve)."""
