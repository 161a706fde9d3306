//! The portal's error type, rendered as an HTML page: 404 for what does not exist, 400 for
//! bad query parameters, 403 for what may not be done, 500 for everything else (details go
//! to the log only).

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::layout::{Chrome, Section};
use super::sign_in::{SignInContext, sign_in_href};
use super::{Page, links};
use crate::registry::RegistryError;

#[derive(Debug)]
pub enum PortalError {
    /// The subject, version, schema or page does not exist (the message says which).
    NotFound(String),
    /// A query parameter is malformed (the message says how to fix it).
    BadRequest(String),
    /// The request may not be done: a denial, or a form that failed its CSRF or Origin
    /// check (the message says what to do).
    Forbidden(String),
    /// Anything else; already logged.
    Internal,
}

impl From<RegistryError> for PortalError {
    fn from(error: RegistryError) -> Self {
        match error {
            RegistryError::SubjectNotFound(_)
            | RegistryError::VersionNotFound(_)
            | RegistryError::SchemaNotFound
            | RegistryError::SchemaIdNotFound(_) => Self::NotFound(error.to_string()),
            RegistryError::InvalidVersion(_) => Self::BadRequest(error.to_string()),
            other => {
                tracing::error!(error = %other, "portal request failed");
                Self::Internal
            }
        }
    }
}

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorPage {
    chrome: Chrome,
    status: u16,
    heading: &'static str,
    message: String,
    subjects_href: String,
}

impl IntoResponse for PortalError {
    fn into_response(self) -> Response {
        let (status, heading, message) = match self {
            Self::NotFound(message) => (StatusCode::NOT_FOUND, "Not found", message),
            Self::BadRequest(message) => (StatusCode::BAD_REQUEST, "Bad request", message),
            Self::Forbidden(message) => (StatusCode::FORBIDDEN, "Not allowed", message),
            Self::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "The server could not build this page. The error has been logged; \
                 please try again later."
                    .to_string(),
            ),
        };
        let page = ErrorPage {
            chrome: Chrome::new(heading, Section::None),
            status: status.as_u16(),
            heading,
            message,
            subjects_href: links::subjects(),
        };
        Page(status, page).into_response()
    }
}

/// When even the error page cannot render: a fixed HTML 500.
pub fn last_resort() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!doctype html><html lang=\"en\"><title>Error - Herald</title>\
         <h1>Something went wrong</h1><p>The error has been logged.</p></html>",
    )
        .into_response()
}

/// A request the access policy turned away, as a page: a read of what the viewer may not
/// see is the same "not found" as a missing page; a caller without credentials is sent to
/// the sign-in page (coming back here afterwards), or, where the portal has no sign-in,
/// asked for a name and password by the browser's own prompt.
pub fn denied(denial: &crate::access::Denial, request: &axum::extract::Request) -> Response {
    use crate::access::Denial;
    match denial {
        Denial::Hidden(_) => {
            PortalError::NotFound("There is no page at this address.".into()).into_response()
        }
        Denial::Forbidden { .. } => PortalError::Forbidden(
            "Your account may not do this. Ask an administrator for access.".into(),
        )
        .into_response(),
        Denial::Unauthenticated if SignInContext::current().available => {
            let here = request.uri().path_and_query().map(|p| p.as_str());
            Redirect::to(&sign_in_href(here)).into_response()
        }
        Denial::Unauthenticated => {
            let page = ErrorPage {
                chrome: Chrome::new("Sign in", Section::None),
                status: 401,
                heading: "Sign in to see this page",
                message: "This Herald shows its schemas and catalog to signed-in users only."
                    .into(),
                subjects_href: links::subjects(),
            };
            let mut response = Page(StatusCode::UNAUTHORIZED, page).into_response();
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Basic realm=\"Herald\""),
            );
            response
        }
    }
}
