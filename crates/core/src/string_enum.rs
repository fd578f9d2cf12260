//! One definition for every closed set of names stored and sent as text (statuses, kinds,
//! commands): the wire name of each variant is written once, next to the variant, and the
//! conversions, serde and the OpenAPI schema all follow from it.

/// A text that is none of the names of a [`string_enum!`] type: it names the text and the
/// names allowed, so a corrupt row or a bad parameter can be found from the message alone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {type_name} `{value}` (expected one of: {})", .allowed.join(", "))]
pub struct ParseEnumError {
    /// The Rust name of the enum, e.g. `Role`.
    pub type_name: &'static str,
    /// The text that was refused.
    pub value: String,
    /// Every wire name, in declaration order.
    pub allowed: &'static [&'static str],
}

impl ParseEnumError {
    pub fn new(type_name: &'static str, value: &str, allowed: &'static [&'static str]) -> Self {
        ParseEnumError {
            type_name,
            value: value.to_owned(),
            allowed,
        }
    }
}

/// For the enums declared with `impl FromStr<Err = String>;`, whose callers want plain text.
impl From<ParseEnumError> for String {
    fn from(e: ParseEnumError) -> String {
        e.to_string()
    }
}

/// Declares a closed string enum: each variant with its wire name, written once.
///
/// ```
/// kefu_core::string_enum! {
///     /// Where a parcel is.
///     #[derive(PartialOrd, Ord, utoipa::ToSchema)]
///     pub enum ParcelStatus {
///         Packed = "packed",
///         /// Handed to the carrier.
///         InTransit = "in_transit",
///         Delivered = "delivered",
///     }
/// }
///
/// assert_eq!(ParcelStatus::InTransit.as_str(), "in_transit");
/// assert_eq!(ParcelStatus::parse("delivered"), Some(ParcelStatus::Delivered));
/// assert_eq!(ParcelStatus::ALL.len(), 3);
/// assert!("lost".parse::<ParcelStatus>().is_err());
/// ```
///
/// The enum derives `Debug, Clone, Copy, PartialEq, Eq, Hash` and serde's `Serialize` and
/// `Deserialize` with exactly the wire names (the calling crate needs `serde`). Doc comments
/// and attributes of the enum and of each variant are passed through: add `PartialOrd, Ord`
/// where declaration order is an order, and `utoipa::ToSchema` where the type appears in the
/// API (its schema is then a string `enum` of the wire names, in declaration order).
///
/// Generated: `ALL: [Self; N]` and `NAMES: [&str; N]` in declaration order, `as_str`,
/// `parse(&str) -> Option<Self>`, `Display` (the wire name), `FromStr` failing with
/// [`ParseEnumError`], and `TryFrom<String>` / `Into<String>` (what the store's rows use to be
/// read and written as the enum). Further methods go in a separate `impl` block next to the macro.
///
/// A trailing `impl FromStr<Err = T>;` makes `FromStr` fail with `T` instead, for any `T`
/// that is `From<ParseEnumError>` (e.g. `String`, for callers bound to `Err = String`).
#[macro_export]
macro_rules! string_enum {
    // Attributes and wire names are taken as token trees: a `meta` or `literal` fragment would
    // reach the derives wrapped in an invisible group, which utoipa does not read as a rename.
    (@define [$($attr:tt)*] [$vis:vis] $name:ident [$err:ty] {
        $( $(#[$($vattr:tt)*])* $variant:ident = $wire:tt ),+ $(,)?
    }) => {
        $($attr)*
        #[derive(
            ::core::fmt::Debug,
            ::core::clone::Clone,
            ::core::marker::Copy,
            ::core::cmp::PartialEq,
            ::core::cmp::Eq,
            ::core::hash::Hash,
            ::serde::Serialize,
            ::serde::Deserialize,
        )]
        $vis enum $name {
            $( $(#[$($vattr)*])* #[serde(rename = $wire)] $variant, )+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: [Self; [$($wire),+].len()] = [$(Self::$variant),+];

            /// The wire names, in the order of `ALL`.
            pub const NAMES: [&'static str; [$($wire),+].len()] = [$($wire),+];

            /// The wire name: as stored, sent and shown.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire,)+
                }
            }

            /// The variant named `s` exactly (case and all), if any.
            pub fn parse(s: &str) -> ::core::option::Option<Self> {
                match s {
                    $($wire => ::core::option::Option::Some(Self::$variant),)+
                    _ => ::core::option::Option::None,
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// For the store: a row's text becomes the variant once, where it is read.
        impl ::core::convert::TryFrom<::std::string::String> for $name {
            type Error = $crate::ParseEnumError;

            fn try_from(
                s: ::std::string::String,
            ) -> ::core::result::Result<Self, $crate::ParseEnumError> {
                Self::parse(&s).ok_or_else(|| {
                    $crate::ParseEnumError::new(::core::stringify!($name), &s, &Self::NAMES)
                })
            }
        }

        impl ::core::convert::From<$name> for ::std::string::String {
            fn from(value: $name) -> ::std::string::String {
                ::std::borrow::ToOwned::to_owned(value.as_str())
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = $err;

            fn from_str(s: &str) -> ::core::result::Result<Self, $err> {
                Self::parse(s).ok_or_else(|| {
                    <$err as ::core::convert::From<$crate::ParseEnumError>>::from(
                        $crate::ParseEnumError::new(::core::stringify!($name), s, &Self::NAMES),
                    )
                })
            }
        }
    };
    (
        $(#[$($attr:tt)*])*
        $vis:vis enum $name:ident { $($body:tt)* }
        impl FromStr<Err = $err:ty>;
    ) => {
        $crate::string_enum! {
            @define [$(#[$($attr)*])*] [$vis] $name [$err] { $($body)* }
        }
    };
    (
        $(#[$($attr:tt)*])*
        $vis:vis enum $name:ident { $($body:tt)* }
    ) => {
        $crate::string_enum! {
            @define [$(#[$($attr)*])*] [$vis] $name [$crate::ParseEnumError] { $($body)* }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::ParseEnumError;

    crate::string_enum! {
        /// A test set whose wire names are not the variant names in snake case, so that every
        /// name checked below can only come from the list.
        #[derive(PartialOrd, Ord, utoipa::ToSchema)]
        pub enum Sample {
            /// The first.
            First = "one",
            SecondThing = "second-thing",
            Third = "3rd",
        }
    }

    crate::string_enum! {
        enum Plain {
            Yes = "yes",
            No = "no",
        }
        impl FromStr<Err = String>;
    }

    #[test]
    fn every_variant_round_trips_through_its_wire_name() {
        assert_eq!(
            Sample::ALL,
            [Sample::First, Sample::SecondThing, Sample::Third]
        );
        assert_eq!(Sample::NAMES, ["one", "second-thing", "3rd"]);
        for (v, name) in Sample::ALL.into_iter().zip(Sample::NAMES) {
            assert_eq!(v.as_str(), name);
            assert_eq!(v.to_string(), name);
            assert_eq!(Sample::parse(name), Some(v));
            assert_eq!(name.parse::<Sample>(), Ok(v));
            let json = serde_json::to_string(&v).unwrap();
            assert_eq!(json, format!("\"{name}\""));
            assert_eq!(serde_json::from_str::<Sample>(&json).unwrap(), v);
        }
        for v in Plain::ALL {
            assert_eq!(v.as_str().parse::<Plain>(), Ok(v));
        }
    }

    #[test]
    fn an_unknown_name_is_refused_naming_it_and_the_allowed_set() {
        for bad in ["", "One", "first", "second_thing", " one", "3RD"] {
            assert_eq!(Sample::parse(bad), None, "{bad:?}");
        }
        let err = "first".parse::<Sample>().unwrap_err();
        assert_eq!(
            err,
            ParseEnumError {
                type_name: "Sample",
                value: "first".to_owned(),
                allowed: &["one", "second-thing", "3rd"],
            }
        );
        assert_eq!(
            err.to_string(),
            "unknown Sample `first` (expected one of: one, second-thing, 3rd)"
        );
        assert_eq!(
            "maybe".parse::<Plain>(),
            Err("unknown Plain `maybe` (expected one of: yes, no)".to_owned())
        );
    }

    #[test]
    fn serde_uses_only_the_wire_names() {
        let err = serde_json::from_str::<Sample>("\"First\"").unwrap_err();
        assert!(
            err.to_string()
                .contains("unknown variant `First`, expected one of `one`, `second-thing`, `3rd`"),
            "{err}"
        );
        assert!(serde_json::from_str::<Sample>("\"first\"").is_err());
        assert_eq!(
            serde_json::to_value([Sample::SecondThing, Sample::Third]).unwrap(),
            serde_json::json!(["second-thing", "3rd"])
        );
    }

    #[test]
    fn attributes_pass_through() {
        assert!(Sample::First < Sample::SecondThing && Sample::SecondThing < Sample::Third);
        let schema = serde_json::to_value(<Sample as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(schema["type"], "string");
        assert_eq!(
            schema["enum"],
            serde_json::json!(["one", "second-thing", "3rd"])
        );
        assert!(
            schema["description"]
                .as_str()
                .is_some_and(|d| d.starts_with("A test set")),
            "{schema}"
        );
    }
}
