from rest_framework import serializers


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=254, help_text="Username or email address.")
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
    name = serializers.CharField(max_length=100, required=False, default="", help_text="A label for the token.")


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Bearer <token>`. Shown once.")
    token_id = serializers.UUIDField()
    user_id = serializers.UUIDField()


class MembershipOutSerializer(serializers.Serializer):
    organisation_id = serializers.UUIDField(source="organisation.id")
    organisation_name = serializers.CharField(source="organisation.name")
    role = serializers.CharField()


class MeSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    username = serializers.CharField()
    # Not EmailField: users without an email address (e.g. service accounts) have "", which is no email.
    email = serializers.CharField(allow_blank=True, help_text="The user's email address; empty when none is set.")
    credits = serializers.IntegerField()
    memberships = MembershipOutSerializer(many=True)
