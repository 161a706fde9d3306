//! Channels and messages: topics from channels (3.x `address`, else the key; 2.x the
//! key), the messages each lists (2.x: with the operations on the channel), events named
//! from messages, and the events read from them.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{FoundChannel, FoundMessage, FoundOperation, Reader, slug};
use crate::catalog::CatalogError;
use crate::catalog::model::{EntityName, Event, EventKind, Lifecycle, Topic};
use crate::catalog::snapshot::Role;
use crate::schema::pointer::{child, unescape};

impl<'a> Reader<'a> {
    /// The index of the message `value` (at `pointer`, after `$ref`s), added when new.
    fn message(
        &mut self,
        value: &'a Value,
        pointer: &str,
        key: Option<&str>,
    ) -> Result<usize, CatalogError> {
        let (map, at) = self.object(value, pointer)?;
        if let Some(index) = self.messages.iter().position(|m| m.pointer == at) {
            return Ok(index);
        }
        // A message in components.messages is known by its key there.
        let key = at
            .strip_prefix("/components/messages/")
            .filter(|k| !k.contains('/'))
            .map(unescape)
            .or_else(|| key.map(str::to_owned));
        self.messages.push(FoundMessage {
            pointer: at,
            value: map,
            key,
            event: None,
            topics: Vec::new(),
        });
        Ok(self.messages.len() - 1)
    }

    fn list_on_channel(&mut self, message: usize, channel: usize) {
        let Some(found) = self.channels.get_mut(channel) else {
            return;
        };
        if found.messages.contains(&message) {
            return;
        }
        found.messages.push(message);
        let topic = found.topic.clone();
        if let (Some(topic), Some(message)) = (topic, self.messages.get_mut(message))
            && !message.topics.contains(&topic)
        {
            message.topics.push(topic);
        }
    }

    fn topic(
        &self,
        channel: &'a Map<String, Value>,
        pointer: &str,
        name: EntityName,
    ) -> Result<Topic, CatalogError> {
        Ok(Topic {
            name,
            title: self.text(channel, pointer, "title")?,
            description: self.text(channel, pointer, "description")?,
            domain: self.name(channel, pointer, "x-herald-domain")?,
            owner: self.name(channel, pointer, "x-herald-owner")?,
            subject_strategy: self
                .field(channel, pointer, "x-herald-subject-strategy")?
                .unwrap_or_default(),
            key_subject: self.text(channel, pointer, "x-herald-key-subject")?,
            value_subject: self.text(channel, pointer, "x-herald-value-subject")?,
            tags: self.tags(channel, pointer)?,
            metadata: self
                .field(channel, pointer, "x-herald-metadata")?
                .unwrap_or_default(),
        })
    }

    fn add_topic(
        &self,
        topics: &mut Vec<Topic>,
        channel: &'a Map<String, Value>,
        at: &str,
        name: EntityName,
    ) -> Result<(), CatalogError> {
        if topics.iter().any(|t| t.name == name) {
            return Err(self.error(
                at,
                format!("topic {name}: a second channel has its address"),
            ));
        }
        topics.push(self.topic(channel, at, name)?);
        Ok(())
    }

    fn channels_map(&self) -> Result<Option<&'a Map<String, Value>>, CatalogError> {
        match self.doc.get("channels") {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(map)),
            Some(_) => Err(self.error("/channels", "expected an object")),
        }
    }

    pub(super) fn read_channels_v3(&mut self, topics: &mut Vec<Topic>) -> Result<(), CatalogError> {
        let Some(channels) = self.channels_map()? else {
            return Ok(());
        };
        for (key, value) in channels {
            let pointer = child("/channels", key);
            let (channel, at) = self.object(value, &pointer)?;
            let unbound = channel.get("x-herald-unbound") == Some(&Value::Bool(true));
            let topic = if unbound {
                None
            } else {
                let address_at = child(&at, "address");
                let address = match channel.get("address") {
                    Some(Value::String(address)) => address.clone(),
                    None => key.clone(),
                    Some(Value::Null) => {
                        return Err(self.error(
                            &address_at,
                            format!("channel {key}: an unknown (null) address names no topic"),
                        ));
                    }
                    Some(_) => return Err(self.error(&address_at, "expected a string")),
                };
                let name = EntityName::parse(&address)
                    .map_err(|e| self.error(&address_at, format!("channel {key}: topic {e}")))?;
                self.add_topic(topics, channel, &at, name.clone())?;
                Some(name)
            };
            self.channels.push(FoundChannel {
                pointer,
                topic,
                messages: Vec::new(),
            });
            let channel_index = self.channels.len() - 1;
            let messages_at = child(&at, "messages");
            match channel.get("messages") {
                None => {}
                Some(Value::Object(messages)) => {
                    for (message_key, message) in messages {
                        let message_at = child(&messages_at, message_key);
                        let index = self.message(message, &message_at, Some(message_key))?;
                        self.list_on_channel(index, channel_index);
                    }
                }
                Some(_) => return Err(self.error(&messages_at, "expected an object")),
            }
        }
        Ok(())
    }

    pub(super) fn read_channels_v2(
        &mut self,
        topics: &mut Vec<Topic>,
    ) -> Result<Vec<FoundOperation<'a>>, CatalogError> {
        let mut operations = Vec::new();
        let Some(channels) = self.channels_map()? else {
            return Ok(operations);
        };
        for (key, value) in channels {
            let pointer = child("/channels", key);
            let (channel, at) = self.object(value, &pointer)?;
            let name = EntityName::parse(key)
                .map_err(|e| self.error(&pointer, format!("channel {key}: topic {e}")))?;
            self.add_topic(topics, channel, &at, name.clone())?;
            self.channels.push(FoundChannel {
                pointer,
                topic: Some(name),
                messages: Vec::new(),
            });
            let channel_index = self.channels.len() - 1;
            // 2.x speaks for the clients: `subscribe` is what the application sends,
            // `publish` what it receives.
            for (verb, role) in [("subscribe", Role::Produces), ("publish", Role::Consumes)] {
                let Some(operation) = channel.get(verb) else {
                    continue;
                };
                let (operation, op_at) = self.object(operation, &child(&at, verb))?;
                let mut listed = Vec::new();
                if let Some(message) = operation.get("message") {
                    let message_at = child(&op_at, "message");
                    let (resolved, resolved_at) = self.deref(message, &message_at)?;
                    match resolved.get("oneOf") {
                        Some(Value::Array(options)) => {
                            let options_at = child(&resolved_at, "oneOf");
                            for (index, option) in options.iter().enumerate() {
                                let option_at = child(&options_at, &index.to_string());
                                listed.push(self.message(option, &option_at, None)?);
                            }
                        }
                        Some(_) => return Err(self.error(&resolved_at, "oneOf must be a list")),
                        None => listed.push(self.message(message, &message_at, None)?),
                    }
                }
                for index in &listed {
                    self.list_on_channel(*index, channel_index);
                }
                operations.push(FoundOperation {
                    pointer: op_at,
                    value: operation,
                    role,
                    channel: channel_index,
                    listed: (!listed.is_empty()).then_some(listed),
                });
            }
        }
        Ok(operations)
    }

    /// Messages of `components.messages` no channel lists are events too.
    pub(super) fn read_component_messages(&mut self) -> Result<(), CatalogError> {
        let Some(messages) = self.doc.pointer("/components/messages") else {
            return Ok(());
        };
        let Value::Object(messages) = messages else {
            return Err(self.error("/components/messages", "expected an object"));
        };
        for (key, message) in messages {
            self.message(message, &child("/components/messages", key), Some(key))?;
        }
        Ok(())
    }

    /// Gives each message that is an event its (unique) event name.
    pub(super) fn name_events(&mut self) -> Result<(), CatalogError> {
        let mut taken: BTreeSet<EntityName> = BTreeSet::new();
        for index in 0..self.messages.len() {
            let Some(message) = self.messages.get(index) else {
                continue;
            };
            let (value, pointer) = (message.value, message.pointer.clone());
            let name = match self.name(value, &pointer, "x-herald-event")? {
                Some(name) => name,
                None if self.herald => continue,
                None => {
                    let given = [
                        (self.major == 2).then(|| value.get("messageId")).flatten(),
                        value.get("name"),
                    ]
                    .into_iter()
                    .flatten()
                    .find_map(Value::as_str)
                    .map(str::to_owned)
                    .or_else(|| message.key.clone())
                    .unwrap_or_else(|| format!("message-{}", index + 1));
                    slug(&given, false).ok_or_else(|| {
                        self.error(&pointer, format!("message {given:?} gives no event name"))
                    })?
                }
            };
            let mut unique = name.clone();
            let mut n = 2;
            while taken.contains(&unique) {
                unique = EntityName::parse(&format!("{name}-{n}"))
                    .map_err(|e| self.error(&pointer, e))?;
                n += 1;
            }
            taken.insert(unique.clone());
            if let Some(message) = self.messages.get_mut(index) {
                message.event = Some(unique);
            }
        }
        Ok(())
    }

    pub(super) fn events(&self, subjects: &[Option<String>]) -> Result<Vec<Event>, CatalogError> {
        let mut events = Vec::new();
        for (index, message) in self.messages.iter().enumerate() {
            let Some(name) = message.event.clone() else {
                continue;
            };
            let (value, at) = (message.value, message.pointer.as_str());
            let topic = if self.herald {
                self.name(value, at, "x-herald-topic")?
            } else {
                message.topics.first().cloned()
            };
            let deprecated = value.get("deprecated") == Some(&Value::Bool(true));
            let lifecycle = match self.field::<Lifecycle>(value, at, "x-herald-lifecycle")? {
                Some(lifecycle) => lifecycle,
                None if deprecated => Lifecycle::Deprecated,
                None => Lifecycle::default(),
            };
            let description = match self.text(value, at, "description")? {
                Some(description) => Some(description),
                None => self.text(value, at, "summary")?,
            };
            events.push(Event {
                name,
                title: self.text(value, at, "title")?,
                description,
                kind: self
                    .field::<EventKind>(value, at, "x-herald-event-kind")?
                    .unwrap_or_default(),
                domain: self.name(value, at, "x-herald-domain")?,
                owner: self.name(value, at, "x-herald-owner")?,
                topic,
                subject: subjects.get(index).cloned().flatten(),
                lifecycle,
                deprecated_on: self.field(value, at, "x-herald-deprecated-on")?,
                sunset: self.field(value, at, "x-herald-sunset")?,
                replaced_by: self.name(value, at, "x-herald-replaced-by")?,
                tags: self.tags(value, at)?,
                metadata: self
                    .field(value, at, "x-herald-metadata")?
                    .unwrap_or_default(),
            });
        }
        Ok(events)
    }
}
