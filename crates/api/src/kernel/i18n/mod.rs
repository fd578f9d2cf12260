//! Texts in the caller's language, looked up in [`catalogue`]'s tables.

pub mod catalogue;

use crate::kernel::context::Lang;
use catalogue::{
    BAD_REQUEST_DETAILS, FIELD_CODE_TEXTS, PARAM_TEXTS, PROBLEM_TYPES, ProblemType, RULES,
    UNAUTHENTICATED,
};
use kefu_core::FieldError;

/// The languages the server answers in, as `Accept-Language` and `Content-Language` name them.
pub const LANGUAGES: &[&str] = &["zh-CN", "en"];

impl Lang {
    /// The language tag of `Content-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => LANGUAGES[0],
            Lang::En => LANGUAGES[1],
        }
    }
}

fn pick<T>(lang: Lang, zh: T, en: T) -> T {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

pub fn problem_type(slug: &str) -> Option<&'static ProblemType> {
    PROBLEM_TYPES.iter().find(|p| p.slug == slug)
}

/// The title of a problem kind; a slug missing from the catalogue (a test catches it) reads
/// as the generic 500 title.
pub fn title(slug: &str, lang: Lang) -> &'static str {
    let p = problem_type(slug)
        .or_else(|| problem_type("internal"))
        .unwrap_or(&PROBLEM_TYPES[0]);
    pick(lang, p.zh, p.en)
}

/// A rule id with its name, e.g. `TKT-3（工单生命周期）` or `TKT-3 (ticket lifecycle)`.
pub fn rule_named(rule: &str, lang: Lang) -> String {
    match RULES.iter().find(|(id, _, _)| *id == rule) {
        Some((_, zh, en)) => pick(lang, format!("{rule}（{zh}）"), format!("{rule} ({en})")),
        None => rule.to_owned(),
    }
}

/// A field error's message: in zh-CN always the catalogue's text for its code, with its limits
/// and rule; in en the message written where the error arose when there is one (it says more
/// than the code), else the catalogue's text with its limits.
pub fn field_message(e: &FieldError, lang: Lang) -> String {
    let text = FIELD_CODE_TEXTS.iter().find(|c| c.code == e.code);
    let limits: Vec<String> = e
        .params
        .iter()
        .filter_map(|(name, value)| {
            let (_, zh, en) = PARAM_TEXTS.iter().find(|(n, _, _)| n == name)?;
            Some(pick(lang, format!("{zh} {value}"), format!("{en} {value}")))
        })
        .collect();
    match lang {
        Lang::Zh => {
            let mut message = text.map_or("取值无效", |t| t.zh).to_owned();
            if !limits.is_empty() {
                message.push_str(&format!("（{}）", limits.join("，")));
            }
            if let Some(rule) = e.rule {
                message.push_str(&format!("，依据 {}", rule_named(rule, lang)));
            }
            message
        }
        Lang::En if !e.message.is_empty() => e.message.clone(),
        Lang::En => {
            let mut message = text.map_or("not a valid value", |t| t.en).to_owned();
            if !limits.is_empty() {
                message.push_str(&format!(" ({})", limits.join(", ")));
            }
            message
        }
    }
}

/// Why a request is unauthenticated, by the reason code the authenticator gives.
pub fn unauthenticated(reason: &str, lang: Lang) -> &'static str {
    UNAUTHENTICATED
        .iter()
        .find(|(r, _, _)| *r == reason)
        .map_or(
            pick(lang, "需要认证", "Authentication required"),
            |(_, zh, en)| pick(lang, *zh, *en),
        )
}

/// A malformed request's detail: the fixed English texts have their zh-CN twin; any other
/// (written at one place of the code) is told in zh-CN by the fields it names, or generically.
pub fn bad_request(detail: &str, errors: &[FieldError], lang: Lang) -> String {
    if lang == Lang::En {
        return detail.to_owned();
    }
    if let Some((_, zh)) = BAD_REQUEST_DETAILS.iter().find(|(en, _)| *en == detail) {
        return (*zh).to_owned();
    }
    match errors.first() {
        Some(e) => format!("无法解析请求：{} {}", e.field, field_message(e, Lang::Zh)),
        None => "无法解析请求".to_owned(),
    }
}

/// The detail of a refusal by a rule: the domain's own English words, or in zh-CN the rule and
/// what kind of refusal it is.
pub fn refused_by(rule: &str, message: &str, state: bool, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{rule}: {message}"),
        Lang::Zh if state => format!("{}：记录当前的状态不允许此操作", rule_named(rule, lang)),
        Lang::Zh => format!("{}：此操作不符合该规则", rule_named(rule, lang)),
    }
}

#[cfg(test)]
mod tests;
