"""The dispatcher flow through the generated Python client (openapi-python-client), as an
integration script would write it: checked by `mypy --strict`, with no casts and no hand-written
request types. Run by `make clients` against a fresh server (KEFU_URL) whose generated admin
password (KEFU_ADMIN_PASSWORD) must be changed first.

open → assign → confirm → start → visit (approved, depart, arrive, finish) → service record →
resolve → feedback form signed and received → callback completed → closed; then the list's
JSON page, the ticket export and the signature's download.
"""

import datetime
import os
import sys
from io import BytesIO
from pathlib import Path
from typing import NoReturn, TypeVar

from kefu_client import AuthenticatedClient, Client
from kefu_client.api.attachments import download_attachment, upload_attachment
from kefu_client.api.auth import change_my_password, get_me, login
from kefu_client.api.callbacks import complete_callback, list_callbacks
from kefu_client.api.customers import create_city, create_customer, create_site, list_customers
from kefu_client.api.feedback_forms import (
    create_feedback_form,
    receive_feedback_form,
    sign_feedback_form,
)
from kefu_client.api.tickets import (
    assign_ticket,
    close_ticket,
    confirm_appointment,
    create_ticket,
    export_tickets,
    get_ticket,
    list_tickets,
    resolve_ticket,
    start_ticket,
)
from kefu_client.api.users import create_user
from kefu_client.api.visits import (
    approve_visit,
    arrive_visit,
    create_service_record,
    depart_visit,
    finish_visit,
    request_visit,
)
from kefu_client.models import (
    AssignTicket,
    AttachmentKind,
    AttachmentOut,
    CallbackOut,
    ChangePassword,
    Channel,
    CityOut,
    CompleteCallback,
    ConfirmAppointment,
    CreateCity,
    CreateCustomer,
    CreatedUser,
    CreateFeedbackForm,
    CreateServiceRecordGeneral,
    CreateServiceRecordGeneralKind,
    CreateSite,
    CreateTicket,
    CreateUserHuman,
    CreateUserHumanKind,
    CreateVisit,
    CustomerOut,
    DecideVisit,
    ExportTicketsColumns,
    ExportTicketsFormat,
    FeedbackFormOut,
    FieldReport,
    FinishVisit,
    FormResult,
    LoginRequest,
    NoteBody,
    PageCallbackOut,
    PageTicketOut,
    PartUsed,
    Priority,
    Problem,
    ReceiveFeedbackForm,
    ResolveTicket,
    Role,
    ServiceMode,
    ServiceRecordOut,
    SignFeedbackForm,
    SiteOut,
    TicketOut,
    TicketType,
    TokenPair,
    UploadAttachment,
    UploadAttachmentOwnerType,
    UserOut,
    VisitOut,
)
from kefu_client.types import File, Response

BASE = os.environ.get("KEFU_URL", "http://127.0.0.1:8080")
GENERATED = os.environ.get("KEFU_ADMIN_PASSWORD", "")
ADMIN_PASSWORD = "Py-admin-pass-1"

R = TypeVar("R")
T = TypeVar("T")


def fail(message: str) -> NoReturn:
    sys.exit(f"python flow: {message}")


def ok(what: str, response: Response[R], kind: type[T]) -> T:
    """The parsed body of a call that must succeed, or a failure naming the call."""
    if not isinstance(response.parsed, kind):
        fail(f"{what}: {response.status_code} {response.content.decode(errors='replace')}")
    return response.parsed


def check(what: str, condition: bool) -> None:
    if not condition:
        fail(f"expected {what}")


def etag(version: int) -> str:
    """The strong ETag a command's `If-Match` takes."""
    return f'"{version}"'


anonymous = Client(base_url=BASE)


def sign_in(username: str, password: str) -> TokenPair:
    body = LoginRequest(username=username, password=password)
    return ok(f"login {username}", login.sync_detailed(client=anonymous, body=body), TokenPair)


def signed_in(username: str, password: str) -> AuthenticatedClient:
    return AuthenticatedClient(base_url=BASE, token=sign_in(username, password).access_token)


# The generated admin password must be changed before anything else: every other call is
# 403 password-change-required until then.
first = sign_in("admin", GENERATED)
check("the admin must change the password", first.user.must_change_password)
admin = AuthenticatedClient(base_url=BASE, token=first.access_token)
refused = list_customers.sync_detailed(client=admin)
check("403 before the password change", refused.status_code == 403)
problem = refused.parsed
check(
    "password-change-required",
    isinstance(problem, Problem) and problem.type_.endswith("password-change-required"),
)
change = ChangePassword(current_password=GENERATED, new_password=ADMIN_PASSWORD)
changed = change_my_password.sync_detailed(client=admin, body=change)
check(f"the password change ({changed.status_code})", changed.status_code == 204)
admin = signed_in("admin", ADMIN_PASSWORD)
check("admin is signed in", ok("me", get_me.sync_detailed(client=admin), UserOut).username == "admin")

for username, role in [("mgr", Role.MANAGER), ("eng1", Role.ENGINEER), ("clerk1", Role.CLERK)]:
    user = CreateUserHuman(
        kind=CreateUserHumanKind.HUMAN,
        username=username,
        display_name=username,
        roles=[role],
        password=f"{username}-Pass-123",
    )
    ok(f"create {username}", create_user.sync_detailed(client=admin, body=user), CreatedUser)
manager = signed_in("mgr", "mgr-Pass-123")
engineer = signed_in("eng1", "eng1-Pass-123")
clerk = signed_in("clerk1", "clerk1-Pass-123")
eng1 = ok("eng1", get_me.sync_detailed(client=engineer), UserOut)

city = CreateCity(name="杭州市", province="浙江省", has_station=True, counties=[])
ok("city", create_city.sync_detailed(client=admin, body=city), CityOut)
customer = ok(
    "customer",
    create_customer.sync_detailed(client=admin, body=CreateCustomer(name="甲公司")),
    CustomerOut,
)
site_body = CreateSite(customer_id=customer.id, name="厂区", address="一路 1 号", city="杭州市")
site = ok("site", create_site.sync_detailed(client=admin, body=site_body), SiteOut)

# Open, assign, confirm, start.
opened = CreateTicket(
    channel=Channel.PHONE,
    ticket_type=TicketType.FAULT,
    priority=Priority.NORMAL,
    customer_id=customer.id,
    site_id=site.id,
    description="报警主机通讯故障",
)
ticket = ok("open", create_ticket.sync_detailed(client=admin, body=opened), TicketOut)
check("a new ticket", ticket.status == "new")
shanghai = datetime.timezone(datetime.timedelta(hours=8))
assignment = AssignTicket(
    assignee_id=eng1.id,
    planned_start=datetime.datetime(2026, 3, 10, 14, tzinfo=shanghai),
    planned_end=datetime.datetime(2026, 3, 10, 16, tzinfo=shanghai),
)
ticket = ok(
    "assign",
    assign_ticket.sync_detailed(
        ticket.id, client=manager, body=assignment, if_match=etag(ticket.version)
    ),
    TicketOut,
)
check("assigned", ticket.status == "assigned")
ticket = ok(
    "confirm",
    confirm_appointment.sync_detailed(
        ticket.id,
        client=engineer,
        body=ConfirmAppointment(confirmed_with="王经理"),
        if_match=etag(ticket.version),
    ),
    TicketOut,
)
ticket = ok(
    "start",
    start_ticket.sync_detailed(
        ticket.id, client=engineer, body=NoteBody(), if_match=etag(ticket.version)
    ),
    TicketOut,
)
check("in progress", ticket.status == "in_progress")

# The visit: requested, approved by the manager, travelled, finished.
request = CreateVisit(planned_date=datetime.date(2026, 3, 10), purpose="现场检修")
visit = ok(
    "visit", request_visit.sync_detailed(ticket.id, client=engineer, body=request), VisitOut
)
visit = ok(
    "approve",
    approve_visit.sync_detailed(
        visit.id, client=manager, body=DecideVisit(), if_match=etag(visit.version)
    ),
    VisitOut,
)
visit = ok(
    "depart",
    depart_visit.sync_detailed(
        visit.id, client=engineer, body=FieldReport(), if_match=etag(visit.version)
    ),
    VisitOut,
)
visit = ok(
    "arrive",
    arrive_visit.sync_detailed(
        visit.id, client=engineer, body=FieldReport(), if_match=etag(visit.version)
    ),
    VisitOut,
)
visit = ok(
    "finish",
    finish_visit.sync_detailed(
        visit.id, client=engineer, body=FinishVisit(resolved=True), if_match=etag(visit.version)
    ),
    VisitOut,
)
check(f"a finished visit ({visit.status})", visit.status == "finished")

# The service record and the resolution.
service = CreateServiceRecordGeneral(
    mode=ServiceMode.ONSITE,
    kind=CreateServiceRecordGeneralKind.GENERAL,
    visit_id=visit.id,
    work_done="更换通讯板",
)
record = ok(
    "service record",
    create_service_record.sync_detailed(ticket.id, client=engineer, body=service),
    ServiceRecordOut,
)
check("the record is on the ticket", record.ticket_id == ticket.id)
ticket = ok("fresh ticket", get_ticket.sync_detailed(ticket.id, client=engineer), TicketOut)
ticket = ok(
    "resolve",
    resolve_ticket.sync_detailed(
        ticket.id,
        client=engineer,
        body=ResolveTicket(resolution_summary="更换通讯板"),
        if_match=etag(ticket.version),
    ),
    TicketOut,
)
check("resolved", ticket.status == "resolved")

# The feedback form: drafted on the visit, signed with an uploaded signature, received.
draft = CreateFeedbackForm(
    work_done="更换通讯板",
    result=FormResult.RESOLVED,
    parts_used=[PartUsed(part="通讯板 TX-3", quantity=1, serial="SN-1")],
)
form = ok(
    "form",
    create_feedback_form.sync_detailed(visit.id, client=engineer, body=draft),
    FeedbackFormOut,
)
png = (Path(__file__).parent.parent / "signature.png").read_bytes()
upload = UploadAttachment(
    owner_type=UploadAttachmentOwnerType.FEEDBACK_FORM,
    owner_id=form.id,
    kind=AttachmentKind.SIGNATURE,
    file=File(payload=BytesIO(png), file_name="签名.png", mime_type="image/png"),
)
signature = ok(
    "signature upload",
    upload_attachment.sync_detailed(client=engineer, body=upload),
    AttachmentOut,
)
form = ok(
    "sign",
    sign_feedback_form.sync_detailed(
        form.id,
        client=engineer,
        body=SignFeedbackForm(signature_attachment_id=signature.id, signer_name="王经理"),
        if_match=etag(form.version),
    ),
    FeedbackFormOut,
)
form = ok(
    "receive",
    receive_feedback_form.sync_detailed(
        form.id, client=clerk, body=ReceiveFeedbackForm(), if_match=etag(form.version)
    ),
    FeedbackFormOut,
)
check(f"a received form ({form.status})", form.status == "received")

# The callback the receipt created; a satisfied one closes the ticket (TKT-9).
callbacks = ok(
    "callbacks",
    list_callbacks.sync_detailed(client=clerk, ticket_id=ticket.id),
    PageCallbackOut,
)
check("one callback", len(callbacks.items) == 1)
callback = callbacks.items[0]
check("the callback comes from the form", callback.feedback_form_id == form.id)
answers = CompleteCallback(
    form_signed=True, timeliness=5, attitude=5, technical=4, result_ok=True, satisfied=True
)
ok(
    "complete",
    complete_callback.sync_detailed(
        callback.id, client=clerk, body=answers, if_match=etag(callback.version)
    ),
    CallbackOut,
)
ticket = ok("closed ticket", get_ticket.sync_detailed(ticket.id, client=manager), TicketOut)
check(f"a closed ticket ({ticket.status})", ticket.status == "closed")
again = close_ticket.sync_detailed(
    ticket.id, client=manager, body=NoteBody(), if_match=etag(ticket.version)
)
check(
    "a closed ticket cannot close again (409)",
    again.status_code == 409 and isinstance(again.parsed, Problem),
)

# The list is its JSON page, the export its own operation, the download its bytes.
page = ok("tickets", list_tickets.sync_detailed(client=manager, limit=10), PageTicketOut)
check("the ticket in the list", any(t.id == ticket.id for t in page.items))
csv = ok(
    "export",
    export_tickets.sync_detailed(
        client=manager, format_=ExportTicketsFormat.CSV, columns=ExportTicketsColumns.ZH
    ),
    str,
)
check("the export holds the ticket", ticket.number in csv)
file = ok("download", download_attachment.sync_detailed(signature.id, client=engineer), File)
check("the signature's bytes", file.payload.read() == png)
print(f"python flow: ticket {ticket.number} closed; export and download read")
