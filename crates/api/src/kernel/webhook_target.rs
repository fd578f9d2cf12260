//! Where webhooks may go. A subscription is an admin-supplied URL the server will call, which
//! makes it a way to reach the server's own network (cloud metadata at 169.254.169.254, the
//! database, internal services). So only public addresses are allowed unless the operator
//! lists a host or network in `KEFU_WEBHOOK_ALLOWED_HOSTS`; and since a name can resolve to
//! anything (and change between the check and the call), the check is repeated on the
//! addresses the name resolves to at delivery time, and those are the addresses connected to.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};

#[derive(Debug, Clone, PartialEq, Eq)]
enum AllowRule {
    Host(String),
    Net(IpAddr, u8),
}

/// The operator's exceptions to "public addresses only".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetPolicy {
    allow: Vec<AllowRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetRefusal {
    #[error("not a valid absolute URL")]
    Malformed,
    #[error("only http and https URLs can receive webhooks")]
    Scheme,
    #[error("credentials in the URL are not allowed; authenticate with the signature")]
    Credentials,
    #[error("{0} is not a public address; an operator can allow it in KEFU_WEBHOOK_ALLOWED_HOSTS")]
    Forbidden(String),
}

impl TargetPolicy {
    /// Parses allow-list entries: host names, IP addresses or CIDR networks.
    pub fn parse(entries: &[String]) -> Result<TargetPolicy, String> {
        let mut allow = Vec::new();
        for entry in entries.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
            allow.push(parse_rule(entry).ok_or_else(|| format!("bad allow-list entry `{entry}`"))?);
        }
        Ok(TargetPolicy { allow })
    }

    /// Checks a subscription URL as far as it can be checked without resolving it.
    pub fn check_url(&self, raw: &str) -> Result<url::Url, TargetRefusal> {
        let url = url::Url::parse(raw).map_err(|_| TargetRefusal::Malformed)?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(TargetRefusal::Scheme);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(TargetRefusal::Credentials);
        }
        match url.host() {
            None => Err(TargetRefusal::Malformed),
            Some(url::Host::Ipv4(ip)) => self.check_ip(IpAddr::V4(ip)).map(|_| url.clone()),
            Some(url::Host::Ipv6(ip)) => self.check_ip(IpAddr::V6(ip)).map(|_| url.clone()),
            Some(url::Host::Domain(name)) => {
                let name = name.to_ascii_lowercase();
                let local = name == "localhost" || name.ends_with(".localhost");
                if local && !self.host_listed(&name) {
                    Err(TargetRefusal::Forbidden(name))
                } else {
                    Ok(url.clone())
                }
            }
        }
    }

    fn host_listed(&self, host: &str) -> bool {
        self.allow
            .iter()
            .any(|r| matches!(r, AllowRule::Host(h) if h.eq_ignore_ascii_case(host)))
    }

    fn check_ip(&self, ip: IpAddr) -> Result<(), TargetRefusal> {
        let listed = self.allow.iter().any(|r| match r {
            AllowRule::Net(net, len) => in_network(ip, *net, *len),
            AllowRule::Host(h) => h.parse::<IpAddr>().is_ok_and(|a| a == ip),
        });
        if listed || is_public(ip) {
            Ok(())
        } else {
            Err(TargetRefusal::Forbidden(ip.to_string()))
        }
    }

    /// Resolves `host:port` to the addresses a delivery may connect to: all of them when the
    /// host itself is listed, else only the public or listed ones (an error when none is).
    pub fn resolve(&self, netloc: &str) -> io::Result<Vec<SocketAddr>> {
        let addrs: Vec<SocketAddr> = netloc.to_socket_addrs()?.collect();
        let host = netloc
            .rsplit_once(':')
            .map_or(netloc, |(h, _)| h)
            .trim_start_matches('[')
            .trim_end_matches(']');
        if self.host_listed(host) {
            return Ok(addrs);
        }
        let (allowed, refused): (Vec<_>, Vec<_>) = addrs
            .into_iter()
            .partition(|a| self.check_ip(a.ip()).is_ok());
        match (allowed.is_empty(), refused.first()) {
            (false, _) => Ok(allowed),
            (true, Some(first)) => Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                TargetRefusal::Forbidden(first.ip().to_string()).to_string(),
            )),
            (true, None) => Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("{host} has no address"),
            )),
        }
    }
}

fn parse_rule(entry: &str) -> Option<AllowRule> {
    if let Some((addr, len)) = entry.split_once('/') {
        let ip: IpAddr = addr.parse().ok()?;
        let len: u8 = len.parse().ok()?;
        let max = if ip.is_ipv4() { 32 } else { 128 };
        return (len <= max).then_some(AllowRule::Net(ip, len));
    }
    if let Ok(ip) = entry.parse::<IpAddr>() {
        let len = if ip.is_ipv4() { 32 } else { 128 };
        return Some(AllowRule::Net(ip, len));
    }
    let valid = entry
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    valid.then(|| AllowRule::Host(entry.to_ascii_lowercase()))
}

fn in_network(ip: IpAddr, net: IpAddr, len: u8) -> bool {
    let (ip, net, bits) = match (canonical(ip), canonical(net)) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u128::from(u32::from(a)), u128::from(u32::from(b)), 32),
        (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b), 128),
        _ => return false,
    };
    let len = u32::from(len).min(bits);
    if len == 0 {
        return true;
    }
    let shift = bits - len;
    (ip >> shift) == (net >> shift)
}

/// IPv4 addresses written as IPv6 (`::ffff:a.b.c.d`) are judged as the IPv4 they are.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Whether `ip` is a globally routable unicast address.
pub fn is_public(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    const BLOCKED: &[(Ipv4Addr, u8)] = &[
        (Ipv4Addr::new(0, 0, 0, 0), 8),
        (Ipv4Addr::new(10, 0, 0, 0), 8),
        (Ipv4Addr::new(100, 64, 0, 0), 10),
        (Ipv4Addr::new(127, 0, 0, 0), 8),
        (Ipv4Addr::new(169, 254, 0, 0), 16),
        (Ipv4Addr::new(172, 16, 0, 0), 12),
        (Ipv4Addr::new(192, 0, 0, 0), 24),
        (Ipv4Addr::new(192, 0, 2, 0), 24),
        (Ipv4Addr::new(192, 88, 99, 0), 24),
        (Ipv4Addr::new(192, 168, 0, 0), 16),
        (Ipv4Addr::new(198, 18, 0, 0), 15),
        (Ipv4Addr::new(198, 51, 100, 0), 24),
        (Ipv4Addr::new(203, 0, 113, 0), 24),
        (Ipv4Addr::new(224, 0, 0, 0), 4),
        (Ipv4Addr::new(240, 0, 0, 0), 4),
    ];
    !BLOCKED
        .iter()
        .any(|(net, len)| in_network(IpAddr::V4(ip), IpAddr::V4(*net), *len))
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    const BLOCKED: &[(Ipv6Addr, u8)] = &[
        (Ipv6Addr::UNSPECIFIED, 128),
        (Ipv6Addr::LOCALHOST, 128),
        (Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96),
        (Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0), 64),
        (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32),
        (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7),
        (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10),
        (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8),
    ];
    !BLOCKED
        .iter()
        .any(|(net, len)| in_network(IpAddr::V6(ip), IpAddr::V6(*net), *len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(entries: &[&str]) -> TargetPolicy {
        TargetPolicy::parse(&entries.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn cloud_metadata_and_private_networks_are_refused_by_default() {
        let p = TargetPolicy::default();
        for url in [
            "http://169.254.169.254/latest/meta-data/",
            "http://127.0.0.1:8080/hook",
            "http://10.1.2.3/",
            "http://172.20.0.1/",
            "http://192.168.1.10/",
            "http://[::1]/",
            "http://[fe80::1]/",
            "http://[::ffff:169.254.169.254]/",
            "http://0.0.0.0/",
            "http://localhost:9000/",
        ] {
            assert!(
                matches!(p.check_url(url), Err(TargetRefusal::Forbidden(_))),
                "{url}"
            );
        }
    }

    #[test]
    fn public_addresses_and_names_pass_the_static_check() {
        let p = TargetPolicy::default();
        assert!(p.check_url("https://hooks.example.com/kefu").is_ok());
        assert!(p.check_url("http://8.8.8.8/x").is_ok());
        assert!(p.check_url("https://[2606:4700::1111]/").is_ok());
    }

    #[test]
    fn other_schemes_and_credentials_are_refused() {
        let p = TargetPolicy::default();
        assert_eq!(
            p.check_url("ftp://example.com/"),
            Err(TargetRefusal::Scheme)
        );
        assert_eq!(
            p.check_url("file:///etc/passwd"),
            Err(TargetRefusal::Scheme)
        );
        assert_eq!(
            p.check_url("https://u:p@example.com/"),
            Err(TargetRefusal::Credentials)
        );
        assert_eq!(p.check_url("not a url"), Err(TargetRefusal::Malformed));
    }

    #[test]
    fn listed_hosts_and_networks_are_allowed() {
        let p = policy(&["127.0.0.1", "10.0.0.0/8", "intranet.local"]);
        assert!(p.check_url("http://127.0.0.1:9000/").is_ok());
        assert!(p.check_url("http://10.200.1.1/").is_ok());
        assert!(p.check_url("http://intranet.local/").is_ok());
        assert!(p.check_url("http://169.254.169.254/").is_err());
        assert!(p.check_url("http://127.0.0.2/").is_err());
    }

    #[test]
    fn resolution_keeps_only_permitted_addresses() {
        let open = TargetPolicy::default();
        let err = open.resolve("127.0.0.1:80").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
        let listed = policy(&["127.0.0.1"]);
        assert_eq!(listed.resolve("127.0.0.1:80").unwrap().len(), 1);
    }

    #[test]
    fn bad_allow_list_entries_are_reported() {
        assert!(TargetPolicy::parse(&["10.0.0.0/33".into()]).is_err());
        assert!(TargetPolicy::parse(&["bad host!".into()]).is_err());
    }
}
