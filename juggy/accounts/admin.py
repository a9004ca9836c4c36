import uuid

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from juggy.accounts.models import ApiToken, CreditAccount, LedgerEntry, Membership, Organisation, User
from juggy.accounts.services import token_create


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "is_staff", "is_active", "date_joined"]
    search_fields = ["username", "email", "first_name", "last_name"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
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


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "amount", "balance_after", "idempotency_key", "memo"]
    readonly_fields = fields
    ordering = ["-id"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CreditAccount)
class CreditAccountAdmin(admin.ModelAdmin):
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
class LedgerEntryAdmin(admin.ModelAdmin):
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
