"""The spec's cursor pagination: opaque cursors, signed and bound to the organization."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, Protocol, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel

from api.auth import Principal, authenticate
from api.deps import get_settings
from core.errors import InvalidRequestError, UnprocessableError
from store.pagination import ORDERS, Page, PageRequest

T = TypeVar("T")

_CURSOR_PREFIX = "c_"


class ListResponse(BaseModel, Generic[T]):
    """A page of a list, in the spec's shape."""

    object: Literal["list"] = "list"
    data: list[T]
    has_more: bool
    next_cursor: str | None
    total: int | None


@dataclass(frozen=True, slots=True)
class CursorCodec:
    """Encodes and checks cursors with the server's signing key."""

    key: bytes

    def _sign(self, payload: bytes) -> str:
        mac = hmac.new(self.key, payload, hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def encode(self, principal: Principal, resource: str, last_id: str, order: str) -> str:
        """A cursor that resumes after ``last_id``."""
        body = json.dumps(
            {
                "o": principal.org_id,
                "m": principal.livemode,
                "r": resource,
                "k": last_id,
                "d": order,
            },
            separators=(",", ":"),
        ).encode()
        encoded = base64.urlsafe_b64encode(body).decode().rstrip("=")
        return f"{_CURSOR_PREFIX}{encoded}.{self._sign(body)}"

    def decode(
        self, principal: Principal, resource: str, cursor: str, orders: Sequence[str] = ORDERS
    ) -> tuple[str, str]:
        """The id to resume after and the order, or a 400 for a bad or foreign cursor."""
        invalid = InvalidRequestError(
            "Invalid cursor: pass the next_cursor from a previous response of this list.",
            param="cursor",
        )
        if not cursor.startswith(_CURSOR_PREFIX) or "." not in cursor:
            raise invalid
        encoded, _, signature = cursor[len(_CURSOR_PREFIX) :].partition(".")
        try:
            body = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            data = json.loads(body)
        except (binascii.Error, ValueError, UnicodeDecodeError):
            raise invalid from None
        if not hmac.compare_digest(signature.encode(), self._sign(body).encode()):
            raise invalid
        if not isinstance(data, dict):
            raise invalid
        if data.get("o") != principal.org_id or data.get("m") != principal.livemode:
            raise InvalidRequestError(
                "Invalid cursor: it belongs to another organization or mode.", param="cursor"
            )
        if data.get("r") != resource:
            raise InvalidRequestError(
                f"Invalid cursor: it was issued for another list, not {resource}.", param="cursor"
            )
        order = data.get("d")
        if order not in orders or not isinstance(data.get("k"), str):
            raise invalid
        return data["k"], str(order)


class HasId(Protocol):
    """Anything listed by id: rows with a ULID key, stream events."""

    @property
    def id(self) -> str:
        """The item's id; cursors resume after it."""
        ...


R = TypeVar("R", bound=HasId)


@dataclass(frozen=True, slots=True)
class Pager:
    """Turns the request's pagination parameters into a page request and a list response."""

    codec: CursorCodec
    principal: Principal
    resource: str
    limit: int
    cursor: str | None
    order: str | None
    default_order: str
    orders: Sequence[str] = ORDERS

    def request(self) -> PageRequest:
        """The page to read; a cursor carries its own order."""
        if not self.cursor:
            return PageRequest(limit=self.limit, order=self.order or self.default_order)
        after_id, order = self.codec.decode(self.principal, self.resource, self.cursor, self.orders)
        if self.order is not None and self.order != order:
            raise UnprocessableError(
                f"The cursor was issued for order={order}; drop 'order' or pass {order}.",
                param="order",
            )
        return PageRequest(limit=self.limit, order=order, after_id=after_id)

    def respond(
        self, page: Page[R], request: PageRequest, render: Callable[[R], T]
    ) -> ListResponse[T]:
        """The list response for ``page``."""
        next_cursor = None
        if page.has_more and page.items:
            next_cursor = self.codec.encode(
                self.principal, self.resource, page.items[-1].id, request.order
            )
        return ListResponse[T](
            data=[render(item) for item in page.items],
            has_more=page.has_more,
            next_cursor=next_cursor,
            total=page.total,
        )


def pager(
    resource: str,
    *,
    default_order: str = "desc",
    default_limit: int = 20,
    orders: Sequence[str] = ORDERS,
    order_help: str = "asc or desc.",
) -> Any:
    """A dependency giving a ``Pager`` for the list ``resource``; ``orders`` are the values
    its ``order`` parameter takes."""
    choices = "|".join(re.escape(order) for order in orders)

    def dependency(
        request: Request,
        principal: Principal = Depends(authenticate),
        limit: int = Query(default_limit, ge=1, le=100, description="1–100."),
        cursor: str | None = Query(None, max_length=1024, description="A previous next_cursor."),
        order: str | None = Query(None, pattern=f"^({choices})$", description=order_help),
    ) -> Pager:
        codec = CursorCodec(get_settings(request).signing_key())
        return Pager(codec, principal, resource, limit, cursor, order, default_order, orders)

    return Depends(dependency)
