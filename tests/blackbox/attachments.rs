//! Attachments: streamed multipart uploads with sniffing, size limits, SHA-256 and thumbnails;
//! downloads; seal verification against the stored file; ORG-5 through the owning record;
//! soft delete with audit. Customers are inserted by SQL: their endpoints are another
//! resource's.
use crate::{actions, audit_of};
use image::{ImageFormat, Rgb, RgbImage};
use kefu_blackbox::{Resp, TestApp};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::io::Cursor;
use std::path::Path;

const PASSWORD: &str = "Secret-pass-123";

/// A file part: (filename, declared content type, bytes).
type FilePart<'a> = (&'a str, &'a str, &'a [u8]);

fn multipart(boundary: &str, fields: &[(&str, &str)], file: Option<FilePart>) -> Vec<u8> {
    multipart_ordered(boundary, fields, file, false)
}

fn multipart_ordered(
    boundary: &str,
    fields: &[(&str, &str)],
    file: Option<FilePart>,
    file_first: bool,
) -> Vec<u8> {
    let mut text = Vec::new();
    for (name, value) in fields {
        text.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    let mut body = Vec::new();
    if !file_first {
        body.append(&mut text);
    }
    if let Some((filename, content_type, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
                 Content-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.append(&mut text);
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

struct Upload<'a> {
    owner: (&'a str, &'a str),
    kind: &'a str,
    file: FilePart<'a>,
    boundary: &'a str,
    key: Option<&'a str>,
    file_first: bool,
}

impl<'a> Upload<'a> {
    fn new(owner: (&'a str, &'a str), kind: &'a str, file: FilePart<'a>) -> Self {
        Upload {
            owner,
            kind,
            file,
            boundary: "kefu-test-boundary-1",
            key: None,
            file_first: false,
        }
    }

    fn send(&self, app: &TestApp, token: &str) -> Resp {
        let body = multipart_ordered(
            self.boundary,
            &[
                ("owner_type", self.owner.0),
                ("owner_id", self.owner.1),
                ("kind", self.kind),
            ],
            Some(self.file),
            self.file_first,
        );
        let mut req = app.post("/api/v1/attachments").bearer(token);
        if let Some(key) = self.key {
            req = req.header("Idempotency-Key", key);
        }
        req.bytes(
            &format!("multipart/form-data; boundary={}", self.boundary),
            body,
        )
        .send()
    }
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A photo-like PNG: smooth colour gradients under strong per-pixel noise, which PNG cannot
/// compress much, so a ~5 MB file is a realistic size for its pixels.
fn noisy_png(width: u32, height: u32, seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        (state % 96) as i32 - 48
    };
    let img = RgbImage::from_fn(width, height, |x, y| {
        let base = [
            (x * 255 / width) as i32,
            (y * 255 / height) as i32,
            ((x + y) * 127 / (width + height)) as i32 + 64,
        ];
        Rgb(base.map(|c| (c + noise()).clamp(0, 255) as u8))
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Every file under the storage directory.
fn stored_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(stored_files(&path));
        } else {
            out.push(path.display().to_string());
        }
    }
    out
}

fn list(app: &TestApp, token: &str, owner: (&str, &str), extra: &str) -> Resp {
    app.get(&format!(
        "/api/v1/attachments?owner_type={}&owner_id={}{extra}",
        owner.0, owner.1
    ))
    .bearer(token)
    .send()
}

fn ids(res: &Resp) -> Vec<String> {
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect()
}

/// An engineer owning customer `cust-a` (ORG-5) and one who does not; returns their tokens.
fn engineers(app: &TestApp, admin: &str) -> (String, String) {
    let eng = app.create_user(admin, "eng", &["engineer"], PASSWORD);
    app.create_user(admin, "other", &["engineer"], PASSWORD);
    app.db
        .insert_customer("cust-a", "甲公司", eng["id"].as_str(), None);
    (app.token("eng", PASSWORD), app.token("other", PASSWORD))
}

const CUSTOMER_A: (&str, &str) = ("customer", "cust-a");

#[test]
fn a_5_mb_photo_uploads_with_its_hash_thumbnail_and_identical_download() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let (engineer, _) = engineers(&app, &admin);
    let photo = noisy_png(1400, 1200, 7);
    assert!(
        (4_500_000..6_500_000).contains(&photo.len()),
        "{} bytes",
        photo.len()
    );
    let expected_sha = sha256(&photo);

    // Sent with an Idempotency-Key: the large body takes the spooled path.
    let mut upload = Upload::new(
        CUSTOMER_A,
        "photo",
        ("现场照片 1.png", "application/octet-stream", &photo),
    );
    upload.key = Some("photo-upload-1");
    let res = upload.send(&app, &engineer);
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(res.etag(), "\"1\"");
    let a = res.json();
    let id = a["id"].as_str().unwrap().to_owned();
    assert_eq!(
        res.header("location").unwrap(),
        format!("/api/v1/attachments/{id}")
    );
    assert_eq!(a["sha256"], expected_sha.as_str());
    assert_eq!(a["size_bytes"], photo.len());
    assert_eq!(a["content_type"], "image/png", "detected, not declared");
    assert_eq!(a["filename"], "现场照片 1.png");
    assert_eq!(a["kind"], "photo");
    assert_eq!(a["owner_type"], "customer");
    assert_eq!(a["owner_id"], "cust-a");
    assert_eq!(a["has_thumbnail"], true);
    assert_eq!(a["deleted"], false);

    // The retry, rebuilt by the client with a new multipart boundary, replays the first
    // answer and stores nothing again.
    upload.boundary = "another-boundary-for-the-retry";
    let again = upload.send(&app, &engineer);
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(again.json(), a);
    assert_eq!(ids(&list(&app, &engineer, CUSTOMER_A, "")), [id.as_str()]);

    let thumb = app
        .get(&format!("/api/v1/attachments/{id}/thumbnail"))
        .bearer(&engineer)
        .send();
    assert_eq!(thumb.status, 200);
    assert_eq!(thumb.header("content-type").as_deref(), Some("image/jpeg"));
    assert!(
        thumb.bytes.len() < 50_000,
        "thumbnail {} bytes",
        thumb.bytes.len()
    );
    let small = image::load_from_memory(&thumb.bytes).unwrap();
    assert_eq!((small.width(), small.height()), (320, 274));

    let file = app
        .get(&format!("/api/v1/attachments/{id}/content"))
        .bearer(&engineer)
        .send();
    assert_eq!(file.status, 200);
    assert!(file.bytes == photo, "the download differs from the upload");
    assert_eq!(file.header("content-type").as_deref(), Some("image/png"));
    assert_eq!(file.header("content-length"), Some(photo.len().to_string()));
    assert_eq!(file.etag(), format!("\"{expected_sha}\""));
    let disposition = file.header("content-disposition").unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87%201.png"),
        "{disposition}"
    );

    // A client that reads every file as bytes (the spec's binary variant, what generated
    // clients keep) gets the same bytes labelled `application/octet-stream`; one that also
    // accepts the file's own type, or any image, gets that type.
    for (accept, expected) in [
        ("application/octet-stream", "application/octet-stream"),
        ("image/*, application/octet-stream", "image/png"),
        (
            "image/png;q=0, application/octet-stream",
            "application/octet-stream",
        ),
        ("*/*", "image/png"),
    ] {
        let file = app
            .get(&format!("/api/v1/attachments/{id}/content"))
            .header("Accept", accept)
            .bearer(&engineer)
            .send();
        assert_eq!(file.status, 200);
        assert!(file.bytes == photo, "{accept}: the download differs");
        assert_eq!(
            file.header("content-type").as_deref(),
            Some(expected),
            "{accept}"
        );
    }
    let thumb = app
        .get(&format!("/api/v1/attachments/{id}/thumbnail"))
        .header("Accept", "application/octet-stream")
        .bearer(&engineer)
        .send();
    assert_eq!(
        thumb.header("content-type").as_deref(),
        Some("application/octet-stream")
    );
    assert!(image::load_from_memory(&thumb.bytes).is_ok());

    let meta = app
        .get(&format!("/api/v1/attachments/{id}"))
        .bearer(&engineer)
        .send();
    assert_eq!(meta.status, 200);
    assert_eq!(meta.etag(), "\"1\"");
    assert_eq!(meta.json(), a);

    let audit = audit_of(&app, &admin, "attachment", &id);
    assert_eq!(actions(&audit), ["attachment.upload"]);
    assert_eq!(audit[0]["after"]["sha256"], expected_sha.as_str());
}

#[test]
fn an_exe_named_photo_jpg_is_refused_whatever_it_declares() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    app.db.insert_customer("cust-a", "甲公司", None, None);
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    exe.extend(std::iter::repeat_n(0x90u8, 4096));
    let res =
        Upload::new(CUSTOMER_A, "photo", ("photo.jpg", "image/jpeg", &exe)).send(&app, &admin);
    let problem = res.problem(415, "unsupported-media-type");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("application/vnd.microsoft.portable-executable"),
        "{detail}"
    );
    assert!(
        detail.contains("image/jpeg"),
        "names what is allowed: {detail}"
    );

    // A PDF is a document, not a photo or a signature.
    let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
    Upload::new(CUSTOMER_A, "signature", ("sig.png", "image/png", pdf))
        .send(&app, &admin)
        .problem(415, "unsupported-media-type");
    let mut exe_first = Upload::new(CUSTOMER_A, "photo", ("photo.jpg", "image/jpeg", &exe));
    exe_first.file_first = true;
    exe_first
        .send(&app, &admin)
        .problem(415, "unsupported-media-type");
    // The parts may come in any order.
    let mut doc = Upload::new(CUSTOMER_A, "document", ("合同.pdf", "application/pdf", pdf));
    doc.file_first = true;
    let doc = doc.send(&app, &admin);
    assert_eq!(doc.status, 201, "{}", doc.body);
    assert_eq!(doc.json()["has_thumbnail"], false);

    // Not multipart at all.
    app.post("/api/v1/attachments")
        .bearer(&admin)
        .raw("application/json", "{}")
        .send()
        .problem(415, "unsupported-media-type");
    // Parts missing, unknown or out of order.
    let body = multipart("b", &[("owner_type", "customer"), ("kind", "photo")], None);
    let bad = app
        .post("/api/v1/attachments")
        .bearer(&admin)
        .bytes("multipart/form-data; boundary=b", body)
        .send()
        .problem(400, "bad-request");
    let fields: Vec<&str> = bad["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    // Errors come in field order.
    assert_eq!(fields, ["file", "owner_id"]);
    // The kind refuses a file that came before it.
    let mut pdf_as_photo = Upload::new(CUSTOMER_A, "photo", ("x.pdf", "application/pdf", pdf));
    pdf_as_photo.file_first = true;
    pdf_as_photo
        .send(&app, &admin)
        .problem(415, "unsupported-media-type");
    let body = multipart(
        "b",
        &[
            ("owner_type", "invoice"),
            ("owner_id", "x"),
            ("kind", "photo"),
        ],
        Some(("a.png", "image/png", b"\x89PNG\r\n\x1a\n")),
    );
    app.post("/api/v1/attachments")
        .bearer(&admin)
        .bytes("multipart/form-data; boundary=b", body)
        .send()
        .problem(400, "bad-request");

    let ids = ids(&list(&app, &admin, CUSTOMER_A, ""));
    assert_eq!(ids.len(), 1, "only the PDF was stored");
    assert_eq!(stored_files(&app.storage_dir).len(), 1);
}

#[test]
fn an_over_limit_upload_is_413_and_leaves_no_file_and_no_row() {
    let app = TestApp::builder()
        .env("KEFU_ATTACHMENT_MAX_PHOTO_BYTES", "100000")
        .spawn();
    let admin = app.admin_token();
    app.db.insert_customer("cust-a", "甲公司", None, None);
    let big = noisy_png(300, 200, 3);
    assert!(big.len() > 100_000, "{}", big.len());
    // Sent first, the file is stored before its kind is known, and removed once it is.
    for (key, file_first) in [(None, false), (Some("too-big-1"), false), (None, true)] {
        let mut upload = Upload::new(CUSTOMER_A, "photo", ("big.png", "image/png", &big));
        upload.key = key;
        upload.file_first = file_first;
        let problem = upload.send(&app, &admin).problem(413, "payload-too-large");
        assert!(
            problem["detail"].as_str().unwrap().contains("100000"),
            "{problem}"
        );
    }
    assert!(ids(&list(&app, &admin, CUSTOMER_A, "")).is_empty());
    assert!(
        ids(&list(
            &app,
            &admin,
            CUSTOMER_A,
            "&updated_since=2000-01-01T00:00:00Z"
        ))
        .is_empty()
    );
    assert_eq!(stored_files(&app.storage_dir), Vec::<String>::new());
    let audit = app
        .get("/api/v1/audit?entity_type=attachment")
        .bearer(&admin)
        .send();
    assert_eq!(audit.status, 200, "{}", audit.body);
    assert_eq!(audit.json()["items"], serde_json::json!([]));

    // Within the limit it is stored.
    let small = noisy_png(100, 80, 3);
    let res = Upload::new(CUSTOMER_A, "photo", ("ok.png", "image/png", &small)).send(&app, &admin);
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(
        stored_files(&app.storage_dir).len(),
        2,
        "file and thumbnail"
    );
}

#[test]
fn a_sealed_signature_fails_verification_once_the_file_is_altered_on_disk() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let (engineer, other) = engineers(&app, &admin);
    let signature = noisy_png(200, 80, 11);
    let res = Upload::new(
        CUSTOMER_A,
        "signature",
        ("签名.png", "image/png", &signature),
    )
    .send(&app, &engineer);
    assert_eq!(res.status, 201, "{}", res.body);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let sealed = sha256(&signature);

    let verify = |token: &str| {
        app.get(&format!("/api/v1/attachments/{id}/verify"))
            .bearer(token)
            .send()
    };
    let ok = verify(&engineer);
    assert_eq!(ok.status, 200, "{}", ok.body);
    let ok = ok.json();
    assert_eq!(ok["attachment_id"], id.as_str());
    assert_eq!(ok["sha256_recorded"], sealed.as_str());
    assert_eq!(ok["sha256_actual"], sealed.as_str());
    assert_eq!(ok["intact"], true);
    verify(&other).problem(404, "not-found");

    // Someone edits the stored file behind the application's back.
    let path = app.storage_dir.join("attachments").join(&id);
    let mut altered = std::fs::read(&path).unwrap();
    assert_eq!(altered, signature);
    let last = altered.len() - 20;
    altered[last] ^= 0xff;
    std::fs::write(&path, &altered).unwrap();

    let broken = verify(&engineer).json();
    assert_eq!(broken["intact"], false);
    assert_eq!(broken["sha256_recorded"], sealed.as_str());
    assert_eq!(broken["sha256_actual"], sha256(&altered).as_str());

    std::fs::remove_file(&path).unwrap();
    let missing = verify(&engineer).json();
    assert_eq!(missing["intact"], false);
    assert_eq!(missing["sha256_actual"], Value::Null);
}

#[test]
fn attachments_are_visible_exactly_with_their_record_and_uploads_need_a_staff_role() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let (engineer, other) = engineers(&app, &admin);
    let contact_user = app.create_user(&admin, "cc", &["customer_contact"], PASSWORD);
    app.db
        .insert_contact("contact-a", "cust-a", contact_user["id"].as_str());
    let contact = app.token("cc", PASSWORD);
    app.db.insert_site("site-a", "cust-a", "杭州");
    let png = noisy_png(64, 48, 5);

    let res = Upload::new(CUSTOMER_A, "photo", ("a.png", "image/png", &png)).send(&app, &admin);
    assert_eq!(res.status, 201, "{}", res.body);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let on_site = Upload::new(("site", "site-a"), "photo", ("s.png", "image/png", &png))
        .send(&app, &engineer);
    assert_eq!(on_site.status, 201, "{}", on_site.body);

    // The other engineer is not assigned to the customer: everything reads as missing.
    for path in ["", "/content", "/thumbnail", "/verify"] {
        app.get(&format!("/api/v1/attachments/{id}{path}"))
            .bearer(&other)
            .send()
            .problem(404, "not-found");
    }
    list(&app, &other, CUSTOMER_A, "").problem(404, "not-found");
    list(&app, &other, ("site", "site-a"), "").problem(404, "not-found");
    for file_first in [false, true] {
        let mut upload = Upload::new(CUSTOMER_A, "photo", ("a.png", "image/png", &png));
        upload.file_first = file_first;
        upload.send(&app, &other).problem(404, "not-found");
    }
    app.req("DELETE", &format!("/api/v1/attachments/{id}"))
        .bearer(&other)
        .if_match("\"1\"")
        .send()
        .problem(404, "not-found");
    // Unknown records read the same.
    Upload::new(("equipment", "nope"), "photo", ("a.png", "image/png", &png))
        .send(&app, &admin)
        .problem(404, "not-found");
    assert_eq!(
        stored_files(&app.storage_dir).len(),
        4,
        "two files, two thumbnails"
    );

    // The assigned engineer and the customer's own contact see it; the contact may not upload.
    assert_eq!(ids(&list(&app, &engineer, CUSTOMER_A, "")), [id.as_str()]);
    assert_eq!(ids(&list(&app, &contact, CUSTOMER_A, "")), [id.as_str()]);
    Upload::new(CUSTOMER_A, "photo", ("a.png", "image/png", &png))
        .send(&app, &contact)
        .problem(403, "forbidden");
    // An engineer deletes only their own uploads.
    app.req("DELETE", &format!("/api/v1/attachments/{id}"))
        .bearer(&engineer)
        .if_match("\"1\"")
        .send()
        .problem(403, "forbidden");
    list(&app, &engineer, ("invoice", "t-1"), "").problem(400, "bad-request");
}

#[test]
fn delete_is_audited_keeps_a_tombstone_and_then_the_content_is_404() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let (engineer, _) = engineers(&app, &admin);
    let png = noisy_png(64, 48, 9);
    let res = Upload::new(CUSTOMER_A, "photo", ("a.png", "image/png", &png)).send(&app, &engineer);
    assert_eq!(res.status, 201, "{}", res.body);
    let a = res.json();
    let id = a["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/attachments/{id}");

    app.req("DELETE", &path)
        .bearer(&engineer)
        .send()
        .problem(428, "precondition-required");
    let stale = app
        .req("DELETE", &path)
        .bearer(&engineer)
        .if_match("\"7\"")
        .send()
        .problem(412, "precondition-failed");
    assert_eq!(stale["current_version"], 1);
    let gone = app
        .req("DELETE", &path)
        .bearer(&engineer)
        .if_match("\"1\"")
        .send();
    assert_eq!(gone.status, 200, "{}", gone.body);
    assert_eq!(gone.etag(), "\"2\"");
    let tombstone = gone.json();
    assert_eq!(tombstone["deleted"], true);
    assert_eq!(tombstone["sha256"], a["sha256"]);

    let audit = audit_of(&app, &admin, "attachment", &id);
    assert_eq!(actions(&audit), ["attachment.upload", "attachment.delete"]);
    assert_eq!(audit[1]["before"]["deleted"], false);
    assert_eq!(audit[1]["after"]["deleted"], true);
    assert_eq!(audit[1]["actor_id"], a["uploaded_by"]);

    for sub in ["", "/content", "/thumbnail", "/verify"] {
        app.get(&format!("{path}{sub}"))
            .bearer(&engineer)
            .send()
            .problem(404, "not-found");
    }
    assert!(ids(&list(&app, &engineer, CUSTOMER_A, "")).is_empty());
    let delta = list(
        &app,
        &engineer,
        CUSTOMER_A,
        "&updated_since=2000-01-01T00:00:00Z",
    );
    assert_eq!(ids(&delta), [id.as_str()]);
    assert_eq!(delta.json()["items"][0], tombstone);
}

/// Site photos go on the ticket and the visit they were taken for, visible exactly with them:
/// the assigned engineer and the manager see them, another engineer gets 404 for the record,
/// its list and the file.
#[test]
fn tickets_and_visits_take_attachments_visible_with_the_ticket() {
    use crate::tickets::world;
    let w = world();
    let t = w.assign(&w.fault("urgent"), &w.eng1_id);
    let ticket = t["id"].as_str().unwrap();
    let v = w
        .app
        .post(&format!("/api/v1/tickets/{ticket}/visits"))
        .bearer(&w.eng1)
        .json(&serde_json::json!({"planned_date": "2026-03-10", "purpose": "现场检修"}))
        .send()
        .json();
    let visit = v["id"].as_str().unwrap();
    let png = noisy_png(64, 48, 7);
    let on_ticket = Upload::new(("ticket", ticket), "photo", ("现场.png", "image/png", &png))
        .send(&w.app, &w.eng1);
    assert_eq!(on_ticket.status, 201, "{}", on_ticket.body);
    let on_ticket = on_ticket.json();
    assert_eq!(
        (&on_ticket["owner_type"], &on_ticket["sha256"]),
        (
            &serde_json::json!("ticket"),
            &serde_json::json!(sha256(&png))
        )
    );
    let on_visit = Upload::new(("visit", visit), "photo", ("到场.png", "image/png", &png))
        .send(&w.app, &w.eng1);
    assert_eq!(on_visit.status, 201, "{}", on_visit.body);
    let on_visit = on_visit.json()["id"].as_str().unwrap().to_owned();

    assert_eq!(
        ids(&list(&w.app, &w.manager, ("ticket", ticket), "")),
        [on_ticket["id"].as_str().unwrap()]
    );
    assert_eq!(
        ids(&list(&w.app, &w.eng1, ("visit", visit), "")),
        [on_visit.as_str()]
    );
    // Another engineer: the ticket's and the visit's attachments do not exist for them.
    list(&w.app, &w.eng2, ("ticket", ticket), "").problem(404, "not-found");
    list(&w.app, &w.eng2, ("visit", visit), "").problem(404, "not-found");
    w.app
        .get(&format!("/api/v1/attachments/{on_visit}/content"))
        .bearer(&w.eng2)
        .send()
        .problem(404, "not-found");
    Upload::new(("ticket", ticket), "photo", ("x.png", "image/png", &png))
        .send(&w.app, &w.eng2)
        .problem(404, "not-found");
    let content = w
        .app
        .get(&format!("/api/v1/attachments/{on_visit}/content"))
        .bearer(&w.manager)
        .send();
    assert_eq!(content.status, 200);
    assert_eq!(sha256(&content.bytes), sha256(&png));
}

/// CRC-32 (ISO-HDLC), as PNG chunks carry it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG of a few hundred bytes whose header declares a `width` × `height` canvas: what a
/// decompression bomb looks like before anything decodes it.
fn bomb_png(width: u32, height: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        let mut typed = kind.to_vec();
        typed.extend_from_slice(data);
        out.extend_from_slice(&typed);
        out.extend_from_slice(&crc32(&typed).to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, no interlace
    chunk(&mut out, b"IHDR", &ihdr);
    // A stored (uncompressed) zlib block of zeros: a tiny start of the huge canvas.
    let mut idat = vec![0x78, 0x01, 0x01, 0x00, 0x01, 0xff, 0xfe];
    idat.extend_from_slice(&[0; 256]);
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    out
}

#[test]
fn an_image_declaring_a_huge_canvas_is_refused_before_it_is_decoded() {
    let app = TestApp::builder()
        .env("KEFU_ATTACHMENT_MAX_IMAGE_PIXELS", "20000000")
        .spawn();
    let admin = app.admin_token();
    let (engineer, _) = engineers(&app, &admin);
    let bomb = bomb_png(20_000, 20_000);
    assert!(bomb.len() < 1_000, "{} bytes", bomb.len());
    let problem = Upload::new(CUSTOMER_A, "photo", ("bomb.png", "image/png", &bomb))
        .send(&app, &engineer)
        .problem(422, "validation");
    let error = &problem["errors"][0];
    assert_eq!(
        (&error["field"], &error["code"]),
        (&"file".into(), &"range".into())
    );
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("20000×20000") && message.contains("20000000"),
        "{message}"
    );
    // Nothing was recorded; an image within the limit still goes through.
    assert!(ids(&list(&app, &engineer, CUSTOMER_A, "")).is_empty());
    let photo = noisy_png(400, 300, 3);
    let res =
        Upload::new(CUSTOMER_A, "photo", ("ok.png", "image/png", &photo)).send(&app, &engineer);
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(res.json()["has_thumbnail"], true);
}
