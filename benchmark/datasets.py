"""Bundled datasets (work in progress: the loader is being written)."""
__all__: list[str] = []
