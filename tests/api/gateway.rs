//! What the gateway does for every request: request ids, unmatched routes, probes, metrics,
//! and the API documentation.

use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{expect_json, expect_problem, header_of, TestApp};

#[actix_web::test]
async fn request_ids_are_generated_when_absent_and_echoed_when_sent() {
    let Some(app) = TestApp::spawn().await else { return };
    let response = app.send(app.get("/health/live", None)).await;
    let generated = header_of(&response, "x-request-id").expect("an X-Request-Id");
    assert!(Uuid::parse_str(&generated).is_ok(), "a UUID: {generated}");

    let sent = app.get("/health/live", None).header("x-request-id", "trace-42.a_b:c");
    assert_eq!(header_of(&app.send(sent).await, "x-request-id").as_deref(), Some("trace-42.a_b:c"));
    // An id unfit for a log line is replaced, and errors carry one too.
    let unfit = app.get("/nowhere", None).header("x-request-id", "two words");
    let replaced = header_of(&app.send(unfit).await, "x-request-id").unwrap();
    assert!(Uuid::parse_str(&replaced).is_ok(), "{replaced}");
}

#[actix_web::test]
async fn an_unknown_path_is_a_404_problem() {
    let Some(app) = TestApp::spawn().await else { return };
    for path in ["/api/v1/nowhere", "/api/v1/admin/users/1/2", "/favicon.ico"] {
        let problem = expect_problem(app.send(app.get(path, None)).await, 404, "not_found").await;
        assert!(problem["detail"].as_str().is_some_and(|d| d.contains(path)), "{problem}");
    }
}

#[actix_web::test]
async fn an_unknown_method_on_a_known_path_is_405_with_allow() {
    let Some(app) = TestApp::spawn().await else { return };
    let response = app.send(app.client.delete(app.url("/api/v1/auth/me"))).await;
    assert_eq!(header_of(&response, "allow").as_deref(), Some("GET, PATCH"));
    expect_problem(response, 405, "method_not_allowed").await;

    let response = app.send(app.client.get(app.url("/api/v1/auth/login"))).await;
    assert_eq!(header_of(&response, "allow").as_deref(), Some("POST"));
    expect_problem(response, 405, "method_not_allowed").await;
}

#[actix_web::test]
async fn health_probes_report_every_store() {
    let Some(app) = TestApp::spawn().await else { return };
    let live = expect_json(app.send(app.get("/health/live", None)).await, 200).await;
    assert_eq!(live["status"], "ok");

    let ready = expect_json(app.send(app.get("/health/ready", None)).await, 200).await;
    assert_eq!(ready["status"], "ok");
    let stores = ready["stores"].as_object().expect("a report per store");
    let names: Vec<&str> = stores.keys().map(String::as_str).collect();
    assert_eq!(names, ["analytics", "identity", "track1", "track2", "track3"]);
    assert!(stores.values().all(|v| v == "ok"), "{ready}");
}

#[actix_web::test]
async fn metrics_count_requests_by_route_pattern_and_status() {
    let Some(app) = TestApp::spawn().await else { return };
    app.send(app.get("/health/live", None)).await;
    app.send(app.get(&format!("/api/v1/admin/users/{}", Uuid::new_v4()), None)).await;

    let response = app.send(app.get("/metrics", None)).await;
    assert_eq!(response.status(), 200);
    assert!(header_of(&response, "content-type").is_some_and(|t| t.starts_with("text/plain")));
    let text = response.text().await.unwrap();
    let counted = |route: &str, status: &str| {
        text.lines().any(|l| {
            l.starts_with("carechat_http_requests_total{")
                && l.contains(&format!(r#"route="{route}""#))
                && l.contains(&format!(r#"status="{status}""#))
        })
    };
    assert!(counted("/health/live", "200"), "{text}");
    assert!(counted("/api/v1/admin/users/{userId}", "401"), "the pattern, not the raw path: {text}");
    assert!(text.contains("carechat_http_request_duration_seconds_bucket"), "{text}");
}

#[actix_web::test]
async fn the_docs_are_served() {
    let Some(app) = TestApp::spawn().await else { return };
    let redirect = app.send(app.get("/docs", None)).await;
    assert!(redirect.status().is_redirection(), "{}", redirect.status());
    assert_eq!(header_of(&redirect, "location").as_deref(), Some("/docs/"));

    let page = app.send(app.get("/docs/", None)).await;
    assert_eq!(page.status(), 200);
    assert!(header_of(&page, "content-type").is_some_and(|t| t.starts_with("text/html")));
    assert!(page.text().await.unwrap().to_lowercase().contains("swagger"));
}

#[actix_web::test]
async fn the_openapi_document_lists_exactly_the_enabled_tracks() {
    let Some(app) = TestApp::spawn().await else { return };
    let doc: Value = expect_json(app.send(app.get("/api-docs/openapi.json", None)).await, 200).await;
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")), "{}", doc["openapi"]);
    let paths = doc["paths"].as_object().expect("paths");
    for always in ["/api/v1/auth/register", "/api/v1/auth/me", "/api/v1/admin/users/{userId}", "/health/ready"] {
        assert!(paths.contains_key(always), "{always} missing");
    }
    let gated = [
        ("/api/v1/feedback/session-types", cfg!(feature = "track1")),
        ("/api/v1/chat/conversation-types", cfg!(feature = "track2")),
        ("/api/v1/blood/compatibility/{component}", cfg!(feature = "track3")),
    ];
    for (path, enabled) in gated {
        assert_eq!(paths.contains_key(path), enabled, "{path} documented only with its track");
        // A disabled track is not routed either.
        if !enabled {
            expect_problem(app.send(app.get(path, None)).await, 404, "not_found").await;
        }
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[actix_web::test]
async fn cors_admits_only_the_configured_origins() {
    let origin = "https://portal.clinic.example";
    let Some(app) = TestApp::spawn_with(&[("CARECHAT_CORS__ALLOWED_ORIGINS", origin)]).await else { return };
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/auth/me"))
        .header("origin", origin)
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization");
    let response = app.send(preflight).await;
    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(header_of(&response, "access-control-allow-origin").as_deref(), Some(origin));

    let simple = app.get("/health/live", None).header("origin", origin);
    let response = app.send(simple).await;
    assert_eq!(header_of(&response, "access-control-allow-origin").as_deref(), Some(origin));
    let exposed = header_of(&response, "access-control-expose-headers").unwrap_or_default().to_lowercase();
    assert!(exposed.contains("x-request-id") && exposed.contains("retry-after"), "{exposed}");

    let foreign = app.get("/health/live", None).header("origin", "https://evil.example");
    assert_eq!(header_of(&app.send(foreign).await, "access-control-allow-origin"), None);
}
