from django.urls import path

from backoffice import views

urlpatterns = [
    path("ent/candidates/<uuid:candidate_id>", views.CandidateEraseView.as_view(), name="ent-candidate-erase"),
    path("ent/erasures/<uuid:erasure_id>", views.ErasureDetailView.as_view(), name="ent-erasure"),
]
