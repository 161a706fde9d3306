//! HTTP: the Confluent wire API, Herald's validation, catalog and audit APIs and its OpenAPI
//! document.

pub mod audit;
pub mod catalog;
pub mod confluent;
pub mod door;
pub mod error;
pub mod extract;
pub mod health;
pub mod negotiate;
pub mod openapi;
pub mod paths;
pub mod usage;
pub mod validate;
