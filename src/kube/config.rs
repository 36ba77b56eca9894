//! Finding the API server and credentials (kubeconfig, in-cluster, node files) and the node name.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use kube::config::{KubeConfigOptions, Kubeconfig, KubeconfigError};

use super::{KubeError, KubeOpts};

/// Node kubeconfigs tried last, least privileged first: the kubelet's own
/// identity (the Node authorizer lets it list/watch pods), kubeadm's admin file,
/// k3s.
pub const NODE_KUBECONFIGS: &[&str] = &[
    "/etc/kubernetes/kubelet.conf",
    "/etc/kubernetes/admin.conf",
    "/etc/rancher/k3s/k3s.yaml",
];

/// The environment config resolution looks at; [`Sources::from_env`] reads the real one.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    /// `KUBECONFIG` (a colon-separated list).
    pub kubeconfig_env: Option<OsString>,
    /// `$HOME`.
    pub home: Option<PathBuf>,
    /// The home of `$SUDO_USER` (ktriage usually runs under sudo).
    pub sudo_home: Option<PathBuf>,
    /// `KUBERNETES_SERVICE_HOST` is set: we are in a pod.
    pub in_cluster: bool,
    /// Node kubeconfigs to try last (default [`NODE_KUBECONFIGS`]).
    pub node_kubeconfigs: Vec<PathBuf>,
    /// `NODE_NAME`.
    pub node_env: Option<String>,
    /// This host's name.
    pub hostname: Option<String>,
}

impl Sources {
    /// Reads the process environment.
    pub fn from_env() -> Self {
        let sudo_home = std::env::var("SUDO_USER")
            .ok()
            .and_then(|u| home_of(&u, &std::fs::read_to_string("/etc/passwd").ok()?));
        Self {
            kubeconfig_env: std::env::var_os("KUBECONFIG"),
            home: std::env::var_os("HOME").map(PathBuf::from),
            sudo_home,
            in_cluster: std::env::var_os("KUBERNETES_SERVICE_HOST").is_some(),
            node_kubeconfigs: NODE_KUBECONFIGS.iter().map(PathBuf::from).collect(),
            node_env: std::env::var("NODE_NAME").ok(),
            hostname: std::fs::read_to_string("/proc/sys/kernel/hostname").ok(),
        }
    }
}

/// Where the client configuration came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigOrigin {
    /// These kubeconfig files (merged as kubectl does) and the context used.
    Kubeconfig {
        files: Vec<PathBuf>,
        context: Option<String>,
    },
    /// The pod's service account.
    InCluster,
}

/// A usable client configuration and where it came from.
pub struct Resolved {
    pub config: kube::Config,
    pub origin: ConfigOrigin,
}

/// Resolves the client configuration, in this order:
/// 1. `--kubeconfig FILE`;
/// 2. `KUBECONFIG` (existing files of the list, merged);
/// 3. `~/.kube/config`, then the sudo user's `~/.kube/config`;
/// 4. in-cluster (service account), when `KUBERNETES_SERVICE_HOST` is set;
/// 5. the node's own kubeconfigs ([`NODE_KUBECONFIGS`]).
///
/// `--context` picks a context in the kubeconfig (default: its current-context).
pub async fn resolve(opts: &KubeOpts, src: &Sources) -> Result<Resolved, KubeError> {
    let mut resolved = pick(opts, src).await?;
    resolved.config.connect_timeout = Some(opts.timeout);
    resolved.config.write_timeout = Some(opts.timeout);
    // Per-request deadlines come from the DeadlineLayer; a connection-level
    // read timeout would cut idle watch streams.
    resolved.config.read_timeout = None;
    Ok(resolved)
}

async fn pick(opts: &KubeOpts, src: &Sources) -> Result<Resolved, KubeError> {
    if let Some(path) = &opts.kubeconfig {
        return from_files(vec![path.clone()], opts).await;
    }
    let mut tried = Vec::new();
    if let Some(list) = src.kubeconfig_env.as_ref().filter(|v| !v.is_empty()) {
        let files: Vec<PathBuf> = std::env::split_paths(list)
            .filter(|p| !p.as_os_str().is_empty())
            .collect();
        let existing: Vec<PathBuf> = files.iter().filter(|p| p.exists()).cloned().collect();
        if !existing.is_empty() {
            return from_files(existing, opts).await;
        }
        tried.push(format!("KUBECONFIG={}", list.to_string_lossy()));
    }
    let homes = [src.home.as_ref(), src.sudo_home.as_ref()];
    for home in homes.into_iter().flatten() {
        let path = home.join(".kube/config");
        if path.exists() {
            return from_files(vec![path], opts).await;
        }
        tried.push(path.display().to_string());
    }
    let incluster = if src.in_cluster {
        if let Some(ctx) = &opts.context {
            return Err(KubeError::ContextWithoutKubeconfig(ctx.clone()));
        }
        match kube::Config::incluster() {
            Ok(config) => {
                return Ok(Resolved {
                    config,
                    origin: ConfigOrigin::InCluster,
                });
            }
            Err(e) => e.to_string(),
        }
    } else {
        "KUBERNETES_SERVICE_HOST is not set".to_string()
    };
    for path in &src.node_kubeconfigs {
        if path.exists() {
            return from_files(vec![path.clone()], opts).await;
        }
        tried.push(path.display().to_string());
    }
    Err(KubeError::NoConfig {
        tried: tried.join(", "),
        incluster,
    })
}

async fn from_files(files: Vec<PathBuf>, opts: &KubeOpts) -> Result<Resolved, KubeError> {
    let first = files.first().cloned().unwrap_or_default();
    let mut merged = Kubeconfig::default();
    for f in &files {
        let one = Kubeconfig::read_from(f).map_err(|e| match e {
            KubeconfigError::ReadConfig(source, _) => KubeError::KubeconfigRead {
                path: f.clone(),
                source,
            },
            source => KubeError::Kubeconfig {
                path: f.clone(),
                source,
            },
        })?;
        merged = merged.merge(one).map_err(|source| KubeError::Kubeconfig {
            path: f.clone(),
            source,
        })?;
    }
    let options = KubeConfigOptions {
        context: opts.context.clone(),
        ..KubeConfigOptions::default()
    };
    if let Some(ctx) = &opts.context
        && !merged.contexts.iter().any(|c| &c.name == ctx)
    {
        let names: Vec<&str> = merged.contexts.iter().map(|c| c.name.as_str()).collect();
        return Err(KubeError::UnknownContext {
            path: first,
            context: ctx.clone(),
            available: if names.is_empty() {
                "none".into()
            } else {
                names.join(", ")
            },
        });
    }
    let context = opts
        .context
        .clone()
        .or_else(|| merged.current_context.clone());
    let config = kube::Config::from_custom_kubeconfig(merged, &options)
        .await
        .map_err(|source| KubeError::Kubeconfig {
            path: first.clone(),
            source,
        })?;
    Ok(Resolved {
        config,
        origin: ConfigOrigin::Kubeconfig { files, context },
    })
}

/// This node's name: `--node`, else `NODE_NAME`, else the hostname lowercased
/// (the kubelet's default node name).
pub fn node_name(opts: &KubeOpts, src: &Sources) -> Result<String, KubeError> {
    let clean = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    opts.node
        .as_deref()
        .and_then(clean)
        .or_else(|| src.node_env.as_deref().and_then(clean))
        .or_else(|| {
            src.hostname
                .as_deref()
                .and_then(clean)
                .map(|h| h.to_lowercase())
        })
        .ok_or(KubeError::NoNodeName)
}

/// The home directory of `user` from an /etc/passwd text.
pub fn home_of(user: &str, passwd: &str) -> Option<PathBuf> {
    passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() >= 7 && f[0] == user && !f[5].is_empty()).then(|| Path::new(f[5]).to_path_buf())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_name_order() {
        let mut opts = KubeOpts::default();
        let mut src = Sources {
            node_env: Some("from-env".into()),
            hostname: Some("Host-A\n".into()),
            ..Sources::default()
        };
        assert_eq!(node_name(&opts, &src).ok().as_deref(), Some("from-env"));
        opts.node = Some("flag".into());
        assert_eq!(node_name(&opts, &src).ok().as_deref(), Some("flag"));
        opts.node = None;
        src.node_env = Some("  ".into());
        assert_eq!(node_name(&opts, &src).ok().as_deref(), Some("host-a"));
        src.hostname = None;
        assert!(matches!(node_name(&opts, &src), Err(KubeError::NoNodeName)));
    }

    #[test]
    fn sudo_home_from_passwd() {
        let passwd =
            "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\nbad\n";
        assert_eq!(home_of("alice", passwd), Some(PathBuf::from("/home/alice")));
        assert_eq!(home_of("bob", passwd), None);
        assert_eq!(home_of("bad", passwd), None);
    }

    #[test]
    fn nothing_found_says_what_was_tried() {
        let src = Sources {
            home: Some(PathBuf::from("/nonexistent-home")),
            node_kubeconfigs: vec![PathBuf::from("/nonexistent/kubelet.conf")],
            ..Sources::default()
        };
        let err = futures::executor::block_on(resolve(&KubeOpts::default(), &src))
            .err()
            .map(|e| e.to_string());
        let msg = err.unwrap_or_default();
        assert!(msg.contains("/nonexistent-home/.kube/config"), "{msg}");
        assert!(msg.contains("/nonexistent/kubelet.conf"), "{msg}");
        assert!(msg.contains("--kubeconfig"), "{msg}");
    }
}
