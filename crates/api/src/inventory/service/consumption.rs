//! INV-2 consumption on a ticket: the parts on loan that a ticket's feedback form lists as
//! used (lines naming their `loan_id`) are consumed when the customer signs the form, in the
//! signing's own transaction — `consumption` ledger rows against the ticket out of the
//! engineer's hands, the units off the loan (which closes once nothing is out). A unit
//! consumed so is no longer out on the loan: returning it later is 422 naming INV-2.

use crate::inventory::service::catalogue::get_part;
use crate::inventory::service::loans::{facts, json_of, render};
use crate::inventory::service::stock::{self, Tags};
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use chrono::NaiveDate;
use kefu_core::FieldError;
use kefu_inventory::catalogue::{MovementKind, UnitStatus};
use kefu_inventory::consumption::{UsedLine, consumption_delta};
use kefu_inventory::loans::{LoanCommand, LoanStatus, decide};
use kefu_inventory::movements::Movement;
use kefu_store::inventory::loans::{self as store, LoanChanges};
use kefu_store::{DbConnection, to_db_time};

/// What the consumption is for: the form's ticket and engineer.
#[derive(Debug, Clone)]
pub struct FormUse<'a> {
    pub ticket_id: &'a str,
    /// The form's engineer: only their own loans are consumed.
    pub engineer_id: &'a str,
    /// The lines of the version being signed, and of the previous signed version (empty at
    /// the first signature), that name a loan.
    pub now: &'a [UsedLine],
    pub before: &'a [UsedLine],
}

fn unknown_loan(loan_id: &str) -> ApiError {
    ApiError::Invalid(vec![
        FieldError::new(
            "parts_used",
            "unknown_loan",
            format!("no loan {loan_id} of the form's engineer"),
        )
        .by_rule("INV-2"),
    ])
}

/// INV-2: consumes what signing the form adds to what it consumed already. Each loan changes
/// by a versioned update and each unit by the ledger's conditional updates, so a concurrent
/// return of the same unit leaves exactly one of the two standing.
pub fn on_form_signed(
    conn: &mut DbConnection,
    ctx: &Ctx,
    today: NaiveDate,
    form: &FormUse<'_>,
) -> Result<(), ApiError> {
    for used in consumption_delta(form.now, form.before)? {
        let loan = store::find_loan(conn, &used.loan_id)?
            .filter(|l| l.deleted_at.is_none() && l.engineer_id == form.engineer_id)
            .ok_or_else(|| unknown_loan(&used.loan_id))?;
        let part = get_part(conn, &loan.part_id)?;
        let outcome = decide(
            &facts(&loan, part.kind),
            &LoanCommand::Consume {
                quantity: used.quantity,
                serials: used.serials.clone(),
            },
        )?;
        let movement = Movement {
            kind: MovementKind::Consumption,
            quantity: outcome.units,
            serials: outcome.serials.clone(),
            from_location_id: Some(loan.location_id.clone()),
            to_location_id: None,
            unit_status: UnitStatus::Consumed,
            new_units: false,
        };
        let note = format!("工单 {} 反馈单使用（借用单 {}）", form.ticket_id, loan.id);
        stock::apply_tagged(
            conn,
            ctx,
            &part,
            &movement,
            Some(&note),
            &Tags {
                ticket_id: Some(form.ticket_id.to_owned()),
                ..Tags::default()
            },
        )?;
        let now = to_db_time(ctx.now);
        let changes = LoanChanges {
            status: Some(outcome.status.as_str().to_owned()),
            outstanding_serials: Some(json_of(&outcome.outstanding_serials)?),
            consumed_quantity: Some(loan.consumed_quantity + outcome.units),
            closed_at: (outcome.status == LoanStatus::Closed).then_some(now),
            ..LoanChanges::default()
        };
        written(store::update_loan(
            conn,
            &loan.id,
            loan.version,
            &changes,
            ctx.now,
        )?)?;
        let after = store::find_loan(conn, &loan.id)?.ok_or(ApiError::NotFound)?;
        ctx.audit(
            conn,
            "part_loan.consume",
            ("part_loan", &loan.id),
            snapshot(&render(&loan, today)),
            snapshot(&render(&after, today)),
        )?;
    }
    Ok(())
}
