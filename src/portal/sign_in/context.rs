//! What every portal page's header needs to offer signing in or out, found once per
//! request before authorization (so a denial can send the reader to the sign-in page,
//! and the page chrome can render the sign-out form with its CSRF token).

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use crate::access::{Policy, session, unix_now};
use crate::portal::PortalState;

/// The request's sign-in situation.
#[derive(Debug, Clone, Default)]
pub struct SignInContext {
    /// Access control is on and the access file has a session key: the sign-in page works.
    pub available: bool,
    /// The CSRF token of the caller's session, when the caller signed in through the
    /// portal (callers proven by a header or certificate have nothing to sign out of).
    pub sign_out_csrf: Option<String>,
    /// The page asked for (path and query) when it was a GET, to come back to after
    /// signing in.
    pub here: Option<String>,
}

tokio::task_local! {
    static CONTEXT: SignInContext;
}

impl SignInContext {
    fn of(policy: &Policy, request: &Request) -> Self {
        let settings = policy.session().filter(|_| !policy.is_open());
        let sign_out_csrf = settings.and_then(|settings| {
            let value = super::cookies::read(request.headers(), session::COOKIE)?;
            let session = session::open(&settings.key, value, unix_now())?;
            session::csrf_token(&settings.key, &session)
        });
        let here = (request.method() == Method::GET)
            .then(|| {
                request
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str().to_owned())
            })
            .flatten();
        Self {
            available: settings.is_some(),
            sign_out_csrf,
            here,
        }
    }

    /// The context of the request being answered (the default outside one).
    pub fn current() -> Self {
        CONTEXT.try_with(Clone::clone).unwrap_or_default()
    }
}

/// The middleware: finds the context and answers the request inside it.
pub async fn middleware(
    State(state): State<PortalState>,
    request: Request,
    next: Next,
) -> Response {
    let context = SignInContext::of(&state.access.policy(), &request);
    CONTEXT.scope(context, next.run(request)).await
}
