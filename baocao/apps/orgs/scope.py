"""What a user may see and do in the unit tree: every view asks these functions, never the roles.

A user belongs to one unit (Membership) with roles there:
- a plain writer sees only its own unit;
- a viewer, reviewer, consolidator or admin sees its unit and everything under it;
- a reviewer reviews the units directly under its unit;
- an admin administers its unit's subtree (imports units, manages members).
Nothing reaches up or sideways: a unit never sees its parent's or a sibling's data.
Superusers see and administer everything; `is_reviewer_of` speaks only of officers placed in a
unit, and the report permissions (`baocao.apps.campaigns.permissions`) let a superuser review
too, so a campaign is never stuck when a reviewer is missing.

`user.membership` is cached on the user object after the first access, so a view that asks
several questions pays for one query.
"""

from __future__ import annotations

from typing import Any

from baocao.apps.orgs.models import Membership, Role, Unit, UnitQuerySet

SUBTREE_ROLES = frozenset({Role.VIEWER, Role.REVIEWER, Role.CONSOLIDATOR, Role.ADMIN})


def membership(user: Any) -> Membership | None:
    """The active, logged-in user's membership, or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def is_superuser(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)


def user_unit(user: Any) -> Unit | None:
    """The user's unit; None for a user placed nowhere (a superuser may be placed nowhere)."""
    found = membership(user)
    return found.unit if found else None


def roles(user: Any) -> frozenset[str]:
    found = membership(user)
    return frozenset(found.roles) if found else frozenset()


def sees_subtree(user: Any) -> bool:
    return bool(roles(user) & SUBTREE_ROLES)


def visible_units(user: Any) -> UnitQuerySet:
    """The units the user may see, as one queryset (one prefix query on the indexed path)."""
    if is_superuser(user):
        return Unit.objects.all()
    found = membership(user)
    if found is None:
        return Unit.objects.none()
    if sees_subtree(user):
        return Unit.objects.subtree(found.unit)
    return Unit.objects.filter(pk=found.unit_id)


def can_view_unit(user: Any, unit: Unit) -> bool:
    if is_superuser(user):
        return True
    found = membership(user)
    if found is None:
        return False
    if unit.pk == found.unit_id:
        return True
    return sees_subtree(user) and unit.is_within(found.unit)


def is_reviewer_of(user: Any, unit: Unit) -> bool:
    """True when `unit` sits directly under the user's unit and the user is its reviewer."""
    found = membership(user)
    return (
        found is not None
        and found.has_role(Role.REVIEWER)
        and unit.parent_id is not None
        and unit.parent_id == found.unit_id
    )


def can_administer(user: Any, unit: Unit) -> bool:
    """Change `unit` (its data, the units under it, its members): its admins or those above."""
    if is_superuser(user):
        return True
    found = membership(user)
    return found is not None and found.has_role(Role.ADMIN) and unit.is_within(found.unit)


def administered_root(user: Any) -> Unit | None:
    """The top of the subtree a unit admin manages; None for everyone else and superusers."""
    found = membership(user)
    return found.unit if found is not None and found.has_role(Role.ADMIN) else None


def can_import_units(user: Any) -> bool:
    """Import a unit file: superusers anywhere, a unit admin within its subtree."""
    return is_superuser(user) or administered_root(user) is not None
