//! Authentication and authorisation every module uses: the [`AuthUser`] extractor (a handler
//! that takes it requires a valid bearer token), role guards, and object-level checks that
//! audit staff access to another user's records.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpMessage, HttpRequest};
use uuid::Uuid;

use super::{
    domain::{AuditEvent, Role, UserId},
    error::IdentityError,
    jwt::TokenRejection,
    store::AuditStore,
    Identity,
};
use crate::{
    gateway::{error::ApiError, request_id::RequestId},
    storage,
};

/// The authenticated caller, from a verified access token.
#[derive(Debug, Clone)]
pub struct AuthUser {
    /// The caller's id.
    pub id: UserId,
    /// The caller's role.
    pub role: Role,
    /// Id of the request, for the audit trail.
    pub request_id: Option<String>,
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req).map_err(ApiError::from))
    }
}

fn authenticate(req: &HttpRequest) -> Result<AuthUser, IdentityError> {
    let identity = req
        .app_data::<web::Data<Identity>>()
        .ok_or_else(|| IdentityError::Internal("identity is not configured".into()))?;
    let value = req.headers().get(header::AUTHORIZATION).ok_or(IdentityError::Unauthenticated)?;
    let value = value.to_str().map_err(|_| IdentityError::InvalidToken)?;
    let (scheme, token) = value.split_once(' ').ok_or(IdentityError::InvalidToken)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(IdentityError::Unauthenticated);
    }
    let claims = identity.keys.verify(token.trim()).map_err(|rejection| match rejection {
        TokenRejection::Expired => IdentityError::TokenExpired,
        TokenRejection::Invalid => IdentityError::InvalidToken,
    })?;
    let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone());
    Ok(AuthUser { id: UserId(claims.sub), role: claims.role, request_id })
}

/// How the caller reaches a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The record is the caller's own.
    Own,
    /// A staff-side role reaching another user's record; audited.
    Staff,
}

impl AuthUser {
    /// Passes when the caller has one of `roles`.
    pub fn require_role(&self, roles: &[Role]) -> Result<(), IdentityError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(IdentityError::Forbidden("your role does not allow this action"))
        }
    }

    /// Passes for `staff`, `lab` and `admin`.
    pub fn require_staff(&self) -> Result<(), IdentityError> {
        self.require_role(&[Role::Staff, Role::Lab, Role::Admin])
    }

    /// Passes for `admin` only.
    pub fn require_admin(&self) -> Result<(), IdentityError> {
        self.require_role(&[Role::Admin])
    }

    /// Object-level check: the caller owns the record or has a staff-side role.
    pub fn access_to(&self, owner: UserId) -> Result<Access, IdentityError> {
        if owner == self.id {
            Ok(Access::Own)
        } else if self.role.is_staff() {
            Ok(Access::Staff)
        } else {
            Err(IdentityError::Forbidden("you can only reach your own records"))
        }
    }

    /// [`AuthUser::access_to`], recording an audit event when staff reach another user's data.
    pub async fn authorize_record(
        &self,
        owner: UserId,
        audit: &dyn AuditStore,
        action: &str,
        resource: &str,
    ) -> Result<Access, IdentityError> {
        let access = self.access_to(owner)?;
        if access == Access::Staff {
            self.audit(audit, action, Some(owner), resource).await?;
        }
        Ok(access)
    }

    /// Appends an event to the audit trail.
    pub async fn audit(
        &self,
        audit: &dyn AuditStore,
        action: &str,
        subject: Option<UserId>,
        resource: &str,
    ) -> Result<(), IdentityError> {
        let event = AuditEvent {
            event_id: Uuid::now_v7(),
            actor_id: self.id.0,
            actor_role: self.role,
            action: action.to_owned(),
            subject_user_id: subject.map(|s| s.0),
            resource: resource.to_owned(),
            occurred_at: storage::now(),
            request_id: self.request_id.clone(),
        };
        Ok(audit.record(&event).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role) -> AuthUser {
        AuthUser { id: UserId::generate(), role, request_id: None }
    }

    #[test]
    fn patients_reach_only_their_own_records() {
        let patient = caller(Role::Patient);
        assert_eq!(patient.access_to(patient.id).unwrap(), Access::Own);
        assert!(patient.access_to(UserId::generate()).is_err());
        assert!(caller(Role::User).access_to(UserId::generate()).is_err());
    }

    #[test]
    fn staff_reach_others_records_as_staff() {
        for role in [Role::Staff, Role::Lab, Role::Admin] {
            assert_eq!(caller(role).access_to(UserId::generate()).unwrap(), Access::Staff);
        }
    }

    #[test]
    fn role_guards() {
        assert!(caller(Role::Admin).require_admin().is_ok());
        assert!(caller(Role::Staff).require_admin().is_err());
        assert!(caller(Role::Lab).require_staff().is_ok());
        assert!(caller(Role::Patient).require_staff().is_err());
    }
}
