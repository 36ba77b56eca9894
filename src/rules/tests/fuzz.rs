//! Mutated rule files and conditions: loading and compiling never panic.

use super::*;

fn rng(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

const PIECES: &[&str] = &[
    "(",
    ")",
    " and ",
    " or ",
    " not ",
    "\"",
    "'",
    ",",
    "[",
    "]",
    "%",
    ":",
    "\n",
    "- ",
    "  ",
    "evt.type",
    "=",
    " in ",
    "proc.aname[",
    "\u{1b}[31m",
    "\t",
    "{",
    "}",
    "&a",
    "*a",
    "!!str ",
];

#[test]
fn mutated_inputs_never_panic() {
    let mut seed = 0x2545_f491_4f6c_dd1d;
    let base: Vec<char> = DEFAULT_RULES.chars().collect();
    for round in 0..60 {
        let mut text = base.clone();
        for _ in 0..(1 + rng(&mut seed) % 12) {
            let at = (rng(&mut seed) as usize) % text.len().max(1);
            match rng(&mut seed) % 3 {
                0 => {
                    let end = (at + (rng(&mut seed) % 40) as usize).min(text.len());
                    text.drain(at..end);
                }
                1 => {
                    let p = PIECES[(rng(&mut seed) as usize) % PIECES.len()];
                    for (i, c) in p.chars().enumerate() {
                        text.insert((at + i).min(text.len()), c);
                    }
                }
                _ => {
                    if let Some(c) = text.get_mut(at) {
                        *c = char::from_u32((rng(&mut seed) % 128) as u32).unwrap_or('x');
                    }
                }
            }
        }
        let s: String = text.into_iter().collect();
        let (mut engine, cov) = build(&[("fuzz.yaml", &s)]);
        let _ = cov.to_text();
        let _ = cov.to_json();
        let evs = vec![
            exec(10, 1, "/bin/sh", "sh -c x", Some((1, 2, 3))),
            openat(10, "/etc/shadow", round, 3),
        ];
        let _ = run(&mut engine, vec![], evs);
    }
}

#[test]
fn random_conditions_never_panic() {
    let mut seed = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..3000 {
        let mut cond = String::new();
        for _ in 0..(rng(&mut seed) % 12) {
            cond.push_str(PIECES[(rng(&mut seed) as usize) % PIECES.len()]);
            if rng(&mut seed).is_multiple_of(2) {
                cond.push_str(
                    ["proc.name", "x", "fd.num", "0", "evt.arg.flags"]
                        [(rng(&mut seed) % 5) as usize],
                );
            }
        }
        let yaml = format!(
            "- rule: r\n  desc: d\n  condition: {}\n  output: o %proc.name\n  priority: INFO\n",
            serde_json::to_string(&cond).unwrap_or_default()
        );
        let _ = build(&[("c.yaml", &yaml)]);
    }
}
