"""Inquiry services: send to a supplier or a consortium, the conversation, its history."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tests.factories import OrganisationAdminFactory, OrganisationFactory
from tests.supply.factories import DemandFactory, DemandStepFactory, InquiryFactory
from werkstatt.notifications.models import Notification
from werkstatt.supply.models import Demand, Inquiry, InquiryMessage
from werkstatt.supply.services import inquiries as services

pytestmark = pytest.mark.django_db

STEPS = ["trennen.abtragen.laserschneiden", "umformen.biegen", "fuegen.schweissen"]


@pytest.fixture
def buyer():
    return OrganisationAdminFactory(organisation__name="Erzgebirgs-Maschinenbau GmbH")


@pytest.fixture
def supplier():
    return OrganisationAdminFactory(organisation__name="Blechtechnik Zwickau GmbH")


@pytest.fixture
def demand(buyer):
    return DemandFactory(organisation=buyer.organisation, steps=STEPS)


def test_send_records_the_message_and_notifies_the_suppliers_admins(demand, buyer, supplier):
    steps = list(demand.steps.filter(order__in=[1, 2]))
    inquiry = services.do_send_inquiry(
        demand, buyer.user, supplier.organisation, "  Bitte um Angebot.  ", steps
    )
    assert inquiry.status == Inquiry.Status.SENT
    assert inquiry.message == "Bitte um Angebot."
    assert set(inquiry.steps.all()) == set(steps)
    history = list(inquiry.messages.all())
    assert [(m.side, m.status, m.text) for m in history] == [("buyer", "sent", "Bitte um Angebot.")]
    note = Notification.objects.get(recipient=supplier.user)
    assert note.verb == "supply.inquiry_received"
    assert "Erzgebirgs-Maschinenbau GmbH" in note.title
    assert not Notification.objects.filter(recipient=buyer.user).exists()


@pytest.mark.parametrize(
    "problem",
    ["empty message", "own organisation", "closed demand", "open already", "foreign step"],
)
def test_bad_inquiries_are_refused_and_send_nothing(demand, buyer, supplier, problem):
    organisation, message, steps = supplier.organisation, "Angebot?", []
    if problem == "empty message":
        message = "   "
    elif problem == "own organisation":
        organisation = buyer.organisation
    elif problem == "closed demand":
        Demand.objects.filter(pk=demand.pk).update(status=Demand.Status.FULFILLED)
        demand.refresh_from_db()
    elif problem == "open already":
        InquiryFactory(demand=demand, organisation=supplier.organisation)
    elif problem == "foreign step":
        steps = [DemandStepFactory()]
    before = Inquiry.objects.count()
    with pytest.raises(ValidationError):
        services.do_send_inquiry(demand, buyer.user, organisation, message, steps)
    assert Inquiry.objects.count() == before
    assert not Notification.objects.filter(verb="supply.inquiry_received").exists()


def test_a_declined_supplier_can_be_asked_again(demand, buyer, supplier):
    InquiryFactory(demand=demand, organisation=supplier.organisation, status="declined")
    again = services.do_send_inquiry(demand, buyer.user, supplier.organisation, "Neuer Termin?")
    assert again.status == Inquiry.Status.SENT


def test_consortium_inquiry_sends_one_per_partner_with_its_steps(demand, buyer):
    cutter, welder = OrganisationFactory(), OrganisationFactory()
    s1, s2, s3 = demand.steps.order_by("order")
    sent = services.do_send_consortium_inquiry(
        demand, buyer.user, [(s1, cutter), (s2, cutter), (s3, welder)], "Gemeinsames Angebot?"
    )
    assert len(sent) == 2
    assert sent[0].consortium is not None and sent[0].consortium == sent[1].consortium
    by_org = {i.organisation_id: set(i.steps.values_list("order", flat=True)) for i in sent}
    assert by_org == {cutter.pk: {1, 2}, welder.pk: {3}}


def test_consortium_inquiry_sends_nothing_if_one_partner_cannot_be_asked(demand, buyer):
    cutter, welder = OrganisationFactory(), OrganisationFactory()
    InquiryFactory(demand=demand, organisation=welder)
    s1, s2, s3 = demand.steps.order_by("order")
    with pytest.raises(ValidationError, match=welder.name):
        services.do_send_consortium_inquiry(
            demand, buyer.user, [(s1, cutter), (s2, cutter), (s3, welder)], "Angebot?"
        )
    assert not Inquiry.objects.filter(organisation=cutter).exists()
    with pytest.raises(ValidationError):
        services.do_send_consortium_inquiry(demand, buyer.user, [], "Angebot?")


def test_question_answer_accept_conversation(demand, buyer, supplier):
    inquiry = services.do_send_inquiry(demand, buyer.user, supplier.organisation, "Angebot?")
    mail.outbox.clear()
    services.do_inquiry_action(inquiry, supplier.user, "question", "Welche Blechstärke?")
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.QUESTION
    told = Notification.objects.filter(recipient=buyer.user)
    assert told.filter(verb="supply.inquiry_question").exists()
    services.do_inquiry_action(inquiry, buyer.user, "answer", "5 mm, S355.")
    services.do_inquiry_action(inquiry, supplier.user, "accept", "")
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.ACCEPTED
    history = [(m.side, m.status, m.text) for m in inquiry.messages.order_by("created", "pk")]
    assert history == [
        ("buyer", "sent", "Angebot?"),
        ("supplier", "question", "Welche Blechstärke?"),
        ("buyer", "answered", "5 mm, S355."),
        ("supplier", "accepted", ""),
    ]
    assert told.filter(verb="supply.inquiry_accepted").exists()


@pytest.mark.parametrize(
    ("status", "action", "text"),
    [
        ("sent", "answer", "Antwort ohne Frage"),
        ("accepted", "decline", ""),
        ("declined", "accept", ""),
        ("withdrawn", "question", "Noch da?"),
        ("question", "answer", "  "),
        ("sent", "question", ""),
        ("sent", "delete", ""),
    ],
)
def test_impossible_steps_change_nothing(demand, supplier, buyer, status, action, text):
    inquiry = InquiryFactory(demand=demand, organisation=supplier.organisation, status=status)
    with pytest.raises(ValidationError):
        services.do_inquiry_action(inquiry, supplier.user, action, text)
    inquiry.refresh_from_db()
    assert inquiry.status == status
    assert inquiry.messages.count() == 1
    assert InquiryMessage.objects.count() == 1


def test_withdraw_by_the_buyer(demand, buyer, supplier):
    inquiry = InquiryFactory(demand=demand, organisation=supplier.organisation)
    services.do_inquiry_action(inquiry, buyer.user, "withdraw")
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.WITHDRAWN
    assert Notification.objects.filter(recipient=supplier.user).count() == 1
