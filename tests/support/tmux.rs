//! ktriage in a detached tmux session (120×40), driven with send-keys and read with capture-pane.

use std::process::Command;
use std::time::{Duration, Instant};

/// A private tmux server with one session running bash; killed on drop.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts the session and runs `cmd` in it (prompt set to `prompt$ `).
    pub fn start(name: &str, cmd: &str) -> Self {
        let t = Tmux {
            socket: format!("ktriage-test-{}-{name}", std::process::id()),
        };
        let ok = t
            .cmd(&[
                "new-session",
                "-d",
                "-s",
                "t",
                "-x",
                "120",
                "-y",
                "40",
                "bash --norc --noprofile",
            ])
            .status
            .success();
        assert!(ok, "tmux new-session (tmux is installed by .ci/run)");
        t.keys(&["export PS1='prompt$ '", "Enter"]);
        t.keys(&[cmd, "Enter"]);
        t
    }

    /// Runs a tmux command against this server.
    pub fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .env("TERM", "xterm-256color")
            .output()
            .expect("tmux runs")
    }

    /// Sends keys (tmux key names or literal text) to the session.
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        assert!(self.cmd(&args).status.success());
    }

    /// The visible screen.
    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "t"]).stdout).into_owned()
    }

    /// Waits up to 20 s for the screen to satisfy `pred`; panics with the screen otherwise.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + Duration::from_secs(20);
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            assert!(
                Instant::now() < end,
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}
