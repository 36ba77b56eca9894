//! Tests of the condition parser.

use super::*;

fn check(s: &str) -> Ast {
    parse(s).unwrap_or_else(|e| panic!("{s}: {e} at {}", e.pos))
}

#[test]
fn precedence_and_lists() {
    let a = check("a or b and not c");
    let Ast::Or(items) = a else { panic!("or") };
    assert!(matches!(&items[1], Ast::And(v) if matches!(v[1], Ast::Not(_))));
    let a = check("proc.name in (sh, \"a b\", 'c,d', runc:[0:PARENT])");
    let Ast::Check {
        rhs: Rhs::List(l),
        op: Op::In,
        ..
    } = a
    else {
        panic!("in")
    };
    let texts: Vec<_> = l.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts, ["sh", "a b", "c,d", "runc:[0:PARENT]"]);
}

#[test]
fn operators_without_spaces_and_args() {
    let a = check(
        "proc.name!=\"sshd\" and fd.num>=0 and proc.aname[2]=x and evt.arg.flags contains O_TRUNC",
    );
    let Ast::And(v) = a else { panic!("and") };
    assert!(
        matches!(&v[0], Ast::Check { op: Op::Ne, rhs: Rhs::Single(l), .. } if l.text == "sshd")
    );
    assert!(matches!(&v[1], Ast::Check { op: Op::Ge, .. }));
    assert!(matches!(&v[2], Ast::Check { field, .. } if field.arg.as_deref() == Some("2")));
    assert!(
        matches!(&v[3], Ast::Check { field, op: Op::Contains, .. } if field.name == "evt.arg.flags")
    );
    assert!(matches!(
        check("proc.pname exists"),
        Ast::Check {
            op: Op::Exists,
            rhs: Rhs::None,
            ..
        }
    ));
    assert!(matches!(check("(never_true)"), Ast::Macro { .. }));
    assert!(matches!(
        check("proc.cmdline= \"sh -s unix:cmd\""),
        Ast::Check { op: Op::Eq, .. }
    ));
    assert!(matches!(
        check("fd.name = val(proc.exe)"),
        Ast::Check {
            rhs: Rhs::Field(_),
            ..
        }
    ));
    let a = check(r#"proc.cmdline in ("sh -c node -e \"require('nan')\"")"#);
    let Ast::Check {
        rhs: Rhs::List(l), ..
    } = a
    else {
        panic!()
    };
    assert_eq!(l[0].text, "sh -c node -e \"require('nan')\"");
}

#[test]
fn errors_have_positions() {
    for (s, pos) in [
        ("(a and b", 0),
        ("a and", 5),
        ("proc.name = ", 12),
        ("proc.name in (a, b", 18),
        ("proc.name bogus x", 10),
        ("proc.name = 'x", 12),
        ("a b", 2),
        (")", 0),
        ("tolower(proc.name) = x", 0),
        ("proc.name = (a)", 12),
    ] {
        let e = parse(s).expect_err(s);
        assert_eq!(e.pos, pos, "{s}: {e}");
    }
    let deep = "(".repeat(5000);
    assert!(parse(&deep).is_err());
}
