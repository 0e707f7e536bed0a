//! ZooKeeper's access control: permission bits, the `world`, `auth`, `digest` and `ip`
//! schemes, and the check every guarded operation passes (ZooKeeperServer.checkACL: an
//! entry grants a permission to `world:anyone` or to a caller id of the same scheme that
//! matches it; an empty list grants everything).

use crate::proto::{Acl, Id};
use base64::Engine;
use sha1::{Digest, Sha1};

pub const READ: u32 = 1;
pub const WRITE: u32 = 2;
pub const CREATE: u32 = 4;
pub const DELETE: u32 = 8;
pub const ADMIN: u32 = 16;
pub const ALL: u32 = 31;

/// A permission's name, for messages.
pub fn name(perm: u32) -> &'static str {
    match perm {
        READ => "READ",
        WRITE => "WRITE",
        CREATE => "CREATE",
        DELETE => "DELETE",
        ADMIN => "ADMIN",
        _ => "a permission",
    }
}

/// `world:anyone` with every permission: what a node has when no ACL was given.
pub fn open() -> Vec<Acl> {
    vec![Acl {
        perms: ALL,
        id: Id {
            scheme: "world".into(),
            id: "anyone".into(),
        },
    }]
}

/// The digest id of `user:password`: `user:BASE64(SHA1("user:password"))`.
pub fn digest_id(user_password: &str) -> String {
    let user = user_password.split(':').next().unwrap_or_default();
    let hash = Sha1::digest(user_password.as_bytes());
    format!(
        "{user}:{}",
        base64::engine::general_purpose::STANDARD.encode(hash)
    )
}

/// Whether `acl` grants `perm` to a caller holding `ids`.
pub fn permits(acl: &[Acl], perm: u32, ids: &[Id]) -> bool {
    acl.is_empty()
        || acl.iter().any(|a| {
            a.perms & perm != 0
                && ((a.id.scheme == "world" && a.id.id == "anyone")
                    || ids
                        .iter()
                        .any(|i| i.scheme == a.id.scheme && matches(&a.id, &i.id)))
        })
}

fn matches(entry: &Id, caller: &str) -> bool {
    match entry.scheme.as_str() {
        "ip" => ip_matches(&entry.id, caller),
        _ => entry.id == caller,
    }
}

/// `addr` or `addr/bits` against the caller's address.
fn ip_matches(entry: &str, caller: &str) -> bool {
    let (addr, bits) = match entry.split_once('/') {
        Some((a, b)) => (a, b.parse::<u32>().ok()),
        None => (entry, None),
    };
    match (
        addr.parse::<std::net::IpAddr>(),
        caller.parse::<std::net::IpAddr>(),
    ) {
        (Ok(std::net::IpAddr::V4(a)), Ok(std::net::IpAddr::V4(c))) => {
            let bits = bits.unwrap_or(32).min(32);
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(a) & mask == u32::from(c) & mask
        }
        (Ok(a), Ok(c)) => a == c,
        _ => false,
    }
}

/// The ACL a create or setACL stores: `auth` entries become the caller's authenticated
/// (digest) ids; every entry is checked. Err names what is wrong (ZooKeeper's InvalidACL).
pub fn resolve(acl: &[Acl], ids: &[Id]) -> Result<Vec<Acl>, String> {
    if acl.is_empty() {
        return Err("an empty ACL".into());
    }
    let mut out: Vec<Acl> = Vec::new();
    for a in acl {
        if a.perms & !ALL != 0 || a.perms == 0 {
            return Err(format!(
                "permissions {:#x} of {}:{}",
                a.perms, a.id.scheme, a.id.id
            ));
        }
        let expanded: Vec<Acl> = match a.id.scheme.as_str() {
            "world" if a.id.id == "anyone" => vec![a.clone()],
            "auth" => {
                let mine: Vec<Acl> = ids
                    .iter()
                    .filter(|i| i.scheme == "digest")
                    .map(|i| Acl {
                        perms: a.perms,
                        id: i.clone(),
                    })
                    .collect();
                if mine.is_empty() {
                    return Err("an `auth` entry, but the caller has authenticated no id".into());
                }
                mine
            }
            "digest" if a.id.id.split(':').count() == 2 => vec![a.clone()],
            "ip" if ip_matches(&a.id.id, a.id.id.split('/').next().unwrap_or_default()) => {
                vec![a.clone()]
            }
            _ => return Err(format!("the entry {}:{}", a.id.scheme, a.id.id)),
        };
        for e in expanded {
            if !out.contains(&e) {
                out.push(e);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(scheme: &str, id: &str) -> Id {
        Id {
            scheme: scheme.into(),
            id: id.into(),
        }
    }

    #[test]
    fn digests_and_checks_are_zookeepers() {
        // ZooKeeper's own test vector.
        assert_eq!(
            digest_id("user:password"),
            "user:tpUq/4Pn5A64fVZyQ0gOJ8ZWqkY="
        );
        let bob = id("digest", &digest_id("bob:secret"));
        let only_bob = vec![Acl {
            perms: READ | WRITE,
            id: bob.clone(),
        }];
        assert!(permits(&only_bob, READ, std::slice::from_ref(&bob)));
        assert!(!permits(&only_bob, ADMIN, std::slice::from_ref(&bob)));
        assert!(!permits(
            &only_bob,
            READ,
            &[id("digest", &digest_id("bob:wrong"))]
        ));
        assert!(!permits(&only_bob, READ, &[]));
        assert!(permits(&open(), DELETE, &[]));
        let lan = vec![Acl {
            perms: READ,
            id: id("ip", "10.1.0.0/16"),
        }];
        assert!(permits(&lan, READ, &[id("ip", "10.1.2.3")]));
        assert!(!permits(&lan, READ, &[id("ip", "10.2.2.3")]));
        // `auth` becomes the caller's digest ids; without any it is refused.
        let auth = vec![Acl {
            perms: ALL,
            id: id("auth", ""),
        }];
        assert_eq!(
            resolve(&auth, std::slice::from_ref(&bob)).unwrap(),
            vec![Acl {
                perms: ALL,
                id: bob
            }]
        );
        assert!(resolve(&auth, &[id("ip", "127.0.0.1")]).is_err());
        assert!(resolve(&[], &[]).is_err());
        assert!(
            resolve(
                &[Acl {
                    perms: ALL,
                    id: id("digest", "no-colon")
                }],
                &[]
            )
            .is_err()
        );
        assert!(
            resolve(
                &[Acl {
                    perms: ALL,
                    id: id("nope", "x")
                }],
                &[]
            )
            .is_err()
        );
    }
}
