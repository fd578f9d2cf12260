//! HR-A1: a time clock's export, read as clock records. The clock writes CSV (RFC 4180, UTF-8,
//! with or without a byte-order mark) with a header naming the columns; a file is taken whole
//! or not at all, so every bad line is reported at once with its line number.

use chrono::{NaiveDate, NaiveTime};
use kefu_core::FieldError;
use std::collections::HashMap;

/// The columns a clock file has; `clock_out` may be missing or empty (no clock-out that day).
pub const COLUMNS: [&str; 4] = ["username", "work_date", "clock_in", "clock_out"];

/// At most this many data lines per file: a month of a 300-person department fits.
pub const MAX_LINES: usize = 10_000;

/// One person's day as the clock saw it, local company time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockLine {
    /// The line of the file (the header is line 1).
    pub line: usize,
    pub username: String,
    pub work_date: NaiveDate,
    pub clock_in: NaiveTime,
    pub clock_out: Option<NaiveTime>,
}

/// What importing a clock line does to the day already on record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merge {
    /// No day on record: the clock's becomes it.
    Insert,
    /// The clock saw an earlier clock-in or a later clock-out than the record: the day spans
    /// both (the earliest arrival and the latest departure either source saw).
    Update {
        clock_in: NaiveTime,
        clock_out: Option<NaiveTime>,
    },
    /// The record already spans what the clock saw: importing the file again changes nothing.
    Unchanged,
}

/// HR-A1: how the clock's `line` meets the day on record (`recorded` = its clock-in and
/// clock-out, local time).
pub fn merge(recorded: Option<(NaiveTime, Option<NaiveTime>)>, line: &ClockLine) -> Merge {
    let Some((rec_in, rec_out)) = recorded else {
        return Merge::Insert;
    };
    let clock_in = rec_in.min(line.clock_in);
    let clock_out = match (rec_out, line.clock_out) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    if clock_in == rec_in && clock_out == rec_out {
        Merge::Unchanged
    } else {
        Merge::Update {
            clock_in,
            clock_out,
        }
    }
}

fn line_error(line: usize, column: &str, code: &'static str, message: String) -> FieldError {
    FieldError::new(format!("lines[{line}].{column}"), code, message)
}

/// Reads a clock file. Every problem is one field error named `lines[N].column` (N the line
/// number), `header` or `lines`; any error refuses the whole file.
pub fn parse(text: &str) -> Result<Vec<ClockLine>, Vec<FieldError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = records(text)
        .into_iter()
        .filter(|(_, fields)| !(fields.len() == 1 && fields[0].trim().is_empty()));
    let Some((_, header)) = records.next() else {
        return Err(vec![header_error(
            "the file is empty: it needs a header line",
        )]);
    };
    let positions = columns(&header)?;
    let mut errors = Vec::new();
    let mut lines = Vec::new();
    let mut seen: HashMap<(String, NaiveDate), usize> = HashMap::new();
    for (line, fields) in records {
        if lines.len() + errors.len() >= MAX_LINES {
            return Err(vec![FieldError::new(
                "lines",
                "length",
                format!("at most {MAX_LINES} lines per file"),
            )]);
        }
        if fields.len() != header.len() {
            errors.push(FieldError::new(
                format!("lines[{line}]"),
                "format",
                format!(
                    "{} fields where the header has {}",
                    fields.len(),
                    header.len()
                ),
            ));
            continue;
        }
        let cell = |column: usize| positions[column].map_or("", |i| fields[i].trim());
        let before = errors.len();
        let username = cell(0);
        if username.is_empty() || username.chars().count() > 64 {
            errors.push(line_error(
                line,
                "username",
                "length",
                "1 to 64 characters".to_owned(),
            ));
        }
        let work_date = NaiveDate::parse_from_str(cell(1), "%Y-%m-%d").ok();
        if work_date.is_none() {
            errors.push(line_error(
                line,
                "work_date",
                "format",
                format!("`{}` is not a date (YYYY-MM-DD)", cell(1)),
            ));
        }
        let clock_in = time(cell(2));
        if clock_in.is_none() {
            errors.push(line_error(
                line,
                "clock_in",
                "format",
                format!("`{}` is not a time (HH:MM or HH:MM:SS)", cell(2)),
            ));
        }
        let clock_out = match cell(3) {
            "" => None,
            raw => {
                let parsed = time(raw);
                if parsed.is_none() {
                    errors.push(line_error(
                        line,
                        "clock_out",
                        "format",
                        format!("`{raw}` is not a time (HH:MM or HH:MM:SS)"),
                    ));
                }
                parsed
            }
        };
        if let (Some(i), Some(o)) = (clock_in, clock_out)
            && o < i
        {
            errors.push(line_error(
                line,
                "clock_out",
                "range",
                "the clock-out is before the clock-in".to_owned(),
            ));
        }
        let (Some(work_date), Some(clock_in)) = (work_date, clock_in) else {
            continue;
        };
        if errors.len() > before {
            continue;
        }
        if let Some(first) = seen.insert((username.to_owned(), work_date), line) {
            errors.push(line_error(
                line,
                "work_date",
                "duplicate",
                format!("{username} on {work_date} is already on line {first}"),
            ));
            continue;
        }
        lines.push(ClockLine {
            line,
            username: username.to_owned(),
            work_date,
            clock_in,
            clock_out,
        });
    }
    if errors.is_empty() {
        Ok(lines)
    } else {
        Err(errors)
    }
}

fn header_error(message: impl Into<String>) -> FieldError {
    FieldError::new("header", "format", message.into())
}

/// Where each of [`COLUMNS`] is in the header; `clock_out` may be absent.
fn columns(header: &[String]) -> Result<[Option<usize>; 4], Vec<FieldError>> {
    let mut positions = [None; 4];
    let mut errors = Vec::new();
    for (i, name) in header.iter().enumerate() {
        let name = name.trim();
        match COLUMNS.iter().position(|c| *c == name) {
            Some(c) if positions[c].is_none() => positions[c] = Some(i),
            Some(_) => errors.push(header_error(format!("column `{name}` appears twice"))),
            None => errors.push(header_error(format!(
                "unknown column `{name}`; the columns are {}",
                COLUMNS.join(", ")
            ))),
        }
    }
    for (c, name) in COLUMNS.iter().enumerate().take(3) {
        if positions[c].is_none() {
            errors.push(header_error(format!("column `{name}` is missing")));
        }
    }
    if errors.is_empty() {
        Ok(positions)
    } else {
        Err(errors)
    }
}

fn time(raw: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(raw, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(raw, "%H:%M"))
        .ok()
}

/// RFC 4180 records with the line each starts on: fields split on commas, double quotes
/// around a field that holds commas, quotes (doubled) or line breaks; CRLF or LF.
fn records(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut start = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' if quoted => quoted = false,
            '"' if field.is_empty() => quoted = true,
            '\n' if quoted => {
                field.push(c);
                line += 1;
            }
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            '\r' if !quoted && chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                out.push((start, std::mem::take(&mut fields)));
                line += 1;
                start = line;
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        out.push((start, fields));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveTime {
        time(s).unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn hr_a1_a_clock_file_reads_as_lines_with_their_numbers() {
        let csv = "\u{feff}username,work_date,clock_in,clock_out\r\n\
                   wang,2026-03-02,07:55,17:31:05\r\n\
                   \r\n\
                   li,2026-03-02,08:10,\r\n";
        let lines = parse(csv).unwrap();
        assert_eq!(
            lines,
            vec![
                ClockLine {
                    line: 2,
                    username: "wang".into(),
                    work_date: d("2026-03-02"),
                    clock_in: t("07:55"),
                    clock_out: Some(t("17:31:05")),
                },
                ClockLine {
                    line: 4,
                    username: "li".into(),
                    work_date: d("2026-03-02"),
                    clock_in: t("08:10"),
                    clock_out: None,
                },
            ]
        );
    }

    #[test]
    fn hr_a1_columns_may_come_in_any_order_and_clock_out_may_be_absent() {
        let lines =
            parse("clock_in,username,work_date\n08:00,\"zhang, san\",2026-03-03\n").unwrap();
        assert_eq!(lines[0].username, "zhang, san");
        assert_eq!(lines[0].clock_out, None);
    }

    #[test]
    fn hr_a1_every_bad_line_is_reported_at_once_and_nothing_is_taken() {
        let csv = "username,work_date,clock_in,clock_out\n\
                   wang,2026-02-30,08:00,17:00\n\
                   li,2026-03-02,8h,17:00\n\
                   zhao,2026-03-02,09:00,08:00\n\
                   wang,2026-03-02,08:00\n\
                   li2,2026-03-02,08:00,17:00\n\
                   li2,2026-03-02,08:05,17:00\n";
        let errors = parse(csv).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "lines[2].work_date",
                "lines[3].clock_in",
                "lines[4].clock_out",
                "lines[5]",
                "lines[7].work_date",
            ]
        );
        assert_eq!(errors[4].code, "duplicate");
        assert!(
            errors[4].message.contains("line 6"),
            "{}",
            errors[4].message
        );
    }

    #[test]
    fn hr_a1_a_header_without_the_needed_columns_is_refused() {
        let errors = parse("user,work_date\nwang,2026-03-02\n").unwrap_err();
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert!(messages.iter().any(|m| m.contains("unknown column `user`")));
        assert!(messages.iter().any(|m| m.contains("`username` is missing")));
        assert!(messages.iter().any(|m| m.contains("`clock_in` is missing")));
        assert!(errors.iter().all(|e| e.field == "header"));
        assert_eq!(parse("").unwrap_err()[0].field, "header");
    }

    #[test]
    fn hr_a1_a_file_over_the_line_limit_is_refused() {
        let mut csv = String::from("username,work_date,clock_in\n");
        for i in 0..=MAX_LINES {
            csv.push_str(&format!("u{i},2026-03-02,08:00\n"));
        }
        assert_eq!(parse(&csv).unwrap_err()[0].field, "lines");
    }

    #[test]
    fn hr_a1_the_day_spans_the_earliest_arrival_and_latest_departure_either_source_saw() {
        let line = |i: &str, o: Option<&str>| ClockLine {
            line: 2,
            username: "wang".into(),
            work_date: d("2026-03-02"),
            clock_in: t(i),
            clock_out: o.map(t),
        };
        assert_eq!(merge(None, &line("08:00", None)), Merge::Insert);
        assert_eq!(
            merge(Some((t("08:05"), None)), &line("07:58", Some("17:30"))),
            Merge::Update {
                clock_in: t("07:58"),
                clock_out: Some(t("17:30"))
            }
        );
        assert_eq!(
            merge(
                Some((t("07:50"), Some(t("18:00")))),
                &line("07:58", Some("17:30"))
            ),
            Merge::Unchanged
        );
        assert_eq!(
            merge(Some((t("07:58"), Some(t("17:30")))), &line("07:58", None)),
            Merge::Unchanged
        );
    }
}
