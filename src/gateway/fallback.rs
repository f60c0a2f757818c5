//! What answers when no route matched: 405 with `Allow` when the path exists under other
//! methods, 404 otherwise. The table of known paths is read from the OpenAPI document, the
//! same source integrators read, so it cannot drift from the routes. As in OpenAPI, a path
//! matching several templates belongs to the most concrete ones (`/reminders/inbox` before
//! `/reminders/{id}`).

use actix_web::{
    http::{header, Method, StatusCode},
    web, HttpRequest, HttpResponse,
};
use utoipa::openapi::{path::HttpMethod, OpenApi};

use super::error::ApiError;

/// Known path templates and the methods each accepts.
#[derive(Debug, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<Segment>, Vec<Method>)>,
}

#[derive(Debug, PartialEq)]
enum Segment {
    Literal(String),
    Param,
}

impl RouteTable {
    /// Reads every path and method of the document, plus extra `GET` paths it does not list.
    pub fn from_openapi(doc: &OpenApi, extra_get_paths: &[&str]) -> Self {
        let mut routes = Vec::new();
        for (path, item) in &doc.paths.paths {
            let mut methods = Vec::new();
            let operations = [
                (HttpMethod::Get, &item.get),
                (HttpMethod::Put, &item.put),
                (HttpMethod::Post, &item.post),
                (HttpMethod::Delete, &item.delete),
                (HttpMethod::Patch, &item.patch),
                (HttpMethod::Head, &item.head),
                (HttpMethod::Options, &item.options),
                (HttpMethod::Trace, &item.trace),
            ];
            for (method, operation) in operations {
                if operation.is_some() {
                    methods.push(to_method(method));
                }
            }
            routes.push((parse(path), methods));
        }
        routes.extend(extra_get_paths.iter().map(|p| (parse(p), vec![Method::GET])));
        Self { routes }
    }

    /// Methods accepted on `path` by its most concrete templates (those with the most literal
    /// segments), or `None` when no route has that path.
    pub fn allowed(&self, path: &str) -> Option<Vec<Method>> {
        let wanted: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        let matching: Vec<_> = self.routes.iter().filter(|(segments, _)| matches(segments, &wanted)).collect();
        let most_concrete = matching.iter().map(|(segments, _)| literals(segments)).max()?;
        let mut allowed: Vec<Method> = Vec::new();
        for (_, methods) in matching.into_iter().filter(|(segments, _)| literals(segments) == most_concrete) {
            allowed.extend(methods.iter().filter(|m| !allowed.contains(m)).cloned().collect::<Vec<_>>());
        }
        Some(allowed)
    }
}

fn literals(template: &[Segment]) -> usize {
    template.iter().filter(|s| matches!(s, Segment::Literal(_))).count()
}

/// 405 for `method` on `path`, whose resource accepts `allowed`.
pub fn method_not_allowed(method: &Method, path: &str, allowed: &[Method]) -> ApiError {
    let allow = allowed.iter().map(Method::as_str).collect::<Vec<_>>().join(", ");
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{method} is not allowed on {path}; allowed: {allow}"),
    )
    .with_header(header::ALLOW, allow)
}

fn parse(path: &str) -> Vec<Segment> {
    path.trim_end_matches('/')
        .split('/')
        .map(|s| if s.starts_with('{') { Segment::Param } else { Segment::Literal(s.to_owned()) })
        .collect()
}

fn matches(template: &[Segment], path: &[&str]) -> bool {
    template.len() == path.len()
        && template.iter().zip(path).all(|(t, p)| match t {
            Segment::Param => !p.is_empty(),
            Segment::Literal(l) => l == p,
        })
}

fn to_method(method: HttpMethod) -> Method {
    match method {
        HttpMethod::Get => Method::GET,
        HttpMethod::Post => Method::POST,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Delete => Method::DELETE,
        HttpMethod::Options => Method::OPTIONS,
        HttpMethod::Head => Method::HEAD,
        HttpMethod::Patch => Method::PATCH,
        HttpMethod::Trace => Method::TRACE,
    }
}

/// The application's default service.
pub async fn not_matched(req: HttpRequest, table: web::Data<RouteTable>) -> Result<HttpResponse, ApiError> {
    Err(match table.allowed(req.path()) {
        Some(methods) => method_not_allowed(req.method(), req.path(), &methods),
        None => ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no resource at {}", req.path())),
    })
}

#[cfg(test)]
mod tests {
    use utoipa::openapi::{
        path::{OperationBuilder, PathItemBuilder},
        OpenApiBuilder, PathsBuilder,
    };

    use super::*;

    fn table() -> RouteTable {
        let paths = PathsBuilder::new()
            .path(
                "/api/v1/auth/me",
                PathItemBuilder::new()
                    .operation(HttpMethod::Get, OperationBuilder::new().build())
                    .operation(HttpMethod::Patch, OperationBuilder::new().build())
                    .build(),
            )
            .path(
                "/api/v1/admin/users/{userId}",
                PathItemBuilder::new()
                    .operation(HttpMethod::Get, OperationBuilder::new().build())
                    .operation(HttpMethod::Patch, OperationBuilder::new().build())
                    .build(),
            )
            .path(
                "/api/v1/admin/users/search",
                PathItemBuilder::new().operation(HttpMethod::Get, OperationBuilder::new().build()).build(),
            )
            .path(
                "/api/v1/admin/users/{userId}/{action}",
                PathItemBuilder::new().operation(HttpMethod::Post, OperationBuilder::new().build()).build(),
            )
            .path(
                "/api/v1/admin/users/{userId}/audit",
                PathItemBuilder::new().operation(HttpMethod::Get, OperationBuilder::new().build()).build(),
            )
            .build();
        RouteTable::from_openapi(&OpenApiBuilder::new().paths(paths).build(), &["/api-docs/openapi.json"])
    }

    #[test]
    fn known_paths_list_their_methods() {
        let table = table();
        assert_eq!(table.allowed("/api/v1/auth/me"), Some(vec![Method::GET, Method::PATCH]));
        assert_eq!(table.allowed("/api/v1/admin/users/0193-anything"), Some(vec![Method::GET, Method::PATCH]));
        assert_eq!(table.allowed("/api-docs/openapi.json"), Some(vec![Method::GET]));
    }

    #[test]
    fn concrete_paths_win_over_templated_ones() {
        let table = table();
        assert_eq!(table.allowed("/api/v1/admin/users/search"), Some(vec![Method::GET]), "not PATCH of {{userId}}");
        assert_eq!(table.allowed("/api/v1/admin/users/0193/audit"), Some(vec![Method::GET]), "not POST of {{action}}");
        assert_eq!(table.allowed("/api/v1/admin/users/0193/disable"), Some(vec![Method::POST]));
    }

    #[test]
    fn unknown_paths_are_not_found() {
        let table = table();
        assert_eq!(table.allowed("/api/v1/auth/you"), None);
        assert_eq!(table.allowed("/api/v1/admin/users/"), None);
        assert_eq!(table.allowed("/api/v1/admin/users/x/y/z"), None);
    }
}
