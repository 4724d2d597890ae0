"""`sdiagram lint`, `rules` and `explain` (being written)."""
