//! Configuration (compatibility level, normalize, ...) and modes, global and per subject.

use super::{Registry, RegistryError};
use crate::model::{Config, GLOBAL_SCOPE, Mode, Subject};
use crate::schema::compat::CompatibilityLevel;

/// The scope a setting applies to.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    Global,
    Subject(&'a Subject),
}

impl Scope<'_> {
    fn key(&self) -> &str {
        match self {
            Scope::Global => GLOBAL_SCOPE,
            Scope::Subject(subject) => subject.as_str(),
        }
    }
}

/// Confluent's `validateFields`, off unless set: with it on, Protobuf imports must be
/// exact (see [`ParseOptions`](crate::schema::ParseOptions)).
pub(super) fn validate_fields(config: &Config) -> bool {
    config
        .extra
        .get("validateFields")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false)
}

impl Registry {
    pub(super) async fn stored_config(&self, scope: &str) -> Result<Option<Config>, RegistryError> {
        let Some(value) = self.store().config(scope).await? else {
            return Ok(None);
        };
        let object = value.as_object().cloned().unwrap_or_default();
        Config::from_json(&object, "compatibilityLevel")
            .map(Some)
            .map_err(|_| {
                RegistryError::Store(crate::storage::StoreError::Corrupt(format!(
                    "config of {scope}"
                )))
            })
    }

    pub(super) async fn stored_mode(&self, scope: &str) -> Result<Option<Mode>, RegistryError> {
        match self.store().mode(scope).await? {
            None => Ok(None),
            Some(text) => Mode::parse(&text).map(Some).map_err(|_| {
                RegistryError::Store(crate::storage::StoreError::Corrupt(format!(
                    "mode of {scope}"
                )))
            }),
        }
    }

    /// `GET /config`: never missing; BACKWARD by default.
    pub async fn global_config(&self) -> Result<Config, RegistryError> {
        let mut config = self.stored_config(GLOBAL_SCOPE).await?.unwrap_or_default();
        config
            .compatibility
            .get_or_insert(CompatibilityLevel::Backward);
        Ok(config)
    }

    /// `GET /config/{s}`: 40408 without a subject-level config unless `default_to_global`.
    pub async fn subject_config(
        &self,
        subject: &Subject,
        default_to_global: bool,
    ) -> Result<Config, RegistryError> {
        let own = self.stored_config(subject.as_str()).await?;
        match (own, default_to_global) {
            (Some(own), false) => Ok(own),
            (own, true) => {
                let global = self.global_config().await?;
                Ok(own.map_or(global.clone(), |own| own.or(&global)))
            }
            (None, false) => Err(RegistryError::SubjectConfigNotFound(subject.to_string())),
        }
    }

    /// `PUT /config[/{s}]`: fields given replace the stored ones; returns the stored config.
    pub async fn put_config(
        &self,
        scope: Scope<'_>,
        config: Config,
        actor: &str,
    ) -> Result<Config, RegistryError> {
        self.refuse_settings_change_if_read_only(scope).await?;
        let previous = self.stored_config(scope.key()).await?.unwrap_or_default();
        let merged = config.or(&previous);
        let stored = serde_json::Value::Object(merged.to_json("compatibilityLevel"));
        let committed = self.store().put_config(scope.key(), &stored, actor).await?;
        self.announce(committed);
        Ok(merged)
    }

    /// `DELETE /config[/{s}]`: returns the config that was in force.
    pub async fn delete_config(
        &self,
        scope: Scope<'_>,
        actor: &str,
    ) -> Result<Config, RegistryError> {
        self.refuse_settings_change_if_read_only(scope).await?;
        let previous = match scope {
            Scope::Global => self.global_config().await?,
            Scope::Subject(subject) => self
                .stored_config(subject.as_str())
                .await?
                .ok_or_else(|| RegistryError::SubjectNotFound(subject.to_string()))?,
        };
        let committed = self.store().delete_config(scope.key(), actor).await?;
        self.announce(committed);
        Ok(previous)
    }

    /// `GET /mode`.
    pub async fn global_mode(&self) -> Result<Mode, RegistryError> {
        Ok(self
            .stored_mode(GLOBAL_SCOPE)
            .await?
            .unwrap_or(Mode::ReadWrite))
    }

    /// `GET /mode/{s}`: 40409 without a subject-level mode unless `default_to_global`.
    pub async fn subject_mode(
        &self,
        subject: &Subject,
        default_to_global: bool,
    ) -> Result<Mode, RegistryError> {
        match self.stored_mode(subject.as_str()).await? {
            Some(mode) => Ok(mode),
            None if default_to_global => self.global_mode().await,
            None => Err(RegistryError::SubjectModeNotFound(subject.to_string())),
        }
    }

    /// `PUT /mode[/{s}]`. Entering IMPORT while live subjects exist needs `force`.
    pub async fn put_mode(
        &self,
        scope: Scope<'_>,
        mode: Mode,
        force: bool,
        actor: &str,
    ) -> Result<Mode, RegistryError> {
        if let (Scope::Subject(_), Mode::Forward) = (scope, mode) {
            return Err(RegistryError::InvalidMode);
        }
        if mode == Mode::Import && !force && self.has_live_subjects(scope).await? {
            return Err(RegistryError::OperationNotPermitted(
                "Cannot import since found existing subjects".into(),
            ));
        }
        let committed = self
            .store()
            .put_mode(scope.key(), mode.as_str(), actor)
            .await?;
        self.announce(committed);
        Ok(mode)
    }

    /// `DELETE /mode[/{s}]`: returns the mode that was in force.
    pub async fn delete_mode(&self, scope: Scope<'_>, actor: &str) -> Result<Mode, RegistryError> {
        let previous = match scope {
            Scope::Global => self.global_mode().await?,
            Scope::Subject(subject) => self
                .stored_mode(subject.as_str())
                .await?
                .ok_or_else(|| RegistryError::SubjectNotFound(subject.to_string()))?,
        };
        let committed = self.store().delete_mode(scope.key(), actor).await?;
        self.announce(committed);
        Ok(previous)
    }

    async fn has_live_subjects(&self, scope: Scope<'_>) -> Result<bool, RegistryError> {
        let subjects = self.store().subjects().await?;
        Ok(subjects.iter().any(|(name, live)| {
            *live
                && match scope {
                    Scope::Global => true,
                    Scope::Subject(subject) => name == subject.as_str(),
                }
        }))
    }

    /// READONLY refuses config changes too (changing the mode itself stays possible).
    async fn refuse_settings_change_if_read_only(
        &self,
        scope: Scope<'_>,
    ) -> Result<(), RegistryError> {
        let mode = match scope {
            Scope::Global => self.global_mode().await?,
            Scope::Subject(subject) => self.effective_mode(subject).await?,
        };
        if mode.is_read_only() {
            return Err(RegistryError::OperationNotPermitted(
                "The registry is in read-only mode".into(),
            ));
        }
        Ok(())
    }
}
