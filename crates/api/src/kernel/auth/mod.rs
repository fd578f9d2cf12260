//! Authentication: passwords (argon2id), access tokens (JWT, HS256 pinned), refresh tokens and
//! API keys (random, stored as SHA-256), and the middleware that turns a bearer credential into
//! the request's [`Caller`].

pub mod caller;
mod hs256;
pub mod jwt;
pub mod middleware;
pub mod password;
pub mod secrets;

pub use caller::Caller;

/// The client's address without the port (`X-Forwarded-For` only behind a trusted proxy).
pub fn client_ip(req: &actix_web::HttpRequest, trust_forwarded_for: bool) -> String {
    let info = req.connection_info();
    let addr = if trust_forwarded_for {
        info.realip_remote_addr()
    } else {
        info.peer_addr()
    };
    addr.map(|a| {
        // Strip the port of `1.2.3.4:5678` / `[::1]:5678`.
        a.rsplit_once(':')
            .filter(|(host, port)| port.chars().all(|c| c.is_ascii_digit()) && !host.ends_with(':'))
            .map_or(a, |(host, _)| host)
            .trim_matches(['[', ']'])
            .to_owned()
    })
    .unwrap_or_else(|| "unknown".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn client_ip_drops_the_port() {
        let req = TestRequest::default()
            .peer_addr("10.1.2.3:5555".parse().unwrap())
            .to_http_request();
        assert_eq!(client_ip(&req, false), "10.1.2.3");
        let req = TestRequest::default()
            .peer_addr("[::1]:5555".parse().unwrap())
            .insert_header(("x-forwarded-for", "203.0.113.9"))
            .to_http_request();
        assert_eq!(client_ip(&req, false), "::1");
        assert_eq!(client_ip(&req, true), "203.0.113.9");
    }
}
