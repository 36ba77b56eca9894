//! The `:` command line: parsing of what the user typed into a [`Command`].

use super::state::Pane;

/// A command typed after `:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `:q`, `:quit`.
    Quit,
    /// `:filter EXPR` (same syntax as `/`).
    Filter(String),
    /// `:follow`.
    Follow,
    /// `:summary` or `:summary all`.
    SummaryAll,
    /// `:summary PID`.
    SummaryPid(u32),
    /// `:help`.
    Help,
    /// `:stream`, `:summary-pane`, `:ps` focus a pane.
    Pane(Pane),
}

/// A command that could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// Not a command.
    #[error("unknown command `{0}` (try :help)")]
    Unknown(String),
    /// Bad argument.
    #[error("`{0}`: {1}")]
    BadArg(String, String),
}

/// Parses a command line (without the leading `:`).
pub fn parse_command(text: &str) -> Result<Command, CommandError> {
    let text = text.trim();
    let (cmd, rest) = text.split_once(' ').unwrap_or((text, ""));
    let rest = rest.trim();
    match cmd {
        "q" | "quit" | "q!" => Ok(Command::Quit),
        "filter" | "f" => Ok(Command::Filter(rest.to_string())),
        "follow" => Ok(Command::Follow),
        "help" | "h" => Ok(Command::Help),
        "stream" => Ok(Command::Pane(Pane::Stream)),
        "ps" | "processes" => Ok(Command::Pane(Pane::Processes)),
        "pods" => Ok(Command::Pane(Pane::Pods)),
        "alerts" => Ok(Command::Pane(Pane::Alerts)),
        "summary" | "sum" => match rest {
            "" | "all" => Ok(Command::SummaryAll),
            pid => pid.parse().map(Command::SummaryPid).map_err(|_| {
                CommandError::BadArg(cmd.to_string(), format!("`{pid}` is not a pid"))
            }),
        },
        other => Err(CommandError::Unknown(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands() {
        assert_eq!(parse_command("q"), Ok(Command::Quit));
        assert_eq!(parse_command("summary 42"), Ok(Command::SummaryPid(42)));
        assert_eq!(
            parse_command("filter pid:1"),
            Ok(Command::Filter("pid:1".into()))
        );
        assert!(matches!(
            parse_command("summary x"),
            Err(CommandError::BadArg(..))
        ));
        assert_eq!(
            parse_command("nope"),
            Err(CommandError::Unknown("nope".into()))
        );
    }
}
