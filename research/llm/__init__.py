"""Claude-backed planning and extraction, used when an Anthropic API key is configured."""

from __future__ import annotations

from typing import Protocol

from research.llm.client import ClaudeSettings, make_client
from research.llm.extractor import AnthropicExtractor
from research.llm.planner import AnthropicPlanner
from research.planner.base import Planner


class AnthropicConfig(Protocol):
    """The settings ``build_llm`` reads; ``core.config.Settings`` has them."""

    @property
    def anthropic_api_key(self) -> str | None:
        """The API key; without one, Claude is not used."""

    @property
    def anthropic_base_url(self) -> str | None:
        """Another endpoint than Anthropic's; None lets the SDK read ``ANTHROPIC_BASE_URL``."""

    @property
    def anthropic_model(self) -> str:
        """The model both the planner and the extractor call."""


def build_llm(settings: AnthropicConfig) -> tuple[Planner | None, AnthropicExtractor | None]:
    """Claude's planner and extractor sharing one client, or (None, None) without an API key."""
    if not settings.anthropic_api_key:
        return None, None
    claude = ClaudeSettings(
        api_key=settings.anthropic_api_key,
        base_url=settings.anthropic_base_url or None,
        model=settings.anthropic_model,
    )
    client = make_client(claude)
    return AnthropicPlanner(client, claude.model), AnthropicExtractor(client, claude.model)


__all__ = ["AnthropicConfig", "AnthropicExtractor", "AnthropicPlanner", "build_llm"]
