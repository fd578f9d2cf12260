//! BIL-4 money received from customers: payments towards accepted repair quotes (the quote's
//! `paid_fen` grows by a conditional UPDATE, never beyond its total) and deposits (押金) held
//! against a device repair, refunded or converted into a payment once. Contract payments stay
//! with the contract (`recordContractPayment`, CON-2). Visibility (ORG-5) is the customer's.

use crate::billing::dto::payments::{PaymentOut, RecordPayment, SettleDeposit};
use crate::billing::service::quotes::{sees_customer, visible_or_404};
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use crate::kernel::extract::trimmed;
use chrono::NaiveDate;
use kefu_billing::payments::{DepositState, PaymentKind, Settlement, check_quote_payment, settle};
use kefu_billing::quotes::QuoteStatus;
use kefu_core::{Actor, FieldError};
use kefu_store::customer_payments::{self as store, PaymentRow};
use kefu_store::{DbConnection, new_id, to_db_time};

fn invalid(field: &str, code: &'static str, message: &str) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(field, code, message).by_rule("BIL-4")])
}

/// A live payment of a customer the caller sees; anything else is 404.
pub fn get_row(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<PaymentRow, ApiError> {
    let row = store::find(conn, id)?;
    visible_or_404(conn, actor, row, |r| {
        (r.deleted_at.is_none(), &r.customer_id)
    })
}

/// BIL-4: books `amount_fen` on quote `quote_id` of `customer_id`: the quote is the
/// customer's (422 `quote_id`), accepted (409 `BIL-4`) and still owes at least that (422
/// `BIL-4`), checked again by the conditional UPDATE against a racing payment.
fn pay_quote(
    conn: &mut DbConnection,
    ctx: &Ctx,
    customer_id: &str,
    quote_id: &str,
    amount_fen: i64,
) -> Result<(), ApiError> {
    let quote = kefu_store::repair_quotes::find(conn, quote_id)?
        .filter(|q| q.deleted_at.is_none() && q.customer_id == customer_id)
        .ok_or_else(|| invalid("quote_id", "not_found", "no repair quote of the customer"))?;
    let accepted = quote.status == QuoteStatus::Accepted.as_str();
    check_quote_payment(accepted, quote.total_fen - quote.paid_fen, amount_fen)?;
    if !kefu_store::repair_quotes::add_payment(conn, quote_id, amount_fen, ctx.now)? {
        return Err(ApiError::Rule {
            rule: "BIL-4",
            message: "another payment came first: the quote owes less than that now".to_owned(),
        });
    }
    Ok(())
}

/// BIL-4: records money received from a customer the caller sees (422 `customer_id`), paid on
/// a day not in the future (422 `paid_on`). A payment naming a quote pays it; a deposit names
/// the customer's repair intake it is held against (422 `intake_id`).
pub fn record(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    today: NaiveDate,
    input: RecordPayment,
) -> Result<PaymentOut, ApiError> {
    let customer_id = input.customer_id.trim().to_owned();
    if !sees_customer(conn, actor, &customer_id)? {
        return Err(invalid("customer_id", "not_found", "no such customer"));
    }
    let paid_on = input.paid_on.unwrap_or(today);
    if paid_on > today {
        return Err(invalid(
            "paid_on",
            "future",
            "money is booked once it came in",
        ));
    }
    let quote_id = trimmed(input.quote_id);
    let intake_id = trimmed(input.intake_id);
    if let Some(id) = &intake_id {
        let ok = kefu_store::inventory::intakes::find_intake(conn, id)?
            .is_some_and(|i| i.deleted_at.is_none() && i.customer_id == customer_id);
        if !ok {
            return Err(invalid(
                "intake_id",
                "not_found",
                "no repair intake of the customer",
            ));
        }
    }
    let deposit = input.kind == PaymentKind::Deposit;
    if deposit && intake_id.is_none() {
        return Err(invalid(
            "intake_id",
            "required",
            "a deposit is held against a device repair: name its intake",
        ));
    }
    match (&quote_id, deposit) {
        (Some(q), false) => pay_quote(conn, ctx, &customer_id, q, input.amount_fen)?,
        (Some(q), true) => {
            let ok = kefu_store::repair_quotes::find(conn, q)?
                .is_some_and(|r| r.deleted_at.is_none() && r.customer_id == customer_id);
            if !ok {
                return Err(invalid(
                    "quote_id",
                    "not_found",
                    "no repair quote of the customer",
                ));
            }
        }
        (None, _) => {}
    }
    let now = to_db_time(ctx.now);
    let row = PaymentRow {
        id: new_id(),
        customer_id,
        kind: input.kind.as_str().to_owned(),
        quote_id,
        intake_id,
        amount_fen: input.amount_fen,
        paid_on,
        method: input.method.as_str().to_owned(),
        account: input.account.trim().to_owned(),
        document: input.document.as_str().to_owned(),
        document_no: trimmed(input.document_no),
        deposit_state: deposit.then(|| DepositState::Held.as_str().to_owned()),
        settled_by: None,
        settled_at: None,
        settle_note: None,
        converted_payment_id: None,
        note: trimmed(input.note),
        recorded_by: actor.user_id.clone(),
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert(conn, &row)?;
    let out = PaymentOut::from(&row);
    ctx.audit(
        conn,
        "customer_payment.record",
        ("customer_payment", &row.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}

/// BIL-4: refunds a held deposit, or converts it into a payment of an accepted quote of the
/// same customer (the deposit's, or `quote_id`) — once (409 `BIL-4` after). A conversion books
/// the deposit's amount on the quote (422 `BIL-4` beyond what it owes) as a new payment.
pub fn settle_deposit(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    today: NaiveDate,
    id: &str,
    expected: i64,
    (to, input): (Settlement, SettleDeposit),
) -> Result<PaymentOut, ApiError> {
    let before = get_row(conn, actor, id)?;
    if before.version != expected {
        return Err(ApiError::PreconditionFailed {
            current: before.version,
        });
    }
    let state = match before
        .deposit_state
        .as_deref()
        .and_then(DepositState::parse)
    {
        Some(s) => s,
        None => {
            return Err(ApiError::State {
                rule: "BIL-4",
                message: "a payment is no deposit: only a deposit is refunded or converted"
                    .to_owned(),
            });
        }
    };
    let new_state = settle(state, to)?;
    let mut converted = None;
    if to == Settlement::Convert {
        let quote_id = trimmed(input.quote_id.clone())
            .or(before.quote_id.clone())
            .ok_or_else(|| invalid("quote_id", "required", "name the quote the deposit pays"))?;
        pay_quote(conn, ctx, &before.customer_id, &quote_id, before.amount_fen)?;
        let now = to_db_time(ctx.now);
        let payment = PaymentRow {
            id: new_id(),
            kind: PaymentKind::Payment.as_str().to_owned(),
            quote_id: Some(quote_id),
            paid_on: today,
            deposit_state: None,
            note: Some(format!("押金 {} 转维修费", before.id)),
            recorded_by: actor.user_id.clone(),
            created_at: now,
            updated_at: now,
            version: 1,
            ..before.clone()
        };
        store::insert(conn, &payment)?;
        ctx.audit(
            conn,
            "customer_payment.record",
            ("customer_payment", &payment.id),
            None,
            snapshot(&PaymentOut::from(&payment)),
        )?;
        converted = Some(payment.id);
    }
    let settlement = store::Settlement {
        state: new_state.as_str(),
        by: actor.user_id.clone(),
        note: trimmed(input.note),
        converted_payment_id: converted,
    };
    if !store::settle(conn, &before.id, expected, settlement, ctx.now)? {
        return Err(ApiError::State {
            rule: "BIL-4",
            message: "the deposit was settled meanwhile".to_owned(),
        });
    }
    let after = PaymentOut::from(&get_row(conn, actor, &before.id)?);
    let action = match to {
        Settlement::Refund => "customer_payment.refund",
        Settlement::Convert => "customer_payment.convert",
    };
    ctx.audit(
        conn,
        action,
        ("customer_payment", &before.id),
        snapshot(&PaymentOut::from(&before)),
        snapshot(&after),
    )?;
    Ok(after)
}
