//! Operations as edges: 3.x `send` produces and `receive` consumes (2.x operations are
//! read with their channels), each edge given to the application it names.

use serde_json::Value;

use super::{FoundOperation, Reader};
use crate::catalog::CatalogError;
use crate::catalog::model::{EdgeTarget, EntityName, VersionRange};
use crate::catalog::snapshot::Role;
use crate::schema::pointer::child;

impl<'a> Reader<'a> {
    pub(super) fn read_operations_v3(&self) -> Result<Vec<FoundOperation<'a>>, CatalogError> {
        let mut found = Vec::new();
        let operations = match self.doc.get("operations") {
            None => return Ok(found),
            Some(Value::Object(map)) => map,
            Some(_) => return Err(self.error("/operations", "expected an object")),
        };
        for (key, value) in operations {
            let (operation, at) = self.object(value, &child("/operations", key))?;
            let role = match self.text(operation, &at, "action")?.as_deref() {
                Some("send") => Role::Produces,
                Some("receive") => Role::Consumes,
                other => {
                    return Err(self.error(
                        &child(&at, "action"),
                        format!("operation {key}: action must be send or receive, not {other:?}"),
                    ));
                }
            };
            let channel_at = child(&at, "channel");
            let reference = operation
                .get("channel")
                .and_then(|c| c.get("$ref"))
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    self.error(
                        &channel_at,
                        format!("operation {key}: channel must be a $ref"),
                    )
                })?;
            let target = self.ref_pointer(reference, &channel_at)?;
            let channel = self
                .channels
                .iter()
                .position(|c| c.pointer == target)
                .ok_or_else(|| {
                    self.error(
                        &channel_at,
                        format!("operation {key}: channel {reference:?} does not exist"),
                    )
                })?;
            let listed = match operation.get("messages") {
                None => None,
                Some(Value::Array(items)) => {
                    let messages_at = child(&at, "messages");
                    let mut listed = Vec::new();
                    for (index, item) in items.iter().enumerate() {
                        let item_at = child(&messages_at, &index.to_string());
                        let unknown = |reference: &str| {
                            self.error(
                                &item_at,
                                format!("operation {key}: message {reference:?} does not exist"),
                            )
                        };
                        let reference = item.get("$ref").and_then(Value::as_str).unwrap_or("");
                        let (_, message_at) =
                            self.deref(item, &item_at).map_err(|_| unknown(reference))?;
                        let message = self
                            .messages
                            .iter()
                            .position(|m| m.pointer == message_at)
                            .ok_or_else(|| unknown(reference))?;
                        listed.push(message);
                    }
                    Some(listed)
                }
                Some(_) => return Err(self.error(&child(&at, "messages"), "expected a list")),
            };
            found.push(FoundOperation {
                pointer: at,
                value: operation,
                role,
                channel,
                listed,
            });
        }
        Ok(found)
    }

    pub(super) fn operation_application(
        &self,
        operation: &FoundOperation<'_>,
    ) -> Result<EntityName, CatalogError> {
        match self.name(operation.value, &operation.pointer, "x-herald-application")? {
            Some(name) => Ok(name),
            None => self.info_application.clone().ok_or_else(|| {
                self.error(
                    &operation.pointer,
                    "names no application (x-herald-application) and info describes none",
                )
            }),
        }
    }

    /// The edges an operation stands for: the one it carries (`x-herald-edge`), else its
    /// channel's topic with the events it lists (all of them: the topic alone).
    pub(super) fn edge_targets(
        &self,
        operation: &FoundOperation<'_>,
    ) -> Result<Vec<EdgeTarget>, CatalogError> {
        let (value, at) = (operation.value, operation.pointer.as_str());
        if let Some(edge) = self.field::<EdgeTarget>(value, at, "x-herald-edge")? {
            return Ok(vec![edge]);
        }
        let versions: VersionRange = self
            .field(value, at, "x-herald-versions")?
            .unwrap_or_default();
        let Some(channel) = self.channels.get(operation.channel) else {
            return Ok(Vec::new());
        };
        let topic = channel.topic.clone();
        let everything = match &operation.listed {
            None => true,
            Some(listed) => {
                channel.messages.len() > 1 && channel.messages.iter().all(|m| listed.contains(m))
            }
        };
        let events: Vec<EntityName> = operation
            .listed
            .iter()
            .flatten()
            .filter_map(|m| self.messages.get(*m).and_then(|m| m.event.clone()))
            .collect();
        if everything || events.is_empty() {
            return Ok(topic
                .map(|topic| EdgeTarget {
                    topic: Some(topic),
                    event: None,
                    versions,
                })
                .into_iter()
                .collect());
        }
        Ok(events
            .into_iter()
            .map(|event| EdgeTarget {
                topic: topic.clone(),
                event: Some(event),
                versions,
            })
            .collect())
    }
}
