"""Signals of the events app, for the apps above it (matchmaking) that keep data per registration.

`registration_cancelled(sender=Registration, registration, account_deleted)`: sent inside the
transaction that cancelled a registration (by the person, an organiser, or because the person's
account is being deleted), so that what hangs on the seat (B2B meetings) goes with it.
"""

from django.dispatch import Signal

registration_cancelled = Signal()
