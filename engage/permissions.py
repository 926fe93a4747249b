"""Every access decision in one place, as named ``rules`` predicates.

Views, templates (``{% load rules %}{% test_rule 'can_edit_case' user force as ok %}``) and tests
use these names. Memberships are read afresh for each request (cached only on the request's user
object), so removing one takes effect on the next request.
"""

from __future__ import annotations

import rules

from engage.models import FORCE_ROLES, Role


def _memberships(user) -> list[tuple[str, int | None]]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_membership_cache", None)
    if cached is None:
        cached = list(user.memberships.values_list("role", "force_id"))
        user._membership_cache = cached
    return cached


def force_ids(user, *roles: str) -> set[int]:
    """Ids of the forces where the user holds one of ``roles`` (any force role if none given)."""
    wanted = set(roles) or FORCE_ROLES
    return {force_id for role, force_id in _memberships(user) if role in wanted and force_id}


def _force_id(force) -> int | None:
    return getattr(force, "pk", force)


@rules.predicate
def is_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser and user.is_active)


@rules.predicate
def is_apcc_lead(user) -> bool:
    return any(role == Role.APCC_LEAD for role, _ in _memberships(user))


@rules.predicate
def is_opcc_staff_of(user, force) -> bool:
    return _force_id(force) in force_ids(user, Role.OPCC_STAFF)


@rules.predicate
def is_pcc_of(user, force) -> bool:
    return _force_id(force) in force_ids(user, Role.PCC)


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


@rules.predicate
def is_opcc_staff_anywhere(user) -> bool:
    return bool(force_ids(user, Role.OPCC_STAFF))


is_member_of = is_opcc_staff_of | is_pcc_of

must_use_second_factor = is_admin | is_apcc_lead

rules.add_rule("can_view_reference_data", is_signed_in)
rules.add_rule("can_view_case", is_member_of | is_apcc_lead | is_admin)
rules.add_rule("can_edit_case", is_opcc_staff_of)
rules.add_rule("can_comment_on_case", is_member_of)
rules.add_rule("can_use_apcc_tools", is_apcc_lead | is_admin)
# PPOG meetings are arranged by APCC leads and admins, or by OPCC staff for their own slot.
rules.add_rule("can_arrange_ppog", is_apcc_lead | is_admin | is_opcc_staff_anywhere)
rules.add_rule("can_approve_pack", is_pcc_of)
rules.add_rule("can_draft_pack", is_opcc_staff_of)
rules.add_rule("can_manage_reference_data", is_admin)
rules.add_rule("must_use_second_factor", must_use_second_factor)


def can(user, rule: str, obj=None) -> bool:
    return rules.test_rule(rule, user, obj)


def role_label(user) -> str:
    """The role a person is shown as (their dashboard follows it)."""
    if is_admin(user):
        return "Admin"
    if is_apcc_lead(user):
        return "APCC performance lead"
    if force_ids(user, Role.PCC):
        return "PCC"
    if force_ids(user, Role.OPCC_STAFF):
        return "OPCC staff"
    return "No role yet"
