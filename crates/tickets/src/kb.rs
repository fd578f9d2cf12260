//! KB-1 knowledge base: articles with title, problem, answer, tags and product, versioned and
//! searchable. Every content edit is a new version; publishing and archiving change only the
//! article's status.

use kefu_core::DomainError;
use utoipa::ToSchema;

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum ArticleStatus {
        Draft = "draft",
        Published = "published",
        Archived = "archived",
    }
}

kefu_core::string_enum! {
    pub enum ArticleCommand {
        Publish = "publish",
        Archive = "archive",
        /// A content edit (a new version).
        Edit = "edit",
    }
}

/// KB-1: drafts and archived articles publish; drafts and published ones archive; an archived
/// article is frozen until it is published again. Anything else is a conflict (409).
pub fn article_transition(
    from: ArticleStatus,
    command: ArticleCommand,
) -> Result<ArticleStatus, DomainError> {
    use ArticleCommand as C;
    use ArticleStatus as S;
    let next = match (from, command) {
        (S::Draft | S::Archived, C::Publish) => Some(S::Published),
        (S::Draft | S::Published, C::Archive) => Some(S::Archived),
        (S::Draft | S::Published, C::Edit) => Some(from),
        _ => None,
    };
    next.ok_or_else(|| DomainError::State {
        rule: "KB-1",
        message: format!(
            "cannot {} an article that is {}",
            command.as_str(),
            from.as_str()
        ),
    })
}

/// Tags as stored: trimmed, empty ones dropped, duplicates removed, first spelling kept in the
/// order given.
pub fn normalize_tags(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim();
        if !tag.is_empty() && !out.iter().any(|t| t.to_lowercase() == tag.to_lowercase()) {
            out.push(tag.to_owned());
        }
    }
    out
}

/// The text a `q` search runs over: title, problem, answer and tags, lower-cased so that a
/// plain substring match is case-insensitive on every database (Chinese has no case and is
/// kept as is). Parts are joined by a newline so that no search term spans two fields unless
/// it contains one.
pub fn search_text(title: &str, problem: &str, answer: &str, tags: &[String]) -> String {
    let mut parts = vec![title, problem, answer];
    parts.extend(tags.iter().map(String::as_str));
    parts.join("\n").to_lowercase()
}

/// A `q` as matched against [`search_text`].
pub fn search_key(q: &str) -> String {
    q.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kb_1_publish_and_archive() {
        use ArticleCommand as C;
        use ArticleStatus as S;
        assert_eq!(article_transition(S::Draft, C::Publish), Ok(S::Published));
        assert_eq!(
            article_transition(S::Published, C::Archive),
            Ok(S::Archived)
        );
        assert_eq!(
            article_transition(S::Archived, C::Publish),
            Ok(S::Published)
        );
        assert_eq!(article_transition(S::Published, C::Edit), Ok(S::Published));
        for (from, cmd) in [
            (S::Published, C::Publish),
            (S::Archived, C::Archive),
            (S::Archived, C::Edit),
        ] {
            assert!(matches!(
                article_transition(from, cmd),
                Err(DomainError::State { rule: "KB-1", .. })
            ));
        }
    }

    #[test]
    fn kb_1_tags_are_trimmed_and_unique() {
        let tags = [
            "  报警 ".to_owned(),
            "".to_owned(),
            "VPN".to_owned(),
            "vpn".to_owned(),
        ];
        assert_eq!(normalize_tags(&tags), vec!["报警", "VPN"]);
    }

    #[test]
    fn kb_1_search_text_covers_every_field_case_insensitively() {
        let text = search_text(
            "网站登录",
            "Login fails",
            "清除浏览器缓存",
            &["VPN".to_owned()],
        );
        for q in ["登录", "login", "缓存", "vpn", "浏览器缓存"] {
            assert!(text.contains(&search_key(q)), "{q}");
        }
        assert!(!text.contains(&search_key("登录fails")));
    }
}
