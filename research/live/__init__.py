"""Live research on the open web: search, crawl, extract, verify, ground."""

from research.live.engine import LiveConfig, LiveEngine

__all__ = ["LiveConfig", "LiveEngine"]
