"""Admin site for people, spaces and roles. Users log in with their e-mail address."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from .models import Space, SpaceRole, User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes: dict = {}


class SpaceRoleInline(admin.TabularInline):
    model = SpaceRole
    extra = 0
    autocomplete_fields = ["space"]
    verbose_name = _("role in a space")
    verbose_name_plural = _("roles in spaces")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("name", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "name", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("email", "name", "language", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser", "language")
    search_fields = ("email", "name")
    ordering = ("email",)
    inlines = [SpaceRoleInline]


class SpaceRoleOfSpaceInline(admin.TabularInline):
    model = SpaceRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind")
    list_filter = ("kind",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [SpaceRoleOfSpaceInline]


@admin.register(SpaceRole)
class SpaceRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "space", "role", "created")
    list_filter = ("role", "space__kind")
    search_fields = ("user__email", "user__name", "space__name")
    autocomplete_fields = ["user", "space"]
    list_select_related = ("user", "space")
