"""Organisation pages: the public profile, editing by its admins, sites, contacts, members, history.

Every view reads the request, asks the rules (network/rules.py), calls one service and renders.
Who may not see an organisation gets a 404 (non-public organisations don't exist for them),
who may see it but not change it a 403, and anonymous visitors of protected pages the login.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..forms.organisations import (
    ContactPersonForm,
    MembershipRoleForm,
    NewOrganisationForm,
    OrganisationForm,
    SiteForm,
)
from ..models import Capability, ContactPerson, Organisation, OrganisationMembership, Site
from ..services import organisations as services
from ..services.history import organisation_history_page

PAGE_SIZE = 25
GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def organisation_view(perm: str | None = None, *, login: bool = True) -> Callable:
    """Load the organisation of `slug` and check `perm` on it.

    Anonymous visitors of a protected page go to the login first (before the lookup, so the
    redirect tells nothing about which organisations exist); organisations the user may not
    view are 404; a missing `perm` is 403.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            if login and perm and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            org = get_object_or_404(Organisation, slug=slug)
            if not request.user.has_perm("network.view_organisation", org):
                raise Http404
            if perm and not request.user.has_perm(perm, org):
                raise PermissionDenied
            return view(request, org, *args, **kwargs)

        return wrapper

    return decorator


def _service(form: Any, fn: Callable, *args: Any) -> Any:
    """Run a service; put its ValidationError into the form. None if it failed."""
    try:
        return fn(*args)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


# --- profile ----------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
@organisation_view()
def organisation_detail(request: HttpRequest, org: Organisation) -> HttpResponse:
    capabilities = list(org.capabilities.order_by("key"))
    root_keys = {c.key.split(".", 1)[0] for c in capabilities}
    roots = {c.key: c for c in Capability.objects.filter(key__in=root_keys)}
    groups: dict[str, list[Capability]] = {}
    for cap in capabilities:
        root_key = cap.key.split(".", 1)[0]
        label = str(roots[root_key]) if root_key in roots else root_key
        groups.setdefault(label, []).append(cap)
    sites = list(org.sites.select_related("region"))
    membership = None
    if request.user.is_authenticated:
        membership = OrganisationMembership.objects.filter(
            user=request.user, organisation=org
        ).first()
    context = {
        "organisation": org,
        "capability_groups": groups.items(),
        "certifications": org.certifications.all(),
        "materials": org.materials.all(),
        "sectors": org.sectors.all(),
        "sites": sites,
        "located_sites": [s for s in sites if s.lat is not None and s.lon is not None],
        "contacts": org.contacts.filter(is_public=True),
        "membership": membership,
        "can_join": request.user.has_perm("network.join_organisation", org),
        "can_claim": request.user.has_perm("network.claim_organisation", org),
        "has_admin": services.has_active_admin(org),
        "can_change": request.user.has_perm("network.change_organisation", org),
        "can_view_history": request.user.has_perm("network.view_organisation_history", org),
    }
    return render(request, "network/organisation_detail.html", context)


@GET_POST
@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    """A new organisation; first "Does this organisation exist already?" with the import's
    duplicate matcher, and created only when the person confirms it is another one."""
    if not request.user.has_perm("network.add_organisation"):
        raise PermissionDenied
    form = NewOrganisationForm(request.POST or None)
    candidates: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not data.get("confirm_new"):
            for candidate, match in services.similar_organisations(
                data["name"], website=data.get("website") or ""
            ):
                if not request.user.has_perm("network.view_organisation", candidate):
                    continue
                candidates.append(
                    {
                        "organisation": candidate,
                        "score": match.score,
                        "identical": "identical_name" in match.reasons,
                        "can_join": request.user.has_perm("network.join_organisation", candidate),
                        "can_claim": request.user.has_perm("network.claim_organisation", candidate),
                    }
                )
        if candidates:
            form.ask_confirmation()
        else:
            org = _service(form, services.do_create_organisation, request.user, data)
            if org is not None:
                messages.success(
                    request, _("The organisation has been created. Now add its sites.")
                )
                return redirect("network:organisation_sites", slug=org.slug)
    return render(
        request,
        "network/organisation_form.html",
        {"form": form, "organisation": None, "candidates": candidates},
    )


@GET_POST
@organisation_view("network.change_organisation")
def organisation_edit(request: HttpRequest, org: Organisation) -> HttpResponse:
    form = OrganisationForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The form has written its values onto `org`; the service applies them itself.
        org.refresh_from_db()
        if _service(form, services.do_update_profile, org, request.user, data) is not None:
            messages.success(request, _("The profile has been saved."))
            return redirect(org)
        org.refresh_from_db()
    return render(request, "network/organisation_form.html", {"form": form, "organisation": org})


# --- sites ------------------------------------------------------------------------------------


@GET_POST
@organisation_view("network.change_organisation")
def organisation_sites(request: HttpRequest, org: Organisation) -> HttpResponse:
    form = SiteForm(request.POST or None, initial={"is_headquarters": not org.sites.exists()})
    if request.method == "POST" and form.is_valid():
        site = _service(form, services.do_add_site, org, request.user, form.cleaned_data)
        if site is not None:
            messages.success(request, _("The site has been added."))
            return redirect("network:organisation_sites", slug=org.slug)
    sites = org.sites.select_related("region")
    return render(
        request,
        "network/organisation_sites.html",
        {"organisation": org, "sites": sites, "form": form},
    )


@GET_POST
@organisation_view("network.change_organisation")
def site_edit(request: HttpRequest, org: Organisation, pk: int) -> HttpResponse:
    site = get_object_or_404(Site, pk=pk, organisation=org)
    form = SiteForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        site.refresh_from_db()
        if _service(form, services.do_update_site, site, request.user, data):
            messages.success(request, _("The site has been saved."))
            return redirect("network:organisation_sites", slug=org.slug)
    return render(
        request,
        "network/organisation_site_form.html",
        {"organisation": org, "site": site, "form": form},
    )


@GET_POST
@organisation_view("network.change_organisation")
def site_delete(request: HttpRequest, org: Organisation, pk: int) -> HttpResponse:
    site = get_object_or_404(Site, pk=pk, organisation=org)
    if request.method == "POST":
        services.do_delete_site(site, request.user)
        messages.success(request, _("The site has been deleted."))
        return redirect("network:organisation_sites", slug=org.slug)
    return render(
        request,
        "network/organisation_confirm_delete.html",
        {"organisation": org, "object": site, "cancel_url": "network:organisation_sites"},
    )


# --- contact people ---------------------------------------------------------------------------


@GET_POST
@organisation_view("network.change_organisation")
def organisation_contacts(request: HttpRequest, org: Organisation) -> HttpResponse:
    form = ContactPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = _service(form, services.do_add_contact, org, request.user, form.cleaned_data)
        if contact is not None:
            messages.success(request, _("The contact person has been added."))
            return redirect("network:organisation_contacts", slug=org.slug)
    return render(
        request,
        "network/organisation_contacts.html",
        {"organisation": org, "contacts": org.contacts.all(), "form": form},
    )


@GET_POST
@organisation_view("network.change_organisation")
def contact_edit(request: HttpRequest, org: Organisation, pk: int) -> HttpResponse:
    contact = get_object_or_404(ContactPerson, pk=pk, organisation=org)
    form = ContactPersonForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contact.refresh_from_db()
        if _service(form, services.do_update_contact, contact, request.user, data):
            messages.success(request, _("The contact person has been saved."))
            return redirect("network:organisation_contacts", slug=org.slug)
    return render(
        request,
        "network/organisation_contact_form.html",
        {"organisation": org, "contact": contact, "form": form},
    )


@GET_POST
@organisation_view("network.change_organisation")
def contact_delete(request: HttpRequest, org: Organisation, pk: int) -> HttpResponse:
    contact = get_object_or_404(ContactPerson, pk=pk, organisation=org)
    if request.method == "POST":
        services.do_delete_contact(contact, request.user)
        messages.success(request, _("The contact person has been deleted."))
        return redirect("network:organisation_contacts", slug=org.slug)
    return render(
        request,
        "network/organisation_confirm_delete.html",
        {"organisation": org, "object": contact, "cancel_url": "network:organisation_contacts"},
    )


# --- memberships ------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
@organisation_view("network.manage_memberships")
def organisation_members(request: HttpRequest, org: Organisation) -> HttpResponse:
    memberships = (
        OrganisationMembership.objects.filter(organisation=org)
        .select_related("user")
        .annotate(
            pending=Case(
                When(status=OrganisationMembership.Status.REQUESTED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("pending", "user__name", "user__email", "pk")
    )
    page_obj = Paginator(memberships, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "network/membership_list.html",
        {"organisation": org, "page_obj": page_obj, "roles": OrganisationMembership.Role},
    )


@require_POST
@organisation_view("network.manage_memberships")
def membership_action(request: HttpRequest, org: Organisation, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        OrganisationMembership.objects.select_related("user", "organisation"),
        pk=pk,
        organisation=org,
    )
    action = request.POST.get("action")
    try:
        if action == "approve":
            services.do_approve_membership(request.user, membership)
            person = {"person": membership.user}
            messages.success(request, _("%(person)s is now a member.") % person)
        elif action == "decline":
            services.do_decline_membership(request.user, membership)
            messages.success(request, _("The request has been declined."))
        elif action == "remove":
            services.do_remove_membership(request.user, membership)
            person = {"person": membership.user}
            messages.success(request, _("%(person)s has been removed.") % person)
        elif action == "role":
            form = MembershipRoleForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Please choose a valid role."))
            services.do_set_role(request.user, membership, form.cleaned_data["role"])
            messages.success(request, _("The role has been changed."))
        else:
            raise ValidationError(_("Unknown action."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    if request.POST.get("back") == "requests" and request.user.has_perm(
        "network.review_membership_requests"
    ):
        return redirect("network:membership_requests")
    return redirect("network:organisation_members", slug=org.slug)


@require_http_methods(["GET", "HEAD"])
@login_required
def membership_requests(request: HttpRequest) -> HttpResponse:
    """The network moderators' one place for every open join request and claim."""
    if not request.user.has_perm("network.review_membership_requests"):
        raise PermissionDenied
    page_obj = Paginator(services.pending_requests(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "network/membership_requests.html", {"page_obj": page_obj})


@require_POST
@organisation_view("network.join_organisation")
def organisation_join(request: HttpRequest, org: Organisation) -> HttpResponse:
    try:
        services.do_request_membership(request.user, org)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if services.has_active_admin(org):
            messages.success(request, _("Your request has been sent to the organisation's admins."))
        else:
            messages.success(
                request,
                _(
                    "Nobody represents this organisation on Werkstatt yet; the network "
                    "moderators will review your request."
                ),
            )
    return redirect(org)


@require_POST
@organisation_view("network.claim_organisation")
def organisation_claim(request: HttpRequest, org: Organisation) -> HttpResponse:
    """Ask to speak for an organisation nobody represents yet; the moderators decide."""
    try:
        services.do_request_membership(request.user, org, claim=True)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _(
                "Your request to represent this organisation has been sent to the network "
                "moderators. You will be notified when they have checked it."
            ),
        )
    return redirect(org)


@require_POST
@login_required
def organisation_leave(request: HttpRequest, slug: str) -> HttpResponse:
    org = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("network.view_organisation", org):
        raise Http404
    try:
        membership = services.do_leave(request.user, org)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(org)
    if membership.status == OrganisationMembership.Status.REQUESTED:
        messages.success(
            request,
            _("Your request concerning %(organisation)s has been withdrawn.")
            % {"organisation": org},
        )
        return redirect(org)
    messages.success(request, _("You have left %(organisation)s.") % {"organisation": org})
    return redirect("network:my_organisations")


@require_http_methods(["GET", "HEAD"])
@login_required
def my_organisations(request: HttpRequest) -> HttpResponse:
    memberships = (
        OrganisationMembership.objects.filter(user=request.user)
        .select_related("organisation", "organisation__region")
        .order_by("organisation__name", "pk")
    )
    page_obj = Paginator(memberships, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "network/membership_my_list.html", {"page_obj": page_obj})


# --- history ----------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
@organisation_view("network.view_organisation_history")
def organisation_history(request: HttpRequest, org: Organisation) -> HttpResponse:
    page_obj, entries = organisation_history_page(org, request.GET.get("page"))
    return render(
        request,
        "network/organisation_history.html",
        {"organisation": org, "page_obj": page_obj, "entries": entries},
    )
