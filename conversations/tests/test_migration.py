"""Existing sessions and interviews become conversations: the data migration, run on real rows."""

import pytest

BEFORE = [
    ("sessions_app", "0002_analysis_run_id"),
    ("interviews_app", "0001_initial"),
    ("conversations", "0001_initial"),
]
AFTER = [("sessions_app", "0005_conversation"), ("interviews_app", "0004_conversation")]


@pytest.mark.django_db(transaction=True)
def test_sessions_and_interviews_keep_everything(migrate):
    old = migrate(BEFORE)
    User = old.get_model("accounts", "User")
    Organisation = old.get_model("accounts", "Organisation")
    Template = old.get_model("sessions_app", "AssessmentTemplate")
    Candidate = old.get_model("sessions_app", "Candidate")
    Session = old.get_model("sessions_app", "Session")
    TranscriptTurn = old.get_model("sessions_app", "TranscriptTurn")
    Interview = old.get_model("interviews_app", "Interview")
    InterviewMessage = old.get_model("interviews_app", "InterviewMessage")

    user = User.objects.create(username="old-user", first_name="Ada", last_name="Lovelace")
    org = Organisation.objects.create(name="Acme Hiring", slug="acme-hiring")
    template = Template.objects.create(organisation=org, name="Backend", role="Backend engineer",
                                       competencies=[{"key": "system_design", "name": "System design"}],
                                       question_bank=["Design a queue."], max_questions=4)
    candidate = Candidate.objects.create(organisation=org, name="Grace")
    plan = {"questions": [{"id": "q1", "text": "Tell me about yourself.", "competency": "communication",
                           "kind": "introduction"}], "keywords": []}
    practice = Session.objects.create(
        user=user, kind="standard", assessment_area="Backend", context={"target_role": "Engineer"},
        resume_text="Ada. Engineer.", resume_data={"name": "Ada"}, plan=plan, state={"started": True},
        status="completed", call_id="call-1", analysis_status="done", analysis={"overall_score": 3.5},
        analysis_score=3.5,
    )
    TranscriptTurn.objects.create(session=practice, index=0, role="interviewer", text="Hello?", source="vapi")
    TranscriptTurn.objects.create(session=practice, index=1, role="candidate", text="Hi, I build APIs.",
                                  question_id="q1", source="report")
    assessment = Session.objects.create(user=user, kind="enterprise", organisation=org, template=template,
                                        candidate=candidate, status="linked", call_id="call-2")
    interview = Interview.objects.create(
        owner=user, room_name="room-1", candidate_id="c1", candidate_name="Grace", job_description="Go and Kafka",
        settings={"mode": "practice", "max_questions": 3}, plan=plan, status="ended", end_reason="ended_by_owner",
        message_count=1, summary_status="done", summary={"overall_score": 4.0, "summary": "Good."},
    )
    InterviewMessage.objects.create(interview=interview, index=0, role="interviewer", text="Welcome.",
                                    source="engine")

    new = migrate(AFTER)
    Session = new.get_model("sessions_app", "Session")
    Interview = new.get_model("interviews_app", "Interview")
    Turn = new.get_model("conversations", "Turn")

    practice = Session.objects.select_related("conversation").get(pk=practice.pk)
    conversation = practice.conversation
    assert (conversation.origin, conversation.status, conversation.resume_text) == ("vapi_session", "ended", "Ada. Engineer.")
    assert conversation.plan == plan and conversation.analysis == {"overall_score": 3.5}
    assert conversation.job["target_role"] == "Engineer" and conversation.job["candidate_name"] == "Ada Lovelace"
    assert list(Turn.objects.filter(conversation=conversation).order_by("index").values_list(
        "speaker", "text", "question_id", "transport")) == [
        ("interviewer", "Hello?", "", "vapi"), ("candidate", "Hi, I build APIs.", "q1", "report")]
    assert conversation.turn_count == 2 and practice.call_id == "call-1"

    assessed = Session.objects.select_related("conversation").get(pk=assessment.pk).conversation
    assert assessed.status == "created"  # linked: the session has a call
    assert assessed.job["mode"] == "enterprise" and assessed.job["target_company"] == "Acme Hiring"
    assert assessed.job["fixed_questions"] == ["Design a queue."] and assessed.job["candidate_name"] == "Grace"

    moved = Interview.objects.select_related("conversation").get(pk=interview.pk).conversation
    assert (moved.origin, moved.status, moved.end_reason) == ("interview", "ended", "ended_by_owner")
    assert moved.job["job_description"] == "Go and Kafka" and moved.job["max_questions"] == 3
    assert moved.analysis_status == "done" and moved.analysis_score == 4.0
    assert list(Turn.objects.filter(conversation=moved).values_list("speaker", "text")) == [("interviewer", "Welcome.")]
