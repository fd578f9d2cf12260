//! HR-S4: a month graded D calls for a re-test; the re-test's result names that card, so the
//! card's `retest` flag, the re-test and its retake (whose failure flags dismissal) are one
//! trail a manager can follow.

use crate::kernel::error::ApiError;
use kefu_scoring::card::{Flag, Outcome};
use kefu_store::DbConnection;
use kefu_store::exams::{self as store, SessionRow};

/// The card a result of the re-test `session` for `user_id` re-tests: for a first sitting,
/// the person's latest finalised card flagged `retest` that no result re-tests yet (none is
/// 422 `HR-S4`: a re-test follows a month graded D); for a retake, the card of the result it
/// retakes.
pub fn card_for(
    conn: &mut DbConnection,
    session: &SessionRow,
    user_id: &str,
) -> Result<String, ApiError> {
    if let Some(of) = &session.retake_of {
        return store::result_of(conn, of, user_id)?
            .and_then(|r| r.card_id)
            .ok_or_else(|| no_card("the re-test this retakes names no card"));
    }
    for card in store::cards_not_retested(conn, user_id)? {
        let outcome: Outcome = serde_json::from_str(&card.outcome_json)
            .map_err(|e| ApiError::internal(format!("stored card is corrupt: {e}")))?;
        if outcome.flags.contains(&Flag::Retest) {
            return Ok(card.id);
        }
    }
    Err(no_card(
        "no finalised month graded D awaits this person's re-test",
    ))
}

fn no_card(message: &str) -> ApiError {
    ApiError::Rule {
        rule: "HR-S4",
        message: message.to_owned(),
    }
}
