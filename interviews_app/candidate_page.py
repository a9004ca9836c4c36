"""GET /i/<candidate-pass>: the candidate's interview page (Django template, static JS and CSS).

The page itself is a thin adapter like every other transport: it reads the pass and the interview, and
renders. Everything the candidate then does goes through the public endpoints with the same pass as
Bearer token: the WebSocket (joinInterview, startInterview, candidateResponse, endInterview), the
transcript, /audio/synthesize and /transcription/audio.

Texts are in Django's catalogue (gettext here and in the template; the script's strings are rendered
into the page), in the language the browser asks for among those with a catalogue.
"""

from __future__ import annotations

from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from conversations.services import progress
from interviews_app import selectors
from interviews_app.models import Interview
from juggy.errors import NotAuthenticated, NotFound
from juggy.files import absolute_url
from livekit_app.services import RoomPass, room_pass_verify

# What the page tells the candidate to expect: minutes per planned question, follow-ups included.
MINUTES_PER_QUESTION = 2
VOICE = "alloy"


def candidate_link(candidate_pass: str, request=None) -> str:
    """The URL of the page for a candidate pass, handed to recruiters (REST answer, admin): absolute as
    juggy.files.absolute_url makes it when there is a request; else on PUBLIC_BASE_URL, or the path."""
    path = reverse("candidate-page", args=[candidate_pass])
    if request is not None:
        return absolute_url(request, path)
    return settings.PUBLIC_BASE_URL.rstrip("/") + path if settings.PUBLIC_BASE_URL else path


def candidate_link_html(interview: Interview) -> str:
    """The candidate link as the admin shows it: a pass expiring when the one handed out at creation
    does (services.candidate_pass_issue), or why there is none."""
    from interviews_app import services

    if interview.pk is None or interview.created_at is None:
        return "-"
    if interview.status in (Interview.Status.ENDED, Interview.Status.FAILED):
        return _("The interview is over; the link now shows the candidate a closing page.")
    expiry = localize(localtime(services.candidate_pass_expiry(interview)))
    candidate_pass = services.candidate_pass_issue(interview=interview)
    if candidate_pass is None:
        return _("The link expired on %(expiry)s.") % {"expiry": expiry}
    url = candidate_link(candidate_pass)
    return format_html('<a href="{}" rel="noreferrer" target="_blank">{}</a><br>{}', url, url,
                       _("Send it to the candidate: it opens this interview only, until %(expiry)s.")
                       % {"expiry": expiry})


@require_GET
def candidate_page(request, candidate_pass: str):
    with translation.override(translation.get_language_from_request(request)):
        response = _page(request, candidate_pass)
    # The pass is in the URL: never send it on as a Referer, never cache or index the page.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Content-Security-Policy"] = _content_security_policy()
    response["Permissions-Policy"] = "microphone=(self), camera=(), geolocation=()"
    return response


def _page(request, candidate_pass: str):
    try:
        room_pass = room_pass_verify(candidate_pass)
        interview = selectors.interview_for_actor(
            interview_id=(room_pass.scope or {}).get("interview"), room_pass=room_pass
        )
    except NotAuthenticated as exc:
        if exc.code == "room_pass_expired":
            return _closed(request, 410, _("This link has expired"),
                           _("Ask the person who invited you for a new interview link."))
        return _closed(request, 404, _("This link is not valid"),
                       _("Check that you opened the whole link from your invitation."))
    except NotFound:
        return _closed(request, 404, _("This link is not valid"),
                       _("The interview it points to no longer exists."))
    if interview.status in (Interview.Status.ENDED, Interview.Status.FAILED):
        return _closed(request, 200, _("This interview is over"),
                       _("Thank you for your time. Your answers have been passed on to the hiring team."))
    return render(request, "interviews_app/candidate.html", _context(interview, room_pass, candidate_pass))


def _context(interview: Interview, room_pass: RoomPass, candidate_pass: str) -> dict:
    job = interview.conversation.job or {}
    where = progress(interview.conversation)
    total = where["total_questions"]
    return {
        "interview": interview,
        "company": job.get("target_company") or "",
        "role": job.get("target_role") or "",
        "candidate_name": interview.candidate_name,
        "total_questions": total,
        "minutes": max(MINUTES_PER_QUESTION, total * MINUTES_PER_QUESTION),
        "resuming": interview.status == Interview.Status.IN_PROGRESS,
        "expires_at": room_pass.expires_at,
        "config": {
            "interviewId": str(interview.id),
            "token": candidate_pass,
            "status": interview.status,
            "totalQuestions": total,
            "socketPath": "/ws/interview",
            "synthesizeUrl": reverse("audio-synthesize"),
            "transcribeUrl": reverse("transcription-audio"),
            "transcriptUrl": reverse("interview-transcript", args=[interview.id]),
            "voice": VOICE,
            "expiresAt": room_pass.expires_at.astimezone(UTC).isoformat(),
        },
        "strings": _strings(),
    }


def _strings() -> dict[str, str]:
    """What the script says, translated here so that one catalogue holds every text of the page."""
    return {
        "progress": _("Question %(current)s of %(total)s"),
        "connecting": _("Connecting…"),
        "reconnecting": _("Connection lost. Reconnecting…"),
        "thinking": _("The interviewer is thinking…"),
        "transcribing": _("Writing down your answer…"),
        "speaking": _("The interviewer is speaking…"),
        "listening": _("Listening… answer when you are ready."),
        "listeningPtt": _("Press and hold the button (or press it once) to answer."),
        "recording": _("Recording… release the button (or press it again) when you are done."),
        "yourTurn": _("Your turn: type your answer."),
        "notHeard": _("We did not catch that. Please try again, or type your answer."),
        "micBlocked": _("The microphone is not available, so you can answer by typing."),
        "micWorks": _("Your microphone works."),
        "micSilent": _("We could not hear anything. Check your microphone, or answer by typing."),
        "micChecking": _("Say a few words…"),
        "speechFailed": _("The interviewer's voice could not be played; read the message above."),
        "interviewer": _("Interviewer"),
        "you": _("You"),
        "sending": _("Sending…"),
        "retrying": _("The interviewer is busy. Trying again…"),
        "talk": _("Hold to talk"),
        "stop": _("Finish answer"),
        "play": _("Play again"),
        "confirmEnd": _("End the interview now? You cannot come back to it."),
        "linkInvalid": _("This link no longer opens the interview. Ask for a new one."),
        "error": _("Something went wrong: %(message)s"),
    }


def _closed(request, status: int, title: str, message: str):
    return render(request, "interviews_app/candidate_closed.html", {"title": title, "message": message},
                  status=status)


def _content_security_policy() -> str:
    # Speech may be stored elsewhere (PUBLIC_BASE_URL, or a remote storage such as S3 over https).
    base = urlsplit(settings.PUBLIC_BASE_URL)
    media = f"{base.scheme}://{base.netloc}" if base.netloc else ""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self'; media-src 'self' blob: https: {media}; "
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
