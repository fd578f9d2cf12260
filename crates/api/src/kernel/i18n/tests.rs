use super::catalogue::*;
use super::*;
use crate::kernel::error::ApiError;
use chrono::Utc;
use std::collections::BTreeSet;

fn sorted_unique<'a>(keys: impl Iterator<Item = &'a str>) -> bool {
    let keys: Vec<&str> = keys.collect();
    keys.windows(2).all(|w| w[0] < w[1])
}

#[test]
fn the_tables_are_sorted_without_duplicates() {
    assert!(sorted_unique(PROBLEM_TYPES.iter().map(|p| p.slug)));
    assert!(sorted_unique(FIELD_CODE_TEXTS.iter().map(|c| c.code)));
    assert!(sorted_unique(RULES.iter().map(|r| r.0)));
    assert!(sorted_unique(UNAUTHENTICATED.iter().map(|r| r.0)));
}

#[test]
fn every_field_code_the_server_sends_has_its_texts() {
    let texts: Vec<&str> = FIELD_CODE_TEXTS.iter().map(|c| c.code).collect();
    assert_eq!(texts, kefu_core::FIELD_CODES);
}

/// One of each variant: the match has no wildcard, so a new variant fails to compile here
/// until it is listed, and its slug must then be in the catalogue.
fn one_of_each() -> Vec<ApiError> {
    let all = vec![
        ApiError::bad_request("x"),
        ApiError::MalformedJson { line: 1, column: 1 },
        ApiError::Invalid(Vec::new()),
        ApiError::Rule {
            rule: "TKT-3",
            message: String::new(),
        },
        ApiError::Unauthenticated("invalid_token"),
        ApiError::Forbidden,
        ApiError::ForbiddenBy { rule: "HR-F0" },
        ApiError::NotFound,
        ApiError::MethodNotAllowed {
            allowed: Vec::new(),
        },
        ApiError::PasswordChangeRequired,
        ApiError::Conflict(String::new()),
        ApiError::State {
            rule: "TKT-3",
            message: String::new(),
        },
        ApiError::duplicate("teams_name"),
        ApiError::PreconditionRequired,
        ApiError::PreconditionFailed { current: 1 },
        ApiError::PayloadTooLarge { limit: 1 },
        ApiError::UnsupportedMediaType,
        ApiError::MediaTypeRefused {
            found: String::new(),
            allowed: &[],
        },
        ApiError::IdempotencyKeyReused,
        ApiError::IdempotencyInProgress {
            retry_after_secs: 1,
        },
        ApiError::IdempotencyOutcomeLost { entity: None },
        ApiError::TooManyRequests {
            retry_after_secs: 1,
        },
        ApiError::Unavailable(String::new()),
        ApiError::Overloaded {
            what: "x",
            retry_after_secs: 1,
        },
        ApiError::SyncReset {
            resync_since: Utc::now(),
        },
        ApiError::Internal(String::new()),
    ];
    for e in &all {
        match e {
            ApiError::BadRequest { .. }
            | ApiError::MalformedJson { .. }
            | ApiError::Invalid(_)
            | ApiError::Rule { .. }
            | ApiError::Unauthenticated(_)
            | ApiError::Forbidden
            | ApiError::ForbiddenBy { .. }
            | ApiError::NotFound
            | ApiError::MethodNotAllowed { .. }
            | ApiError::PasswordChangeRequired
            | ApiError::Conflict(_)
            | ApiError::State { .. }
            | ApiError::Duplicate(_)
            | ApiError::PreconditionRequired
            | ApiError::PreconditionFailed { .. }
            | ApiError::PayloadTooLarge { .. }
            | ApiError::UnsupportedMediaType
            | ApiError::MediaTypeRefused { .. }
            | ApiError::IdempotencyKeyReused
            | ApiError::IdempotencyInProgress { .. }
            | ApiError::IdempotencyOutcomeLost { .. }
            | ApiError::TooManyRequests { .. }
            | ApiError::Unavailable(_)
            | ApiError::Overloaded { .. }
            | ApiError::SyncReset { .. }
            | ApiError::Internal(_) => {}
        }
    }
    all
}

#[test]
fn the_problem_types_are_exactly_those_the_errors_send() {
    let sent: BTreeSet<&str> = one_of_each().iter().map(ApiError::kind).collect();
    let listed: BTreeSet<&str> = PROBLEM_TYPES.iter().map(|p| p.slug).collect();
    assert_eq!(sent, listed);
    for e in one_of_each() {
        let listed = problem_type(e.kind()).map(|p| p.status);
        assert_eq!(listed, Some(e.status().as_u16()), "{}", e.kind());
    }
}

/// The rule ids written in the code: every string literal shaped like one in the non-test
/// sources of the workspace. Rule ids reach `rule` members from many places (refusals, access
/// tables, field errors), so the sources themselves are the list to compare with.
fn rule_ids_in_sources() -> BTreeSet<String> {
    let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut found = BTreeSet::new();
    let mut dirs = vec![crates];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if name != "tests" && name != "target" {
                    dirs.push(path);
                }
                continue;
            }
            if !name.ends_with(".rs") || name == "tests.rs" || name.ends_with("_tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let code = text.split("#[cfg(test)]\nmod ").next().unwrap_or("");
            for literal in string_literals(code) {
                if is_rule_id(&literal) {
                    found.insert(literal);
                }
            }
        }
    }
    found
}

/// The string literals of Rust source (comments, char literals and raw strings understood).
fn string_literals(code: &str) -> Vec<String> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let rest = |k: usize| chars.get(i + k).copied().unwrap_or(' ');
        match chars[i] {
            '/' if rest(1) == '/' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if rest(1) == '*' => {
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            '\'' if rest(1) == '\\' => {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            }
            '\'' if rest(2) == '\'' => i += 3,
            'r' if (rest(1) == '"' || rest(1) == '#')
                && !chars[..i]
                    .last()
                    .is_some_and(|c| c.is_alphanumeric() || *c == '_') =>
            {
                let hashes = (1..).take_while(|k| rest(*k) == '#').count();
                if rest(hashes + 1) != '"' {
                    i += 1;
                    continue;
                }
                let close: String = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                let start = i + hashes + 2;
                let text: String = chars[start.min(chars.len())..].iter().collect();
                let end = text.find(&close).unwrap_or(text.len());
                out.push(text[..end].to_owned());
                i = start + text[..end].chars().count() + close.len();
            }
            '"' => {
                let mut literal = String::new();
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        i += 1;
                    }
                    if let Some(c) = chars.get(i) {
                        literal.push(*c);
                    }
                    i += 1;
                }
                out.push(literal);
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

#[test]
fn string_literals_are_read_like_the_compiler_reads_them() {
    let code = "let a = \"TKT-3\"; // \"ORG-9\"\nlet b = '\"'; f(\"x \\\"q\\\" y\", r#\"BIL-1 \"z\"\"#, 'a');";
    assert_eq!(string_literals(code), ["TKT-3", "x \"q\" y", "BIL-1 \"z\""]);
}

fn is_rule_id(s: &str) -> bool {
    let Some((area, number)) = s.rsplit_once('-') else {
        return false;
    };
    let areas = ["TKT", "ORG", "CON", "BIL", "INV", "CAL", "KB", "CUS", "HR"];
    let number = number.trim_start_matches(|c: char| c.is_ascii_uppercase());
    let digits = number.trim_end_matches(|c: char| c.is_ascii_lowercase());
    areas.contains(&area)
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && number.len() <= digits.len() + 1
}

#[test]
fn the_rule_ids_are_exactly_those_the_code_names() {
    let listed: BTreeSet<String> = RULES.iter().map(|r| r.0.to_owned()).collect();
    assert_eq!(rule_ids_in_sources(), listed);
}

#[test]
fn field_messages_word_their_limits_in_each_language() {
    let e = FieldError::new("name", "length", "")
        .with_param("min", 1)
        .with_param("max", 200);
    assert_eq!(
        field_message(&e, Lang::Zh),
        "长度不符合要求（最少 1，最多 200）"
    );
    assert_eq!(
        field_message(&e, Lang::En),
        "of the wrong length (at least 1, at most 200)"
    );
    let e = FieldError::new("sql", "required", "TKT-6: needs the SQL").by_rule("TKT-6");
    assert_eq!(field_message(&e, Lang::Zh), "必填，依据 TKT-6（服务记录）");
    assert_eq!(field_message(&e, Lang::En), "TKT-6: needs the SQL");
}
