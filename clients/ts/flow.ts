// The dispatcher flow through the generated TypeScript client (openapi-typescript types +
// openapi-fetch), as a third-party frontend would write it: every path, parameter and body is
// checked against the spec by `tsc --strict --noUncheckedIndexedAccess`, with no `any`, no
// casts and no hand-written request types. Run by `make clients` against a fresh server
// (KEFU_URL) whose generated admin password (KEFU_ADMIN_PASSWORD) must be changed first.
//
// open → assign → confirm → start → visit (approved, depart, arrive, finish) → service record →
// resolve → feedback form signed and received → callback completed → closed; then the list's
// JSON page, the ticket export and the signature's download.
import createClient from "openapi-fetch";
import fs from "node:fs";
import type { components, paths } from "./generated/kefu.js";

type Ticket = components["schemas"]["TicketOut"];

const base = process.env["KEFU_URL"] ?? "http://127.0.0.1:8080";
const generated = process.env["KEFU_ADMIN_PASSWORD"] ?? "";
const ADMIN_PASSWORD = "Ts-admin-pass-1";

function fail(message: string): never {
  throw new Error(message);
}

/** The data of a call that must succeed, or a failure naming the call and the problem. */
function ok<T>(what: string, result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) {
    fail(`${what}: ${result.response.status} ${JSON.stringify(result.error)}`);
  }
  return result.data;
}

function check(what: string, condition: boolean): void {
  if (!condition) fail(`expected ${what}`);
}

/** The strong ETag a command's `If-Match` takes. */
const etag = (record: { version: number }): string => `"${record.version}"`;

function as(token: string) {
  return createClient<paths>({ baseUrl: base, headers: { Authorization: `Bearer ${token}` } });
}

const anonymous = createClient<paths>({ baseUrl: base });

async function signIn(username: string, password: string) {
  return ok(
    `login ${username}`,
    await anonymous.POST("/api/v1/auth/login", { body: { username, password } }),
  );
}

async function login(username: string, password: string): Promise<string> {
  return (await signIn(username, password)).access_token;
}

// The generated admin password must be changed before anything else: every other call is
// 403 password-change-required until then.
const first = await signIn("admin", generated);
check("the admin must change the password", first.user.must_change_password);
let admin = as(first.access_token);
const refused = await admin.GET("/api/v1/customers");
check("403 before the password change", refused.response.status === 403);
check("password-change-required", refused.error?.type.endsWith("password-change-required") === true);
const changed = await admin.POST("/api/v1/me/password", {
  body: { current_password: generated, new_password: ADMIN_PASSWORD },
});
check(`the password change (${changed.response.status})`, changed.response.status === 204);
admin = as(await login("admin", ADMIN_PASSWORD));
const me = ok("me", await admin.GET("/api/v1/me"));
check("admin is signed in", me.username === "admin");

for (const [username, role] of [
  ["mgr", "manager"],
  ["eng1", "engineer"],
  ["clerk1", "clerk"],
] as const) {
  ok(
    `create ${username}`,
    await admin.POST("/api/v1/users", {
      body: { kind: "human", username, display_name: username, roles: [role], password: `${username}-Pass-123` },
    }),
  );
}
const manager = as(await login("mgr", "mgr-Pass-123"));
const engineerToken = await login("eng1", "eng1-Pass-123");
const engineer = as(engineerToken);
const clerk = as(await login("clerk1", "clerk1-Pass-123"));
const eng1 = ok("eng1", await engineer.GET("/api/v1/me"));

ok(
  "city",
  await admin.POST("/api/v1/cities", {
    body: { name: "杭州市", province: "浙江省", has_station: true, counties: [] },
  }),
);
const customer = ok("customer", await admin.POST("/api/v1/customers", { body: { name: "甲公司" } }));
const site = ok(
  "site",
  await admin.POST("/api/v1/sites", {
    body: { customer_id: customer.id, name: "厂区", address: "一路 1 号", city: "杭州市" },
  }),
);

// Open, assign, confirm, start.
let ticket: Ticket = ok(
  "open",
  await admin.POST("/api/v1/tickets", {
    body: {
      channel: "phone",
      ticket_type: "fault",
      priority: "normal",
      customer_id: customer.id,
      site_id: site.id,
      description: "报警主机通讯故障",
    },
  }),
);
check("a new ticket", ticket.status === "new");
const onTicket = (t: Ticket) => ({ path: { id: t.id }, header: { "If-Match": etag(t) } });
ticket = ok(
  "assign",
  await manager.POST("/api/v1/tickets/{id}/assign", {
    params: onTicket(ticket),
    body: {
      assignee_id: eng1.id,
      planned_start: "2026-03-10T14:00:00+08:00",
      planned_end: "2026-03-10T16:00:00+08:00",
    },
  }),
);
check("assigned", ticket.status === "assigned");
ticket = ok(
  "confirm",
  await engineer.POST("/api/v1/tickets/{id}/confirm-appointment", {
    params: onTicket(ticket),
    body: { confirmed_with: "王经理" },
  }),
);
ticket = ok("start", await engineer.POST("/api/v1/tickets/{id}/start", { params: onTicket(ticket), body: {} }));
check("in progress", ticket.status === "in_progress");

// The visit: requested, approved by the manager, travelled, finished.
let visit = ok(
  "visit",
  await engineer.POST("/api/v1/tickets/{id}/visits", {
    params: { path: { id: ticket.id } },
    body: { planned_date: "2026-03-10", purpose: "现场检修" },
  }),
);
type Visit = typeof visit;
const onVisit = (v: Visit) => ({ path: { id: v.id }, header: { "If-Match": etag(v) } });
visit = ok("approve", await manager.POST("/api/v1/visits/{id}/approve", { params: onVisit(visit), body: {} }));
visit = ok("depart", await engineer.POST("/api/v1/visits/{id}/depart", { params: onVisit(visit), body: {} }));
visit = ok("arrive", await engineer.POST("/api/v1/visits/{id}/arrive", { params: onVisit(visit), body: {} }));
visit = ok(
  "finish",
  await engineer.POST("/api/v1/visits/{id}/finish", { params: onVisit(visit), body: { resolved: true } }),
);
check(`a finished visit (${visit.status})`, visit.status === "finished");

// The service record and the resolution.
const record = ok(
  "service record",
  await engineer.POST("/api/v1/tickets/{id}/service-records", {
    params: { path: { id: ticket.id } },
    body: { mode: "onsite", kind: "general", visit_id: visit.id, work_done: "更换通讯板" },
  }),
);
check("the record is on the ticket", record.ticket_id === ticket.id);
ticket = ok("fresh ticket", await engineer.GET("/api/v1/tickets/{id}", { params: { path: { id: ticket.id } } }));
ticket = ok(
  "resolve",
  await engineer.POST("/api/v1/tickets/{id}/resolve", {
    params: onTicket(ticket),
    body: { resolution_summary: "更换通讯板" },
  }),
);
check("resolved", ticket.status === "resolved");

// The feedback form: drafted on the visit, signed with an uploaded signature, received.
let form = ok(
  "form",
  await engineer.POST("/api/v1/visits/{id}/feedback-form", {
    params: { path: { id: visit.id } },
    body: {
      work_done: "更换通讯板",
      result: "resolved",
      parts_used: [{ part: "通讯板 TX-3", quantity: 1, serial: "SN-1" }],
    },
  }),
);
const png = fs.readFileSync(new URL("../../signature.png", import.meta.url));
const signature = ok(
  "signature upload",
  await engineer.POST("/api/v1/attachments", {
    body: { owner_type: "feedback_form", owner_id: form.id, kind: "signature", file: new Blob([png]) },
    bodySerializer(body) {
      const data = new FormData();
      data.append("owner_type", body.owner_type);
      data.append("owner_id", body.owner_id);
      data.append("kind", body.kind);
      data.append("file", body.file, "签名.png");
      return data;
    },
  }),
);
type Form = typeof form;
const onForm = (f: Form) => ({ path: { id: f.id }, header: { "If-Match": etag(f) } });
form = ok(
  "sign",
  await engineer.POST("/api/v1/feedback-forms/{id}/sign", {
    params: onForm(form),
    body: { signature_attachment_id: signature.id, signer_name: "王经理" },
  }),
);
form = ok("receive", await clerk.POST("/api/v1/feedback-forms/{id}/receive", { params: onForm(form), body: {} }));
check(`a received form (${form.status})`, form.status === "received");

// The callback the receipt created; a satisfied one closes the ticket (TKT-9).
const callbacks = ok(
  "callbacks",
  await clerk.GET("/api/v1/callbacks", { params: { query: { ticket_id: ticket.id } } }),
);
const callback = callbacks.items[0] ?? fail("no callback for the received form");
check("the callback comes from the form", callback.feedback_form_id === form.id);
ok(
  "complete",
  await clerk.POST("/api/v1/callbacks/{id}/complete", {
    params: { path: { id: callback.id }, header: { "If-Match": etag(callback) } },
    body: { form_signed: true, timeliness: 5, attitude: 5, technical: 4, result_ok: true, satisfied: true },
  }),
);
ticket = ok("closed ticket", await manager.GET("/api/v1/tickets/{id}", { params: { path: { id: ticket.id } } }));
check(`a closed ticket (${ticket.status})`, ticket.status === "closed");
const again = await manager.POST("/api/v1/tickets/{id}/close", { params: onTicket(ticket), body: {} });
check("a closed ticket cannot close again (409)", again.response.status === 409 && again.error !== undefined);

// The list is its JSON page, the export its own operation, the download its bytes.
const page = ok("tickets", await manager.GET("/api/v1/tickets", { params: { query: { limit: 10 } } }));
check("the ticket in the list", page.items.some((t) => t.id === ticket.id));
const csv = ok(
  "export",
  await manager.GET("/api/v1/tickets/export", {
    params: { query: { format: "csv", columns: "zh" } },
    parseAs: "text",
  }),
);
check("the export holds the ticket", csv.includes(ticket.number));
const file = ok(
  "download",
  await engineer.GET("/api/v1/attachments/{id}/content", {
    params: { path: { id: signature.id } },
    parseAs: "blob",
  }),
);
check("the signature's bytes", Buffer.from(await file.arrayBuffer()).equals(png));
console.log(`typescript flow: ticket ${ticket.number} closed; export and download read`);
