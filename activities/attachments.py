"""Reading message attachments before planning: fetched through the guard, parsed safely."""

from __future__ import annotations

from collections.abc import Callable

from temporalio import activity

from research.attachments import (
    MAX_BYTES,
    AttachmentError,
    parse_seed_csv,
    parse_url_list,
)
from research.fetch.fetcher import Fetcher
from research.fetch.guard import Guard
from research.fetch.types import FetchError
from research.planner.types import SeedList
from workflows import names
from workflows.planning import AttachmentsRequest, LoadedAttachments


class AttachmentActivities:
    """Fetches attachments with a guard built from the deployment's settings."""

    def __init__(self, guard: Callable[[], Guard]) -> None:
        self.guard = guard

    @activity.defn(name=names.LOAD_ATTACHMENTS_ACTIVITY)
    async def load(self, request: AttachmentsRequest) -> LoadedAttachments:
        """Fetch and parse every attachment; the first unusable one is reported."""
        seed: SeedList | None = None
        urls: list[str] = []
        # A user's own file is not crawling: robots.txt does not apply, the guard does.
        async with Fetcher(self.guard(), respect_robots=False, max_bytes=MAX_BYTES) as fetcher:
            for attachment in request.attachments:
                try:
                    page = await fetcher.fetch(attachment.url)
                    data = page.text.encode("utf-8")
                    if attachment.kind == "csv":
                        seed = parse_seed_csv(data, source_url=attachment.url)
                    else:
                        urls += parse_url_list(data)
                except FetchError as error:
                    return LoadedAttachments(error=_fetch_message(attachment.url, error))
                except AttachmentError as error:
                    return LoadedAttachments(error=f"{error.message} ({attachment.url})")
        return LoadedAttachments(seed=seed, urls=list(dict.fromkeys(urls)))


def _fetch_message(url: str, error: FetchError) -> str:
    reasons = {
        "blocked": "it points at a private or internal address",
        "too_large": "it is larger than the 25 MB limit",
        "timeout": "the server did not answer in time",
        "http_error": f"the server answered {error.detail or 'with an error'}",
        "unsupported": "it is not a text or CSV file",
        "certificate": f"its server's TLS certificate is not trusted ({error.detail})",
    }
    why = reasons.get(error.reason, error.reason.replace("_", " "))
    return f"The attachment {url} could not be fetched: {why}."
