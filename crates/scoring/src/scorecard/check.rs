//! The consistency checks of scorecard templates: every field error names its place.

use super::{CARD_POINTS, Counting, ScoreItem, ScorecardTemplate, ScorecardTemplates};
use kefu_core::DomainError;
use std::collections::BTreeSet;

/// HR-S1 and HR-S2: the checks of a whole set.
pub(super) fn all(set: &ScorecardTemplates) -> Result<(), DomainError> {
    if set.templates.is_empty() {
        return Err(invalid(
            "templates",
            "length",
            "needs at least one template",
        ));
    }
    let mut positions = BTreeSet::new();
    for (i, t) in set.templates.iter().enumerate() {
        let at = format!("templates[{i}]");
        check_key(&format!("{at}.position"), &t.position)?;
        if !positions.insert(t.position.as_str()) {
            return Err(invalid(
                format!("{at}.position"),
                "duplicate",
                "one template per position",
            ));
        }
        check_template(&at, t)?;
    }
    if !(1..=366).contains(&set.appeal_days) {
        return Err(invalid("appeal_days", "range", "between 1 and 366 days"));
    }
    let mut keys = BTreeSet::new();
    for (i, e) in set.events.iter().enumerate() {
        let at = format!("events[{i}]");
        check_key(&format!("{at}.key"), &e.key)?;
        if !keys.insert(e.key.as_str()) {
            return Err(invalid(format!("{at}.key"), "duplicate", "each key once"));
        }
        check_title(&format!("{at}.title"), &e.title)?;
        check_points(&format!("{at}.points"), e.points)?;
        if e.per == Counting::PointsBelow {
            return Err(invalid(
                format!("{at}.per"),
                "range",
                "an event counts per occurrence or per day",
            ));
        }
        if let Some(score) = e.sets_exam_score {
            check_score(&format!("{at}.sets_exam_score"), score)?;
        }
    }
    Ok(())
}

fn invalid(field: impl Into<String>, code: &'static str, message: &str) -> DomainError {
    DomainError::invalid(field, code, message)
}

fn check_key(field: &str, key: &str) -> Result<(), DomainError> {
    let ok = !key.is_empty()
        && key.len() <= 64
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(invalid(
            field,
            "format",
            "1 to 64 lower-case letters, digits or underscores",
        ))
    }
}

fn check_title(field: &str, title: &str) -> Result<(), DomainError> {
    let chars = title.trim().chars().count();
    if (1..=200).contains(&chars) {
        Ok(())
    } else {
        Err(invalid(field, "length", "1 to 200 characters"))
    }
}

fn check_points(field: &str, points: i64) -> Result<(), DomainError> {
    if (0..=CARD_POINTS).contains(&points) {
        Ok(())
    } else {
        Err(invalid(field, "range", "must be between 0 and 100"))
    }
}

fn check_score(field: &str, score: i64) -> Result<(), DomainError> {
    if (0..=100).contains(&score) {
        Ok(())
    } else {
        Err(invalid(field, "range", "a score between 0 and 100"))
    }
}

fn check_items(
    at: &str,
    items: &[ScoreItem],
    keys: &mut BTreeSet<String>,
) -> Result<(), DomainError> {
    for (i, it) in items.iter().enumerate() {
        let at = format!("{at}[{i}]");
        check_key(&format!("{at}.key"), &it.key)?;
        if !keys.insert(it.key.clone()) {
            return Err(invalid(
                format!("{at}.key"),
                "duplicate",
                "each item key once per template",
            ));
        }
        check_title(&format!("{at}.title"), &it.title)?;
        check_points(&format!("{at}.points"), it.points)?;
        match it.per {
            Counting::PointsBelow => {
                let Some(threshold) = it.below else {
                    return Err(invalid(
                        format!("{at}.below"),
                        "required",
                        "points_below needs the score it counts below",
                    ));
                };
                check_score(&format!("{at}.below"), threshold)?;
                if !it.step.is_some_and(|s| (1..=100).contains(&s)) {
                    return Err(invalid(
                        format!("{at}.step"),
                        "range",
                        "points_below needs a step between 1 and 100",
                    ));
                }
            }
            Counting::Occurrence | Counting::Day => {
                if it.below.is_some() || it.step.is_some() {
                    return Err(invalid(
                        format!("{at}.below"),
                        "range",
                        "below and step belong to points_below items only",
                    ));
                }
            }
        }
    }
    Ok(())
}

fn check_template(at: &str, t: &ScorecardTemplate) -> Result<(), DomainError> {
    check_title(&format!("{at}.title"), &t.title)?;
    if t.sections.is_empty() {
        return Err(invalid(
            format!("{at}.sections"),
            "length",
            "needs sections",
        ));
    }
    let mut section_keys = BTreeSet::new();
    let mut item_keys = BTreeSet::new();
    for (j, s) in t.sections.iter().enumerate() {
        let at = format!("{at}.sections[{j}]");
        check_key(&format!("{at}.key"), &s.key)?;
        if !section_keys.insert(s.key.clone()) {
            return Err(invalid(
                format!("{at}.key"),
                "duplicate",
                "each section key once",
            ));
        }
        check_title(&format!("{at}.title"), &s.title)?;
        if !(1..=CARD_POINTS).contains(&s.points) {
            return Err(invalid(
                format!("{at}.points"),
                "range",
                "must be between 1 and 100",
            ));
        }
        if let Some(bp) = s.qa_average_share_bp
            && !(0..=10_000).contains(&bp)
        {
            return Err(invalid(
                format!("{at}.qa_average_share_bp"),
                "range",
                "must be between 0 and 10000",
            ));
        }
        if !s.subsections.is_empty() {
            if !s.items.is_empty() {
                return Err(invalid(
                    format!("{at}.items"),
                    "range",
                    "a section with subsections keeps its items in them",
                ));
            }
            let total: i64 = s.subsections.iter().map(|p| p.points).sum();
            if total != s.points {
                return Err(DomainError::invalid(
                    format!("{at}.subsections"),
                    "sum",
                    format!(
                        "subsection points add up to {total}, not the section's {}",
                        s.points
                    ),
                ));
            }
        }
        for (k, p) in s.subsections.iter().enumerate() {
            let at = format!("{at}.subsections[{k}]");
            check_key(&format!("{at}.key"), &p.key)?;
            if !section_keys.insert(p.key.clone()) {
                return Err(invalid(
                    format!("{at}.key"),
                    "duplicate",
                    "each section key once",
                ));
            }
            check_title(&format!("{at}.title"), &p.title)?;
            if !(1..=CARD_POINTS).contains(&p.points) {
                return Err(invalid(
                    format!("{at}.points"),
                    "range",
                    "must be between 1 and 100",
                ));
            }
            check_items(&format!("{at}.items"), &p.items, &mut item_keys)?;
        }
        check_items(&format!("{at}.items"), &s.items, &mut item_keys)?;
    }
    let total: i64 = t.sections.iter().map(|s| s.points).sum();
    if total != CARD_POINTS {
        return Err(DomainError::invalid(
            format!("{at}.sections"),
            "sum",
            format!("section points add up to {total}, not 100"),
        ));
    }
    check_items(&format!("{at}.adjustments"), &t.adjustments, &mut item_keys)
}
