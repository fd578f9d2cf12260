//! OpenAPI links: which values of a response feed which later operation.

use utoipa::openapi::RefOr;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::Operation;

/// The id of the record a response is about, and its `ETag` for the `If-Match` of a change.
const NEW_ID: &str = "$response.body#/id";
const SAME_ID: &str = "$request.path.id";
const ETAG: &str = "$response.header.ETag";

/// OpenAPI links: which values of a response feed which later operation (a client can follow
/// them; schemathesis' stateful phase chains requests along them). Each entry is
/// (operation, status, link name, target operation, parameters as (name, expression)).
type LinkSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const LINKS: &[LinkSpec] = &[
    // BIL-8: a customer's statement; an arrears item's chasing notes.
    (
        "createCustomer",
        "201",
        "GetCustomerStatement",
        "getCustomerStatement",
        &[("id", NEW_ID)],
    ),
    (
        "listArrears",
        "200",
        "ListChasingNotes",
        "listChasingNotes",
        &[
            ("document_kind", "$response.body#/items/0/document_kind"),
            ("document_id", "$response.body#/items/0/document_id"),
        ],
    ),
    (
        "listArrears",
        "200",
        "AddChasingNote",
        "addChasingNote",
        &[
            ("document_kind", "$response.body#/items/0/document_kind"),
            ("document_id", "$response.body#/items/0/document_id"),
        ],
    ),
    (
        "addChasingNote",
        "201",
        "ListChasingNotes",
        "listChasingNotes",
        &[
            ("document_kind", "$response.body#/document_kind"),
            ("document_id", "$response.body#/document_id"),
        ],
    ),
    ("createUser", "201", "GetUser", "getUser", &[("id", NEW_ID)]),
    (
        "createUser",
        "201",
        "UpdateUser",
        "updateUser",
        &[("id", NEW_ID), ("header.If-Match", ETAG)],
    ),
    (
        "createUser",
        "201",
        "DisableUser",
        "disableUser",
        &[("id", NEW_ID), ("header.If-Match", ETAG)],
    ),
    (
        "createUser",
        "201",
        "ResetUserPassword",
        "resetUserPassword",
        &[("id", NEW_ID), ("header.If-Match", ETAG)],
    ),
    (
        "getUser",
        "200",
        "UpdateUser",
        "updateUser",
        &[("id", SAME_ID), ("header.If-Match", ETAG)],
    ),
    (
        "getUser",
        "200",
        "DisableUser",
        "disableUser",
        &[("id", SAME_ID), ("header.If-Match", ETAG)],
    ),
    (
        "getUser",
        "200",
        "EnableUser",
        "enableUser",
        &[("id", SAME_ID), ("header.If-Match", ETAG)],
    ),
    (
        "getUser",
        "200",
        "ResetUserPassword",
        "resetUserPassword",
        &[("id", SAME_ID), ("header.If-Match", ETAG)],
    ),
    (
        "updateUser",
        "200",
        "GetUser",
        "getUser",
        &[("id", SAME_ID)],
    ),
    (
        "updateUser",
        "200",
        "DisableUser",
        "disableUser",
        &[("id", SAME_ID), ("header.If-Match", ETAG)],
    ),
    (
        "disableUser",
        "200",
        "GetUser",
        "getUser",
        &[("id", SAME_ID)],
    ),
    (
        "disableUser",
        "200",
        "EnableUser",
        "enableUser",
        &[("id", SAME_ID), ("header.If-Match", ETAG)],
    ),
    (
        "enableUser",
        "200",
        "GetUser",
        "getUser",
        &[("id", SAME_ID)],
    ),
    (
        "enableUser",
        "200",
        "DisableUser",
        "disableUser",
        &[("id", SAME_ID), ("header.If-Match", ETAG)],
    ),
    (
        "resetUserPassword",
        "200",
        "GetUser",
        "getUser",
        &[("id", SAME_ID)],
    ),
    (
        "createApiKey",
        "201",
        "GetApiKey",
        "getApiKey",
        &[("id", NEW_ID)],
    ),
    (
        "createApiKey",
        "201",
        "RevokeApiKey",
        "revokeApiKey",
        &[("id", NEW_ID)],
    ),
    (
        "getApiKey",
        "200",
        "RevokeApiKey",
        "revokeApiKey",
        &[("id", SAME_ID)],
    ),
    (
        "revokeApiKey",
        "200",
        "GetApiKey",
        "getApiKey",
        &[("id", SAME_ID)],
    ),
    (
        "createKbArticle",
        "201",
        "GetKbArticle",
        "getKbArticle",
        &[("id", NEW_ID)],
    ),
    (
        "createKbArticle",
        "201",
        "UpdateKbArticle",
        "updateKbArticle",
        &[("id", NEW_ID), ("header.If-Match", ETAG)],
    ),
    (
        "createKbArticle",
        "201",
        "PublishKbArticle",
        "publishKbArticle",
        &[("id", NEW_ID), ("header.If-Match", ETAG)],
    ),
    (
        "updateKbArticle",
        "200",
        "ListKbArticleVersions",
        "listKbArticleVersions",
        &[("id", SAME_ID)],
    ),
    (
        "createWorkOrder",
        "201",
        "GetWorkOrder",
        "getWorkOrder",
        &[("id", NEW_ID)],
    ),
    (
        "sendPartRma",
        "201",
        "GetPartRma",
        "getPartRma",
        &[("id", NEW_ID)],
    ),
    (
        "sendPartRma",
        "201",
        "ClosePartRma",
        "closePartRma",
        &[("id", NEW_ID), ("header.If-Match", ETAG)],
    ),
];

pub(super) fn add_links(op: &mut Operation) {
    let Some(id) = op.operation_id.clone() else {
        return;
    };
    for (from, status, name, target, params) in LINKS {
        if *from != id {
            continue;
        }
        let Some(RefOr::T(response)) = op.responses.responses.get_mut(*status) else {
            panic!("link {name}: {id} has no {status} response");
        };
        let link = params
            .iter()
            .fold(LinkBuilder::new().operation_id(*target), |l, (p, expr)| {
                l.parameter(*p, *expr)
            })
            .build();
        response.links.insert((*name).to_owned(), RefOr::T(link));
    }
}
