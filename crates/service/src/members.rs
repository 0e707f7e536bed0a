//! How a member list is written on a command line: `1=127.0.0.1:7101,2=127.0.0.1:7102`.

use std::collections::HashMap;
use std::net::SocketAddr;

/// Parses `1=127.0.0.1:7101,2=127.0.0.1:7102`: replica ids and addresses.
pub fn parse_members(spec: &str) -> Result<HashMap<u64, SocketAddr>, String> {
    let mut map = HashMap::new();
    for part in spec.split(',').filter(|p| !p.trim().is_empty()) {
        let (id, addr) = part
            .split_once('=')
            .ok_or_else(|| format!("{part:?} is not ID=HOST:PORT"))?;
        let id: u64 = id
            .trim()
            .parse()
            .map_err(|_| format!("{id:?} in {part:?} is not a replica id (a number)"))?;
        let addr: SocketAddr = addr
            .trim()
            .parse()
            .map_err(|e| format!("{addr:?} in {part:?} is not HOST:PORT: {e}"))?;
        if map.insert(id, addr).is_some() {
            return Err(format!("replica {id} is listed twice"));
        }
    }
    if map.is_empty() {
        return Err("no replicas listed".into());
    }
    Ok(map)
}

/// `1=addr,2=addr,...` for replicas numbered from 1: what [`parse_members`] reads.
pub fn members_spec(addrs: &[SocketAddr]) -> String {
    addrs
        .iter()
        .enumerate()
        .map(|(i, a)| format!("{}={a}", i + 1))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_lists_round_trip_and_bad_ones_say_why() {
        let addrs: Vec<SocketAddr> = vec![
            "127.0.0.1:1".parse().unwrap(),
            "127.0.0.1:2".parse().unwrap(),
        ];
        let parsed = parse_members(&members_spec(&addrs)).unwrap();
        assert_eq!(parsed[&1], addrs[0]);
        assert_eq!(parsed[&2], addrs[1]);
        assert!(
            parse_members("1=127.0.0.1:1,1=127.0.0.1:2")
                .unwrap_err()
                .contains("twice")
        );
        assert!(
            parse_members("x=127.0.0.1:1")
                .unwrap_err()
                .contains("not a replica id")
        );
        assert!(
            parse_members("1=nowhere")
                .unwrap_err()
                .contains("HOST:PORT")
        );
        assert!(parse_members("").unwrap_err().contains("no replicas"));
    }
}
