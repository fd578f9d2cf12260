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
        let resp = Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        };
        assert_in_its_language(&resp);
        Ok(resp)
    }
}

/// Every answer names its language, and every problem the suite provokes speaks only it:
/// no English sentence in a zh-CN one, no Chinese character in an en one.
pub fn assert_in_its_language(resp: &Resp) {
    let is_problem = resp
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/problem+json"));
    if !is_problem {
        return;
    }
    // An error actix answers itself (a broken connection's body) skips the middleware that
    // names the language; it is in the default one.
    let lang = resp.header("content-language");
    let lang = lang.as_deref().unwrap_or("zh-CN");
    let Ok(v) = serde_json::from_str::<Value>(&resp.body) else {
        return;
    };
    let mut texts = vec![v["title"].as_str(), v["detail"].as_str()];
    for e in v["errors"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        texts.push(e["message"].as_str());
    }
    for text in texts.into_iter().flatten() {
        match lang {
            "zh-CN" => assert!(
                english_words(text).is_none(),
                "English {:?} in a zh-CN problem: {}",
                english_words(text),
                resp.body
            ),
            "en" => assert!(
                !text.chars().any(is_cjk),
                "Chinese in an en problem: {}",
                resp.body
            ),
            other => panic!("Content-Language {other}"),
        }
    }
}

/// Two words of English in a row (ids, codes, field names and header names stand alone or
/// hold digits, `_`, `-` or `/`, so they never make such a pair).
pub fn english_words(text: &str) -> Option<String> {
    let word = |w: &str| w.len() >= 2 && w.bytes().all(|b| b.is_ascii_alphabetic());
    let tokens: Vec<&str> = text.split_whitespace().collect();
    tokens
        .windows(2)
        .find(|pair| word(pair[0]) && word(pair[1]))
        .map(|pair| pair.join(" "))
}

pub fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303f}' | '\u{4e00}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
}
