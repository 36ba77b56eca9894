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
    /// `:summary container:ID`.
    SummaryContainer(String),
    /// `:summary pod:NS/NAME`.
    SummaryPod(String, String),
    /// `:help`.
    Help,
    /// `:stream`, `:summary-pane`, `:ps` focus a pane.
    Pane(Pane),
    /// `:seek HH:MM:SS | +S | -S` (replay only).
    Seek(String),
    /// `:note TEXT`: a note kept in the session (and its recording).
    Note(String),
    /// `:answer TEXT` (drill mode).
    Answer(String),
    /// `:grade` (drill mode).
    Grade,
    /// `:hint` (drill mode): the next hint.
    Hint,
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
        "note" if rest.is_empty() => Err(CommandError::BadArg(
            cmd.to_string(),
            "expected the note's text".to_string(),
        )),
        "note" => Ok(Command::Note(rest.to_string())),
        "answer" if rest.is_empty() => Err(CommandError::BadArg(
            cmd.to_string(),
            "expected the answer's text".to_string(),
        )),
        "answer" => Ok(Command::Answer(rest.to_string())),
        "grade" => Ok(Command::Grade),
        "hint" => Ok(Command::Hint),
        "seek" => Ok(Command::Seek(rest.to_string())),
        "summary" | "sum" => match rest {
            "" | "all" => Ok(Command::SummaryAll),
            arg => summary_arg(arg).ok_or_else(|| {
                CommandError::BadArg(
                    cmd.to_string(),
                    format!("`{arg}`: expected PID, container:ID, pod:NS/NAME or all"),
                )
            }),
        },
        other => Err(CommandError::Unknown(other.to_string())),
    }
}

fn summary_arg(arg: &str) -> Option<Command> {
    if let Some(id) = arg.strip_prefix("container:") {
        let id = id.trim().to_ascii_lowercase();
        return (!id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit()))
            .then_some(Command::SummaryContainer(id));
    }
    if let Some(pod) = arg.strip_prefix("pod:") {
        let (ns, name) = pod.trim().split_once('/')?;
        return (!ns.is_empty() && !name.is_empty())
            .then(|| Command::SummaryPod(ns.to_string(), name.to_string()));
    }
    arg.parse().ok().map(Command::SummaryPid)
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
        assert_eq!(
            parse_command("summary container:3F2A"),
            Ok(Command::SummaryContainer("3f2a".into()))
        );
        assert_eq!(
            parse_command("summary pod:team-a/web-0"),
            Ok(Command::SummaryPod("team-a".into(), "web-0".into()))
        );
        for bad in [
            "summary container:",
            "summary container:zz",
            "summary pod:x",
        ] {
            assert!(
                matches!(parse_command(bad), Err(CommandError::BadArg(..))),
                "{bad}"
            );
        }
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
