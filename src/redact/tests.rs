//! The secrets table: real credential shapes that must be masked and ordinary values that must stay visible, as env entries, argv and text.

use super::*;

/// (name, value): each must be masked as an environment entry.
const SECRET_ENV: &[(&str, &str)] = &[
    ("DB_PASSWORD", "hunter2"),
    ("MYSQL_ROOT_PASSWORD", "x"),
    ("PGPASSWORD", "pg"),
    ("REDIS_PASS", "r3d1s"),
    ("SMTP_PASSWD", "mail"),
    ("ORACLE_PWD", "oracle"),
    ("DB_PWD", "x"),
    ("GITHUB_TOKEN", "abc"),
    ("api_token", "abc"),
    ("CLIENT_SECRET", "abc"),
    (
        "AWS_SECRET_ACCESS_KEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ),
    ("API_KEY", "short"),
    ("apiKey", "short"),
    ("STRIPE_KEY", "x"),
    ("SSH_PRIVATE_KEY_FILE", "x"),
    ("GOOGLE_APPLICATION_CREDENTIALS", "/var/run/creds.json"),
    ("HTTP_AUTH", "x"),
    ("BASIC_AUTH_HEADER", "x"),
    ("ANY", "sk_live_51H8abcdefghijklmnop"),
    ("ANY", "sk_test_4eC39HqLyjWDarjtT1zdp7dc"),
    ("ANY", "sk-proj-abc123def456ghi789"),
    ("ANY", "sk-ant-api03-abcdef123456"),
    ("ANY", "sk-1234567890abcdefABCDEF"),
    ("ANY", "glpat-xxxxxxxxxxxxxxxxxxxx"),
    ("ANY", "ghp_16C7e42F292c6912E7710c838347Ae178B4a"),
    ("ANY", "gho_16C7e42F292c6912E7710c838347Ae178B4a"),
    ("ANY", "github_pat_11ABCDEFG0123456789_abcdefghijklmnop"),
    ("ANY", "AIzaSyA1234567890abcdefghijklmnopqrstuv"),
    (
        "ANY",
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    ),
    ("ANY", "xoxp-1234-5678-90ab-cdef12345678"),
    ("ANY", "AKIAIOSFODNN7EXAMPLE"),
    ("ANY", "ASIAY34FZKBOKMUTVV7A"),
    (
        "ANY",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
    ),
    ("ANY", "Bearer eyJhbGciOi.eyJzdWIi.sig"),
    (
        "ANY",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
    ),
    ("ANY", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n"),
    (
        "ANY",
        "client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ==",
    ),
    ("ANY", "token: abcdef0123456789"),
    (
        "ANY",
        "Server=db;Database=app;User Id=sa;Password=Sup3rS3cret;",
    ),
    ("ANY", "Host=db;Username=app;Pwd=s3cret"),
    ("ANY", "postgres://app:s3cret@db:5432/app"),
    ("ANY", "https://user:pa55@example.com/x"),
    ("ANY", "{\"user\":\"app\",\"password\":\"s3cret\"}"),
    ("ANY", "{\"password\": \"s3cret\"}"),
    ("ANY", "host=db user=app password=s3cret"),
    ("ANY", "user=app pass=s3cret"),
    ("ANY", "pwd=s3cret"),
    ("ANY", "c2VjcmV0LXZhbHVlLXRoYXQtaXMtbG9uZw9Xk2Q"),
];

/// Entries without `=` whose text is the secret.
const SECRET_BARE: &[&str] = &[
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    "AKIAIOSFODNN7EXAMPLE",
    "password=hunter2",
];

/// (name, value): each must stay visible.
const ORDINARY_ENV: &[(&str, &str)] = &[
    (
        "PATH",
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    ),
    ("HOME", "/root"),
    ("LANG", "C.UTF-8"),
    ("PWD", "/srv/app"),
    ("OLDPWD", "/"),
    ("KUBERNETES_SERVICE_HOST", "10.96.0.1"),
    ("KUBERNETES_SERVICE_PORT_HTTPS", "443"),
    ("HOSTNAME", "web-7d4b9c6f5-x2x9z"),
    ("NGINX_VERSION", "1.25.3"),
    ("PYTHON_VERSION", "3.12.1"),
    (
        "IMAGE",
        "nginx@sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac",
    ),
    ("POD_UID", "7f3c1c9e-4a1b-4c33-9d62-0f1d2b3c4d5e"),
    ("KEYBOARD_LAYOUT", "us"),
    ("KEYMAP", "de"),
    ("SSH_AUTH_SOCK", "/tmp/ssh-XXXX/agent.1234"),
    ("XAUTHORITY", "/root/.Xauthority"),
    ("TERM", "xterm-256color"),
    ("SHLVL", "1"),
    ("JAVA_OPTS", "-Xmx512m -XX:+UseG1GC"),
    ("DOCROOT", "/var/www/html"),
    ("URL", "https://example.com/a:b@c"),
    ("URL2", "https://user@example.com/x"),
    ("TASK", "task-runner-with-a-long-name"),
    ("CAMEL", "ThisIsAFairlyLongCamelCaseIdentifierName1"),
];

#[test]
fn the_secrets_table() {
    assert!(SECRET_ENV.len() + SECRET_BARE.len() >= 40);
    assert!(ORDINARY_ENV.len() >= 20);
    for (n, v) in SECRET_ENV {
        assert!(mask_env_entry(n, Some(v)), "{n}={v} must be masked");
    }
    for t in SECRET_BARE {
        assert!(mask_env_entry(t, None), "{t} (no `=`) must be masked");
    }
    for (n, v) in ORDINARY_ENV {
        assert!(!mask_env_entry(n, Some(v)), "{n}={v} must stay visible");
    }
    // value shapes alone (a neutral name) mask the same way as words of a command line
    for (n, v) in SECRET_ENV.iter().filter(|(n, _)| *n == "ANY") {
        let text = format!("run --x {v}");
        assert!(
            !mask_text(&text).contains(v.trim()),
            "{n}: {v} leaks through mask_text"
        );
    }
}

fn argv(s: &[&str]) -> Vec<String> {
    mask_argv(&s.iter().map(|a| a.to_string()).collect::<Vec<_>>())
}

#[test]
fn command_line_secrets() {
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["app", "--password=hunter2"],
            &["app", "--password=••••••••"],
        ),
        (
            &["app", "--password", "hunter2", "-v"],
            &["app", "--password", "••••••••", "-v"],
        ),
        (
            &["app", "--token", "abc", "--port=8080"],
            &["app", "--token", "••••••••", "--port=8080"],
        ),
        (&["app", "--api-key=abc"], &["app", "--api-key=••••••••"]),
        (
            &["app", "--client-secret", "abc"],
            &["app", "--client-secret", "••••••••"],
        ),
        (
            &["/usr/bin/mysql", "-uroot", "-phunter2", "db"],
            &["/usr/bin/mysql", "-uroot", "-p••••••••", "db"],
        ),
        (
            &["sshpass", "-p", "hunter2", "ssh", "h"],
            &["sshpass", "-p", "••••••••", "ssh", "h"],
        ),
        (
            &["curl", "-u", "bob:hunter2", "https://x"],
            &["curl", "-u", "bob:••••••••", "https://x"],
        ),
        (
            &["curl", "https://bob:hunter2@x.example/a"],
            &["curl", "https://bob:••••••••@x.example/a"],
        ),
        (
            &["curl", "-H", "Authorization: Bearer abc.def"],
            &["curl", "-H", "Authorization: ••••••••"],
        ),
        (
            &["docker", "run", "-e", "DB_PASSWORD=hunter2", "img"],
            &["docker", "run", "-e", "DB_PASSWORD=••••••••", "img"],
        ),
        (
            &[
                "java",
                "-Djavax.net.ssl.keyStorePassword=changeit",
                "-jar",
                "a.jar",
            ],
            &[
                "java",
                "-Djavax.net.ssl.keyStorePassword=••••••••",
                "-jar",
                "a.jar",
            ],
        ),
        (
            &[
                "git",
                "push",
                "https://x:ghp_16C7e42F292c6912E7710c838347Ae178B4a@github.com/a",
            ],
            &["git", "push", "https://x:••••••••@github.com/a"],
        ),
        (
            &["tool", "ghp_16C7e42F292c6912E7710c838347Ae178B4a"],
            &["tool", "••••••••"],
        ),
    ];
    for (input, want) in cases {
        assert_eq!(argv(input), *want, "{input:?}");
    }
    // ordinary command lines are untouched
    for input in [
        &["nginx", "-g", "daemon off;"][..],
        &["mkdir", "-pv", "/tmp/x"],
        &["cp", "-pr", "a", "b"],
        &["server", "--port=8080", "-v", "--keyboard-layout=us"],
        &[
            "crictl",
            "pull",
            "nginx@sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac",
        ],
        &[
            "containerd-shim-runc-v2",
            "-id",
            "4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac",
        ],
        &["ls", "--color=auto", "/proc/1/environ"],
        &["sh", "-c", "echo $PWD"],
    ] {
        assert_eq!(argv(input), input, "{input:?}");
    }
}

#[test]
fn text_keeps_its_spacing_and_masks_cmdlines() {
    let out = "Sensitive file read (user=root command=mysql -uroot -phunter2 db file=/etc/shadow)";
    assert_eq!(
        mask_text(out),
        "Sensitive file read (user=root command=mysql -uroot -p•••••••• db file=/etc/shadow)"
    );
    assert_eq!(mask_text("a  b\tc"), "a  b\tc");
    assert!(matches!(
        mask_text("plain words only"),
        std::borrow::Cow::Borrowed(_)
    ));
    assert_eq!(
        mask_text("app --token  abc --x"),
        "app --token  •••••••• --x"
    );
    assert_eq!(
        mask_text("{\"password\": \"s3cret\", \"user\": \"a\"}"),
        "{\"password\": \"••••••••\", \"user\": \"a\"}"
    );
}

/// The one-pass prefix search finds what searching for each prefix on its own found.
#[test]
fn token_prefixes_in_one_pass_equal_one_search_per_prefix() {
    fn per_prefix(v: &str, prefix: &str) -> bool {
        v.match_indices(prefix).any(|(i, _)| {
            let at_start = i == 0 || !v.as_bytes()[i - 1].is_ascii_alphanumeric();
            let body: Vec<u8> = v[i + prefix.len()..]
                .bytes()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
                .collect();
            let mixed = prefix != "sk-"
                || (body.iter().any(u8::is_ascii_digit)
                    && body.iter().any(u8::is_ascii_alphabetic));
            at_start && body.len() >= 10 && mixed
        })
    }
    let pieces = [
        "ghp_", "sk-", "sk-proj-", "SG.", "xoxb-", "a", "b1", "9", "_", "-", " ", "=", "/", "é",
        "Z", "abcdefgh", "12345", "task", "\n",
    ];
    let mut seed = 0x1234_5678_9abc_def1u64;
    let (mut found, mut total) = (0, 0);
    for _ in 0..30_000 {
        let mut v = String::new();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut x = seed;
        for _ in 0..(x % 12) + 1 {
            x = x.rotate_left(7) ^ 0x9e37_79b9;
            v.push_str(pieces[(x % pieces.len() as u64) as usize]);
            x /= 3;
        }
        let want = shapes::TOKEN_PREFIXES.iter().any(|p| per_prefix(&v, p));
        assert_eq!(shapes::has_any_token_prefix(&v), want, "{v:?}");
        found += usize::from(want);
        total += 1;
    }
    assert!(found > 100 && found < total, "{found} of {total}");
}
