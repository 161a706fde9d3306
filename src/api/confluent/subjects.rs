//! `/subjects...`: subjects, their versions, registration, lookup and deletes.

use axum::extract::{Extension, Path, State};
use axum::response::Response;

use super::ConfluentState;
use super::Observed;
use super::cache::{CachedVersion, VersionKey};
use super::respond::{self, paginate};
use super::wire::{SchemaBody, SchemaObject};
use crate::access::Viewer;
use crate::api::error::ApiError;
use crate::api::extract::Actor;
use crate::api::extract::{Params, WireJson};
use crate::model::{Subject, VersionSpec};
use crate::registry::{DeletedFilter, RegisterOptions, SchemaVersion};
use crate::usage::Access;

/// Lists other than `/schemas` are unbounded unless a limit is asked for.
const UNBOUNDED: usize = usize::MAX;

fn deleted_filter(params: &Params) -> DeletedFilter {
    DeletedFilter {
        deleted: params.flag("deleted"),
        deleted_only: params.flag("deletedOnly"),
    }
}

pub async fn list(
    State(state): State<ConfluentState>,
    Extension(viewer): Extension<Viewer>,
    params: Params,
) -> Result<Response, ApiError> {
    let prefix = params.get("subjectPrefix").unwrap_or("");
    let mut subjects = state
        .registry
        .subjects(prefix, deleted_filter(&params))
        .await?;
    subjects.retain(|s| viewer.may_read(s.as_str()));
    let page = paginate(
        subjects,
        params.int("offset"),
        params.int("limit"),
        UNBOUNDED,
        UNBOUNDED,
    );
    respond::json(&page)
}

pub async fn lookup(
    State(state): State<ConfluentState>,
    Path(subject): Path<String>,
    params: Params,
    WireJson(body): WireJson<SchemaBody>,
) -> Result<Response, ApiError> {
    let found = state
        .registry
        .lookup(
            &Subject::new(subject),
            body.into_request()?,
            params.flag("normalize"),
            params.flag("deleted"),
        )
        .await?;
    let observed = observed_version(Access::Lookup, &found);
    Ok(respond::observed(
        respond::json(&SchemaObject::of(&found))?,
        observed,
    ))
}

pub async fn delete(
    State(state): State<ConfluentState>,
    Actor(actor): Actor,
    Extension(viewer): Extension<Viewer>,
    Path(subject): Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    if params.flag("permanent") {
        guard_event_subject(&state, &viewer, &actor, &subject, params.flag("force")).await?;
    }
    let deleted = state
        .registry
        .delete_subject(&Subject::new(subject), params.flag("permanent"), &actor)
        .await?;
    respond::json(&deleted)
}

/// A hard delete of a catalog event's subject that is still read is refused unless an
/// admin forces it (`force=true`); subjects no event names are Confluent's plain delete.
async fn guard_event_subject(
    state: &ConfluentState,
    viewer: &Viewer,
    actor: &str,
    subject: &str,
    force: bool,
) -> Result<(), ApiError> {
    let snapshot = state.catalog.snapshot().await.map_err(|e| {
        ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, 50001, {
            tracing::error!(error = %e, "catalog read failed");
            "Error in the backend data store"
        })
    })?;
    if snapshot.subject_usage(subject).events.is_empty() {
        return Ok(());
    }
    crate::api::usage::guard_retirement(
        &state.usage,
        viewer,
        actor,
        force,
        &format!("subject {subject}"),
        &[subject.to_owned()],
    )
    .await
}

pub async fn list_versions(
    State(state): State<ConfluentState>,
    Path(subject): Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let rows = state
        .registry
        .versions(&Subject::new(subject), deleted_filter(&params))
        .await?;
    let negative = params.flag("deletedAsNegative");
    let versions: Vec<i32> = rows
        .iter()
        .map(|v| {
            if negative && v.deleted {
                -v.version
            } else {
                v.version
            }
        })
        .collect();
    let page = paginate(
        versions,
        params.int("offset"),
        params.int("limit"),
        UNBOUNDED,
        UNBOUNDED,
    );
    respond::json(&page)
}

pub async fn register(
    State(state): State<ConfluentState>,
    Actor(actor): Actor,
    Path(subject): Path<String>,
    params: Params,
    WireJson(body): WireJson<SchemaBody>,
) -> Result<Response, ApiError> {
    let subject = Subject::new(subject);
    let options = RegisterOptions {
        normalize: params.flag("normalize"),
        force: params.flag("force"),
    };
    // Answer with the full schema object (as CP8 does); CP7 clients read only `id`.
    let version = state
        .registry
        .register(&subject, body.into_request()?, options, &actor)
        .await?;
    let observed = observed_version(Access::Register, &version);
    Ok(respond::observed(
        respond::json(&SchemaObject::of(&version))?,
        observed,
    ))
}

pub async fn get_version(
    State(state): State<ConfluentState>,
    Path((subject, version)): Path<(String, String)>,
    params: Params,
) -> Result<Response, ApiError> {
    let spec = VersionSpec::parse(&version).map_err(crate::registry::RegistryError::from)?;
    let access = match spec {
        VersionSpec::Latest => Access::Latest,
        VersionSpec::Number(_) => Access::Version,
    };
    let include_deleted = params.flag("deleted");
    let key = VersionKey {
        subject,
        version: match spec {
            VersionSpec::Latest => None,
            VersionSpec::Number(n) => Some(n),
        },
        include_deleted,
    };
    // `format` variants (Protobuf `serialized`, Avro `resolved`) are rarer: not cached.
    let format = params.get("format").filter(|f| !f.is_empty());
    let generation = state.registry.generation();
    if format.is_none()
        && let Some(cached) = state.cache.version(&key, generation)
    {
        // The key's subject moves into what is observed: nothing copied on a warm read.
        let observed = Observed {
            access,
            schema_id: cached.schema_id,
            subject: key.subject,
            version: cached.version,
        };
        return Ok(respond::observed(respond::body(cached.body), observed));
    }
    let mut found = state
        .registry
        .version(&Subject::new(key.subject.clone()), spec, include_deleted)
        .await?;
    let observed = observed_version(access, &found);
    if let Some(format) = format {
        if let Some(text) = state.registry.formatted_text(&found.schema, format).await? {
            found.schema.canonical_text = text;
        }
        return Ok(respond::observed(
            respond::json(&SchemaObject::of(&found))?,
            observed,
        ));
    }
    let body = respond::to_bytes(&SchemaObject::of(&found))?;
    let cached = CachedVersion {
        body: body.clone(),
        schema_id: found.schema.id,
        version: found.version,
    };
    state.cache.store_version(key, generation, cached);
    Ok(respond::observed(respond::body(body), observed))
}

/// What a handler served from a subject version.
fn observed_version(access: Access, found: &SchemaVersion) -> Observed {
    Observed::in_subject(access, found.schema.id, &found.subject, found.version)
}

pub async fn get_version_schema(
    State(state): State<ConfluentState>,
    Path((subject, version)): Path<(String, String)>,
    params: Params,
) -> Result<Response, ApiError> {
    let spec = VersionSpec::parse(&version).map_err(crate::registry::RegistryError::from)?;
    let found = state
        .registry
        .version(&Subject::new(subject), spec, params.flag("deleted"))
        .await?;
    let access = match spec {
        VersionSpec::Latest => Access::Latest,
        VersionSpec::Number(_) => Access::Version,
    };
    let observed = observed_version(access, &found);
    Ok(respond::observed(
        respond::body(bytes::Bytes::from(found.schema.canonical_text)),
        observed,
    ))
}

pub async fn referenced_by(
    State(state): State<ConfluentState>,
    Extension(viewer): Extension<Viewer>,
    Path((subject, version)): Path<(String, String)>,
    params: Params,
) -> Result<Response, ApiError> {
    let spec = VersionSpec::parse(&version).map_err(crate::registry::RegistryError::from)?;
    let mut ids = state
        .registry
        .referenced_by(&Subject::new(subject), spec, params.flag("deleted"))
        .await?;
    if !viewer.holds_everywhere(crate::access::Role::Read) {
        // Only the referrers the caller may read: an id of a hidden subject stays unnamed.
        let mut readable = Vec::with_capacity(ids.len());
        for id in ids {
            let users = state.registry.versions_of_schema(id, None, true).await?;
            if users.iter().any(|v| viewer.may_read(&v.subject)) {
                readable.push(id);
            }
        }
        ids = readable;
    }
    respond::json(&ids)
}

pub async fn delete_version(
    State(state): State<ConfluentState>,
    Actor(actor): Actor,
    Path((subject, version)): Path<(String, String)>,
    params: Params,
) -> Result<Response, ApiError> {
    let spec = VersionSpec::parse(&version).map_err(crate::registry::RegistryError::from)?;
    let deleted = state
        .registry
        .delete_version(
            &Subject::new(subject),
            spec,
            params.flag("permanent"),
            &actor,
        )
        .await?;
    respond::json(&deleted)
}

pub async fn by_metadata(
    State(state): State<ConfluentState>,
    Path(subject): Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let keys = params.all("key");
    let values = params.all("value");
    let pairs: Vec<(String, String)> = keys
        .into_iter()
        .zip(values)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let found = state
        .registry
        .latest_with_metadata(&Subject::new(subject), &pairs, params.flag("deleted"))
        .await?;
    respond::json(&SchemaObject::of(&found))
}
