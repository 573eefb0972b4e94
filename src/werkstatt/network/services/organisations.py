"""Writes to organisations: profiles, capabilities, sites, contact people and memberships.

Each `do_*` function makes one change atomically, records who made it in the history (one
historical record per change, not one per touched many-to-many field), keeps the denormalised
fields (name_key, region/lat/lon from the headquarters) right and refreshes the search index.
Permission checks are the caller's (views and the API ask the rules in network/rules.py);
business rules that hold whoever asks (an organisation keeps an admin, a site has a known
place) are checked here and raise `ValidationError` with a message for the user.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import translation
from django.utils.text import format_lazy, slugify
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
    _tell(
        network_moderators(),
        verb="network.new_organisation",
        title=format_lazy(
            _("New organisation in the directory: {organisation}"), organisation=org.name
        ),
        url=_org_link(org),
        actor=user,
        target=org,
    )
    return org


# Names shared by more organisations than this are not used alone to find candidates.
_COMMON_WORD = 2000


def similar_organisations(
    name: str, *, postcode: str = "", city: str = "", website: str = "", limit: int = 5
) -> list[tuple[Organisation, names.Match]]:
    """Existing organisations that may be the one named here, best first (the import's
    duplicate matcher, engines/names.py), for "Does this organisation exist already?".

    Only organisations that share a word of the normalised name, or the website, are compared:
    the rarer words first, so a common word ("metallbau") does not load half the directory."""
    key = names.name_key(name)
    if not key:
        return []
    words = sorted({w for w in key.split() if len(w) >= 3})

    def having(word: str) -> Q:
        # name_key is kept by these services, the demo and the import; the name itself covers
        # organisations written some other way.
        return Q(name_key__contains=word) | Q(name__icontains=word)

    query = Q(name_key=key)
    counted = [(Organisation.objects.filter(having(w)).count(), w) for w in words]
    rare = [w for n, w in sorted(counted) if n <= _COMMON_WORD][:3]
    for word in rare or [w for _n, w in sorted(counted)[:1]]:
        query |= having(word)
    domain = re.sub(r"^https?://(www\.)?", "", (website or "").strip().lower()).split("/")[0]
    if domain:
        query |= Q(website__icontains=domain)
    rows = list(
        Organisation.objects.filter(query)
        .order_by("pk")
        .values_list("pk", "name", "website")[:_COMMON_WORD]
    )
    if not rows:
        return []
    places: dict[int, tuple[str, str]] = {}
    for org_id, site_postcode, site_city in (
        Site.objects.filter(organisation_id__in=[r[0] for r in rows])
        .order_by("organisation_id", "-is_headquarters", "pk")
        .values_list("organisation_id", "postcode", "city")
    ):
        places.setdefault(org_id, (site_postcode, site_city))
    index = names.NameIndex()
    for org_id, other_name, other_website in rows:
        other_postcode, other_city = places.get(org_id, ("", ""))
        index.add(org_id, other_name, other_postcode, other_city, other_website)
    matches = index.match(name, postcode, city, website, limit=limit)
    found = Organisation.objects.select_related("region").in_bulk([m.id for m in matches])
    return [(found[m.id], m) for m in matches if m.id in found]


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


def check_postcode_and_place(postcode: str, city: str) -> None:
    """A postcode and a place that don't belong together are a mistake: say which is which."""
    from . import geocoding

    place = geocoding.postcode_mismatch(postcode or "", city or "")
    if place is not None:
        raise ValidationError(
            {
                "postcode": _(
                    "The postcode %(postcode)s belongs to %(postcode_place)s, not to %(place)s. "
                    "Please correct the postcode or the place."
                )
                % {"postcode": place.postcode, "postcode_place": place.name, "place": city.strip()}
            },
            code="postcode_mismatch",
        )


def _save_site(site: Site, user: Any, data: Mapping[str, Any]) -> Site:
    _apply(site, data, SITE_FIELDS)
    check_postcode_and_place(site.postcode, site.city)
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


def network_moderators() -> list[Any]:
    """The active moderators of the network directory (they review what no admin answers)."""
    from django.contrib.auth import get_user_model

    from werkstatt.accounts.models import Space, SpaceRole

    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            space_roles__space__kind=Space.Kind.NETWORK,
            space_roles__role=SpaceRole.Role.MODERATOR,
        )
        .distinct()
        .order_by("pk")
    )


def has_active_admin(org: Organisation) -> bool:
    """Whether someone speaks for the organisation on Werkstatt (an active admin)."""
    return _active_admins(org).exists()


def _tell(
    recipients: Iterable[Any],
    *,
    verb: str,
    title: Any,
    url: str,
    actor: Any = None,
    target: Any = None,
    body: Any = "",
) -> None:
    """Notify people on the platform and by e-mail, each in their own language: `title` and
    `body` are lazy translations, evaluated per recipient by notify()."""
    from werkstatt.notifications.services import notify

    notify(recipients, verb=verb, title=title, url=url, actor=actor, target=target, body=body)


def _link(name: str, **kwargs: Any) -> str:
    """A page's address without a language prefix: a notification is read by people of either
    language, each of whom the site then shows their own."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(name, kwargs=kwargs or None)


def _org_link(org: Organisation) -> str:
    return _link("network:organisation", slug=org.slug)


def _members_url(org: Organisation) -> str:
    return _link("network:organisation_members", slug=org.slug)


@transaction.atomic
def do_request_membership(
    user: Any, org: Organisation, *, claim: bool = False
) -> OrganisationMembership:
    """Ask to join an organisation, or (`claim`) to speak for it as its first admin.

    A join request goes to the organisation's admins; when it has none, and always for a
    claim, to the network moderators, who then decide (see `pending_requests`)."""
    if OrganisationMembership.objects.filter(user=user, organisation=org).exists():
        raise ValidationError(
            _("You are already a member of this organisation or have asked to join it."),
            code="exists",
        )
    admins = [m.user for m in _active_admins(org).select_related("user")]
    if claim and admins:
        raise ValidationError(
            _("This organisation already has admins on Werkstatt. Please ask to join it."),
            code="has_admins",
        )
    membership = OrganisationMembership.objects.create(
        user=user,
        organisation=org,
        role=Role.ADMIN if claim else Role.MEMBER,
        status=Status.REQUESTED,
    )
    person = user.name or gettext("Someone")
    if claim:
        title = format_lazy(
            _("{person} asks to represent {organisation} as its admin"),
            person=person,
            organisation=org.name,
        )
    else:
        title = format_lazy(
            _("{person} asks to join {organisation}"), person=person, organisation=org.name
        )
    if admins and not claim:
        recipients, url = admins, _members_url(org)
        body = _("Please approve or decline the request on the organisation's members page.")
    else:
        recipients, url = network_moderators(), _link("network:membership_requests")
        body = _(
            "Nobody represents this organisation on Werkstatt yet. Please review the request "
            "on the page of pending requests."
        )
    _tell(
        recipients,
        verb="network.claim_request" if claim else "network.join_request",
        title=title,
        url=url,
        actor=user,
        target=org,
        body=body,
    )
    return membership


@transaction.atomic
def do_approve_membership(admin: Any, membership: OrganisationMembership) -> OrganisationMembership:
    """Turn a join request into an active membership (a claim into an active admin); the
    person is told."""
    if membership.status != Status.REQUESTED:
        raise ValidationError(_("This request has already been answered."), code="answered")
    membership.status = Status.ACTIVE
    membership.save(update_fields=["status"])
    org = membership.organisation
    if membership.role == Role.ADMIN:
        title = format_lazy(_("You are now an admin of {organisation}"), organisation=org.name)
    else:
        title = format_lazy(_("You are now a member of {organisation}"), organisation=org.name)
    _tell(
        [membership.user],
        verb="network.request_approved",
        title=title,
        url=_org_link(org),
        actor=admin,
        target=org,
    )
    return membership


@transaction.atomic
def do_decline_membership(admin: Any, membership: OrganisationMembership) -> None:
    """Decline a join request (the request is removed; the person may ask again)."""
    if membership.status != Status.REQUESTED:
        raise ValidationError(_("This request has already been answered."), code="answered")
    org = membership.organisation
    user = membership.user
    membership.delete()
    _tell(
        [user],
        verb="network.request_declined",
        title=format_lazy(
            _("Your request concerning {organisation} was declined"), organisation=org.name
        ),
        url=_org_link(org),
        actor=admin,
        target=org,
    )


def pending_requests():  # -> QuerySet[OrganisationMembership]
    """Every open join request and claim, oldest first, with whether its organisation has an
    active admin (those without one wait for the network moderators)."""
    admins = OrganisationMembership.objects.filter(
        organisation=OuterRef("organisation"), role=Role.ADMIN, status=Status.ACTIVE
    )
    return (
        OrganisationMembership.objects.filter(status=Status.REQUESTED)
        .select_related("user", "organisation")
        .annotate(organisation_has_admin=Exists(admins))
        .order_by("organisation_has_admin", "created", "pk")
    )


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
    return membership


@transaction.atomic
def do_leave(user: Any, org: Organisation) -> OrganisationMembership:
    """Leave an organisation (or withdraw a join request); the last admin can't leave.

    Returns the deleted membership, so the caller can tell a withdrawn request from leaving."""
    membership = (
        OrganisationMembership.objects.select_for_update()
        .filter(user=user, organisation=org)
        .first()
    )
    if membership is None:
        raise ValidationError(_("You are not a member of this organisation."), code="not_member")
    _check_keeps_an_admin(membership)
    membership.delete()
    return membership
