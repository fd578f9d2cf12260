//! A nullable TEXT column as diesel reads and writes it, so that a row can hold an
//! `Option<E>` of a string enum. A non-null column converts with the enum's own
//! `TryFrom<String>` / `Into<String>`; `Option<String>` → `Option<E>` cannot (neither type is
//! this crate's, nor the conversion trait), so the column passes through this wrapper instead:
//! `#[diesel(deserialize_as = NullableText, serialize_as = NullableText)]`.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::sql_types::{Nullable, Text};
use kefu_core::ParseEnumError;

#[derive(Debug, Clone, PartialEq, Eq, FromSqlRow)]
pub struct NullableText(Option<String>);

impl<DB: Backend> FromSql<Nullable<Text>, DB> for NullableText
where
    Option<String>: FromSql<Nullable<Text>, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        <Option<String> as FromSql<Nullable<Text>, DB>>::from_sql(bytes).map(NullableText)
    }

    fn from_nullable_sql(bytes: Option<DB::RawValue<'_>>) -> deserialize::Result<Self> {
        <Option<String> as FromSql<Nullable<Text>, DB>>::from_nullable_sql(bytes).map(NullableText)
    }
}

// Written as the `Option<String>` it wraps, so no `ToSql` of its own is needed.
impl AsExpression<Nullable<Text>> for NullableText {
    type Expression = <Option<String> as AsExpression<Nullable<Text>>>::Expression;

    fn as_expression(self) -> Self::Expression {
        AsExpression::<Nullable<Text>>::as_expression(self.0)
    }
}

impl<E: Into<String>> From<Option<E>> for NullableText {
    fn from(value: Option<E>) -> Self {
        NullableText(value.map(Into::into))
    }
}

impl<E> TryFrom<NullableText> for Option<E>
where
    E: TryFrom<String, Error = ParseEnumError>,
{
    type Error = ParseEnumError;

    fn try_from(value: NullableText) -> Result<Self, ParseEnumError> {
        value.0.map(E::try_from).transpose()
    }
}
