//! The one way into `update`: the [`Core`] owns the state; the TUI, every headless command, replay and the tests dispatch events through it, and a tap (a recorder) sees each one first.

use super::event::Event;
use super::state::AppState;
use super::update::{Effect, Fact, update};

/// What a recorder is given: every event before the core applies it, and the operator's facts it produced.
pub trait Tap: Send {
    /// An event about to enter the core.
    fn event(&mut self, event: &Event);
    /// A fact the last event produced (a note, a pivot, a revealed secret's names).
    fn fact(&mut self, fact: &Fact);
}

/// State plus dispatch.
pub struct Core {
    state: AppState,
    taps: Vec<Box<dyn Tap>>,
}

impl Core {
    /// A core over `state`.
    pub fn new(state: AppState) -> Self {
        Self {
            state,
            taps: Vec::new(),
        }
    }

    /// The state, read-only (render from it, print from it).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Applies `event`; returns the effects for the runtime (facts go to the tap, not the runtime).
    pub fn dispatch(&mut self, event: Event) -> Vec<Effect> {
        for tap in self.taps.iter_mut() {
            tap.event(&event);
        }
        let mut effects = update(&mut self.state, event);
        effects.retain(|e| match e {
            Effect::Fact(f) => {
                for tap in self.taps.iter_mut() {
                    tap.fact(f);
                }
                false
            }
            _ => true,
        });
        effects
    }

    /// Every event from now on is shown to `tap` first (after the taps already set).
    pub fn set_tap(&mut self, tap: Box<dyn Tap>) {
        self.taps.push(tap);
    }

    /// Removes the taps (to finish the recordings).
    pub fn take_taps(&mut self) -> Vec<Box<dyn Tap>> {
        std::mem::take(&mut self.taps)
    }

    /// The state, by value (the core ends).
    pub fn into_state(self) -> AppState {
        self.state
    }
}
