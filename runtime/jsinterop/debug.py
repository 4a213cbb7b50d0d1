"""Leak hunting: what is alive across the boundary right now."""

from __future__ import annotations

from .page import tracked_counts

__all__ = ["tracked_counts"]
