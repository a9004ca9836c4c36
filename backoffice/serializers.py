from rest_framework import serializers

from backoffice.models import Erasure


class ErasureSerializer(serializers.ModelSerializer):
    erasure_id = serializers.UUIDField(source="id")
    candidate_id = serializers.UUIDField(allow_null=True)
    # Plain strings in the schema (the enum names "kind" and "status" are taken by sessions).
    kind = serializers.CharField(help_text="candidate (on request) or retention (the retention period expired).")
    status = serializers.CharField(help_text="pending, running, done or failed.")
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="What was erased, once done.")

    class Meta:
        model = Erasure
        fields = ["erasure_id", "kind", "candidate_id", "status", "counts", "error", "requested_at", "finished_at"]
