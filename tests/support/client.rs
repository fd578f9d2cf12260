use serde_json::Value;
use std::time::Duration;

/// A response as the client saw it.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The body as sent (`body` is its UTF-8 reading), for binary downloads.
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }

    /// Asserts a problem+json body with this status and `type` slug; returns the body.
    pub fn problem(&self, status: u16, slug: &str) -> Value {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert_eq!(
            self.header("content-type").as_deref(),
            Some("application/problem+json"),
            "body: {}",
            self.body
        );
        let v = self.json();
        assert_eq!(
            v["type"],
            format!("urn:kefu:problem:{slug}"),
            "body: {}",
            self.body
        );
        assert_eq!(v["status"], status);
        assert!(v["title"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(v["detail"].as_str().is_some_and(|t| !t.is_empty()));
        v
    }

    /// Asserts a 409 a domain rule refused (an invalid transition, a signed form, ...): type
    /// `conflict` and `rule` naming the rule id; returns the body.
    pub fn rule_conflict(&self, rule: &str) -> Value {
        let v = self.problem(409, "conflict");
        assert_eq!(v["rule"], rule, "body: {}", self.body);
        v
    }

    /// Asserts a 403 a domain rule refused (the caller's roles may not run the command by that
    /// rule): type `forbidden` and `rule` naming the rule id; returns the body.
    pub fn forbidden_by(&self, rule: &str) -> Value {
        let v = self.problem(403, "forbidden");
        assert_eq!(v["rule"], rule, "body: {}", self.body);
        v
    }

    /// Asserts a 409 no domain rule names: type `conflict`, no `rule`; returns the body.
    pub fn plain_conflict(&self) -> Value {
        let v = self.problem(409, "conflict");
        assert!(v.get("rule").is_none(), "body: {}", self.body);
        v
    }

    /// Asserts a 409 duplicate: no `rule`, one field error `{field, code: "duplicate"}`, and
    /// none of the database's own text; returns the body.
    pub fn duplicate(&self, field: &str) -> Value {
        let v = self.plain_conflict();
        let errors = v["errors"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        assert_eq!(errors.len(), 1, "body: {}", self.body);
        assert_eq!(errors[0]["field"], field, "body: {}", self.body);
        assert_eq!(errors[0]["code"], "duplicate", "body: {}", self.body);
        for db_text in ["UNIQUE constraint", "duplicate key value", "violates"] {
            assert!(!self.body.contains(db_text), "body: {}", self.body);
        }
        v
    }

    pub fn etag(&self) -> String {
        self.header("etag").expect("ETag header")
    }
}

pub struct Req {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
}

impl Req {
    pub fn new(method: &str, url: String) -> Req {
        Req {
            method: method.to_owned(),
            url,
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn header(mut self, k: &str, v: &str) -> Req {
        self.headers.push((k.to_owned(), v.to_owned()));
        self
    }

    pub fn bearer(self, token: &str) -> Req {
        self.header("Authorization", &format!("Bearer {token}"))
    }

    pub fn if_match(self, etag: &str) -> Req {
        self.header("If-Match", etag)
    }

    pub fn json(mut self, v: &Value) -> Req {
        self.body = Some(v.to_string().into_bytes());
        self.header("Content-Type", "application/json")
    }

    pub fn raw(mut self, content_type: &str, body: &str) -> Req {
        self.body = Some(body.as_bytes().to_vec());
        self.header("Content-Type", content_type)
    }

    pub fn bytes(mut self, content_type: &str, body: Vec<u8>) -> Req {
        self.body = Some(body);
        self.header("Content-Type", content_type)
    }

    pub fn send(self) -> Resp {
        let what = format!("{} {}", self.method, self.url);
        self.try_send().unwrap_or_else(|e| panic!("{what}: {e}"))
    }

    /// Like [`Req::send`], but a request that gets no HTTP answer at all (the server died,
    /// the connection was refused or reset) is an `Err` instead of a panic.
    pub fn try_send(self) -> Result<Resp, String> {
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(60))
            .redirects(0)
            .build();
        let mut req = agent.request(&self.method, &self.url);
        for (k, v) in &self.headers {
            req = req.set(k, v);
        }
        let result = match &self.body {
            Some(body) => req.send_bytes(body),
            None => req.call(),
        };
        let response = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => return Err(e.to_string()),
        };
        let status = response.status();
        let headers = response
            .headers_names()
            .into_iter()
            .filter_map(|name| {
                let value = response.header(&name)?.to_owned();
                Some((name, value))
            })
            .collect();
        let mut bytes = Vec::new();
        let _ = std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes);
        Ok(Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        })
    }
}
