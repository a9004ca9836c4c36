from django.urls import path

from interviews_app.audio_views import SynthesizeView, TranscribeView

urlpatterns = [
    path("audio/synthesize", SynthesizeView.as_view(), name="audio-synthesize"),
    path("transcription/audio", TranscribeView.as_view(), name="transcription-audio"),
]
