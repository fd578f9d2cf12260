use clap::{Parser, Subcommand};
use kefu_api::kernel::config::Config;
use kefu_api::platform::dto::audit::AuditVerification;
use kefu_api::server::{self, NewUserArgs};
use kefu_core::Role;
use std::io::Read;
use std::process::ExitCode;

/// kefu: the customer-service and field-service backend.
#[derive(Parser)]
#[command(name = "kefu", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the HTTP server (the default): migrates the database first.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create a user; the password is read from stdin with --password-stdin, else generated.
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: Option<String>,
        /// A role (repeat for several): admin, manager, supervisor, clerk, engineer, ...
        #[arg(long = "role", required = true)]
        roles: Vec<Role>,
        /// A service account (API keys only, no password).
        #[arg(long)]
        service: bool,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Import a year's official holiday schedule into the work calendar (CAL-1), replacing
    /// that year's holidays and make-up working days: a JSON file like the body of
    /// `PUT /api/v1/calendar/schedules/{year}` plus `"year"`, or a CSV file (`.csv`) with the
    /// header `day,kind,note`.
    ImportCalendar {
        file: std::path::PathBuf,
        /// The year (CSV: defaults to that of the first day; JSON: must match the file's).
        #[arg(long)]
        year: Option<i32>,
        /// The notice the schedule comes from (CSV: defaults to "imported YEAR schedule").
        #[arg(long)]
        source: Option<String>,
    },
    /// Recompute the audit hash chain; exits 1 when it is broken.
    VerifyAudit {
        /// A published checkpoint (`SEQ:HASH`, from the `audit.checkpoint` event or log line)
        /// the chain must still hold: catches a cut-off tail whose head row was rewritten too.
        #[arg(long, value_parser = kefu_api::platform::jobs::audit_checkpoint::parse_checkpoint)]
        checkpoint: Option<kefu_store::audit::Checkpoint>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Openapi = command {
        return match kefu_api::app::openapi().to_pretty_json() {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(e.into()),
        };
    }
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => return fail(e.into()),
    };
    server::init_logging(&config.log_filter);
    let result = match command {
        Command::Serve | Command::Openapi => {
            let system = actix_web::rt::System::new();
            system
                .block_on(server::serve(config))
                .map(|()| ExitCode::SUCCESS)
        }
        Command::Migrate => server::migrate(&config).map(|()| ExitCode::SUCCESS),
        Command::CreateUser {
            username,
            display_name,
            roles,
            service,
            password_stdin,
        } => {
            let password = if password_stdin {
                let mut buf = String::new();
                match std::io::stdin().read_to_string(&mut buf) {
                    Ok(_) => Some(buf.trim_end_matches(['\r', '\n']).to_owned()),
                    Err(e) => return fail(e.into()),
                }
            } else {
                None
            };
            server::create_user(
                &config,
                NewUserArgs {
                    username: username.clone(),
                    display_name,
                    roles,
                    service,
                    password,
                },
            )
            .map(|generated| {
                match generated {
                    Some(p) => {
                        eprintln!("kefu: created user `{username}` with password {p} (shown once)")
                    }
                    None => eprintln!("kefu: created user `{username}`"),
                }
                ExitCode::SUCCESS
            })
        }
        Command::ImportCalendar { file, year, source } => {
            server::import_calendar(&config, &file, year, source).map(|out| {
                println!("{}", serde_json::to_string(&out).unwrap_or_default());
                ExitCode::SUCCESS
            })
        }
        Command::VerifyAudit { checkpoint } => server::verify_audit(&config, checkpoint.as_ref())
            .map(|report| {
                let report = AuditVerification::from(report);
                let intact = report.intact;
                println!(
                    "{}",
                    serde_json::json!({
                        "intact": report.intact,
                        "entries_checked": report.entries_checked,
                        "head_seq": report.head_seq,
                        "first_broken_seq": report.first_broken_seq,
                        "reason": report.reason,
                    })
                );
                if intact {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(1)
                }
            }),
    };
    result.unwrap_or_else(fail)
}

fn fail(e: anyhow::Error) -> ExitCode {
    eprintln!("kefu: {e:#}");
    ExitCode::from(2)
}
