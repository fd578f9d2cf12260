//! Shared value types of kefu: roles and the acting principal, validated names, money in fen,
//! basis points, calendar months, the work calendar (CAL-1), the clock, and the error every
//! domain rule reports with, and the id newtypes of the main records.
//! No I/O lives here: time and randomness come in as arguments.

pub mod access;
mod actor;
mod calendar;
mod clock;
mod error;
mod ids;
mod location;
mod money;
mod names;
mod org;
mod role;
pub mod rules;
mod seal;
mod string_enum;
mod time_of_day;
mod work_hours;
mod year_month;

pub use actor::{Actor, ActorKind};
pub use calendar::{
    CalendarError, DayKind, MAX_SEARCH_DAYS, ParseDayKindError, WorkCalendar, WorkPeriod,
};
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{DomainError, FIELD_CODES, FieldError, single_rule};
pub use ids::{
    CallbackId, ChangeRequestId, ComplaintId, ContactId, CustomerId, EquipmentId, FeedbackFormId,
    FollowUpId, KbArticleId, ServiceRecordId, SiteId, TeamId, TicketId, UserId, VisitId,
    WorkOrderId,
};
pub use location::LocationClass;
pub use money::{BasisPoints, Money};
pub use names::{DisplayName, Password, Username};
pub use org::{EmploymentStatus, Level, Track};
pub use role::{ParseRoleError, Role};
pub use seal::{ParseSealError, Seal, SealCheck};
pub use string_enum::ParseEnumError;
pub use time_of_day::{ParseTimeOfDayError, TimeOfDay};
pub use work_hours::{PeriodSpec, WeekdayName, WorkHours};
pub use year_month::YearMonth;
