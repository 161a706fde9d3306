//! Panic catching: a bug in a handler still answers 500 in the Confluent shape and never
//! drops the connection (or the other requests on it).

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::http::{Request, Response, StatusCode};
use axum::response::IntoResponse;
use pin_project_lite::pin_project;
use tower::{Layer, Service};

use super::{DoorBody, routed};
use crate::api::error::ApiError;

#[derive(Debug, Clone, Copy, Default)]
pub struct CatchPanicLayer;

impl<S> Layer<S> for CatchPanicLayer {
    type Service = CatchPanic<S>;

    fn layer(&self, inner: S) -> Self::Service {
        CatchPanic { inner }
    }
}

#[derive(Debug, Clone)]
pub struct CatchPanic<S> {
    inner: S,
}

impl<S, B> Service<Request<B>> for CatchPanic<S>
where
    S: Service<Request<B>, Response = Response<DoorBody>>,
{
    type Response = Response<DoorBody>;
    type Error = S::Error;
    type Future = CatchPanicFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        match catch_unwind(AssertUnwindSafe(|| self.inner.call(request))) {
            Ok(future) => CatchPanicFuture::Running { future },
            Err(panic) => CatchPanicFuture::Panicked { panic: Some(panic) },
        }
    }
}

pin_project! {
    #[project = CatchPanicProjection]
    pub enum CatchPanicFuture<F> {
        Running { #[pin] future: F },
        Panicked { panic: Option<Box<dyn Any + Send>> },
    }
}

impl<F, E> Future for CatchPanicFuture<F>
where
    F: Future<Output = Result<Response<DoorBody>, E>>,
{
    type Output = Result<Response<DoorBody>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            CatchPanicProjection::Running { future } => {
                match catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
                    Ok(poll) => poll,
                    Err(panic) => Poll::Ready(Ok(panic_answer(panic))),
                }
            }
            CatchPanicProjection::Panicked { panic } => Poll::Ready(Ok(panic_answer(
                panic.take().unwrap_or_else(|| Box::new(())),
            ))),
        }
    }
}

/// The answer to a panic: the generic 500, with nothing of the panic in it (that goes to
/// the log).
fn panic_answer(panic: Box<dyn Any + Send>) -> Response<DoorBody> {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = %message, "request handler panicked");
    routed(
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            500,
            "Internal Server Error",
        )
        .into_response(),
    )
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;

    async fn answer_of(response: Response<DoorBody>) -> (StatusCode, String) {
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    #[tokio::test]
    async fn a_panic_while_answering_is_a_confluent_500() {
        let service = CatchPanicLayer.layer(tower::service_fn(|_: Request<()>| async {
            if true {
                panic!("secret detail");
            }
            Ok::<Response<DoorBody>, Infallible>(routed(().into_response()))
        }));
        let response = service.oneshot(Request::new(())).await;
        let Ok(response) = response;
        let (status, body) = answer_of(response).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(body.contains("\"error_code\":500"), "{body}");
        assert!(!body.contains("secret detail"), "{body}");
    }

    #[derive(Clone)]
    struct PanicsOnCall;

    impl Service<Request<()>> for PanicsOnCall {
        type Response = Response<DoorBody>;
        type Error = Infallible;
        type Future = std::future::Ready<Result<Self::Response, Infallible>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _: Request<()>) -> Self::Future {
            panic!("in call")
        }
    }

    #[tokio::test]
    async fn a_panic_before_the_future_is_caught_too() {
        let response = CatchPanicLayer
            .layer(PanicsOnCall)
            .oneshot(Request::new(()))
            .await;
        let Ok(response) = response;
        assert_eq!(
            answer_of(response).await.0,
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
