"""Writes to organisations: profiles, capabilities, sites, contact people and memberships.

Each `do_*` function makes one change atomically, records who made it in the history (one
historical record per change, not one per touched many-to-many field), keeps the denormalised
fields (name_key, region/lat/lon from the headquarters) right and refreshes the search index.
Permission checks are the caller's (views and the API ask the rules in network/rules.py);
business rules that hold whoever asks (an organisation keeps an admin, a site has a known
place) are checked here and raise `ValidationError` with a message for the user.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from werkstatt.engines import names
from werkstatt.engines.text import fold

from ..models import (
    Capability,
    ContactPerson,
    Organisation,
    OrganisationMembership,
    Region,
    Site,
)

Role = OrganisationMembership.Role
Status = OrganisationMembership.Status

PROFILE_FIELDS = (
    "name",
    "kind",
    "size",
    "employees",
    "founded",
    "description",
    "capabilities_text",
    "capacities",
    "website",
    "email",
    "phone",
    "is_public",
)
PROFILE_M2M_FIELDS = ("sectors", "capabilities", "certifications", "materials")
SITE_FIELDS = ("name", "street", "postcode", "city", "is_headquarters")
CONTACT_FIELDS = ("name", "function", "email", "phone", "is_public")


# --- helpers ----------------------------------------------------------------------------------


def name_key(name: str) -> str:
    """The normalised name used for duplicate detection ("Müller GmbH & Co. KG" -> "mueller").

    The import's normaliser, so that organisations created here and imported ones compare alike.
    """
    return names.name_key(name)


def reindex(organisation_ids: Iterable[int]) -> None:
    """Refresh the search index for these organisations (the search helper's service)."""
    try:
        from . import search_index
    except ImportError:  # the search index is not installed in this build yet
        return
    search_index.reindex(list(organisation_ids))


def unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(fold(name))[:200] or "organisation"
    slug, n = base, 1
    existing = Organisation.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        existing = existing.exclude(pk=exclude_pk)
    taken = set(existing.values_list("slug", flat=True))
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


@contextmanager
def _one_history_record(org: Organisation, user: Any) -> Iterator[None]:
    """Make all changes inside the block show as one historical record by `user`."""
    org._history_user = user if getattr(user, "is_authenticated", False) else None  # type: ignore[attr-defined]
    org.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        yield
    finally:
        del org.skip_history_when_saving  # type: ignore[attr-defined]
    org.save()


def _apply(instance: Any, data: Mapping[str, Any], fields: Iterable[str]) -> None:
    for field in fields:
        if field in data:
            setattr(instance, field, data[field])


def check_profile(data: Mapping[str, Any]) -> None:
    """Rules for a profile that hold whoever edits it (forms check the same with nicer UI)."""
    errors: dict[str, str] = {}
    kind = data.get("kind")
    if data.get("size") and kind and kind != Organisation.Kind.COMPANY:
        # Size classes are the EU's SME classes: they describe companies only.
        errors["size"] = _("Only companies have a size class.")
    if not (data.get("name") or "").strip() and "name" in data:
        errors["name"] = _("Please enter the organisation's name.")
    if errors:
        raise ValidationError(errors)


# --- organisations ----------------------------------------------------------------------------


@transaction.atomic
def do_create_organisation(user: Any, data: Mapping[str, Any]) -> Organisation:
    """Create an organisation from profile data; its creator becomes its active admin."""
    check_profile(data)
    org = Organisation()
    _apply(org, data, PROFILE_FIELDS)
    org.slug = unique_slug(org.name)
    org.name_key = name_key(org.name)
    with _one_history_record(org, user):
        org.save()
        for field in PROFILE_M2M_FIELDS:
            if field in data:
                getattr(org, field).set(data[field])
    org.history.filter(history_id=org.history.latest().history_id).update(history_type="+")
    OrganisationMembership.objects.create(
        user=user, organisation=org, role=Role.ADMIN, status=Status.ACTIVE
    )
    reindex([org.pk])
    return org


@transaction.atomic
def do_update_profile(org: Organisation, user: Any, data: Mapping[str, Any]) -> Organisation:
    """Change profile fields and the many-to-many choices present in `data`."""
    merged = {f: getattr(org, f) for f in ("name", "kind", "size")} | dict(data)
    check_profile(merged)
    with _one_history_record(org, user):
        _apply(org, data, PROFILE_FIELDS)
        org.name_key = name_key(org.name)
        for field in PROFILE_M2M_FIELDS:
            if field in data:
                getattr(org, field).set(data[field])
    reindex([org.pk])
    return org


@transaction.atomic
def do_set_capabilities(
    org: Organisation,
    user: Any,
    capabilities: Iterable[Capability],
    capabilities_text: str | None = None,
) -> Organisation:
    """Replace the organisation's capabilities (and optionally the free-text ones)."""
    with _one_history_record(org, user):
        org.capabilities.set(list(capabilities))
        if capabilities_text is not None:
            org.capabilities_text = capabilities_text
    reindex([org.pk])
    return org


# --- sites ------------------------------------------------------------------------------------


def locate_site(
    city: str, postcode: str, lat: float | None, lon: float | None
) -> tuple[float, float, Region | None]:
    """Coordinates and region of a site: given ones win, otherwise the offline gazetteer's.

    Raises ValidationError (on "city") when the place is unknown and no coordinates are given.
    """
    from . import geocoding  # the reference-data helper's offline gazetteer

    region_code: str | None = None
    if lat is not None and lon is not None:
        region_for = getattr(geocoding, "region_for", None)
        region_code = region_for(lat, lon) if region_for else None
        if region_code is None:
            place = geocoding.geocode(city=city or "", postcode=postcode or "")
            region_code = place.region_code if place else None
    else:
        place = geocoding.geocode(city=city or "", postcode=postcode or "")
        if place is None:
            raise ValidationError(
                {
                    "city": _(
                        "We do not know the place “%(place)s”. Please check the postcode and "
                        "the place name, or enter the coordinates."
                    )
                    % {"place": " ".join(p for p in [postcode, city] if p)}
                }
            )
        lat, lon, region_code = place.lat, place.lon, place.region_code
    region = Region.objects.filter(code=region_code).first() if region_code else None
    return float(lat), float(lon), region


def _sync_headquarters(org: Organisation, user: Any) -> None:
    """Exactly one headquarters if there are sites; copy its place to the organisation."""
    sites = list(org.sites.order_by("-is_headquarters", "pk"))
    hq = sites[0] if sites else None
    if hq is not None and not hq.is_headquarters:
        hq.is_headquarters = True
        hq._history_user = user  # type: ignore[attr-defined]
        hq.save(update_fields=["is_headquarters"])
    for other in sites[1:]:
        if other.is_headquarters:
            other.is_headquarters = False
            other._history_user = user  # type: ignore[attr-defined]
            other.save(update_fields=["is_headquarters"])
    new = (hq.region_id, hq.lat, hq.lon) if hq else (None, None, None)
    if (org.region_id, org.lat, org.lon) != new:
        with _one_history_record(org, user):
            org.region_id, org.lat, org.lon = new


@transaction.atomic
def do_refresh_location(org: Organisation, user: Any) -> None:
    """After sites were changed directly (the admin site): fix the headquarters, reindex."""
    _sync_headquarters(org, user)
    reindex([org.pk])


def _save_site(site: Site, user: Any, data: Mapping[str, Any]) -> Site:
    _apply(site, data, SITE_FIELDS)
    if not site.city:
        # A postcode alone is enough: the gazetteer names its place.
        from . import geocoding

        place = geocoding.geocode(postcode=site.postcode) if site.postcode else None
        if place is None:
            raise ValidationError({"city": _("Please enter the place, or a postcode we know.")})
        site.city = place.name
    site.lat, site.lon, site.region = locate_site(
        site.city, site.postcode, data.get("lat"), data.get("lon")
    )
    site._history_user = user  # type: ignore[attr-defined]
    others = site.organisation.sites.exclude(pk=site.pk)
    if not site.is_headquarters and not others.filter(is_headquarters=True).exists():
        # There is always a headquarters: to move it, mark another site as the headquarters.
        site.is_headquarters = True
    if site.is_headquarters:
        # The new headquarters is the only one: demote the others before saving it.
        for other in site.organisation.sites.filter(is_headquarters=True).exclude(pk=site.pk):
            other.is_headquarters = False
            other._history_user = user  # type: ignore[attr-defined]
            other.save(update_fields=["is_headquarters"])
    site.save()
    _sync_headquarters(site.organisation, user)
    reindex([site.organisation_id])
    return site


@transaction.atomic
def do_add_site(org: Organisation, user: Any, data: Mapping[str, Any]) -> Site:
    """Add a site; `data` has city/postcode and optionally lat/lon (which then win)."""
    return _save_site(Site(organisation=org), user, data)


@transaction.atomic
def do_update_site(site: Site, user: Any, data: Mapping[str, Any]) -> Site:
    return _save_site(site, user, data)


@transaction.atomic
def do_delete_site(site: Site, user: Any) -> None:
    """Delete a site; another one becomes the headquarters if it was the headquarters."""
    org = site.organisation
    site._history_user = user  # type: ignore[attr-defined]
    site.delete()
    _sync_headquarters(org, user)
    reindex([org.pk])


# --- contact people ---------------------------------------------------------------------------


@transaction.atomic
def do_add_contact(org: Organisation, user: Any, data: Mapping[str, Any]) -> ContactPerson:
    contact = ContactPerson(organisation=org)
    return do_update_contact(contact, user, data)


@transaction.atomic
def do_update_contact(contact: ContactPerson, user: Any, data: Mapping[str, Any]) -> ContactPerson:
    _apply(contact, data, CONTACT_FIELDS)
    if not contact.name.strip():
        raise ValidationError({"name": _("Please enter the contact person's name.")})
    contact._history_user = user  # type: ignore[attr-defined]
    contact.save()
    reindex([contact.organisation_id])
    return contact


@transaction.atomic
def do_delete_contact(contact: ContactPerson, user: Any) -> None:
    org_id = contact.organisation_id
    contact._history_user = user  # type: ignore[attr-defined]
    contact.delete()
    reindex([org_id])


# --- memberships ------------------------------------------------------------------------------


def _active_admins(org: Organisation):  # -> QuerySet[OrganisationMembership]
    return OrganisationMembership.objects.filter(
        organisation=org, role=Role.ADMIN, status=Status.ACTIVE
    )


def _check_keeps_an_admin(membership: OrganisationMembership) -> None:
    is_admin = membership.role == Role.ADMIN and membership.status == Status.ACTIVE
    if not is_admin:
        return
    # Lock the admins' rows so that two admins demoting each other can't both succeed.
    admins = _active_admins(membership.organisation).select_for_update()
    if not [pk for pk in admins.values_list("pk", flat=True) if pk != membership.pk]:
        raise ValidationError(
            _("An organisation needs at least one admin. Make another member an admin first."),
            code="last_admin",
        )


def _notify(users: Iterable[Any], subject: str, body: str, context: Mapping[str, Any]) -> None:
    """Send a plain e-mail to each user in their own language. `subject`/`body` are msgids."""
    for user in users:
        with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
            send_mail(
                gettext(subject) % context,
                gettext(body) % context,
                None,
                [user.email],
                fail_silently=True,
            )


@transaction.atomic
def do_request_membership(user: Any, org: Organisation) -> OrganisationMembership:
    """Ask to join an organisation; its admins get an e-mail."""
    if OrganisationMembership.objects.filter(user=user, organisation=org).exists():
        raise ValidationError(
            _("You are already a member of this organisation or have asked to join it."),
            code="exists",
        )
    membership = OrganisationMembership.objects.create(
        user=user, organisation=org, role=Role.MEMBER, status=Status.REQUESTED
    )
    admins = [m.user for m in _active_admins(org).select_related("user")]
    url = settings.SITE_URL.rstrip("/") + reverse(
        "network:organisation_members", kwargs={"slug": org.slug}
    )
    context = {"person": str(user), "email": user.email, "organisation": org.name, "url": url}
    transaction.on_commit(
        lambda: _notify(
            admins,
            "%(person)s asks to join %(organisation)s",
            "%(person)s (%(email)s) asks to join %(organisation)s on Werkstatt.\n\n"
            "Please approve or decline the request here:\n%(url)s\n",
            context,
        )
    )
    return membership


@transaction.atomic
def do_approve_membership(admin: Any, membership: OrganisationMembership) -> OrganisationMembership:
    """Turn a join request into an active membership; the person gets an e-mail."""
    if membership.status != Status.REQUESTED:
        raise ValidationError(_("This request has already been answered."), code="answered")
    membership.status = Status.ACTIVE
    membership.save(update_fields=["status"])
    org = membership.organisation
    context = {
        "organisation": org.name,
        "url": settings.SITE_URL.rstrip("/") + org.get_absolute_url(),
    }
    user = membership.user
    transaction.on_commit(
        lambda: _notify(
            [user],
            "You are now a member of %(organisation)s",
            "Your request to join %(organisation)s on Werkstatt has been approved.\n\n%(url)s\n",
            context,
        )
    )
    return membership


@transaction.atomic
def do_decline_membership(admin: Any, membership: OrganisationMembership) -> None:
    """Decline a join request (the request is removed; the person may ask again)."""
    if membership.status != Status.REQUESTED:
        raise ValidationError(_("This request has already been answered."), code="answered")
    membership.delete()


@transaction.atomic
def do_set_role(
    admin: Any, membership: OrganisationMembership, role: str
) -> OrganisationMembership:
    """Make an active member an admin or an admin a member; one admin always remains."""
    if role not in Role.values:
        raise ValidationError(_("Unknown role."), code="role")
    if membership.status != Status.ACTIVE:
        raise ValidationError(
            _("Approve the request before you change the role."), code="not_active"
        )
    if role == membership.role:
        return membership
    if role != Role.ADMIN:
        _check_keeps_an_admin(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def do_remove_membership(admin: Any, membership: OrganisationMembership) -> None:
    """Remove a member from an organisation; the last admin can't be removed."""
    _check_keeps_an_admin(membership)
    membership.delete()


@transaction.atomic
def do_leave(user: Any, org: Organisation) -> None:
    """Leave an organisation (or withdraw a join request); the last admin can't leave."""
    membership = (
        OrganisationMembership.objects.select_for_update()
        .filter(user=user, organisation=org)
        .first()
    )
    if membership is None:
        raise ValidationError(_("You are not a member of this organisation."), code="not_member")
    _check_keeps_an_admin(membership)
    membership.delete()
