//! The API's typed requests and responses, separate from database rows.

use serde::{Deserialize, Deserializer};

/// A phone number: 5 to 20 digits, with `+ - ( )` or spaces (mobile, landline, extension).
pub fn phone_ok(phone: &str) -> Result<(), validator::ValidationError> {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let shape = phone
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')'));
    if shape && (5..=20).contains(&digits) {
        Ok(())
    } else {
        let mut e = validator::ValidationError::new("format");
        e.message = Some("must be a phone number: 5 to 20 digits, with + - ( ) or spaces".into());
        Err(e)
    }
}

/// A client-chosen record id (offline creation): a UUID.
pub fn client_id_ok(id: &str) -> Result<(), validator::ValidationError> {
    if uuid::Uuid::parse_str(id).is_ok() {
        Ok(())
    } else {
        let mut e = validator::ValidationError::new("format");
        e.message = Some("must be a UUID".into());
        Err(e)
    }
}

// PATCH bodies are JSON merge patches (RFC 7396): an absent member leaves the field as it
// is, `null` clears it. The two helpers below are the one way every PATCH DTO says which of
// its members may be cleared: an optional field is `Option<Option<T>>` read with
// [`double_option`], a required one `Option<T>` read with [`required`] (and stated
// `nullable = false` in its schema), so `null` on it is a 422 `required` naming it rather
// than silently ignored.

/// The refusal [`required`] gives serde; `extract::json` turns it into a 422 `required`
/// naming the member.
pub const NULL_FOR_REQUIRED: &str = "kefu: null for a required member";

/// Tells an absent field (`None`: leave as is) from an explicit `null` (`Some(None)`: clear).
pub fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A member of a merge patch that cannot be cleared: absent is `None` (leave as is), a value
/// is `Some`, and `null` is refused (422 `required`).
pub fn required<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    match Option::<T>::deserialize(d)? {
        Some(v) => Ok(Some(v)),
        None => Err(serde::de::Error::custom(NULL_FOR_REQUIRED)),
    }
}

/// The longest search text (`q`) a list accepts, in characters, as the spec's `maxLength`
/// states. Longer text is refused before any query runs: SQLite fails a LIKE pattern past
/// its own limit with a 500, and no real search needs more.
pub const SEARCH_TEXT_MAX_CHARS: usize = 200;

/// A list's `q` parameter: refused (400 naming `query.q`) when longer than
/// [`SEARCH_TEXT_MAX_CHARS`].
pub fn search_text<'de, D>(d: D) -> Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    let text = Option::<String>::deserialize(d)?;
    if let Some(t) = &text {
        let chars = t.chars().count();
        if chars > SEARCH_TEXT_MAX_CHARS {
            return Err(serde::de::Error::invalid_length(
                chars,
                &"at most 200 characters",
            ));
        }
    }
    Ok(text)
}

/// Declares a schema-only type for the items of a list of strings (`#[schema(value_type =
/// Vec<Name>)]`): `min..=max` characters once trimmed, at most `max` as sent. utoipa states no
/// bound on a `Vec<String>`'s items, and `openapi::limits` enforces the `maxLength` stated here.
macro_rules! text_item {
    ($(#[$doc:meta])* $name:ident, $min:expr, $max:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::Type::String)
                    .max_length(Some($max))
                    .pattern(Some($crate::kernel::openapi::trimmed_text_pattern($min, $max)))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}
pub(crate) use text_item;

text_item!(
    /// The id of a record named in a list (64 characters at most, like every id).
    RecordIdItem,
    1,
    64
);
