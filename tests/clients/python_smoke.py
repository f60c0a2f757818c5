"""Smoke flow through the Python client generated from openapi/openapi.json.

Run by scripts/client-test.sh, which generates the `carechat_client` package, starts the server
and sets CARECHAT_BASE_URL, CARECHAT_ADMIN_PHONE and CARECHAT_ADMIN_PASSWORD. Every answer is
read through the generated models, so a document that does not describe the real answers fails:
a missing required field or an unknown enum value fails parsing, a status the document does not
list raises `UnexpectedStatus`, and a field the server sends but the document lacks (caught in
a model's `additional_properties`) fails `strict`. Prints `smoke: N passed, N failed`.
"""

import json
import os
import sys
import traceback
import uuid
from typing import Any, Callable

import attrs

from carechat_client import AuthenticatedClient, Client
from carechat_client.api.auth import login, me, register
from carechat_client.api.track1 import answer, list_session_types, list_templates, start_session, submit
from carechat_client.api.track2 import create_conversation, list_conversation_types, post_message
from carechat_client.api.track3 import inventory
from carechat_client.models import (
    AnswerItem,
    AnswerRequest,
    AuthResponse,
    ChatDelta,
    ChatMessage,
    ChatConversation,
    Component,
    ConversationStatus,
    ConversationType,
    CreateConversationRequest,
    InventoryResponse,
    LoginRequest,
    MessageExchange,
    MessageRole,
    PostMessageRequest,
    Problem,
    QuestionnaireTemplate,
    RegisterRequest,
    ResponseType,
    Role,
    SessionStatus,
    SessionType,
    SessionView,
    StartSessionRequest,
    UserResponse,
)
from carechat_client.types import UNSET, Response

BASE_URL = os.environ["CARECHAT_BASE_URL"]
ADMIN_PHONE = os.environ["CARECHAT_ADMIN_PHONE"]
ADMIN_PASSWORD = os.environ["CARECHAT_ADMIN_PASSWORD"]

# Shared between the steps, which run in order.
state: dict[str, Any] = {}


def strict(value: Any, where: str = "response") -> None:
    """Fails on any field the server sent that the document does not declare.

    Models of open maps (`additionalProperties: {type}` and no declared field, e.g. translations
    per language) keep their entries in `additional_properties` by design and are skipped.
    """
    if isinstance(value, list):
        for i, item in enumerate(value):
            strict(item, f"{where}[{i}]")
        return
    if not attrs.has(type(value)):
        return
    declared = [f.name for f in attrs.fields(type(value)) if f.name != "additional_properties"]
    extra = getattr(value, "additional_properties", {})
    if declared and extra:
        raise AssertionError(f"{where} ({type(value).__name__}) has undocumented fields {sorted(extra)}")
    for name in declared:
        strict(getattr(value, name), f"{where}.{name}")


def parsed(response: Response[Any], status: int, model: type) -> Any:
    """The parsed body of a response that must have `status` and parse as `model`."""
    assert response.status_code == status, (
        f"expected {status}, got {response.status_code}: {response.content[:500]!r}"
    )
    assert isinstance(response.parsed, model), (
        f"expected a {model.__name__}, parsed {type(response.parsed).__name__}"
    )
    strict(response.parsed, model.__name__)
    return response.parsed


def anonymous() -> Client:
    return Client(base_url=BASE_URL, raise_on_unexpected_status=True, timeout=30.0)


def as_user(token: str) -> AuthenticatedClient:
    return AuthenticatedClient(base_url=BASE_URL, token=token, raise_on_unexpected_status=True, timeout=30.0)


def register_patient() -> None:
    phone = f"+1555{uuid.uuid4().int % 10**7:07d}"
    password = "smoke-client-pass-7"
    body = RegisterRequest(full_name="Client Smoke", password=password, phone_number=phone, preferred_language="en")
    auth = parsed(register.sync_detailed(client=anonymous(), body=body), 201, AuthResponse)
    assert auth.token_type == "Bearer" and auth.access_token and auth.expires_in > 0
    assert auth.user.phone_number == phone and auth.user.role == Role.PATIENT
    state.update(phone=phone, password=password)


def log_in() -> None:
    body = LoginRequest(identifier=state["phone"], password=state["password"])
    auth = parsed(login.sync_detailed(client=anonymous(), body=body), 200, AuthResponse)
    assert auth.user.full_name == "Client Smoke"
    state["patient"] = as_user(auth.access_token)


def read_me() -> None:
    user = parsed(me.sync_detailed(client=state["patient"]), 200, UserResponse)
    assert user.phone_number == state["phone"] and user.role == Role.PATIENT and user.is_active
    assert user.preferred_language == "en" and isinstance(user.user_id, uuid.UUID)
    assert user.login_history, "a login was just recorded"
    state["user_id"] = user.user_id


def bad_login_is_a_problem() -> None:
    body = LoginRequest(identifier=state["phone"], password="not-the-password-1")
    problem = parsed(login.sync_detailed(client=anonymous(), body=body), 401, Problem)
    assert problem.code == "invalid_credentials" and problem.status == 401
    assert problem.type_ == "urn:carechat:problem:invalid_credentials"


def invalid_registration_lists_fields() -> None:
    body = RegisterRequest(full_name="", password="short", phone_number="not a phone")
    problem = parsed(register.sync_detailed(client=anonymous(), body=body), 422, Problem)
    assert problem.code == "validation_failed" and problem.errors is not UNSET and problem.errors
    pointers = {violation.pointer for violation in problem.errors}
    assert "/phoneNumber" in pointers, pointers


def chat_with_the_local_assistant() -> None:
    client = state["patient"]
    types = parsed(list_conversation_types.sync_detailed(client=client), 200, list)
    assert ConversationType.CHAT in {t.conversation_type for t in types}
    body = CreateConversationRequest(conversation_type=ConversationType.CHAT, title="Opening hours")
    conversation = parsed(create_conversation.sync_detailed(client=client, body=body), 201, ChatConversation)
    assert conversation.status == ConversationStatus.ACTIVE and conversation.user_id == state["user_id"]
    ask = PostMessageRequest(content="When is the clinic open?")
    exchange = parsed(
        post_message.sync_detailed(conversation.conversation_id, client=client, body=ask), 201, MessageExchange
    )
    assert exchange.user_message.role == MessageRole.USER
    assert exchange.user_message.content == "When is the clinic open?"
    reply = exchange.assistant_message
    assert reply.role == MessageRole.ASSISTANT and reply.content and not reply.incomplete
    assert reply.conversation_id == conversation.conversation_id
    assert reply.llm_metadata is not UNSET and reply.llm_metadata is not None
    assert reply.llm_metadata.provider == "local", reply.llm_metadata.provider
    state["conversation_id"] = conversation.conversation_id


def server_sent_events(text: str) -> list[tuple[str, Any]]:
    """(event name, parsed JSON data) of each event of a `text/event-stream` body."""
    events = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in fields:
            events.append((fields["event"], json.loads(fields["data"])))
    return events


def stream_a_reply() -> None:
    """The streamed answer reads as text; each event's data parses into its documented model."""
    ask = PostMessageRequest(content="Do I need an appointment for a blood test?")
    response = post_message.sync_detailed(state["conversation_id"], client=state["patient"], body=ask, stream=True)
    assert response.status_code == 200 and isinstance(response.parsed, str), response.status_code
    events = server_sent_events(response.parsed)
    names = [name for name, _ in events]
    assert names[0] == "message" and names[-1] == "done" and "delta" in names, names
    asked = ChatMessage.from_dict(events[0][1])
    strict(asked)
    assert asked.role == MessageRole.USER and asked.content == ask.content
    deltas = [ChatDelta.from_dict(data) for name, data in events if name == "delta"]
    done = ChatMessage.from_dict(events[-1][1])
    strict(done)
    assert done.role == MessageRole.ASSISTANT and not done.incomplete
    assert "".join(delta.text for delta in deltas) == done.content


def answer_for(question: Any) -> Any:
    if question.response_type == ResponseType.RATING:
        return 5
    if question.response_type == ResponseType.BOOLEAN:
        return True
    if question.response_type == ResponseType.CHOICE:
        return question.choices[0].value
    return "Friendly staff, short wait."


def give_feedback() -> None:
    client = state["patient"]
    types = parsed(list_session_types.sync_detailed(client=client), 200, list)
    assert SessionType.POST_VISIT in {t.session_type for t in types}
    templates = parsed(list_templates.sync_detailed(client=client, session_type=SessionType.POST_VISIT), 200, list)
    assert templates and all(isinstance(t, QuestionnaireTemplate) for t in templates)
    body = StartSessionRequest(session_type=SessionType.POST_VISIT, language="en")
    session = parsed(start_session.sync_detailed(client=client, body=body), 201, SessionView)
    assert session.status == SessionStatus.IN_PROGRESS and session.user_id == state["user_id"]
    questions = session.questionnaire.questions
    assert questions and all(q.text.additional_properties.get("en") for q in questions)
    answers = AnswerRequest(answers=[AnswerItem(question_id=q.id, response=answer_for(q)) for q in questions])
    session = parsed(answer.sync_detailed(session.session_id, client=client, body=answers), 200, SessionView)
    assert {r.question_id for r in session.responses} == {q.id for q in questions}
    session = parsed(submit.sync_detailed(session.session_id, client=client), 200, SessionView)
    assert session.status == SessionStatus.COMPLETED and session.submitted_at
    assert session.analytics.completion_rate == 100.0, session.analytics.completion_rate  # a percentage


def admin_reads_blood_inventory() -> None:
    body = LoginRequest(identifier=ADMIN_PHONE, password=ADMIN_PASSWORD)
    auth = parsed(login.sync_detailed(client=anonymous(), body=body), 200, AuthResponse)
    assert auth.user.role == Role.ADMIN
    stock = parsed(inventory.sync_detailed(client=as_user(auth.access_token), expiring_within_days=7), 200, InventoryResponse)
    assert stock.expiring_within_days == 7 and stock.generated_at.tzinfo is not None
    assert all(isinstance(line.component, Component) and line.available >= 0 for line in stock.lines)


def patient_is_refused_the_inventory() -> None:
    problem = parsed(inventory.sync_detailed(client=state["patient"]), 403, Problem)
    assert problem.status == 403 and problem.code


STEPS: list[Callable[[], None]] = [
    register_patient,
    log_in,
    read_me,
    bad_login_is_a_problem,
    invalid_registration_lists_fields,
    chat_with_the_local_assistant,
    stream_a_reply,
    give_feedback,
    admin_reads_blood_inventory,
    patient_is_refused_the_inventory,
]


def main() -> int:
    passed = failed = 0
    for step in STEPS:
        try:
            step()
        except Exception:  # any failure, parsing included: report it and stop (later steps depend on it)
            failed += 1
            print(f"FAIL {step.__name__}")
            traceback.print_exc()
            break
        passed += 1
        print(f"ok   {step.__name__}")
    print(f"smoke: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
