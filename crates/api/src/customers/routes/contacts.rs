use crate::customers::dto::contacts::{
    ContactLogin, ContactOut, ContactsQuery, CreateContact, CreateContactLogin, EXPORT,
    UpdateContact,
};
use crate::customers::service::contacts as svc;
use crate::customers::service::sites::visible_customers;
use crate::kernel::access::Action;
use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson};
use crate::kernel::page::{Page, fetch_size, list_mode, paginate, row_key};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::kernel::sync::{Registry, Written};
use crate::org::dto::users::UserOut;
use crate::org::service::users as user_svc;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use kefu_store::contacts::{self, ContactFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_contacts)
        .service(create_contact)
        .service(get_contact)
        .service(update_contact)
        .service(delete_contact)
        .service(grant_contact_login);
}

/// The contact commands of an offline sync batch, as the endpoints below run them.
pub fn sync_ops(ops: &mut Registry) {
    ops.create(
        "contacts.create",
        Action::ContactEdit,
        |conn, cmd, input: CreateContact| {
            let (row, fresh) = svc::create(conn, &cmd.ctx, cmd.actor, input)?;
            let status = if fresh {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Written::new(status, row.version, &ContactOut::from(&row))
        },
    );
    ops.update(
        "contacts.update",
        Action::ContactEdit,
        |conn, cmd, id, version, input: UpdateContact| {
            let row = svc::update(conn, &cmd.ctx, cmd.actor, id, version, input)?;
            Written::ok(row.version, &ContactOut::from(&row))
        },
    );
    ops.delete(
        "contacts.delete",
        Action::ContactDelete,
        |conn, cmd, id, version| {
            let row = svc::delete(conn, &cmd.ctx, cmd.actor, id, version)?;
            Written::ok(row.version, &ContactOut::from(&row))
        },
    );
    ops.reader("contacts", |conn, cmd, id| {
        let row = svc::get_visible(conn, cmd.actor, id)?;
        Written::ok(row.version, &ContactOut::from(&row))
    });
}

/// List the contacts of the customers the caller may see (ORG-5).
///
/// Any signed-in user; the contacts of the customers visible to the caller (ORG-5, as for
/// customers). With `updated_since`, a delta: every contact changed since then, tombstones
/// included. `/export` (CSV or XLSX) exports the list. Read-only.
#[utoipa::path(
    tag = "customers",
    operation_id = "listContacts",
    params(ContactsQuery),
    responses((status = 200, description = "One page of contacts", body = Page<ContactOut>))
)]
#[get("/contacts")]
async fn list_contacts(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<ContactsQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &EXPORT, listed, move |query| {
        contacts_page(state.clone(), caller.clone(), query)
    })
    .await
}

/// One page of the list (also what an export reads page by page).
async fn contacts_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: ContactsQuery,
) -> Result<Page<ContactOut>, ApiError> {
    let (limit, fetch) = fetch_size(query.limit)?;
    let mode = list_mode(query.updated_since, query.cursor.as_deref())?;
    let filter = ContactFilter {
        customer_id: query.customer_id,
        site_id: query.site_id,
        authorised_signer: query.authorised_signer,
        q: query
            .q
            .map(|q| q.trim().to_owned())
            .filter(|q| !q.is_empty()),
    };
    let actor = caller.actor.clone();
    let (rows, mode) = state
        .db(move |conn| {
            let scope = visible_customers(conn, &actor)?;
            Ok((
                contacts::list(conn, scope.as_deref(), &filter, &mode, fetch)?,
                mode,
            ))
        })
        .await?;
    let page = paginate(
        rows,
        limit,
        |c| row_key(&mode, c.updated_at, &c.id),
        |c| ContactOut::from(&c),
    );
    Ok(page)
}

/// Add a contact to a customer; `authorised_signer` marks who may sign feedback forms.
///
/// Who: admins, managers, supervisors, clerks and engineers (403 for others); the customer must be
/// visible to the caller (ORG-5; 422 `customer_id` otherwise) and a `site_id` a live site of that
/// customer (422). Whether the contact may be called is CUS-1; an unauthorised signer of a feedback
/// form is flagged (TKT-7). With a client-chosen `id` that exists already and is visible, it is
/// returned with 200 (an offline create retried); an id of a record the caller cannot see is 409.
/// Triggers the audit entry and webhook event `contact.create`.
#[utoipa::path(
    tag = "customers",
    operation_id = "createContact",
    request_body = CreateContact,
    responses(
        (status = 201, description = "Created", body = ContactOut, headers(("Location" = String), ("ETag" = String))),
        (status = 200, description = "Already created with this id", body = ContactOut, headers(("ETag" = String))),
        (status = 409, description = "The id belongs to another record", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/contacts")]
async fn create_contact(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateContact>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ContactEdit)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let (row, fresh) = state
        .tx(move |conn| svc::create(conn, &ctx, &actor, input))
        .await?;
    let out = ContactOut::from(&row);
    Ok(if fresh {
        created(
            format!("/api/v1/contacts/{}", row.id),
            Some(row.version),
            &out,
        )
    } else {
        versioned(StatusCode::OK, row.version, &out)
    })
}

/// Get a contact.
///
/// The contact with its version as `ETag`. Any signed-in user who sees its customer (ORG-5);
/// otherwise 404. Read-only.
#[utoipa::path(
    tag = "customers",
    operation_id = "getContact",
    params(("id" = String, Path, description = "Contact id")),
    responses((status = 200, description = "The contact", body = ContactOut, headers(("ETag" = String))))
)]
#[get("/contacts/{id}")]
async fn get_contact(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (caller.actor.clone(), id.into_inner());
    let row = state
        .db(move |conn| svc::get_visible(conn, &actor, &id))
        .await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &ContactOut::from(&row),
    ))
}

/// Change a contact.
///
/// Who: admins, managers, supervisors, clerks and engineers (403 for others), on a contact of a
/// customer they see (ORG-5: otherwise 404). Needs `If-Match`. A `site_id` must be a live site of
/// the same customer (422). Triggers the audit entry and webhook event `contact.update`.
#[utoipa::path(
    tag = "customers",
    operation_id = "updateContact",
    params(("id" = String, Path, description = "Contact id"), crate::kernel::openapi::IfMatchHeader),
    request_body = UpdateContact,
    responses((status = 200, description = "Updated", body = ContactOut, headers(("ETag" = String))))
)]
#[patch("/contacts/{id}")]
async fn update_contact(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<UpdateContact>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ContactEdit)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let (actor, id) = (caller.actor.clone(), id.into_inner());
    let row = state
        .tx(move |conn| svc::update(conn, &ctx, &actor, &id, version, input))
        .await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &ContactOut::from(&row),
    ))
}

/// Delete a contact (kept as a tombstone for delta sync).
///
/// Admins, managers, supervisors and clerks (403 for others), on a contact of a customer they see
/// (ORG-5: otherwise 404). Needs `If-Match`. Triggers the audit entry and webhook event
/// `contact.delete`.
#[utoipa::path(
    tag = "customers",
    operation_id = "deleteContact",
    params(("id" = String, Path, description = "Contact id"), crate::kernel::openapi::IfMatchHeader),
    responses((status = 200, description = "The deleted contact's tombstone", body = ContactOut))
)]
#[delete("/contacts/{id}")]
async fn delete_contact(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ContactDelete)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let (actor, id) = (caller.actor.clone(), id.into_inner());
    let row = state
        .tx(move |conn| svc::delete(conn, &ctx, &actor, &id, version))
        .await?;
    Ok(HttpResponse::Ok().json(ContactOut::from(&row)))
}

/// Give a contact a login of their own (role `customer_contact`): they then see their own
/// customer's records and nothing else. The password is generated, shown once, and must be
/// changed at first login.
///
/// Who: admins, managers and clerks (403 for others), on a contact of a customer they see (ORG-5:
/// otherwise 404). Needs `If-Match`. 409 when the contact has a login already or the username is
/// taken. Triggers the audit entries `user.create` and `contact.grant_login` (also a webhook
/// event); the generated password is left out of an `Idempotency-Key` replay.
#[utoipa::path(
    tag = "customers",
    operation_id = "grantContactLogin",
    params(("id" = String, Path, description = "Contact id"), crate::kernel::openapi::IfMatchHeader),
    request_body = CreateContactLogin,
    responses(
        (status = 201, description = "Login created", body = ContactLogin, headers(("ETag" = String))),
        (status = 409, description = "The contact has a login, or the username is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/contacts/{id}/login")]
async fn grant_contact_login(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<CreateContactLogin>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ContactGrantLogin)?;
    let now = state.clock.now();
    let (actor, id) = (caller.actor.clone(), id.into_inner());
    let name_source = {
        let (actor, id) = (actor.clone(), id.clone());
        state
            .db(move |conn| svc::get_visible(conn, &actor, &id))
            .await?
    };
    let request = svc::login_user(input.username, name_source.name.clone());
    let new_user = web::block(move || user_svc::prepare(request, now))
        .await
        .map_err(ApiError::internal)??;
    let generated_password = new_user.generated_password.clone();
    let ctx = Ctx::of(&caller, now);
    let (contact, user) = state
        .tx(move |conn| svc::create_login(conn, &ctx, &actor, &id, version, new_user))
        .await?;
    let body = ContactLogin {
        contact: ContactOut::from(&contact),
        user: UserOut::from(&user),
        generated_password,
    };
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::ETAG,
            crate::kernel::extract::etag(contact.version),
        ))
        .json(body))
}
