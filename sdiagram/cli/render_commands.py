"""`sdiagram render` (being written)."""
