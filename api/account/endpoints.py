"""/v1/me, /v1/organization, /v1/api-keys, /v1/members"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlmodel.ext.asyncio.session import AsyncSession

from api.account import service
from api.account.schemas import (
    ApiKeyCreate,
    ApiKeyObject,
    MemberInvite,
    MemberObject,
    MeObject,
    OrganizationObject,
)
from api.auth import Principal, admin_access, read_access
from api.deps import get_session
from api.openapi import error_responses
from api.pagination import ListResponse, Pager, pager
from api.routing import TransactionalRoute

router = APIRouter(tags=["Account & keys"], route_class=TransactionalRoute)


@router.get("/me", response_model=MeObject, summary="Who am I", responses=error_responses(403))
async def me(
    principal: Principal = Depends(read_access), session: AsyncSession = Depends(get_session)
) -> MeObject:
    """The current principal: its key and organization."""
    key = await service.current_key(session, principal)
    return MeObject(
        livemode=principal.livemode,
        key=service.key_object(key),
        organization=await service.organization(session, principal),
    )


@router.get(
    "/organization",
    response_model=OrganizationObject,
    summary="Retrieve the organization",
    responses=error_responses(403),
)
async def organization(
    principal: Principal = Depends(read_access), session: AsyncSession = Depends(get_session)
) -> OrganizationObject:
    """The key's organization, its plan, limits and credits."""
    return await service.organization(session, principal)


@router.get(
    "/api-keys",
    response_model=ListResponse[ApiKeyObject],
    summary="List API keys",
    responses=error_responses(400, 403),
)
async def list_keys(
    principal: Principal = Depends(admin_access),
    page: Pager = pager("api_keys"),
    session: AsyncSession = Depends(get_session),
) -> ListResponse[ApiKeyObject]:
    """Keys in this mode; metadata only, never secrets."""
    request = page.request()
    result = await service.list_keys(session, principal, request)
    return page.respond(result, request, service.key_object)


@router.post(
    "/api-keys",
    response_model=ApiKeyObject,
    summary="Create an API key",
    responses=error_responses(400, 403, 422),
)
async def create_key(
    body: ApiKeyCreate,
    principal: Principal = Depends(admin_access),
    session: AsyncSession = Depends(get_session),
) -> ApiKeyObject:
    """Mint a key in this mode; the secret is in the response once, and never again."""
    key, secret = await service.create_key(
        session,
        principal,
        name=body.name,
        scopes=[scope.value for scope in body.scopes],
        expires_at=body.expires_at,
        kind=body.kind,
    )
    return service.key_object(key, secret)


@router.delete(
    "/api-keys/{key_id}",
    response_model=ApiKeyObject,
    summary="Revoke an API key",
    responses=error_responses(403, 404),
)
async def revoke_key(
    key_id: str,
    principal: Principal = Depends(admin_access),
    session: AsyncSession = Depends(get_session),
) -> ApiKeyObject:
    """Revoke a key immediately."""
    return service.key_object(await service.revoke_key(session, principal, key_id))


@router.post(
    "/api-keys/{key_id}/rotate",
    response_model=ApiKeyObject,
    summary="Rotate an API key",
    responses=error_responses(403, 404, 409),
)
async def rotate_key(
    key_id: str,
    principal: Principal = Depends(admin_access),
    session: AsyncSession = Depends(get_session),
) -> ApiKeyObject:
    """A new secret with the same name and scopes; the old key is revoked, jobs continue."""
    key, secret = await service.rotate_key(session, principal, key_id)
    return service.key_object(key, secret)


@router.get(
    "/members",
    response_model=ListResponse[MemberObject],
    summary="List members",
    responses=error_responses(400, 403),
)
async def list_members(
    principal: Principal = Depends(admin_access),
    page: Pager = pager("members"),
    session: AsyncSession = Depends(get_session),
) -> ListResponse[MemberObject]:
    """The organization's members (admin)."""
    request = page.request()
    result = await service.list_members(session, principal, request)
    return page.respond(result, request, service.member_object)


@router.post(
    "/members",
    response_model=MemberObject,
    summary="Invite a member",
    responses=error_responses(400, 403, 409, 422),
)
async def invite_member(
    body: MemberInvite,
    principal: Principal = Depends(admin_access),
    session: AsyncSession = Depends(get_session),
) -> MemberObject:
    """Invite someone by email (admin)."""
    member = await service.invite(session, principal, str(body.email), body.role)
    return service.member_object(member)
