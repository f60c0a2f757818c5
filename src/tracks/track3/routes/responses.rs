//! The error responses many blood-bank operations share, documented once: every route answers
//! 403 to callers outside the staff roles, and a route on one donor, unit or request answers
//! 404 when there is none (and one on a unit issued for a request, 409 when it is not). A route
//! lists these next to the errors that are its own (409, 422):
//! `responses((status = 200, ..), DonorErrors, (status = 409, ..))`.

use std::collections::BTreeMap;

use utoipa::{
    openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder},
    IntoResponses,
};

const FORBIDDEN: (&str, &str) = ("403", "Not a staff role");

/// 403 for a caller outside the staff roles.
pub struct StaffOnly;

/// 403, and 404 `donor_not_found`.
pub struct DonorErrors;

/// 403, and 404 `unit_not_found`.
pub struct UnitErrors;

/// 403, and 404 `request_not_found`.
pub struct RequestErrors;

/// 403, 404 `request_not_found`, and 409 for a unit that is not out on issue for the request.
pub struct IssuedUnitErrors;

impl IntoResponses for StaffOnly {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        problems(&[FORBIDDEN])
    }
}

impl IntoResponses for DonorErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        problems(&[FORBIDDEN, ("404", "No such donor (`donor_not_found`)")])
    }
}

impl IntoResponses for UnitErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        problems(&[FORBIDDEN, ("404", "No such unit (`unit_not_found`)")])
    }
}

impl IntoResponses for RequestErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        problems(&[FORBIDDEN, ("404", "No such request (`request_not_found`)")])
    }
}

impl IntoResponses for IssuedUnitErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut responses = RequestErrors::responses();
        responses.extend(problems(&[(
            "409",
            "The unit is not issued for the request (`unit_not_allocated`) or changed meanwhile (`illegal_transition`)",
        )]));
        responses
    }
}

/// Problem documents (`application/problem+json`) by status, as a `body = Problem` row of
/// `responses(...)` describes them.
fn problems(rows: &[(&str, &str)]) -> BTreeMap<String, RefOr<Response>> {
    rows.iter()
        .map(|&(status, description)| {
            let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
            let response = ResponseBuilder::new().description(description).content("application/problem+json", content);
            (status.to_owned(), RefOr::T(response.build()))
        })
        .collect()
}
