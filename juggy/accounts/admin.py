import uuid

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from unfold.admin import ModelAdmin, TabularInline
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from juggy.accounts.models import ApiToken, CreditAccount, LedgerEntry, Membership, Organisation, User
from juggy.accounts.services import token_create


class MembershipInline(TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin, ModelAdmin):
    # unfold's forms style the password fields like the rest of the admin.
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = ["username", "email", "is_staff", "is_active", "date_joined"]
    search_fields = ["username", "email", "first_name", "last_name"]


@admin.register(Organisation)
class OrganisationAdmin(ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


def _administered(request) -> list:
    """Organisations the user is an admin of (their members are theirs to manage)."""
    if not hasattr(request, "_juggy_admin_of"):
        request._juggy_admin_of = list(Membership.objects.filter(user=request.user, role=Membership.Role.ADMIN)
                                       .values_list("organisation_id", flat=True))
    return request._juggy_admin_of


class MemberForm(forms.ModelForm):
    """Organisation admins add an existing account by its username or email (they never browse the
    user list, which is not theirs to see)."""

    account = forms.CharField(label="Username or email", required=False)

    class Meta:
        model = Membership
        fields = ["organisation", "role"]

    def clean(self):
        data = super().clean()
        if self.instance.pk is None:
            account = (data.get("account") or "").strip()
            user = User.objects.filter(username=account).first() or (
                User.objects.filter(email__iexact=account).first() if account else None)
            if user is None:
                raise forms.ValidationError("No account with that username or email.")
            if Membership.objects.filter(user=user, organisation=data.get("organisation")).exists():
                raise forms.ValidationError("Already a member of this organisation.")
            self.instance.user = user
        return data


@admin.register(Membership)
class MembershipAdmin(ModelAdmin):
    """Superusers manage every membership; an organisation admin manages their organisations' members
    (add by username or email, change the role, remove)."""

    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(organisation_id__in=_administered(request))

    def get_form(self, request, obj=None, change=False, **kwargs):
        if not request.user.is_superuser:
            kwargs["form"] = MemberForm
            kwargs["fields"] = ["organisation", "role"] if obj else ["account", "organisation", "role"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return [(None, {"fields": ["organisation", "role"] if obj else ["account", "organisation", "role"]})]

    def get_autocomplete_fields(self, request):
        return self.autocomplete_fields if request.user.is_superuser else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation" and not request.user.is_superuser:
            kwargs["queryset"] = Organisation.objects.filter(pk__in=_administered(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _manages(self, request, obj=None) -> bool:
        if not (request.user.is_active and request.user.is_staff and _administered(request)):
            return False
        return obj is None or obj.organisation_id in _administered(request)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or self._manages(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self._manages(request, obj)

    def has_add_permission(self, request):
        return super().has_add_permission(request) or self._manages(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or self._manages(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) or self._manages(request, obj)


@admin.register(ApiToken)
class ApiTokenAdmin(ModelAdmin):
    list_display = ["prefix", "user", "name", "is_service", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["is_service", "revoked_at"]
    search_fields = ["prefix", "user__username", "name"]
    list_select_related = ["user"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    fields = ["user", "name", "is_service", "prefix", "created_at", "last_used_at", "revoked_at"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        token, key = token_create(user=obj.user, name=obj.name, is_service=obj.is_service)
        obj.pk, obj.key_hash, obj.prefix = token.pk, token.key_hash, token.prefix
        obj._state.adding = False
        messages.warning(request, f"New token (copy it now, it is not shown again): {key}")

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request, queryset):
        from django.utils import timezone

        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


class LedgerEntryInline(TabularInline):
    model = LedgerEntry
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "amount", "balance_after", "idempotency_key", "memo"]
    readonly_fields = fields
    ordering = ["-id"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CreditAccount)
class CreditAccountAdmin(ModelAdmin):
    """Balances are read-only here: they move only through ledger entries (grant below)."""

    list_display = ["__str__", "user", "organisation", "balance", "updated_at"]
    search_fields = ["user__username", "organisation__name"]
    list_select_related = ["user", "organisation"]
    readonly_fields = ["balance", "updated_at"]
    autocomplete_fields = ["user", "organisation"]
    inlines = [LedgerEntryInline]


class LedgerEntryForm(forms.ModelForm):
    class Meta:
        model = LedgerEntry
        fields = ["account", "kind", "amount", "idempotency_key", "memo"]

    def clean(self):
        data = super().clean()
        account, amount = data.get("account"), data.get("amount")
        # The service enforces this again under a row lock; here it becomes a form error, not a failed page.
        if data.get("kind") == LedgerEntry.Kind.CHARGE and account and amount and amount > account.balance:
            raise forms.ValidationError(f"Not enough credits: the balance is {account.balance}.")
        return data


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ModelAdmin):
    """Append-only: staff add grants or refunds through the credits service; nothing is edited or deleted."""

    list_display = ["id", "account", "kind", "amount", "balance_after", "idempotency_key", "created_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["idempotency_key", "memo", "account__user__username", "account__organisation__name"]
    list_select_related = ["account__user", "account__organisation"]
    form = LedgerEntryForm
    fields = ["account", "kind", "amount", "idempotency_key", "memo"]
    autocomplete_fields = ["account"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.fields, "balance_after", "created_at"] if obj else []

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        from juggy.accounts import services

        operation = {
            LedgerEntry.Kind.GRANT: services.credits_grant,
            LedgerEntry.Kind.CHARGE: services.credits_charge,
            LedgerEntry.Kind.REFUND: services.credits_refund,
        }[obj.kind]
        key = obj.idempotency_key or f"admin:{uuid.uuid4()}"
        entry = operation(account=obj.account, amount=obj.amount, idempotency_key=key, memo=obj.memo or f"by {request.user}")
        obj.pk = entry.pk
        obj._state.adding = False


# Groups (Django's permission groups) in the same theme as the rest of the admin.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin, ModelAdmin):
    pass
